"""The database as a whole: whether it answers."""

from __future__ import annotations

from sqlalchemy import text

from models.db import get_engine


def ping(database_url: str) -> None:
    """Run the smallest query there is; raises whatever the driver raises when it cannot."""
    with get_engine(database_url).connect() as connection:
        connection.execute(text("SELECT 1"))
