from __future__ import annotations

import os

import pytest

# Tests never read a developer's .env or embedded home.
os.environ.setdefault("INTAKE_SECRET_KEY", "test-secret-key-not-for-production")


@pytest.fixture
def record_pages() -> list[str]:
    from tests.factories import RECORD_PAGE_1, RECORD_PAGE_2

    return [RECORD_PAGE_1, RECORD_PAGE_2]
