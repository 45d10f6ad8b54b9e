"""A real server (`intake serve`: API + worker on the embedded default) and headless Chromium."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import pytest

CHROMIUM = os.environ.get("INTAKE_E2E_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(
    os.environ.get("INTAKE_E2E_ARTIFACTS", Path(__file__).parents[2] / ".artifacts" / "e2e")
)


@dataclass
class Server:
    url: str
    env: dict[str, str]

    def create_user(self, email: str, password: str, role: str) -> None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "intake.cli",
                "users",
                "create",
                "--email",
                email,
                "--password-stdin",
                "--role",
                role,
            ],
            input=f"{password}\n".encode(),
            env=self.env,
            check=True,
            capture_output=True,
        )

    def reset_path(self, email: str) -> str:
        """A one-time password-reset link for the user, as `intake users reset` prints it."""
        printed = subprocess.run(
            [sys.executable, "-m", "intake.cli", "users", "reset", email],
            env=self.env,
            check=True,
            capture_output=True,
        )
        return str(json.loads(printed.stdout)["path"])

    def fail_job(self, document_id: str, reason: str) -> None:
        """End a document's job as failed for a reason of the machinery (a worker ran out of
        time), in the server's own database: the one failure a page cannot cause on purpose."""
        from intake import transitions
        from intake.pipeline import PIPELINE_VERSION
        from intake.settings import Settings
        from models.db import session_scope
        from models.errors import IntakeError
        from models.repo import jobs

        settings = Settings(home=Path(self.env["INTAKE_HOME"]))
        with session_scope(settings.resolved_database_url) as session:
            job = jobs.find_for_document(
                session, document_id=UUID(document_id), pipeline_version=PIPELINE_VERSION
            )
            assert job is not None, document_id
            transitions.fail(
                session, job, IntakeError("The worker ran out of time.", reason=reason)
            )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("e2e-home")
    port = _free_port()
    env = {
        **os.environ,
        "INTAKE_HOME": str(home),
        "INTAKE_SECRET_KEY": "e2e-secret-key-for-tests-only",
        "INTAKE_BROKER_POLL_SECONDS": "0.05",
    }
    env.pop("INTAKE_DATABASE_URL", None)
    env.pop("INTAKE_BROKER_URL", None)
    log = (home / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "intake.cli", "serve", "--port", str(port), "--concurrency", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            break
        except OSError:
            assert process.poll() is None, (home / "server.log").read_text()
            time.sleep(0.3)
    else:
        raise AssertionError("the server did not start:\n" + (home / "server.log").read_text())
    yield Server(url, env)
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


BLOCKING_IMPACTS = {"serious", "critical"}
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The serious and critical accessibility problems axe-core finds on the page."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def check_page(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Screenshot the page at desktop and phone width; axe-core and the width checked at each."""
    problems = []
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"{name}-{size}")
        problems += [f"[{size}] {v}" for v in axe_violations(page)]
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            problems.append(f"[{size}] {width[0]} px wide on a {width[1]} px screen")
    page.set_viewport_size(SIZES["desktop"])
    assert not problems, "\n".join(problems)


def documents_settled(page, count: int, *, timeout: float = 120.0) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """Wait until the signed-in patient has `count` documents, each read or failed; their list.

    Polled from Python with the page's cookies: `wait_for_function` takes a returned Promise as
    a truthy value at once, so it cannot wait on a `fetch`.
    """
    base = page.url.split("/", 3)[:3]
    deadline = time.monotonic() + timeout
    while True:
        listed = page.request.get("/".join(base) + "/api/documents").json()
        if len(listed) == count and all(d["status"] in ("done", "failed") for d in listed):
            return list(listed)
        assert time.monotonic() < deadline, f"documents not settled: {listed}"
        time.sleep(0.3)
