"""Schemathesis against /openapi.json: no 500s, and responses match the documented schema."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis", reason="pip install schemathesis")

from fastapi.testclient import TestClient  # noqa: E402

from api.deps import app_settings  # noqa: E402
from api.main import create_app  # noqa: E402
from intake import accounts  # noqa: E402
from intake.settings import Settings  # noqa: E402
from models.db import session_scope  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.schemas import Role  # noqa: E402

# The schema is loaded when the module is collected, so the app is built here too.
_HOME = Path(tempfile.mkdtemp(prefix="intake-openapi-"))
_SETTINGS = Settings(home=_HOME, secret_key="openapi-test-secret", login_rate_limit="10000/minute")
upgrade(_SETTINGS.resolved_database_url)
_APP = create_app()
_APP.dependency_overrides[app_settings] = lambda: _SETTINGS
with session_scope(_SETTINGS.resolved_database_url) as _session:
    accounts.create_user(
        _session,
        email="fuzz@example.org",
        password="fuzzing password",
        full_name="Fuzz",
        role=Role.patient,
    )
_TOKEN = TestClient(_APP).post(
    "/api/auth/token", data={"username": "fuzz@example.org", "password": "fuzzing password"}
)
AUTH = {"Authorization": f"Bearer {_TOKEN.json()['access_token']}"}

schema = schemathesis.openapi.from_asgi("/openapi.json", _APP)


@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_matches_its_schema(case):
    excluded = []
    if case.method == "POST" and case.path == "/api/documents":
        # Any bytes are a file: "false" in the file part is an upload, not a wrong type.
        excluded.append(schemathesis.checks.negative_data_rejection)
    case.call_and_validate(
        headers=AUTH,
        excluded_checks=[
            *excluded,
            # Business rules reject some schema-valid bodies (a taken email, a birth date in 528).
            schemathesis.checks.positive_data_acceptance,
            # Starlette answers 405 per route, naming only that route's methods in Allow.
            schemathesis.checks.allow_header_conformance,
        ],
    )
