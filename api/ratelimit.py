"""Rate limits and sign-in lockout (the `limits` library; in memory, or Redis when shared).

With `INTAKE_RATE_LIMIT_STORAGE` pointing at Redis, every API process counts against the same
windows, so running more processes gives an attacker no more tries.
"""

from __future__ import annotations

import functools
import math
import time

from fastapi import Request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from intake.settings import Settings
from models.errors import IntakeError

_FAILURES = "sign-in-failures"


class RateLimited(IntakeError):
    reason = "rate_limited"
    message = "Too many attempts. Please wait a minute and try again."


@functools.cache
def _limiter(storage_uri: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(storage_uri))


@functools.cache
def _items(rule: str) -> tuple[RateLimitItem, ...]:
    """The limits of a rule such as "30/minute;300/hour"."""
    return tuple(parse_many(rule))


def client_address(request: Request) -> str:
    """The client's address, a trusted proxy's X-Forwarded-For already applied."""
    return request.client.host if request.client else "unknown"


def check(settings: Settings, rule: str, *keys: str, message: str | None = None) -> None:
    """Count one hit against each limit of `rule` for the keys; raise when one is over."""
    limiter = _limiter(settings.rate_limit_storage)
    for item in _items(rule):
        if not limiter.hit(item, *keys):
            raise RateLimited(message)


def check_sign_in(settings: Settings, *, email: str, address: str) -> None:
    """Count a sign-in attempt against the client's address and the account, and refuse it
    while the account is locked, before any password is checked.

    A lock comes from failed attempts (`INTAKE_LOGIN_LOCKOUT`): each of its limits is a longer
    window with a higher count, so a lock grows the longer the guessing goes on. The right
    password is refused too while it lasts: otherwise a lock would tell a guesser when to stop.
    """
    check(settings, settings.login_address_rate_limit, "sign-in-address", address)
    check(settings, settings.login_rate_limit, "login", email.lower())
    limiter = _limiter(settings.rate_limit_storage)
    reset_at = 0.0
    for item in _items(settings.login_lockout):
        if not limiter.test(item, _FAILURES, email.lower()):
            reset_at = max(reset_at, limiter.get_window_stats(item, _FAILURES, email.lower())[0])
    if reset_at:
        minutes = max(1, math.ceil((reset_at - time.time()) / 60))
        raise RateLimited(
            "Too many failed sign-ins for this account. Please try again in "
            f"{minutes} minute{'s' if minutes > 1 else ''}.",
            reason="locked",
        )


def note_failed_sign_in(settings: Settings, *, email: str) -> None:
    limiter = _limiter(settings.rate_limit_storage)
    for item in _items(settings.login_lockout):
        limiter.hit(item, _FAILURES, email.lower())


def note_sign_in(settings: Settings, *, email: str) -> None:
    """A right password outside a lock starts the count of failures again."""
    limiter = _limiter(settings.rate_limit_storage)
    for item in _items(settings.login_lockout):
        limiter.clear(item, _FAILURES, email.lower())
