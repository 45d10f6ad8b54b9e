"""Measure documents per second from upload to profile through the real stack, and the
workers' peak memory over the run.

    .venv/bin/python benchmarks/end_to_end.py [--quick] [--json PATH] [--documents N]
        [--documents-per-patient N] [--profile DIR]

The API (`intake serve --no-worker`) runs over its own PostgreSQL database (`intake_bench_e2e`,
created and dropped here) and Redis db 5; each worker layout is started in turn:
`--concurrency 1`, `--concurrency 2`, and two `--concurrency 1` instances. For each, a few
documents warm the workers up (vocabularies load on the first task), then all documents are
uploaded at once by 8 concurrent clients. Throughput is documents over the time from the first
upload to the last document done; latency is each document's created_at to its last update
(done), so under a burst it is mostly time in the queue. A second, idle measure uploads
documents one at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
import sqlalchemy
from processes import CpuMeter, PeakMemory, postgres_backends, process_tree
from profiling import sampling, summarize
from records import record_pdfs
from results import Floor, Row, add_common_options, report, skipped
from stack import Stack, running_stack, services_unreachable

GROUP = "end_to_end"
DATABASE = "intake_bench_e2e"
THROUGHPUT_FLOOR = Floor(">=", 20)
UPLOAD_CLIENTS = 8
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Layout:
    label: str
    instances: int
    concurrency: int
    floored: bool  # the floor is set for two worker processes

    @property
    def processes(self) -> int:
        return self.instances * self.concurrency


LAYOUTS = (
    Layout("1 worker process (--concurrency 1)", 1, 1, floored=False),
    Layout("2 worker processes (--concurrency 2)", 1, 2, floored=True),
    Layout("2 worker processes (--concurrency 1 x2)", 2, 1, floored=True),
)


@dataclass(frozen=True)
class Burst:
    documents: int
    uploaded_seconds: float
    finished_seconds: float
    latencies: list[float]
    failed: int
    unfinished: int
    reasons: list[str]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def _upload_all(
    stack: Stack, files: list[tuple[bytes, dict[str, str]]], clients: int
) -> list[str]:
    gate = asyncio.Semaphore(clients)
    limits = httpx.Limits(max_connections=clients)

    async with httpx.AsyncClient(base_url=stack.base_url, timeout=120, limits=limits) as client:

        async def upload(index: int, data: bytes, headers: dict[str, str]) -> str:
            async with gate:
                response = await client.post(
                    "/api/documents",
                    files={"file": (f"record-{index}.pdf", data, "application/pdf")},
                    headers=headers,
                )
            if response.status_code != 202:
                raise RuntimeError(f"upload {index}: {response.status_code} {response.text[:300]}")
            return str(response.json()["id"])

        return list(
            await asyncio.gather(
                *(upload(index, data, headers) for index, (data, headers) in enumerate(files))
            )
        )


def _finished(engine: sqlalchemy.Engine, ids: list[str]) -> list[tuple[str, float, float]]:
    """Return (status, created, updated) in epoch seconds of the finished documents of ids."""
    query = sqlalchemy.text(
        "SELECT status, EXTRACT(EPOCH FROM created_at), EXTRACT(EPOCH FROM updated_at) "
        "FROM documents WHERE status IN ('done', 'failed') AND CAST(id AS text) = ANY(:ids)"
    )
    with engine.connect() as connection:
        return [
            (status, float(created), float(updated))
            for status, created, updated in connection.execute(query, {"ids": ids})
        ]


def _failure_reasons(engine: sqlalchemy.Engine, ids: list[str]) -> list[str]:
    query = sqlalchemy.text(
        "SELECT error_reason FROM documents "
        "WHERE status = 'failed' AND CAST(id AS text) = ANY(:ids)"
    )
    with engine.connect() as connection:
        return [str(reason) for (reason,) in connection.execute(query, {"ids": ids})]


def run_burst(
    stack: Stack,
    engine: sqlalchemy.Engine,
    files: list[tuple[bytes, dict[str, str]]],
    memory: PeakMemory,
    timeout: float,
) -> Burst:
    """Upload every file at once and wait until all are done or failed (or time runs out)."""
    started = time.time()
    ids = asyncio.run(_upload_all(stack, files, UPLOAD_CLIENTS))
    uploaded = time.time() - started
    deadline = time.monotonic() + timeout
    rows = _finished(engine, ids)
    while len(rows) < len(ids) and time.monotonic() < deadline:
        memory.sample()
        time.sleep(POLL_SECONDS)
        rows = _finished(engine, ids)
    memory.sample()
    last = max((updated for _, _, updated in rows), default=time.time())
    return Burst(
        documents=len(ids),
        uploaded_seconds=uploaded,
        finished_seconds=last - started,
        latencies=[updated - created for _, created, updated in rows],
        failed=sum(status == "failed" for status, _, _ in rows),
        unfinished=len(ids) - len(rows),
        reasons=_failure_reasons(engine, ids),
    )


def run_one_at_a_time(
    stack: Stack, engine: sqlalchemy.Engine, files: list[tuple[bytes, dict[str, str]]]
) -> list[float]:
    """Upload documents one after another, each once the previous is done; return latencies."""
    latencies = []
    with httpx.Client(base_url=stack.base_url, timeout=60) as client:
        for index, (data, headers) in enumerate(files):
            response = client.post(
                "/api/documents",
                files={"file": (f"single-{index}.pdf", data, "application/pdf")},
                headers=headers,
            )
            response.raise_for_status()
            document_id = str(response.json()["id"])
            deadline = time.monotonic() + 60
            while not (rows := _finished(engine, [document_id])) and time.monotonic() < deadline:
                time.sleep(0.01)
            if rows:
                latencies.append(rows[0][2] - rows[0][1])
    return latencies


def _patients(
    stack: Stack, prefix: str, pdfs: list[bytes], per_patient: int
) -> list[tuple[bytes, dict[str, str]]]:
    """Spread the PDFs over new patients, `per_patient` each; return (file, auth header)."""
    files = []
    with httpx.Client(timeout=60) as client:
        for start in range(0, len(pdfs), per_patient):
            headers = stack.register(client, f"{prefix}-{start}@bench.example.org")
            files += [(data, headers) for data in pdfs[start : start + per_patient]]
    return files


def measure_layout(
    stack: Stack,
    engine: sqlalchemy.Engine,
    layout: Layout,
    pdfs: list[bytes],
    per_patient: int,
    profile_dir: Path | None,
) -> list[Row]:
    tag = f"{layout.instances}x{layout.concurrency}"
    print(f"end_to_end: {layout.label}: registering patients", file=sys.stderr, flush=True)
    warm = _patients(stack, f"warm-{tag}", pdfs[-3 * layout.processes :], per_patient)
    burst = _patients(stack, f"burst-{tag}", pdfs, per_patient)
    single = _patients(stack, f"single-{tag}", pdfs[:10], 10)
    with stack.workers(layout.instances, layout.concurrency) as workers:
        memory = PeakMemory([worker.pid for worker in workers])
        print(f"end_to_end: {layout.label}: warming up", file=sys.stderr, flush=True)
        run_burst(stack, engine, warm, memory, timeout=120)
        print(
            f"end_to_end: {layout.label}: {len(burst)} documents at once",
            file=sys.stderr,
            flush=True,
        )
        worker_pids = [worker.pid for worker in workers]
        meters = {name: CpuMeter() for name in ("worker", "api", "postgres")}
        pids = {
            "worker": lambda: [pid for root in worker_pids for pid in process_tree(root)],
            "api": lambda: process_tree(stack.api.pid),
            "postgres": lambda: postgres_backends(DATABASE),
        }
        for name, meter in meters.items():
            meter.start(pids[name]())
        with (
            sampling(worker_pids, profile_dir, f"worker-{tag}") as traces,
            sampling([stack.api.pid], profile_dir, f"api-upload-{tag}") as api_traces,
        ):
            result = run_burst(stack, engine, burst, memory, timeout=max(300.0, len(burst)))
        cpu = {name: meter.used(pids[name]()) / len(burst) for name, meter in meters.items()}
        for name, paths in (("worker", traces), ("api-upload", api_traces)):
            if paths:
                summary = summarize(paths)
                (profile_dir / f"{name}-{tag}-summary.txt").write_text(summary)  # type: ignore[operator]
                print(f"\n{name} profile, {layout.label}:\n{summary}\n", file=sys.stderr)
        idle = run_one_at_a_time(stack, engine, single)
    done = result.documents - result.failed - result.unfinished
    rate = done / result.finished_seconds if result.finished_seconds > 0 else 0.0
    # What the CPU alone would allow: the workers cannot use more than their processes, and
    # workers, API and PostgreSQL share the machine's cores.
    cores = os.cpu_count() or 1
    ceiling = min(layout.processes / cpu["worker"], cores / sum(cpu.values()))
    label = layout.label
    note = f"{result.documents} two-page PDFs, {per_patient} per patient"
    return [
        Row(
            GROUP,
            f"{label}: documents/s, upload to profile",
            rate,
            "/s",
            floor=THROUGHPUT_FLOOR if layout.floored else None,
            note=note,
        ),
        Row(
            GROUP,
            f"{label}: documents/s the CPU time allows on {cores} cores",
            ceiling,
            "/s",
            note="from the CPU seconds below; load-independent",
        ),
        Row(GROUP, f"{label}: worker CPU per document", cpu["worker"] * 1000, "ms"),
        Row(GROUP, f"{label}: API CPU per document (upload)", cpu["api"] * 1000, "ms"),
        Row(GROUP, f"{label}: PostgreSQL CPU per document", cpu["postgres"] * 1000, "ms"),
        Row(
            GROUP,
            f"{label}: latency p50 under the burst (queueing included)",
            _percentile(result.latencies, 0.5),
            "s",
        ),
        Row(
            GROUP,
            f"{label}: latency p99 under the burst (queueing included)",
            _percentile(result.latencies, 0.99),
            "s",
        ),
        Row(
            GROUP,
            f"{label}: latency p50, one document at a time",
            statistics.median(idle) if idle else None,
            "s",
            note=f"{len(idle)} documents",
        ),
        Row(
            GROUP,
            f"{label}: uploads/s accepted by the API during the burst",
            result.documents / result.uploaded_seconds,
            "/s",
            note=f"{UPLOAD_CLIENTS} clients",
        ),
        Row(
            GROUP,
            f"{label}: documents failed or unfinished",
            float(result.failed + result.unfinished),
            floor=Floor("<=", 0),
            note=_failure_note(result),
        ),
        Row(
            "memory",
            f"{label}: peak resident memory, largest worker process",
            memory.largest_mib(),
            "MiB",
        ),
        Row(
            "memory",
            f"{label}: peak resident memory, whole worker tree",
            memory.total_mib(),
            "MiB",
            note=f"{memory.processes()} processes",
        ),
    ]


def _failure_note(result: Burst) -> str:
    if not (result.failed or result.unfinished):
        return ""
    reasons = ", ".join(f"{n} {reason}" for reason, n in Counter(result.reasons).most_common())
    return f"{result.failed} failed ({reasons}), {result.unfinished} unfinished"


def measure(
    *,
    quick: bool,
    documents: int | None = None,
    per_patient: int = 10,
    profile_dir: Path | None = None,
    layouts: list[str] | None = None,
    keep_logs: Path | None = None,
) -> list[Row]:
    count = documents or (100 if quick else 500)
    chosen = [
        layout
        for layout in LAYOUTS
        if not layouts or f"{layout.instances}x{layout.concurrency}" in layouts
    ]
    reason = services_unreachable()
    if reason:
        return [
            skipped(
                GROUP,
                f"{layout.label}: documents/s, upload to profile",
                reason,
                THROUGHPUT_FLOOR if layout.floored else None,
                "/s",
            )
            for layout in chosen
        ]
    print(f"end_to_end: making {count} two-page record PDFs", file=sys.stderr, flush=True)
    pdfs = record_pdfs(count, seed=23)
    rows: list[Row] = []
    with running_stack(DATABASE) as stack:
        engine = sqlalchemy.create_engine(stack.database_url)
        try:
            for layout in chosen:
                rows += measure_layout(stack, engine, layout, pdfs, per_patient, profile_dir)
        finally:
            engine.dispose()
            if keep_logs:
                keep_logs.mkdir(parents=True, exist_ok=True)
                for log in stack.home.glob("*.log"):
                    shutil.copy(log, keep_logs / log.name)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_common_options(parser)
    parser.add_argument("--documents", type=int, help="documents per burst (500; 100 quick)")
    parser.add_argument("--documents-per-patient", type=int, default=10)
    parser.add_argument("--profile", type=Path, help="sample the workers with py-spy into DIR")
    parser.add_argument(
        "--layouts",
        help="comma-separated INSTANCESxCONCURRENCY, of 1x1,1x2,2x1 (default: all three)",
    )
    parser.add_argument(
        "--keep-logs", type=Path, help="copy the API and worker logs here at the end"
    )
    args = parser.parse_args()
    rows = measure(
        quick=args.quick,
        documents=args.documents,
        per_patient=args.documents_per_patient,
        profile_dir=args.profile,
        layouts=args.layouts.split(",") if args.layouts else None,
        keep_logs=args.keep_logs,
    )
    return report(rows, args)


if __name__ == "__main__":
    sys.exit(main())
