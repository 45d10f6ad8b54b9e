"""The document status read on PostgreSQL: one prepared statement, no thread, no ORM.

Upload pages poll a document until it is processed, so this is the API's busiest read. The
general path costs a trip to a thread and a round of the ORM, several times the query itself;
here one statement (`documents.PATIENT_USER_DOCUMENT`) runs on an asynchronous psycopg
pool. Only the plain answer comes from here: when no row comes back, or the database cannot be
asked, the caller takes the general path, which gives the same refusals as every other route.
SQLite (the embedded default), and an app whose start-up has not run, take the general path.

The one documented exception to "SQL only in models/repo": the statement itself is built
there, and only its compiled text and its execution on the pool live here.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import namedtuple_row
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import make_url

from api.security import SignIn
from intake.settings import Settings
from models.repo.documents import PATIENT_USER_DOCUMENT

_COMPILED = PATIENT_USER_DOCUMENT.compile(dialect=make_url("postgresql+psycopg://").get_dialect()())
_SQL = str(_COMPILED)
_CONSTANTS = dict(_COMPILED.params)  # the role; the ids are bound per call
# A request holding a database turn always finds a free connection in a healthy pool, so a
# longer wait means the pool cannot connect: give up soon and let the general path answer.
CONNECTION_WAIT_SECONDS = 1.0


def _conninfo(database_url: str) -> str | None:
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql" or url.get_driver_name() != "psycopg":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def open_pool(settings: Settings) -> AsyncConnectionPool | None:
    """The app's pool for status reads (at start-up); None when the database is not PostgreSQL.

    Opened without waiting for a connection, so the API starts while the database is away.
    """
    conninfo = _conninfo(settings.resolved_database_url)
    if conninfo is None:
        return None
    pool = AsyncConnectionPool(
        conninfo,
        min_size=1,
        # Sized to the database turns: a request holding a turn never waits for a connection.
        max_size=settings.api_concurrency,
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": namedtuple_row},
        timeout=CONNECTION_WAIT_SECONDS,
        open=False,
    )
    await pool.open(wait=False)
    return pool


async def find_for_patient_user(
    pool: AsyncConnectionPool | None, document_id: UUID, *, sign_in: SignIn
) -> Any | None:
    """The signed-in patient user's document row (its columns as attributes); None when this
    can't say."""
    if pool is None:
        return None
    params: dict[str, Any] = {
        **_CONSTANTS,
        "document_id": document_id,
        "user_id": sign_in.user_id,
        "session_id": sign_in.session_id,
    }
    try:
        async with pool.connection() as connection:
            cursor = await connection.execute(_SQL, params)
            row = await cursor.fetchone()
    except (psycopg.Error, TimeoutError):
        return None
    return row
