"""`intake serve` runs the API and a worker beside it, and stopping it stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from tests.integration.faults import free_port


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_serve_stops_its_worker_when_stopped(tmp_path):
    port = free_port()
    env = {**os.environ, "INTAKE_HOME": str(tmp_path), "INTAKE_SECRET_KEY": "serve-test-secret"}
    env.pop("INTAKE_DATABASE_URL", None)
    env.pop("INTAKE_BROKER_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "intake.cli", "serve", "--port", str(port), "--concurrency", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/healthz").json() == {"status": "ok"}
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        workers = _children(server.pid)
        assert workers, "a worker runs beside the API"
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=40)
        for pid in workers:
            assert not _alive(pid), "the worker was left running"
    finally:
        if server.poll() is None:
            server.kill()
