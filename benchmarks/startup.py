"""Measure `intake extract` as a person runs it: a new process, start-up included.

    .venv/bin/python benchmarks/startup.py [--quick] [--json PATH] [--data PATH]

Two measures, in wall time: one short text file (the median of several runs, each a new
process), and the TCGA dev reports written one per file and given to one `intake extract`
(reports per second, start-up included). The CPU seconds of the same processes are shown beside
them, since other work on the machine slows wall time but hardly CPU time. The compiled cache of
data files lives in a folder of this run's own: one first run fills it (shown, with no floor),
and the measured runs then find it, as every run after a person's first does.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from results import Floor, Row, add_common_options, report, skipped

GROUP = "startup"
ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_DATA = SHARED / "data" / "tcga_dev" / "reports.jsonl"
SHORT_TEXT = "Invasive ductal carcinoma of the left breast, pT2 N1a M0. ER positive (95%).\n"
SHORT_FLOOR = Floor("<=", 1.0)
REPORTS_FLOOR = Floor(">=", 500)
SHORT_MEASURE = "intake extract, one short text file, wall s (median)"
REPORTS_MEASURE = "intake extract over the TCGA dev reports as files, reports/s with start-up"


@dataclass(frozen=True)
class Run:
    wall_seconds: float
    cpu_seconds: float
    lines: int


def run_extract(paths: list[Path], environment: dict[str, str]) -> Run:
    """Run `intake extract` on `paths` in a new process; fail unless it printed each profile."""
    argv = [sys.executable, "-m", "intake.cli", "extract", *map(str, paths)]
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert process.stdout is not None
    with process.stdout:
        lines = sum(1 for _ in process.stdout)
    # wait4 gives the CPU time of this one child, whatever else this process started.
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0 or lines != len(paths):
        raise RuntimeError(f"intake extract exited {process.returncode} after {lines} profiles")
    return Run(wall, usage.ru_utime + usage.ru_stime, lines)


def write_reports(data: Path, folder: Path) -> list[Path]:
    """Write each report of the JSON Lines file `data` to a text file of its own."""
    paths = []
    for line in data.read_text().splitlines():
        if line.strip():
            report_row = json.loads(line)
            path = folder / f"{report_row['id']}.txt"
            path.write_text(report_row["text"])
            paths.append(path)
    return paths


def measure(*, quick: bool, data: Path = DEFAULT_DATA) -> list[Row]:
    runs = 3 if quick else 9
    passes = 1 if quick else 3
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as workdir:
        folder = Path(workdir)
        environment = os.environ | {"XDG_CACHE_HOME": str(folder / "cache")}
        short = folder / "short.txt"
        short.write_text(SHORT_TEXT)

        first = run_extract([short], environment)
        short_runs = [run_extract([short], environment) for _ in range(runs)]
        rows = [
            Row(
                GROUP,
                SHORT_MEASURE,
                statistics.median(run.wall_seconds for run in short_runs),
                "s",
                floor=SHORT_FLOOR,
                note=f"{runs} runs",
            ),
            Row(
                GROUP,
                "intake extract, one short text file, CPU s (median)",
                statistics.median(run.cpu_seconds for run in short_runs),
                "s",
            ),
            Row(
                GROUP,
                "intake extract, one short text file, first run (fills the cache), wall s",
                first.wall_seconds,
                "s",
            ),
        ]

        if not data.exists():
            return [*rows, skipped(GROUP, REPORTS_MEASURE, f"no data at {data}", REPORTS_FLOOR)]
        reports = folder / "reports"
        reports.mkdir()
        paths = write_reports(data, reports)
        many = [run_extract(paths, environment) for _ in range(passes)]
        note = f"{len(paths)} files, best of {passes}" if passes > 1 else f"{len(paths)} files"
        return [
            *rows,
            Row(
                GROUP,
                REPORTS_MEASURE,
                len(paths) / min(run.wall_seconds for run in many),
                "/s",
                floor=REPORTS_FLOOR,
                note=note,
            ),
            Row(
                GROUP,
                "the same, reports per CPU second with start-up",
                len(paths) / min(run.cpu_seconds for run in many),
                "/s",
            ),
        ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_common_options(parser)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    return report(measure(quick=args.quick, data=args.data), args)


if __name__ == "__main__":
    sys.exit(main())
