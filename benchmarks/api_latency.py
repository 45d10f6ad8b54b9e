"""Measure API latency and requests per second at 50 (and 10) concurrent clients on loopback.

    .venv/bin/python benchmarks/api_latency.py [--quick] [--json PATH] [--generator wrk|httpx]
        [--profile DIR]

The API (`intake serve --no-worker`) runs over its own PostgreSQL database (`intake_bench_api`,
created and dropped here) and Redis db 5. A patient uploads a few records and a worker turns
them into a profile; the worker is then stopped so only the API serves. The load comes from a
second process: `wrk` when installed (`apt-get install wrk`), else benchmarks/load.py.
A request that never gets an answer counts as failed and its latency as infinite.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from processes import CpuMeter, postgres_backends, process_tree
from profiling import sampling, summarize
from records import record_pdfs
from results import Floor, Row, add_common_options, report, skipped
from stack import Stack, running_stack, services_unreachable

GROUP = "api"
DATABASE = "intake_bench_api"
CLIENTS = 50
LIGHT_CLIENTS = 10
RECOVER_SECONDS = 15
STATUS_P99_FLOOR = Floor("<", 50)
DOCUMENTS = 6
LOAD_SCRIPT = Path(__file__).with_name("load.py")


@dataclass(frozen=True)
class Load:
    requests: int
    errors: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float


@dataclass(frozen=True)
class CpuPerRequest:
    """CPU milliseconds per answered request: what one request costs, whatever else is running."""

    api_ms: float
    postgres_ms: float


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS_MS[unit]


def run_wrk(url: str, headers: dict[str, str], clients: int, seconds: float) -> Load:
    argv = ["wrk", "--threads", "2", "--connections", str(clients), "--duration", f"{seconds:g}s"]
    argv += ["--latency", "--timeout", "10s"]
    for name, value in headers.items():
        argv += ["--header", f"{name}: {value}"]
    output = subprocess.run(
        [*argv, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", output, re.MULTILINE))
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors = sum(
        int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|timeout):? (\d+)", output)
    )
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+)", output)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return Load(
        requests=requests,
        errors=errors,
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=_wrk_ms(percentiles["50"]),
        p99_ms=_wrk_ms(percentiles["99"]),
    )


def run_httpx(url: str, headers: dict[str, str], clients: int, seconds: float) -> Load:
    argv = [sys.executable, str(LOAD_SCRIPT), url, "--clients", str(clients)]
    argv += ["--seconds", str(seconds)]
    for name, value in headers.items():
        argv += ["--header", f"{name}: {value}"]
    result = json.loads(
        subprocess.run(
            argv, capture_output=True, text=True, check=True, timeout=seconds + 120
        ).stdout
    )
    return Load(
        requests=int(result["requests"]),
        errors=int(result["errors"]),
        requests_per_second=result["requests_per_second"],
        p50_ms=result["p50_ms"],
        p99_ms=result["p99_ms"],
    )


def _prepare(stack: Stack) -> tuple[dict[str, str], str]:
    """Make a patient with a processed profile; return its auth header and one document id."""
    with httpx.Client(base_url=stack.base_url, timeout=60) as client:
        headers = stack.register(client, "latency@bench.example.org")
        ids = []
        for index, data in enumerate(record_pdfs(DOCUMENTS, seed=41)):
            response = client.post(
                "/api/documents",
                files={"file": (f"record-{index}.pdf", data, "application/pdf")},
                headers=headers,
            )
            response.raise_for_status()
            ids.append(response.json()["id"])
        with stack.workers(1, 1):
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                statuses = {
                    client.get(f"/api/documents/{i}", headers=headers).json()["status"] for i in ids
                }
                if statuses <= {"done", "failed"}:
                    break
                time.sleep(0.3)
            else:
                raise RuntimeError(f"documents not processed in time: {statuses}")
        response = client.get("/api/profile", headers=headers)
        # A broken profile is measured anyway: its failed requests fail that row.
        if response.status_code != 200:
            print(f"api: GET /api/profile answers {response.status_code}", file=sys.stderr)
        elif not response.json()["profile"].get("diagnoses"):
            print("api: the profile has no diagnosis; it reads less than usual", file=sys.stderr)
    return headers, ids[0]


def measure(
    *,
    quick: bool,
    generator: str | None = None,
    profile_dir: Path | None = None,
    api_workers: int = 2,
) -> list[Row]:
    targets = ("GET /api/documents/{id}", "GET /api/profile")
    reason = services_unreachable()
    if reason:
        return [
            skipped(
                GROUP,
                f"{targets[0]}, {CLIENTS} clients: p99 latency",
                reason,
                STATUS_P99_FLOOR,
                "ms",
            ),
            skipped(GROUP, f"{targets[1]}, {CLIENTS} clients: p99 latency", reason, unit="ms"),
        ]
    generator = generator or ("wrk" if shutil.which("wrk") else "httpx")
    drive = run_wrk if generator == "wrk" else run_httpx
    seconds = 5.0 if quick else 20.0
    rows: list[Row] = []
    with running_stack(DATABASE, api_workers=api_workers) as stack:
        headers, document_id = _prepare(stack)
        paths = (f"/api/documents/{document_id}", "/api/profile")
        for target, path in zip(targets, paths, strict=True):
            url = f"{stack.base_url}{path}"
            name = "status" if "documents" in target else "profile"
            # Fewer clients first: if the API stalls at the full count, the lighter figure
            # still says what one request costs.
            for clients in (LIGHT_CLIENTS, CLIENTS):
                print(f"api: {target}, {clients} clients, {generator}", file=sys.stderr, flush=True)
                responsive = _wait_until_answering(url, headers)
                if not responsive:
                    print("api: the API stopped answering; restarting it", file=sys.stderr)
                    stack.restart_api()
                drive(url, headers, clients, 2.0)  # warm-up: connections, first-call caches
                api_meter, postgres_meter = CpuMeter(), CpuMeter()
                api_meter.start(process_tree(stack.api.pid))
                postgres_meter.start(postgres_backends(DATABASE))
                with sampling([stack.api.pid], profile_dir, f"api-{name}-{clients}") as traces:
                    load = drive(url, headers, clients, seconds)
                answered = max(load.requests, 1)
                cpu = CpuPerRequest(
                    api_ms=api_meter.used(process_tree(stack.api.pid)) * 1000 / answered,
                    postgres_ms=postgres_meter.used(postgres_backends(DATABASE)) * 1000 / answered,
                )
                if traces:
                    summary = summarize(traces)
                    summary_path = profile_dir / f"api-{name}-{clients}-summary.txt"  # type: ignore[operator]
                    summary_path.write_text(summary)
                    print(
                        f"\nAPI profile, {target}, {clients} clients:\n{summary}\n", file=sys.stderr
                    )
                how = f"{seconds:g} s, {generator}, {api_workers} API process(es)"
                how += "" if responsive else ", API restarted"
                rows += _rows(target, clients, load, how, cpu)
    return rows


def _wait_until_answering(url: str, headers: dict[str, str]) -> bool:
    """Wait until one request is answered (a stalled API may recover); False if it never is."""
    deadline = time.monotonic() + RECOVER_SECONDS
    while time.monotonic() < deadline:
        try:
            httpx.get(url, headers=headers, timeout=5)
            return True
        except httpx.HTTPError:
            time.sleep(1)
    return False


def _rows(target: str, clients: int, load: Load, how: str, cpu: CpuPerRequest) -> list[Row]:
    label = f"{target}, {clients} clients"
    floor = STATUS_P99_FLOOR if "documents" in target and clients == CLIENTS else None
    failed_note = f"of {load.requests}" if load.requests else "no request was answered"
    return [
        Row(
            GROUP,
            f"{label}: p50 latency",
            load.p50_ms if load.requests else math.inf,
            "ms",
            note=how if load.requests else "no answers",
        ),
        Row(
            GROUP,
            f"{label}: p99 latency",
            load.p99_ms if load.requests else math.inf,
            "ms",
            floor=floor,
            note="" if load.requests else "no answers",
        ),
        Row(GROUP, f"{label}: requests/s", load.requests_per_second, "/s"),
        Row(GROUP, f"{label}: API CPU per request", cpu.api_ms, "ms", note="all API processes"),
        Row(GROUP, f"{label}: PostgreSQL CPU per request", cpu.postgres_ms, "ms"),
        Row(
            GROUP,
            f"{label}: failed requests",
            float(load.errors if load.requests else max(load.errors, 1)),
            floor=Floor("<=", 0),
            note=failed_note,
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_common_options(parser)
    parser.add_argument("--generator", choices=["wrk", "httpx"], help="default: wrk if present")
    parser.add_argument("--profile", type=Path, help="sample the API with py-spy into DIR")
    parser.add_argument(
        "--api-workers",
        type=int,
        default=2,
        help="`intake serve --api-workers N` (default 2: one per core, as in docker-compose.yml)",
    )
    args = parser.parse_args()
    return report(
        measure(
            quick=args.quick,
            generator=args.generator,
            profile_dir=args.profile,
            api_workers=args.api_workers,
        ),
        args,
    )


if __name__ == "__main__":
    sys.exit(main())
