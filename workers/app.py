"""The Celery app, built from Settings. The Celery command line needs a module-level `app`."""

from __future__ import annotations

import functools
import resource

from celery import Celery
from celery.signals import worker_process_init
from kombu.entity import Queue as KombuQueue

from intake.settings import Settings, create_home, get_settings
from models.db import create_private_sqlite_file
from models.schemas import Queue

QUEUES = tuple(Queue)


def create_app(settings: Settings) -> Celery:
    app = Celery("intake", broker=settings.resolved_broker_url, include=["workers.tasks"])
    app.conf.update(
        task_default_queue=Queue.documents.value,
        task_queues=[KombuQueue(name.value) for name in QUEUES],  # type: ignore[no-untyped-call]
        task_routes={
            "intake.process_document": {"queue": Queue.documents.value},
            "intake.reap_stuck_jobs": {"queue": Queue.maintenance.value},
        },
        # The database, not the broker, records what must be done: the reaper resends what
        # a broker lost and requeues what a dead worker left behind.
        beat_schedule={
            "reap-stuck-jobs": {
                "task": "intake.reap_stuck_jobs",
                "schedule": float(settings.reaper_interval),
                "options": {
                    "queue": Queue.maintenance.value,
                    "expires": float(settings.reaper_interval),
                },
            }
        },
        # At-least-once: a task is acknowledged after it ran, and given back if its worker dies.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,  # state lives in the database, not in a result backend
        task_soft_time_limit=settings.task_soft_time_limit,
        task_time_limit=settings.task_time_limit,
        broker_connection_retry_on_startup=True,
        # Redis redelivers unacknowledged tasks after this; longer than the hard time limit.
        broker_transport_options={"visibility_timeout": settings.task_time_limit * 4},
        worker_hijack_root_logger=False,
        task_serializer="json",
        accept_content=["json"],
    )
    if settings.embedded_broker:
        _tune_embedded_broker(app, settings)
    worker_process_init.connect(lambda **_: _limit_memory(settings), weak=False)
    return app


def _tune_embedded_broker(app: Celery, settings: Settings) -> None:
    # kombu's SQLAlchemy transport hands broker_transport_options to create_engine, so its
    # polling interval (1 s by default) can only be set on the transport class.
    from kombu.transport import sqlalchemy as sqla_transport

    create_home(settings)
    # kombu creates the broker file with the process umask; it holds task arguments.
    create_private_sqlite_file(settings.resolved_broker_url)
    sqla_transport.Transport.polling_interval = settings.broker_poll_seconds
    app.conf.broker_transport_options = {}


def _limit_memory(settings: Settings) -> None:
    # A hostile file (an image that decompresses to gigabytes) fails one task with MemoryError
    # instead of exhausting the machine; the crash-loop guard ends it if the child dies.
    if settings.worker_memory_limit_mb > 0:
        limit = settings.worker_memory_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@functools.cache
def app_for(settings: Settings) -> Celery:
    """Return the Celery app for these settings, built once (the API sends tasks through it)."""
    return create_app(settings)


app = app_for(get_settings())
