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


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The serious and critical accessibility problems axe-core finds on the page."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]
