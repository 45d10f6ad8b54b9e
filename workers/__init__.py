"""Celery app and tasks: the thin shell around `intake.pipeline`."""
