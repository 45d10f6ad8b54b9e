"""/metrics: a bearer token when one is set, otherwise this machine only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.deps import app_settings
from api.main import create_app
from intake.settings import Settings
from models.db import get_engine
from models.tables import Base

TOKEN = "a-long-random-scrape-token"

Client = Callable[..., TestClient]


@pytest.fixture
def client_of(tmp_path: Path) -> Iterator[Client]:
    """A client at a chosen address of an app with or without a metrics token."""
    urls: list[str] = []

    def build(host: str, *, metrics_token: str | None = None) -> TestClient:
        settings = Settings(
            home=tmp_path, secret_key="router-test-secret", metrics_token=metrics_token
        )
        Base.metadata.create_all(get_engine(settings.resolved_database_url))
        urls.append(settings.resolved_database_url)
        app = create_app()
        app.dependency_overrides[app_settings] = lambda: settings
        return TestClient(app, client=(host, 50000))

    yield build
    for url in urls:
        get_engine(url).dispose()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"])
def test_without_a_token_loopback_clients_read_the_metrics(client_of, host):
    response = client_of(host).get("/metrics")
    assert response.status_code == 200
    assert "intake_jobs" in response.text


@pytest.mark.parametrize("host", ["10.0.0.5", "203.0.113.9", "2001:db8::1", "testclient"])
def test_without_a_token_other_clients_are_refused(client_of, host):
    response = client_of(host).get("/metrics")
    assert response.status_code == 403
    assert response.json()["reason"] == "metrics_loopback_only"
    assert "intake_jobs" not in response.text


def test_with_a_token_any_client_with_it_reads_the_metrics(client_of):
    client = client_of("203.0.113.9", metrics_token=TOKEN)
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert "intake_jobs" in response.text


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer wrong",
        f"Basic {TOKEN}",
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
    ],
)
@pytest.mark.parametrize("host", ["127.0.0.1", "203.0.113.9"])
def test_with_a_token_a_missing_or_wrong_one_is_refused(client_of, host, authorization):
    client = client_of(host, metrics_token=TOKEN)
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "intake_jobs" not in response.text
