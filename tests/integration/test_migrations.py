"""The migrations run up and down on SQLite and on PostgreSQL, and match the tables."""

from __future__ import annotations

import os

import pytest
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models.migrate import downgrade, upgrade
from models.tables import Base
from tests.integration.conftest import POSTGRES_URL, _unreachable

DATABASE = "intake_migrations"


def _round_trip(url: str) -> None:
    upgrade(url)
    downgrade(url, "base")
    upgrade(url)
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == [], "the tables and the migrations disagree"


def test_migrations_on_sqlite(tmp_path):
    _round_trip(f"sqlite:///{tmp_path / 'migrations.sqlite'}")


def test_migrations_on_postgresql():
    reason = _unreachable("services")
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI requires the real services")
        pytest.skip(f"{reason}: start PostgreSQL to test its migrations")
    admin = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        connection.execute(sqlalchemy.text(f"CREATE DATABASE {DATABASE}"))
    try:
        _round_trip(POSTGRES_URL.rsplit("/", 1)[0] + f"/{DATABASE}")
    finally:
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        admin.dispose()
