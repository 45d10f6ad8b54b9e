"""The migrations run up and down on SQLite and on PostgreSQL, and match the tables."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models.migrate import downgrade, upgrade
from models.tables import Base
from tests.integration.conftest import fresh_database, require_services

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
    require_services("start PostgreSQL to test its migrations")
    with fresh_database(DATABASE) as url:
        _round_trip(url)


def _article_matches_schema(path) -> list[tuple[str, str, str | None]]:
    query = "SELECT type, name, sql FROM sqlite_master WHERE name LIKE '%article_matches%'"
    with closing(sqlite3.connect(path)) as connection:
        return sorted(connection.execute(query))


def test_the_dropped_article_matches_table_comes_back_as_it_was_on_downgrade(tmp_path):
    before, after = tmp_path / "at-0005.sqlite", tmp_path / "down-to-0005.sqlite"
    upgrade(f"sqlite:///{before}", "0005")
    upgrade(f"sqlite:///{after}")
    assert _article_matches_schema(after) == []
    downgrade(f"sqlite:///{after}", "0005")
    assert _article_matches_schema(after) == _article_matches_schema(before) != []
