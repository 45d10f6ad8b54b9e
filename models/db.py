"""Engines and sessions. The caller owns the transaction: `session_scope` commits or rolls back."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


@functools.cache
def get_engine(url: str) -> Engine:
    """Return one engine per database URL for the process."""
    if url.startswith("sqlite"):
        create_private_sqlite_file(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def create_private_sqlite_file(url: str) -> None:
    """Create the file of a SQLite URL readable and writable by its owner only (0600).

    SQLite gives its -wal and -shm files the mode of the database file, so they follow.
    An in-memory URL names no file and is left alone; `sqla+sqlite` (kombu's) is accepted too.
    """
    database = make_url(url.removeprefix("sqla+")).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    descriptor = os.open(database, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # WAL lets the API read while the worker writes; the busy timeout waits out short locks.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@functools.cache
def _session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


def new_session(url: str) -> Session:
    return _session_factory(url)()


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """Open a session that commits when the block succeeds and rolls back when it raises."""
    session = new_session(url)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
