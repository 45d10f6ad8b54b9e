"""The Celery app built from Settings."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator

import pytest

from intake.settings import Settings
from workers.app import create_app


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that would leave new files readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_embedded_broker_is_kept_to_its_owner(tmp_path, open_umask):
    home = tmp_path / "home"
    settings = Settings(home=home, secret_key="test-secret-key-not-for-production")
    app = create_app(settings)
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
        connection.default_channel  # noqa: B018 - kombu creates its tables on first use
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "broker.sqlite").stat().st_mode) == 0o600
