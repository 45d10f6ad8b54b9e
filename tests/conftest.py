from __future__ import annotations

import os

import pytest

# Tests never read a developer's .env or embedded home.
os.environ.setdefault("INTAKE_SECRET_KEY", "test-secret-key-not-for-production")
# Every test signs up and signs in from the one test client's address; the tests of these
# limits set their own.
os.environ.setdefault("INTAKE_REGISTER_RATE_LIMIT", "100000/minute")
os.environ.setdefault("INTAKE_LOGIN_ADDRESS_RATE_LIMIT", "100000/minute")


@pytest.fixture
def record_pages() -> list[str]:
    from tests.factories import RECORD_PAGE_1, RECORD_PAGE_2

    return [RECORD_PAGE_1, RECORD_PAGE_2]
