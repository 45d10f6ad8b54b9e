"""The record corpora are regression suites: their figures are floors.

`benchmarks/eval_records.py` scores every record's gold against the profile the extractors make
of it. `tests/records` is the corpus rules are written on; `tests/records_holdout`, written by
another hand in other styles, checks that they hold beyond it. The floors below are the figures
reached today; they rise with the extractors, never fall, and the inverted count only goes
down. Scanned copies (OCR) are scored in benchmarks only.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.unit.benchmarks.scripts import load_benchmark

ROOT = Path(__file__).resolve().parents[3]
SHARE_RIGHT_FLOOR = 0.979
INVERTED_CEILING = 0
HOLDOUT = ROOT / "tests" / "records_holdout"
HOLDOUT_SHARE_RIGHT_FLOOR = 0.868
HOLDOUT_INVERTED_CEILING = 2


@pytest.fixture(scope="module")
def eval_records() -> ModuleType:
    return load_benchmark("eval_records")


@pytest.fixture(scope="module")
def summary(eval_records: ModuleType) -> dict[str, Any]:
    summary: dict[str, Any] = eval_records.summarise(eval_records.evaluate())
    return summary


def test_every_record_and_gold_is_valid(eval_records: ModuleType) -> None:
    records = eval_records.load_records(eval_records.DEFAULT_RECORDS)
    assert len(records) >= 60
    assert all(record.expect.diagnoses for record in records.values())


def test_the_share_of_expectations_met_holds_its_floor(summary: dict[str, Any]) -> None:
    assert summary["overall"]["share_right"] >= SHARE_RIGHT_FLOOR


def test_inverted_results_do_not_grow(summary: dict[str, Any]) -> None:
    assert summary["overall"]["inverted"] <= INVERTED_CEILING


def test_the_holdout_corpus_holds_its_floors(eval_records: ModuleType) -> None:
    overall = eval_records.summarise(eval_records.evaluate(HOLDOUT))["overall"]
    assert overall["records"] >= 36
    assert overall["share_right"] >= HOLDOUT_SHARE_RIGHT_FLOOR
    assert overall["inverted"] <= HOLDOUT_INVERTED_CEILING


def test_an_opposite_result_counts_as_inverted(eval_records: ModuleType) -> None:
    assert eval_records._opposite("methylated", "unmethylated")
    assert eval_records._opposite("negative", "mutated")
    assert not eval_records._opposite("amplified", "wild type")  # different aspects
    assert not eval_records._opposite("low", "negative")  # HER2-low is a kind of negative


def test_family_history_compares_relation_condition_and_age(eval_records: ModuleType) -> None:
    from models.schemas import Evidence, FamilyHistoryFact, Profile

    fact = FamilyHistoryFact(
        evidence=Evidence(page=1, start=0, end=1, snippet="x"),
        confidence=0.9,
        relation="maternal aunt",
        condition="breast carcinoma",
        oncotree_code="BREAST",
        age_at_diagnosis=48,
    )
    profile = Profile(family_history=[fact])
    gold = eval_records.FamilyGold
    check = eval_records._check_family
    assert check(gold(relation="maternal aunt", condition="breast cancer"), profile).outcome == (
        "right"
    )
    assert (
        check(gold(relation="maternal aunt", condition="breast cancer", age=48), profile).outcome
        == "right"
    )
    assert (
        check(gold(relation="maternal aunt", condition="breast cancer", age=50), profile).outcome
        == "wrong"
    )
    assert check(gold(relation="mother", condition="breast cancer"), profile).outcome == "missed"


def test_a_variant_not_found_is_no_trap_about_the_whole_gene(eval_records: ModuleType) -> None:
    from models.schemas import BiomarkerFact, Evidence, Profile

    evidence = Evidence(page=1, start=0, end=1, snippet="x")

    def profile(result: str, variant: str) -> Profile:
        fact = BiomarkerFact(
            marker="IDH1", result=result, variant=variant, evidence=evidence, confidence=0.9
        )
        return Profile(biomarkers=[fact])

    negative_trap = eval_records.BiomarkerGold(marker="IDH1", result=["not detected"])
    positive_trap = eval_records.BiomarkerGold(marker="IDH1", result=["mutated"])
    not_found = eval_records._biomarker_trap(negative_trap, profile("not detected", "p.R132H"))
    found = eval_records._biomarker_trap(positive_trap, profile("mutated", "p.R132H"))
    assert not_found.outcome == "right"
    assert (found.outcome, found.inverted) == ("wrong", True)


def test_a_risk_score_compares_value_and_a_word_of_its_band(eval_records: ModuleType) -> None:
    from models.schemas import Evidence, Profile, RiskScoreFact

    fact = RiskScoreFact(
        evidence=Evidence(page=1, start=0, end=1, snippet="x"),
        confidence=0.85,
        score="IPI",
        value="3",
        band="high-intermediate risk",
    )
    profile = Profile(risk_scores=[fact])
    gold = eval_records.RiskScoreGold
    check = eval_records._check_risk_score
    assert check(gold(score="IPI", value="3"), profile).outcome == "right"
    assert check(gold(score="IPI", band="high-intermediate"), profile).outcome == "right"
    assert check(gold(score="IPI", band="high"), profile).outcome == "wrong"
    assert check(gold(score="FLIPI"), profile).outcome == "missed"
    assert eval_records._risk_score_trap(gold(score="IPI", value="2"), profile).outcome == "right"
