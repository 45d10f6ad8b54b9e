"""Run every benchmark, print one table, and write it to benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/run_all.py [--quick] [--skip-e2e] [--skip-api] [--skip-ocr]
        [--only read,extract,startup,end_to_end,api_latency] [--profile DIR] [--output PATH]

Each measure runs in a process of its own (read.py, extract.py, startup.py, end_to_end.py,
api_latency.py), so one cannot warm or slow another, and each can be run alone. The end-to-end
and API measures need PostgreSQL and Redis; when they are unreachable their rows say so and
are skipped, not failed. The exit code is 1 when a floor failed or a module crashed.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe_machine, load_average, markdown_machine
from results import Floor, Row, Verdict, load_rows, markdown_table, print_table

HERE = Path(__file__).resolve().parent
MODULES = ("read", "extract", "startup", "end_to_end", "api_latency")
TIMEOUT_SECONDS = 3600
STOP_SECONDS = 120


def run_module(name: str, options: list[str], workdir: Path) -> list[Row]:
    """Run one benchmark module in its own process and return its rows."""
    output = workdir / f"{name}.json"
    argv = [sys.executable, str(HERE / f"{name}.py"), "--json", str(output), *options]
    print(f"\n== {name}: {' '.join(argv[1:])}", flush=True)
    started = time.monotonic()
    module = subprocess.Popen(argv)
    try:
        returncode = module.wait(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        # SIGTERM first: the module stops the servers and workers it started.
        module.terminate()
        try:
            module.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            module.kill()
            module.wait()
        return [Row(name, f"{name}: finished", 0.0, floor=Floor(">=", 1), note="timed out")]
    except BaseException:
        module.terminate()
        module.wait(timeout=STOP_SECONDS)
        raise
    print(f"== {name}: {time.monotonic() - started:.0f} s", flush=True)
    if not output.exists():
        return [
            Row(
                name,
                f"{name}: exit code (no table written)",
                float(returncode),
                floor=Floor("<=", 0),
                note="crashed; see its output above",
            )
        ]
    return load_rows(output)


def _module_options(name: str, args: argparse.Namespace) -> list[str]:
    options = ["--quick"] if args.quick else []
    if name == "read" and args.skip_ocr:
        options.append("--skip-ocr")
    if name in ("end_to_end", "api_latency") and args.profile:
        options += ["--profile", str(args.profile)]
    return options


def write_results(
    path: Path, rows: list[Row], machine: dict[str, str], command: str, seconds: float
) -> None:
    failed = [row.measure for row in rows if row.verdict is Verdict.failed]
    text = "\n\n".join(
        [
            "# Benchmark results",
            "Written by `benchmarks/run_all.py`; run it again to refresh. Floors are set for a "
            "2-core machine. Text reading and extraction are timed in CPU seconds of one "
            "process; the end-to-end and API figures are wall time with everything on this "
            "machine (clients included), so a busy machine makes them pessimistic.",
            f"Command: `{command}` ({seconds:.0f} s)",
            markdown_machine(machine | {"load average at end": load_average()}),
            markdown_table(rows),
            f"Floors failed: {', '.join(failed)}" if failed else "Every floor held.",
        ]
    )
    path.write_text(text + "\n")


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds into run_module, which stops the running module


def main() -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run, to check it works")
    parser.add_argument("--skip-e2e", action="store_true", help="skip the end-to-end run")
    parser.add_argument("--skip-api", action="store_true", help="skip the API latency run")
    parser.add_argument("--skip-ocr", action="store_true", help="skip the OCR measure")
    parser.add_argument("--only", help=f"comma-separated modules: {','.join(MODULES)}")
    parser.add_argument("--profile", type=Path, help="sample workers and API with py-spy")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()

    chosen = args.only.split(",") if args.only else list(MODULES)
    unknown = set(chosen) - set(MODULES)
    if unknown:
        parser.error(f"unknown modules: {', '.join(sorted(unknown))}")
    if args.skip_e2e:
        chosen = [name for name in chosen if name != "end_to_end"]
    if args.skip_api:
        chosen = [name for name in chosen if name != "api_latency"]

    machine = describe_machine()
    started = time.monotonic()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="benchmarks-") as workdir:
        for name in chosen:
            rows += run_module(name, _module_options(name, args), Path(workdir))
    seconds = time.monotonic() - started

    command = " ".join([".venv/bin/python benchmarks/run_all.py", *sys.argv[1:]])
    print("\n" + markdown_machine(machine) + "\n")
    print_table(rows)
    write_results(args.output, rows, machine, command, seconds)
    print(f"\nwritten to {args.output}")
    return 1 if any(row.verdict is Verdict.failed for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
