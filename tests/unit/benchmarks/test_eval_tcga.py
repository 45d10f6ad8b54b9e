"""The strict TCGA figures are a floor: an extraction change that lowers them fails here.

The floors are the strict figures the extractors reach today on each fixed half of the dev set
(`benchmarks/eval_tcga.py`); they rise with the extractors, never fall. Speed is measured in
`benchmarks/`, not here.
"""

from __future__ import annotations

import json
import os
from types import ModuleType
from typing import Any

import pytest

from tests.unit.benchmarks.scripts import load_benchmark

# half -> (type micro, stage from text alone, stage with age), strict scoring, rounded down.
FLOORS = {
    "A": (0.974, 0.823, 0.864),
    "B": (0.955, 0.845, 0.865),
}


@pytest.fixture(scope="module")
def eval_tcga() -> ModuleType:
    return load_benchmark("eval_tcga")


@pytest.fixture(scope="module")
def figures(eval_tcga: ModuleType) -> dict[str, dict[str, Any]]:
    missing = [p for p in (eval_tcga.DEFAULT_DATA, eval_tcga.SCORER) if not p.is_file()]
    if missing:
        message = f"the shared TCGA dev set or scorer is missing: {missing}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    reports = [json.loads(line) for line in eval_tcga.DEFAULT_DATA.read_text().splitlines()]
    by_half, _ = eval_tcga.evaluate([r for r in reports if r])
    return by_half


@pytest.mark.parametrize("half", sorted(FLOORS))
def test_strict_figures_hold_their_floor_on_each_half(
    figures: dict[str, dict[str, Any]], half: str
) -> None:
    type_floor, stage_floor, aged_floor = FLOORS[half]
    got = figures[half]
    assert got["type"]["micro"] >= type_floor
    assert got["stage"]["micro"] >= stage_floor
    assert got["stage_with_age"]["micro"] >= aged_floor


def test_halves_are_fixed_and_cover_every_report(eval_tcga: ModuleType) -> None:
    ids = [f"TCGA-{n:02d}-{n * 7:04d}" for n in range(200)]
    halves = [eval_tcga.half_of(i) for i in ids]
    assert set(halves) == {"A", "B"}
    assert halves == [eval_tcga.half_of(i) for i in ids]


def test_a_code_spanning_several_tcga_types_counts_as_no_type(eval_tcga: ModuleType) -> None:
    if not eval_tcga.STRICT_MAP.is_file():
        pytest.skip(f"the shared strict map is missing: {eval_tcga.STRICT_MAP}")
    types = eval_tcga.StrictTypes.load()
    assert types.tcga_type("CCRCC") == "KIRC"
    assert types.tcga_type("RCC") is None
    assert types.tcga_type("DIFG") is None
    assert types.tcga_type("NOT_A_CODE") is None
