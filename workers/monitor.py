"""What the broker and the workers say about themselves: queue depths and active tasks."""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError as BrokerError

from intake.settings import Settings
from workers.app import QUEUES, app_for

log = logging.getLogger(__name__)


def queue_depths(settings: Settings) -> dict[str, int | None]:
    """Count waiting messages per queue; None where the broker cannot say."""
    depths: dict[str, int | None] = dict.fromkeys(QUEUES)
    try:
        with app_for(settings).connection_for_read() as connection:
            channel = connection.default_channel
            for name in QUEUES:
                try:
                    depths[name] = channel.queue_declare(queue=name, passive=True).message_count
                except BrokerError:
                    depths[name] = 0  # never declared: nothing was ever sent to it
    except (BrokerError, OSError) as error:
        log.warning("broker unavailable for queue depths: %s", type(error).__name__)
    return depths


def active_tasks(settings: Settings, *, timeout: float = 1.0) -> dict[str, list[str]]:
    """Ask the workers (Celery inspect) which task ids they are running."""
    if settings.embedded_broker:
        return {}  # the SQLite broker has no broadcast channel for remote control
    try:
        active = app_for(settings).control.inspect(timeout=timeout).active() or {}
    except (BrokerError, OSError) as error:
        log.warning("workers could not be inspected: %s", type(error).__name__)
        return {}
    return {worker: [task["id"] for task in tasks] for worker, tasks in active.items()}
