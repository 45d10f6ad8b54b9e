"""Bytes to pages of text, and pages of text to facts with evidence; no storage, no queues."""
