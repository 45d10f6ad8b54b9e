"""Facts named in words, and the decisions an item offers with what the patient sees after."""

from __future__ import annotations

import datetime as dt

from intake.decision_choices import decision_choices
from intake.earlier_decisions import Decided, earlier_decision
from intake.fact_labels import label_fact
from models.schemas import (
    BiomarkerFact,
    DiagnosisFact,
    Evidence,
    ReviewReason,
    ReviewStatus,
    StageFact,
)

EVIDENCE = Evidence(page=1, start=0, end=4, snippet="text")
POSITIVE = BiomarkerFact(
    marker="ER", result="positive", value="90%", method="IHC", evidence=EVIDENCE, confidence=0.9
)
NEGATIVE = POSITIVE.model_copy(update={"result": "negative", "value": "0%"})
IDC = DiagnosisFact(
    oncotree_code="IDC", name="Breast Invasive Ductal Carcinoma", evidence=EVIDENCE, confidence=0.5
)


def test_each_kind_of_fact_is_named_with_its_value():
    assert label_fact(POSITIVE) == "ER: positive 90% (IHC)"
    assert label_fact(IDC) == "Diagnosis: Breast Invasive Ductal Carcinoma (IDC)"
    derived = StageFact(
        group="IIB", t="pT2", n="pN1a", method="derived", evidence=EVIDENCE, confidence=0.7
    )
    assert label_fact(derived) == "Stage: IIB (pT2 pN1a, derived)"


def test_a_conflict_offers_each_reading_a_correction_and_all_wrong():
    choices = decision_choices(
        ReviewReason.conflicting_biomarker, [POSITIVE, NEGATIVE], has_document=False
    )
    assert [(c.decision, c.keep) for c in choices] == [
        ("confirm", 0), ("confirm", 1), ("correct", None), ("reject", None)
    ]  # fmt: skip
    assert choices[1].patient_sees.startswith("ER: negative 0% (IHC)")
    assert choices[-1].patient_sees.startswith("No ER result")


def test_rejecting_a_single_fact_names_what_leaves_the_profile():
    choices = decision_choices(ReviewReason.stage_missing, [IDC], has_document=False)
    reject = next(c for c in choices if c.decision == "reject")
    assert "Breast Invasive Ductal Carcinoma" in reject.patient_sees
    assert not any(c.keep is not None for c in choices)


def test_a_record_in_doubt_says_whether_its_facts_join_the_profile():
    choices = decision_choices(ReviewReason.identity_mismatch, [], has_document=True)
    assert [c.decision for c in choices] == ["confirm", "reject"]
    assert "stays out" in choices[1].patient_sees


def test_an_earlier_decision_is_given_only_when_the_value_changed():
    before = Decided(ReviewStatus.confirmed, dt.datetime(2026, 1, 5, tzinfo=dt.UTC), [POSITIVE])
    changed = earlier_decision([NEGATIVE], [before])
    assert changed is not None and changed.was == ["ER: positive 90% (IHC)"]
    assert earlier_decision([POSITIVE], [before]) is None
    assert earlier_decision([IDC], [before]) is None, "another fact's decision says nothing"


def test_the_latest_decision_and_a_kept_value_stand_for_what_it_was():
    first = Decided(ReviewStatus.rejected, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), [POSITIVE])
    kept = Decided(
        ReviewStatus.confirmed,
        dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
        [POSITIVE, NEGATIVE],
        chosen=NEGATIVE,
    )
    later = POSITIVE.model_copy(update={"value": "80%"})
    assert earlier_decision([later], [first, kept]).was == ["ER: negative 0% (IHC)"]
    assert earlier_decision([later], [first]).was == ["removed: ER: positive 90% (IHC)"]
