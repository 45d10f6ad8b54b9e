"""Let one process at a time run a periodic job, whichever worker's beat sent it."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis

from intake.settings import Settings

log = logging.getLogger(__name__)


@contextmanager
def single_runner(settings: Settings, name: str, *, ttl_seconds: int) -> Iterator[bool]:
    """Yield True to the one holder of a Redis lock; without Redis (embedded) always True.

    The embedded mode runs on one machine, where running a reaper twice only repeats
    idempotent work; the lock saves that work where many workers share a Redis broker.
    """
    url = settings.resolved_broker_url
    if not url.startswith(("redis://", "rediss://")):
        yield True
        return
    client = redis.Redis.from_url(url)
    lock = client.lock(f"intake:lock:{name}", timeout=ttl_seconds, blocking=False)
    token = uuid.uuid4().hex
    try:
        acquired = bool(lock.acquire(token=token))
    except redis.RedisError as error:
        log.warning("lock %s unavailable (%s); running anyway", name, type(error).__name__)
        acquired = True
        lock = None
    try:
        yield acquired
    finally:
        if acquired and lock is not None:
            with contextlib.suppress(redis.RedisError):  # expired or Redis gone: the TTL frees it
                lock.release()
        client.close()
