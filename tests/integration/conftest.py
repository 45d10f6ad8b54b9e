"""A real stack per mode: the API in-process, a real `intake worker` process, a real broker.

`embedded` (SQLite + SQLite broker) runs everywhere; `services` (PostgreSQL + Redis) runs
where they answer, and with CI=true a missing service fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.deps import app_settings
from intake.settings import Settings

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
WORKER_START_SECONDS = 60


@dataclass
class Stack:
    mode: str
    settings: Settings
    client: TestClient
    worker: subprocess.Popen[bytes]
    log_path: Path

    def register(self, email: str, password: str = "correct horse battery") -> dict[str, str]:
        response = self.client.post(
            "/api/auth/register",
            json={
                "email": email,
                "password": password,
                "full_name": "Test Patient",
                "date_of_birth": "1970-01-02",
            },
        )
        assert response.status_code == 201, response.text
        token = self.client.post("/api/auth/token", data={"username": email, "password": password})
        assert token.status_code == 200, token.text
        return {"Authorization": f"Bearer {token.json()['access_token']}"}

    def wait_for(self, document_id: str, headers: dict[str, str], timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            body = self.client.get(f"/api/documents/{document_id}", headers=headers).json()
            if body["status"] in ("done", "failed"):
                return body
            assert self.worker.poll() is None, (
                "the worker died:\n" + self.log_path.read_text()[-4000:]
            )
            time.sleep(0.2)
        raise AssertionError(
            f"document {document_id} still {body['status']}:\n" + self.log_path.read_text()[-4000:]
        )


def _unreachable(mode: str) -> str | None:
    """Return why the services cannot be used, or None when they answer."""
    if mode == "embedded":
        return None
    import redis
    import sqlalchemy

    try:
        engine = sqlalchemy.create_engine(POSTGRES_URL)
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("SELECT 1"))
        engine.dispose()
    except sqlalchemy.exc.OperationalError as error:
        return f"PostgreSQL at {POSTGRES_URL} is unreachable ({type(error.orig).__name__})"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        return f"Redis at {REDIS_URL} is unreachable"
    return None


def _fresh_postgres() -> None:
    import sqlalchemy

    engine = sqlalchemy.create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(
            sqlalchemy.text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
        )
    engine.dispose()


@pytest.fixture(scope="session", params=["embedded", "services"])
def stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    mode = request.param
    if mode == "services":
        require_services(f"start PostgreSQL and Redis to run the {mode} tests")
    home = tmp_path_factory.mktemp(f"intake-{mode}")
    env = {
        **os.environ,
        "INTAKE_HOME": str(home),
        "INTAKE_SECRET_KEY": "integration-secret-key",
        "INTAKE_BROKER_POLL_SECONDS": "0.05",
    }
    if mode == "services":
        _fresh_postgres()
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        env |= {"INTAKE_DATABASE_URL": POSTGRES_URL, "INTAKE_BROKER_URL": REDIS_URL}
    settings = Settings(
        home=home,
        database_url=env.get("INTAKE_DATABASE_URL"),
        broker_url=env.get("INTAKE_BROKER_URL"),
        secret_key=env["INTAKE_SECRET_KEY"],
        broker_poll_seconds=0.05,
    )
    from models.migrate import upgrade

    upgrade(settings.resolved_database_url)
    with running_stack(mode, settings, env, concurrency=2) as running:
        yield running


@contextmanager
def running_stack(
    mode: str, settings: Settings, env: dict[str, str], *, concurrency: int
) -> Iterator[Stack]:
    """A real `intake worker` process run with `env`, and the API in-process on `settings`."""
    log_path = settings.home / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "intake.cli", "worker", "--concurrency", str(concurrency)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_ready(log_path, worker)
        from api.main import create_app

        app = create_app()
        app.dependency_overrides[app_settings] = lambda: settings
        with TestClient(app) as client:
            yield Stack(mode, settings, client, worker, log_path)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def require_services(purpose: str) -> None:
    """Skip unless PostgreSQL and Redis answer; with CI=true, fail instead."""
    reason = _unreachable("services")
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI requires the real services")
        pytest.skip(f"{reason}: {purpose}")


@contextmanager
def fresh_database(name: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for the block, by its URL; dropped afterwards."""
    import sqlalchemy

    from models.db import get_engine

    admin = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    drop = sqlalchemy.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    with admin.connect() as connection:
        connection.execute(drop)
        connection.execute(sqlalchemy.text(f"CREATE DATABASE {name}"))
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        get_engine(url).dispose()
        with admin.connect() as connection:
            connection.execute(drop)
        admin.dispose()


def _wait_until_ready(log_path: Path, worker: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WORKER_START_SECONDS
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise AssertionError("the worker exited:\n" + log_path.read_text())
        if "ready." in log_path.read_text():
            return
        time.sleep(0.2)
    raise AssertionError("the worker did not start:\n" + log_path.read_text())


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        home=tmp_path_factory.mktemp("api"), secret_key="api-test-secret", max_upload_bytes=10_000
    )


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    """The API on a fresh SQLite database; tasks go to a SQLite broker no worker reads."""
    from api.main import create_app
    from models.migrate import upgrade

    upgrade(settings.resolved_database_url)
    app = create_app()
    app.dependency_overrides[app_settings] = lambda: settings
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def api(settings: Settings, client: TestClient):  # type: ignore[no-untyped-def]
    from tests.integration.api_helpers import Api

    return Api(settings, client)
