"""A family history that fits a hereditary-risk pattern brings the genetic counselling article,
with its reason; one that does not fit brings nothing."""

from __future__ import annotations

from intake.matcher import match_articles
from intake.matcher.family import hereditary_patterns, read_family_risks
from models.schemas import DiagnosisFact, Evidence, FamilyHistoryFact, Profile

_EVIDENCE = Evidence(page=1, start=0, end=4, snippet="text")
ARTICLE = "genetic-testing-for-inherited-risk"
IDC = DiagnosisFact(
    evidence=_EVIDENCE,
    confidence=0.9,
    oncotree_code="IDC",
    name="Breast Invasive Ductal Carcinoma",
    main_type="Breast Cancer",
)


def _relative(relation: str, degree: int, condition: str, age: int | None = None):  # type: ignore[no-untyped-def]
    return FamilyHistoryFact(
        evidence=_EVIDENCE,
        confidence=0.9,
        relation=relation,
        degree=degree,
        condition=condition,
        age_at_diagnosis=age,
    )


def _keys(*relatives: FamilyHistoryFact) -> list[str]:
    return [risk.key for risk in read_family_risks(relatives)]


def test_a_mother_with_ovarian_cancer_fits() -> None:
    assert _keys(_relative("mother", 1, "ovarian cancer", 61)) == ["hereditary_cancer_risk"]


def test_a_brother_with_pancreatic_cancer_fits() -> None:
    assert _keys(_relative("brother", 1, "pancreatic cancer")) == ["hereditary_cancer_risk"]


def test_breast_cancer_young_fits_and_late_does_not() -> None:
    assert _keys(_relative("sister", 1, "breast cancer", 44)) == ["hereditary_cancer_risk"]
    assert _keys(_relative("sister", 1, "breast cancer", 67)) == []


def test_several_relatives_on_one_side_fit_and_spread_over_both_sides_do_not() -> None:
    maternal = [
        _relative("maternal aunt", 2, "breast cancer", 62),
        _relative("maternal grandmother", 2, "breast cancer", 70),
        _relative("mother", 1, "breast cancer", 68),
    ]
    assert _keys(*maternal) == ["hereditary_cancer_risk"]
    split = [
        _relative("maternal aunt", 2, "breast cancer", 62),
        _relative("paternal aunt", 2, "breast cancer", 70),
        _relative("father", 1, "prostate cancer", 75),
    ]
    assert _keys(*split) == []


def test_the_genetic_counselling_article_is_matched_with_its_reason() -> None:
    mother = _relative("mother", 1, "ovarian cancer", 61)
    matches = {m.slug: m for m in match_articles(Profile(diagnoses=[IDC], family_history=[mother]))}
    assert ARTICLE in matches
    assert "your mother had ovarian cancer at 61" in matches[ARTICLE].reason
    assert "genetic counselor" in matches[ARTICLE].reason
    assert "family_history:mother:ovarian cancer" in matches[ARTICLE].facts


def test_without_a_fitting_family_history_the_article_is_not_matched_for_it() -> None:
    grandfather = _relative("paternal grandfather", 2, "colon cancer", 80)
    matched = match_articles(Profile(diagnoses=[IDC], family_history=[grandfather]), limit=20)
    assert ARTICLE not in {m.slug for m in matched}


def test_every_pattern_names_known_cancers() -> None:
    patterns = hereditary_patterns()
    for pattern in patterns.patterns:
        for rule in pattern.rules:
            assert set(rule.cancers) <= set(patterns.cancers)
