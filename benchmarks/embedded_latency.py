"""Upload-to-done latency on the embedded default: `intake serve` with its SQLite broker.

    python benchmarks/embedded_latency.py [--documents 30] [--poll-seconds 0.1]

Starts a server in a temporary INTAKE_HOME, uploads small records one at a time and times
each from the upload's answer to the document reading `done`.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import httpx

RECORD = "Final diagnosis: invasive ductal carcinoma of the left breast, pT2 pN1a. ER positive."


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _status(client: httpx.Client, document_id: str, headers: dict[str, str]) -> str:
    response = client.get(f"/api/documents/{document_id}", headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"status read failed: {response.status_code} {response.text}")
    return str(response.json()["status"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=30)
    parser.add_argument("--poll-seconds", type=float, default=0.1, help="the broker's polling")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="intake-latency-")
    port = _free_port()
    env = {
        **os.environ,
        "INTAKE_HOME": home,
        "INTAKE_SECRET_KEY": "latency-benchmark-secret",
        "INTAKE_BROKER_POLL_SECONDS": str(args.poll_seconds),
    }
    env.pop("INTAKE_DATABASE_URL", None)
    env.pop("INTAKE_BROKER_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "intake.cli", "serve", "--port", str(port), "--concurrency", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    latencies = []
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(200):
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            client.post(
                "/api/auth/register",
                json={
                    "email": "bench@example.org",
                    "password": "benchmark password",
                    "full_name": "B",
                },
            )
            token = client.post(
                "/api/auth/token",
                data={"username": "bench@example.org", "password": "benchmark password"},
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            time.sleep(2)  # let the worker finish starting
            for number in range(args.documents):
                data = f"{RECORD} Reference {number}.".encode()
                files = {"file": (f"r{number}.txt", data, "text/plain")}
                document = client.post("/api/documents", files=files, headers=headers).json()
                started = time.perf_counter()
                while _status(client, document["id"], headers) not in ("done", "failed"):
                    time.sleep(0.01)
                latencies.append(time.perf_counter() - started)
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"\nEmbedded default (SQLite broker polling every {args.poll_seconds} s)\n")
    print("| measure | value |\n|---|---:|")
    print(f"| documents | {len(latencies)} |")
    print(f"| upload to done, p50 | {statistics.median(latencies) * 1000:.0f} ms |")
    print(f"| upload to done, p95 | {p95 * 1000:.0f} ms |")
    print(f"| upload to done, max | {latencies[-1] * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
