"""Measure the text-to-facts step on real TCGA pathology reports, on one core.

    .venv/bin/python benchmarks/extract.py [--quick] [--json PATH] [--data PATH]

Timed in CPU seconds of this process after a warm-up (vocabularies load once per process, as
a worker pays at start-up), best of several passes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from results import Floor, Row, add_common_options, report, skipped

from extractors.extract import extract_facts
from intake.profile import assemble_profile
from models.schemas import Page, ReadMethod

GROUP = "extract"
SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_DATA = SHARED / "data" / "tcga_dev" / "reports.jsonl"
REPORTS_FLOOR = Floor(">=", 500)
MEASURE = "extract_facts, TCGA reports/s (one core)"


def load_pages(path: Path) -> list[Page]:
    """Return each report as one plain-text page, the way eval_tcga.py reads them."""
    return [
        Page(number=1, text=json.loads(line)["text"], method=ReadMethod.plain_text)
        for line in path.read_text().splitlines()
        if line.strip()
    ]


def reports_per_cpu_second(
    steps: dict[str, Callable[[Page], object]], pages: list[Page], passes: int
) -> dict[str, float]:
    """Return each step's reports per CPU second from its fastest pass; steps take turns."""
    best = dict.fromkeys(steps, float("inf"))
    for _ in range(passes):
        for name, step in steps.items():
            started = time.process_time()
            for page in pages:
                step(page)
            best[name] = min(best[name], time.process_time() - started)
    return {name: len(pages) / seconds for name, seconds in best.items()}


def measure(*, quick: bool, data: Path = DEFAULT_DATA) -> list[Row]:
    if not data.exists():
        return [skipped(GROUP, MEASURE, f"no data at {data}", REPORTS_FLOOR, "/s")]
    pages = load_pages(data)
    passes = 2 if quick else 5
    # One untimed pass: vocabularies load and regular expressions compile on first use, as a
    # worker pays once at start-up.
    for page in pages:
        assemble_profile(extract_facts([page]).facts)
    rates = reports_per_cpu_second(
        {
            "facts": lambda page: extract_facts([page]),
            "profile": lambda page: assemble_profile(extract_facts([page]).facts),
        },
        pages,
        passes,
    )
    facts, with_profile = rates["facts"], rates["profile"]
    characters = sum(len(page.text) for page in pages) / len(pages)
    note = f"{len(pages)} reports, mean {characters:,.0f} characters"
    return [
        Row(GROUP, MEASURE, facts, "/s", floor=REPORTS_FLOOR, note=note),
        Row(GROUP, "extract_facts + assemble_profile, reports/s (one core)", with_profile, "/s"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_common_options(parser)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    return report(measure(quick=args.quick, data=args.data), args)


if __name__ == "__main__":
    sys.exit(main())
