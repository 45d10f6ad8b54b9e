"""Run the real stack for a benchmark: its own PostgreSQL database, a Redis db, the API
(`intake serve --no-worker`) and `intake worker` processes, all stopped on the way out.

The database is created and dropped here (never the tests' `test` database); the Redis db is
flushed before and after. Every process started is stopped in a `finally`, by its own id.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis
import sqlalchemy
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
INTAKE = Path(sys.executable).with_name("intake")
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
START_SECONDS = 90
STOP_SECONDS = 30
PASSWORD = "benchmark password 1"


def services_unreachable() -> str | None:
    """Return why PostgreSQL or Redis cannot be used, or None when both answer."""
    try:
        engine = sqlalchemy.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("SELECT 1"))
        engine.dispose()
    except sqlalchemy.exc.OperationalError as error:
        return f"PostgreSQL at {POSTGRES_URL} is unreachable ({type(error.orig).__name__})"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
        return f"Redis at {REDIS_URL} is unreachable"
    return None


@contextlib.contextmanager
def own_database(name: str) -> Iterator[str]:
    """Create a fresh database `name` beside the tests' one, yield its URL, drop it after."""
    server = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    quoted = f'"{name}"'
    try:
        with server.connect() as connection:
            connection.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
            connection.execute(sqlalchemy.text(f"CREATE DATABASE {quoted}"))
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
        server.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process started here: SIGTERM (a warm shutdown), then SIGKILL of its group."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        # start_new_session made the process its own group leader: this group is ours alone.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_SECONDS)


@dataclass
class Stack:
    """A running API over its own database and Redis db; workers come and go."""

    env: dict[str, str]
    home: Path
    base_url: str
    database_url: str
    api_workers: int = 1
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def spawn(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = (self.home / f"{name}.log").open("ab")
        process = subprocess.Popen(
            argv,
            env=self.env,
            cwd=self.home,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append(process)
        return process

    @property
    def api(self) -> subprocess.Popen[bytes]:
        return self.processes[0]

    def start_api(self) -> None:
        """Start `intake serve --no-worker` (it migrates the database first); wait until ready."""
        port = self.base_url.rsplit(":", 1)[1]
        argv = [str(INTAKE), "serve", "--no-worker", "--port", port]
        api = self.spawn("api", [*argv, "--api-workers", str(self.api_workers)])
        self.processes.remove(api)
        self.processes.insert(0, api)
        _wait_until_ready(self, api)

    def restart_api(self) -> None:
        """Stop the API and start it again on the same port, after it stopped answering."""
        stop(self.processes.pop(0))
        self.start_api()

    def log_tail(self, name: str, characters: int = 3000) -> str:
        path = self.home / f"{name}.log"
        return path.read_text(errors="replace")[-characters:] if path.exists() else ""

    @contextlib.contextmanager
    def workers(self, instances: int, concurrency: int) -> Iterator[list[subprocess.Popen[bytes]]]:
        """Run `instances` `intake worker --concurrency N` processes until the block ends."""
        started = []
        try:
            for index in range(instances):
                name = f"worker-{instances}x{concurrency}-{index}"
                argv = [str(INTAKE), "worker", "--concurrency", str(concurrency)]
                if index:
                    # One embedded beat is enough; a second would share its schedule file.
                    argv.append("--no-beat")
                started.append((name, self.spawn(name, argv)))
            for name, process in started:
                self._wait_for_log(name, process, "ready.")
            yield [process for _, process in started]
        finally:
            for _, process in started:
                stop(process)

    def _wait_for_log(self, name: str, process: subprocess.Popen[bytes], marker: str) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited:\n{self.log_tail(name)}")
            if marker in self.log_tail(name, 100_000):
                return
            time.sleep(0.2)
        raise RuntimeError(f"{name} did not start:\n{self.log_tail(name)}")

    def register(self, client: httpx.Client, email: str) -> dict[str, str]:
        """Create a patient and return its bearer header."""
        response = client.post(
            f"{self.base_url}/api/auth/register",
            json={
                "email": email,
                "password": PASSWORD,
                "full_name": "Benchmark Patient",
                "date_of_birth": "1970-01-02",
            },
        )
        if response.status_code != 201:
            raise RuntimeError(f"register {email}: {response.status_code} {response.text}")
        token = client.post(
            f"{self.base_url}/api/auth/token", data={"username": email, "password": PASSWORD}
        )
        if token.status_code != 200:
            raise RuntimeError(f"sign in {email}: {token.status_code} {token.text}")
        return {"Authorization": f"Bearer {token.json()['access_token']}"}

    def count_finished(self, engine: sqlalchemy.Engine) -> int:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    sqlalchemy.text(
                        "SELECT count(*) FROM documents WHERE status IN ('done', 'failed')"
                    )
                ).scalar_one()
            )


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    # SIGTERM (run_all's timeout, `timeout`, a CI stop) unwinds like Ctrl-C, so every
    # `finally` below stops the processes it started.
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def running_stack(name: str, *, api_workers: int = 1) -> Iterator[Stack]:
    """Start the API over a fresh database `name` and a flushed Redis db; stop all after."""
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        with _running_stack(name, api_workers) as stack:
            yield stack
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _running_stack(name: str, api_workers: int) -> Iterator[Stack]:
    broker = redis.Redis.from_url(REDIS_URL)
    with tempfile.TemporaryDirectory(prefix=f"{name}-") as home, own_database(name) as url:
        broker.flushdb()
        port = free_port()
        env = {
            **os.environ,
            "INTAKE_HOME": home,
            "INTAKE_DATABASE_URL": url,
            "INTAKE_BROKER_URL": REDIS_URL,
            "INTAKE_SECRET_KEY": "benchmark-secret-key-not-for-real-data",
            "INTAKE_UPLOAD_RATE_LIMIT": "100000/minute",
            "INTAKE_LOGIN_RATE_LIMIT": "100000/minute",
            "OMP_THREAD_LIMIT": "1",
            "PYTHONUNBUFFERED": "1",
        }
        stack = Stack(env, Path(home), f"http://127.0.0.1:{port}", url, api_workers)
        try:
            stack.start_api()
            yield stack
        finally:
            for process in reversed(stack.processes):
                stop(process)
            broker.flushdb()
            broker.close()


def _wait_until_ready(stack: Stack, api: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if api.poll() is not None:
            raise RuntimeError(f"the API exited:\n{stack.log_tail('api')}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{stack.base_url}/readyz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the API did not start:\n{stack.log_tail('api')}")
