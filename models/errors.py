"""Typed errors with a stable reason code and a message a person can understand.

The core raises these; `api/errors.py` maps them to HTTP in one place and failed jobs store
the same `reason`.
"""

from __future__ import annotations


class IntakeError(Exception):
    reason: str = "error"
    message: str = "Something went wrong."

    def __init__(self, message: str | None = None, *, reason: str | None = None) -> None:
        self.message = message or type(self).message
        self.reason = reason or type(self).reason
        super().__init__(self.message)


class UploadRejected(IntakeError):
    reason = "upload_rejected"
    message = "This file cannot be accepted."


class InvalidInput(IntakeError):
    """A request's content that cannot be used as sent: an unknown code, a missing value."""

    reason = "invalid_input"
    message = "This input cannot be used."


class MalformedRequest(IntakeError):
    """A request whose shape is wrong (400), such as one upload carrying two files."""

    reason = "malformed_request"
    message = "This request is not in a form that can be processed."


class UnknownTerm(InvalidInput):
    """A value the vocabularies do not know: refused, with the known values nearest to it."""

    reason = "unknown_term"
    message = "This value is not in the vocabulary."

    def __init__(
        self,
        message: str | None = None,
        *,
        reason: str | None = None,
        suggestions: list[str] | None = None,
    ) -> None:
        super().__init__(message, reason=reason)
        self.suggestions = suggestions or []


class NotFound(IntakeError):
    reason = "not_found"
    message = "Not found."


class DocumentNotFound(NotFound):
    reason = "document_not_found"
    message = "No such document."


class NotAuthenticated(IntakeError):
    reason = "not_authenticated"
    message = "Please sign in."


class NotPermitted(IntakeError):
    reason = "not_permitted"
    message = "You do not have access to this."


class Conflict(IntakeError):
    reason = "conflict"
    message = "This conflicts with existing data."


class UnreadableDocument(IntakeError):
    """A permanent failure reading a file: never retried."""

    reason = "unreadable"
    message = "We could not read this file."


class TransientError(IntakeError):
    """A failure worth retrying: a database or broker connection, an OCR timeout."""

    reason = "transient"
    message = "A temporary problem; the job will be retried."
