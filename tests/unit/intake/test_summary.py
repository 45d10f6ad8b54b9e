"""What my records say: plain sentences, each tied to the facts it rests on."""

from __future__ import annotations

from typing import Any

from intake.summary import is_her2_low, reported_result, summarize_profile, wording
from models.schemas import (
    BiomarkerFact,
    DiagnosisFact,
    Evidence,
    FamilyHistoryFact,
    Profile,
    ReviewFlag,
    ReviewReason,
    Severity,
    StageFact,
    TreatmentFact,
    TreatmentStatus,
)

_EVIDENCE = Evidence(page=1, start=0, end=4, snippet="text")


def _marker(
    marker: str, result: str | None, value: str | None = None, **more: Any
) -> BiomarkerFact:
    return BiomarkerFact(
        evidence=_EVIDENCE, confidence=0.9, marker=marker, result=result, value=value, **more
    )


IDC = DiagnosisFact(
    evidence=_EVIDENCE,
    confidence=0.9,
    oncotree_code="IDC",
    name="Breast Invasive Ductal Carcinoma",
    laterality="left",
    grade="G2",
)
STAGE = StageFact(evidence=_EVIDENCE, confidence=0.9, t="pT2", n="cN0", m="cM0", group="IIA")


def _texts(profile: Profile, flags: list[ReviewFlag] | None = None) -> list[str]:
    return [sentence.text for sentence in summarize_profile(profile, flags or [])]


def test_the_diagnosis_comes_first_with_its_side_and_grade() -> None:
    sentences = summarize_profile(Profile(diagnoses=[IDC]))
    assert sentences[0].text == "Your records say you have breast invasive ductal carcinoma."
    assert sentences[0].facts == ["diagnosis:IDC"]
    assert any("left side" in s.text for s in sentences)
    assert any("2 (G2)" in s.text for s in sentences)


def test_the_stage_is_said_with_what_it_means_in_general() -> None:
    sentences = summarize_profile(Profile(diagnoses=[IDC], stage=STAGE, stages=[STAGE]))
    stage = [s for s in sentences if s.facts == ["stage"]]
    assert stage[0].text == "Your records give the stage as stage IIA (pT2 cN0 cM0)."
    assert stage[1].kind == "meaning"
    assert stage[1].text.startswith("In general, stage II")


def test_a_her2_score_of_1_plus_reported_negative_says_what_the_report_says() -> None:
    her2 = _marker("HER2", "negative", "1+", method="IHC")
    texts = _texts(Profile(biomarkers=[her2]))
    assert "Your report gives HER2 as negative, with a score of 1+." in texts[0]
    assert "HER2-low" in texts[0]
    assert not any("low 1+" in text for text in texts)
    assert is_her2_low(her2)
    assert reported_result(her2).startswith("negative (1+)")


def test_a_her2_zero_is_not_called_low() -> None:
    assert not is_her2_low(_marker("HER2", "negative", "0"))
    texts = _texts(Profile(biomarkers=[_marker("HER2", "negative", "0")]))
    assert "HER2-low" not in " ".join(texts)


def test_each_biomarker_says_what_it_means_in_general() -> None:
    sentences = summarize_profile(Profile(biomarkers=[_marker("ER", "positive", "95%")]))
    assert sentences[0].text == "Your records give ER as positive (95%)."
    assert sentences[1].kind == "meaning"
    assert "estrogen" in sentences[1].text


def test_records_that_disagree_are_said_to_disagree_not_one_value_chosen() -> None:
    negative, positive = _marker("HER2", "negative", "0"), _marker("HER2", "positive", "3+")
    flag = ReviewFlag(
        reason=ReviewReason.conflicting_biomarker,
        severity=Severity.high,
        message="HER2 is reported both positive and negative.",
        facts=[positive, negative],
    )
    sentences = summarize_profile(Profile(biomarkers=[positive]), [flag])
    assert [s.kind for s in sentences] == ["disagreement"]
    assert "disagree about HER2" in sentences[0].text
    assert "positive (3+)" in sentences[0].text
    assert "negative (0)" in sentences[0].text
    assert "care team will check" in sentences[0].text


def test_conflicting_stages_are_said_to_disagree() -> None:
    other = STAGE.model_copy(update={"group": "IIIA"})
    flag = ReviewFlag(
        reason=ReviewReason.conflicting_stage,
        severity=Severity.high,
        message="The records state different stage groups.",
        facts=[STAGE, other],
    )
    texts = _texts(Profile(stage=STAGE, stages=[STAGE, other]), [flag])
    assert texts == [
        "Your records give different stages: stage IIA and stage IIIA. "
        "Your care team will check which is right."
    ]


def test_treatments_are_said_by_status() -> None:
    had = TreatmentFact(
        evidence=_EVIDENCE, confidence=0.9, name="lumpectomy", status=TreatmentStatus.past
    )
    planned = had.model_copy(update={"name": "letrozole", "status": TreatmentStatus.planned})
    texts = _texts(Profile(treatments=[had, planned]))
    assert texts == [
        "Your records say you have had lumpectomy.",
        "Your records say letrozole is planned.",
    ]


def test_family_history_is_a_finding_about_the_family() -> None:
    mother = FamilyHistoryFact(
        evidence=_EVIDENCE,
        confidence=0.9,
        relation="mother",
        degree=1,
        condition="ovarian cancer",
        age_at_diagnosis=61,
    )
    sentences = summarize_profile(Profile(family_history=[mother]))
    assert sentences[0].text == "Your records mention your mother had ovarian cancer at 61."
    assert sentences[0].facts == ["family_history:mother:ovarian cancer"]
    assert "not a diagnosis of you" in sentences[1].text


def test_the_wording_file_names_its_source_and_every_stage() -> None:
    assert "cancer.gov" in wording().source
    assert set(wording().stages) == {"0", "I", "II", "III", "IV"}
