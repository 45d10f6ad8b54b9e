"""Rate limits for sign-in and uploads (the `limits` library; in memory, or Redis when shared)."""

from __future__ import annotations

import functools

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from intake.settings import Settings
from models.errors import IntakeError


class RateLimited(IntakeError):
    reason = "rate_limited"
    message = "Too many attempts. Please wait a minute and try again."


@functools.cache
def _limiter(storage_uri: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(storage_uri))


@functools.cache
def _item(rule: str) -> RateLimitItem:
    return parse(rule)


def check(settings: Settings, rule: str, *keys: str, message: str | None = None) -> None:
    """Count one hit against `rule` (e.g. "10/minute") for the keys; raise when over the limit."""
    if not _limiter(settings.rate_limit_storage).hit(_item(rule), *keys):
        raise RateLimited(message)
