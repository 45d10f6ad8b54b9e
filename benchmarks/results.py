"""Rows of benchmark results: a measured value, its floor, and whether it passed.

Every measure module returns `Row`s; `print_table` shows them, and `--json PATH` hands them to
`run_all.py`, which runs each module in its own process.
"""

from __future__ import annotations

import argparse
import json
import operator
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "<": operator.lt,
}
_SHOWN = {">=": "≥", "<=": "≤", "<": "<"}


class Verdict(StrEnum):
    passed = "pass"
    failed = "FAIL"
    skipped = "skip"
    info = "info"  # measured for context, with no floor


@dataclass(frozen=True)
class Floor:
    compare: str  # ">=", "<=" or "<"
    threshold: float

    def holds(self, value: float) -> bool:
        return _COMPARE[self.compare](value, self.threshold)

    def __str__(self) -> str:
        return f"{_SHOWN[self.compare]} {self.threshold:g}"


@dataclass(frozen=True)
class Row:
    group: str  # the module that measured it: read, extract, end_to_end, api, memory
    measure: str
    value: float | None  # None when skipped
    unit: str = ""
    floor: Floor | None = None
    note: str = ""

    @property
    def verdict(self) -> Verdict:
        if self.value is None:
            return Verdict.skipped
        if self.floor is None:
            return Verdict.info
        return Verdict.passed if self.floor.holds(self.value) else Verdict.failed

    def shown_value(self) -> str:
        if self.value is None:
            return "-"
        value = self.value
        digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2 if value else 0
        return f"{value:,.{digits}f} {self.unit}".strip()

    def shown_floor(self) -> str:
        return f"{self.floor} {self.unit}".strip() if self.floor else ""


def skipped(
    group: str, measure: str, reason: str, floor: Floor | None = None, unit: str = ""
) -> Row:
    """Return a row for a measure that could not run, such as one whose service is down."""
    return Row(group, measure, None, unit, floor=floor, note=reason)


def markdown_table(rows: Sequence[Row]) -> str:
    lines = ["| measure | value | floor | result |", "|---|---:|---:|---|"]
    for row in rows:
        result = row.verdict.value
        if row.note:
            result += f" ({row.note})"
        lines.append(f"| {row.measure} | {row.shown_value()} | {row.shown_floor()} | {result} |")
    return "\n".join(lines)


def print_table(rows: Sequence[Row]) -> None:
    print(markdown_table(rows), flush=True)


def save_rows(rows: Sequence[Row], path: Path) -> None:
    path.write_text(json.dumps([asdict(row) for row in rows], indent=1))


def load_rows(path: Path) -> list[Row]:
    rows = []
    for item in json.loads(path.read_text()):
        floor = Floor(**item.pop("floor")) if item.get("floor") else None
        item.pop("floor", None)
        rows.append(Row(**item, floor=floor))
    return rows


def add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="a short run, to check it works")
    parser.add_argument("--json", type=Path, help="also write the rows here (for run_all.py)")


def report(rows: Sequence[Row], args: argparse.Namespace) -> int:
    """Print the rows, save them if asked, and return the exit code: 1 when a floor failed."""
    print()
    print_table(rows)
    if args.json:
        save_rows(rows, args.json)
    return 1 if any(row.verdict is Verdict.failed for row in rows) else 0
