from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import pytest

from intake.matcher import GENERAL_REASON, Article, ArticleTags, library, match_articles
from models.schemas import (
    BiomarkerFact,
    DiagnosisFact,
    Evidence,
    MetastasisFact,
    Origin,
    Profile,
    StageFact,
    TreatmentFact,
    TreatmentStatus,
)

EVIDENCE = Evidence(page=1, start=0, end=1, snippet="x")
HER2_POSITIVE = Article(
    slug="her2-positive",
    title="HER2-positive breast cancer",
    summary="s",
    tags=ArticleTags(cancer_types=["IDC"], biomarkers=["HER2:positive"]),
    body="b",
)
GENERAL = Article(
    slug="general", title="General", summary="s", tags=ArticleTags(topics=["stage"]), body="b"
)


def _profile(her2: str | None) -> Profile:
    diagnosis = DiagnosisFact(oncotree_code="IDC", name="IDC", evidence=EVIDENCE, confidence=0.9)
    markers = (
        [BiomarkerFact(marker="HER2", result=her2, evidence=EVIDENCE, confidence=0.9)]
        if her2
        else []
    )
    return Profile(diagnoses=[diagnosis], biomarkers=markers)


def test_an_article_for_another_result_is_never_matched():
    for result in ("negative", "low", "equivocal"):
        slugs = [m.slug for m in match_articles(_profile(result), (HER2_POSITIVE, GENERAL))]
        assert slugs == ["general"], result


def test_a_matching_result_ranks_first_with_its_reason():
    matches = match_articles(_profile("positive"), (GENERAL, HER2_POSITIVE))
    assert [m.slug for m in matches] == ["her2-positive", "general"]
    assert "HER2 positive" in matches[0].reason


# --- builders ------------------------------------------------------------------------------


def _article(slug: str, **tags: list[str]) -> Article:
    return Article(slug=slug, title=slug, summary="s", tags=ArticleTags(**tags), body=slug)


def _dx(code: str, **fields: Any) -> DiagnosisFact:
    fields.setdefault("confidence", 0.9)
    return DiagnosisFact(oncotree_code=code, name=code, evidence=EVIDENCE, **fields)


def _marker(marker: str, result: str | None, **fields: Any) -> BiomarkerFact:
    fields.setdefault("confidence", 0.9)
    return BiomarkerFact(marker=marker, result=result, evidence=EVIDENCE, **fields)


def _stage(group: str, method: Literal["stated", "derived"] = "stated") -> StageFact:
    return StageFact(group=group, method=method, evidence=EVIDENCE, confidence=0.9)


def _drug(name: str, drug_class: str, status: str = "current") -> TreatmentFact:
    return TreatmentFact(
        name=name,
        drug_class=drug_class,
        status=TreatmentStatus(status),
        evidence=EVIDENCE,
        confidence=0.9,
    )


def _slugs(profile: Profile, articles: tuple[Article, ...], limit: int = 6) -> list[str]:
    return [m.slug for m in match_articles(profile, articles, limit)]


# --- what may never be shown ---------------------------------------------------------------


class TestContradictions:
    def test_an_article_for_one_cancer_type_never_goes_to_another(self):
        lung = _article("lung", cancer_types=["Non-Small Cell Lung Cancer"])
        profile = Profile(diagnoses=[_dx("IDC")])
        assert _slugs(profile, (lung, GENERAL)) == ["general"]

    def test_a_typed_article_needs_a_known_type(self):
        lung = _article("lung", cancer_types=["LUAD"])
        assert _slugs(Profile(), (lung, GENERAL)) == ["general"]

    def test_small_cell_lung_cancer_does_not_inherit_the_non_small_cell_main_type(self):
        # In the vocabulary SCLC sits under a code whose main type is NSCLC.
        nsclc = _article("nsclc", cancer_types=["Non-Small Cell Lung Cancer"])
        sclc = _article("sclc", cancer_types=["Small Cell Lung Cancer"])
        profile = Profile(diagnoses=[_dx("SCLC")])
        assert _slugs(profile, (nsclc, sclc)) == ["sclc"]

    def test_an_early_stage_article_is_not_for_stage_iv(self):
        early = _article("early", cancer_types=["Breast Cancer"], stages=["I", "II", "III"])
        profile = Profile(diagnoses=[_dx("IDC")], stage=_stage("IVB"))
        assert _slugs(profile, (early,)) == []

    def test_distant_spread_makes_the_profile_stage_iv_whatever_the_stated_stage(self):
        early = _article("early", cancer_types=["Breast Cancer"], stages=["I", "II", "III"])
        late = _article("late", cancer_types=["Breast Cancer"], stages=["IV"])
        spread = MetastasisFact(site="Liver", evidence=EVIDENCE, confidence=0.8)
        profile = Profile(diagnoses=[_dx("IDC")], stage=_stage("IIA"), metastases=[spread])
        matches = match_articles(profile, (early, late))
        assert [m.slug for m in matches] == ["late"]
        assert "spread to the liver" in matches[0].reason

    def test_her2_low_articles_are_for_her2_low_only(self):
        low = _article("low", cancer_types=["Breast Cancer"], biomarkers=["HER2:low"])
        for result, expected in (("low", ["low"]), ("negative", []), ("positive", [])):
            assert _slugs(_profile(result), (low,)) == expected, result

    def test_detected_and_mutated_read_as_the_same_result(self):
        egfr = _article("egfr", biomarkers=["EGFR:mutated"])
        for result, expected in (("detected", ["egfr"]), ("wild type", []), ("pending", [])):
            profile = Profile(diagnoses=[_dx("LUAD")], biomarkers=[_marker("EGFR", result)])
            assert _slugs(profile, (egfr,)) == expected, result

    def test_another_variant_of_the_marker_contradicts(self):
        g12c = _article("g12c", biomarkers=["KRAS:mutated"], variants=["KRAS p.G12C"])
        g12d = Profile(biomarkers=[_marker("KRAS", "mutated", variant="p.G12D")])
        assert _slugs(g12d, (g12c,)) == []

    def test_a_marker_without_its_variant_matches_partly_and_says_so(self):
        g12c = _article("g12c", biomarkers=["KRAS:mutated"], variants=["KRAS p.G12C"])
        unknown = Profile(biomarkers=[_marker("KRAS", "mutated")])
        known = Profile(biomarkers=[_marker("KRAS", "mutated", variant="p.G12C")])
        [partial] = match_articles(unknown, (g12c,))
        [full] = match_articles(known, (g12c,))
        assert partial.score < full.score
        assert "ask your care team which change you have" in partial.reason
        assert "KRAS G12C" in full.reason

    def test_one_matching_marker_of_several_is_enough(self):
        # ER-positive, PR-negative breast cancer is hormone receptor-positive.
        hr = _article("hr", biomarkers=["ER:positive", "PR:positive"])
        profile = Profile(biomarkers=[_marker("ER", "positive"), _marker("PR", "negative")])
        assert _slugs(profile, (hr,)) == ["hr"]

    def test_an_excluded_result_or_stage_removes_the_article(self):
        tnbc = _article(
            "tnbc", biomarkers=["ER:negative", "HER2:negative"], exclude=["ER:positive", "IV"]
        )
        er_positive = Profile(biomarkers=[_marker("ER", "positive"), _marker("HER2", "negative")])
        stage_four = Profile(biomarkers=[_marker("ER", "negative")], stage=_stage("IV"))
        assert _slugs(er_positive, (tnbc,)) == []
        assert _slugs(stage_four, (tnbc,)) == []

    def test_a_required_tag_must_match(self):
        tnbc = _article(
            "tnbc", biomarkers=["ER:negative", "HER2:negative"], requires=["ER:negative"]
        )
        her2_only = Profile(biomarkers=[_marker("HER2", "negative")])
        both = Profile(biomarkers=[_marker("ER", "negative"), _marker("HER2", "negative")])
        assert _slugs(her2_only, (tnbc,)) == []
        assert _slugs(both, (tnbc,)) == ["tnbc"]

    def test_a_required_kind_must_match(self):
        subtype = _article(
            "subtype",
            cancer_types=["Breast Cancer"],
            biomarkers=["HER2:positive"],
            requires=["biomarkers"],
        )
        assert _slugs(_profile(None), (subtype,)) == []
        assert _slugs(_profile("positive"), (subtype,)) == ["subtype"]

    def test_a_past_cancer_does_not_take_the_current_stage(self):
        metastatic_breast = _article("mbc", cancer_types=["Breast Cancer"], stages=["IV"])
        metastatic_lung = _article("mlung", cancer_types=["LUAD"], stages=["IV"])
        profile = Profile(diagnoses=[_dx("LUAD"), _dx("IDC", historical=True)], stage=_stage("IV"))
        assert _slugs(profile, (metastatic_breast, metastatic_lung)) == ["mlung"]

    def test_mentioned_treatments_are_not_matched(self):
        chemo = _article("chemo", treatments=["taxane"])
        profile = Profile(treatments=[_drug("paclitaxel", "taxane", "mentioned")])
        assert _slugs(profile, (chemo,)) == []


# --- ranking and reasons -------------------------------------------------------------------


class TestRanking:
    def test_general_articles_fill_in_after_specific_ones(self):
        breast = _article("breast", cancer_types=["Breast Cancer"])
        general = _article("general", topics=["daily life"])
        assert _slugs(_profile(None), (general, breast)) == ["breast", "general"]

    def test_a_stated_diagnosis_weighs_more_than_a_derived_one(self):
        breast = _article("breast", cancer_types=["Breast Cancer"])
        lung = _article("lung", cancer_types=["Non-Small Cell Lung Cancer"])
        profile = Profile(diagnoses=[_dx("IDC", origin=Origin.derived), _dx("LUAD")])
        assert _slugs(profile, (breast, lung)) == ["lung", "breast"]

    def test_lower_confidence_weighs_less(self):
        article = _article("egfr", biomarkers=["EGFR:mutated"])
        sure = Profile(biomarkers=[_marker("EGFR", "mutated", confidence=0.95)])
        unsure = Profile(biomarkers=[_marker("EGFR", "mutated", confidence=0.3)])
        [high] = match_articles(sure, (article,))
        [low] = match_articles(unsure, (article,))
        assert low.score < high.score
        assert low.reason.startswith("Your record may show")

    def test_a_clinicians_fact_is_confirmed(self):
        profile = Profile(
            diagnoses=[_dx("IDC", origin=Origin.clinician, confidence=1.0)],
            biomarkers=[_marker("HER2", "positive", origin=Origin.clinician, confidence=1.0)],
        )
        [match] = match_articles(profile, (HER2_POSITIVE,))
        assert match.reason == "Your care team confirmed breast cancer that is HER2 positive."

    def test_a_derived_stage_is_said_to_be_worked_out(self):
        early = _article("early", cancer_types=["Breast Cancer"], stages=["II"])
        profile = Profile(diagnoses=[_dx("IDC")], stage=_stage("IIA", method="derived"))
        [match] = match_articles(profile, (early,))
        assert "worked out from the tumor details" in match.reason

    def test_a_stated_stage_is_named_with_the_cancer(self):
        early = _article("early", cancer_types=["Breast Cancer"], stages=["II"])
        profile = Profile(diagnoses=[_dx("IDC")], stage=_stage("IIA"))
        [match] = match_articles(profile, (early,))
        assert match.reason == "Your record shows stage IIA breast cancer."

    def test_treatments_are_named_by_status(self):
        chemo = _article("chemo", treatments=["platinum chemotherapy", "taxane"])
        profile = Profile(
            treatments=[
                _drug("carboplatin", "platinum chemotherapy"),
                _drug("paclitaxel", "taxane", "planned"),
            ]
        )
        [match] = match_articles(profile, (chemo,))
        assert match.reason == (
            "Your record shows you are getting carboplatin; paclitaxel is planned."
        )

    def test_a_profile_with_nothing_in_it_gets_general_articles(self):
        matches = match_articles(Profile(), (HER2_POSITIVE, GENERAL))
        assert [m.slug for m in matches] == ["general"]
        assert matches[0].reason == GENERAL_REASON

    def test_the_limit_is_kept(self):
        articles = tuple(_article(f"g{n}", topics=["daily life"]) for n in range(10))
        assert len(match_articles(Profile(), articles, limit=3)) == 3
        assert match_articles(Profile(), articles, limit=0) == []

    def test_text_relevance_orders_articles_the_facts_tie(self):
        alike = {"cancer_types": ["Breast Cancer"]}
        plain = Article(slug="a", title="a", summary="s", tags=ArticleTags(**alike), body="words")
        fitting = Article(
            slug="b",
            title="b",
            summary="s",
            tags=ArticleTags(**alike),
            body="Tamoxifen and anastrozole for estrogen receptor positive cancer.",
        )
        profile = Profile(
            diagnoses=[_dx("IDC")],
            treatments=[_drug("anastrozole", "aromatase inhibitor")],
        )
        assert _slugs(profile, (plain, fitting)) == ["b", "a"]


# --- the shipped library -------------------------------------------------------------------


class TestLibrary:
    def test_her2_low_metastatic_breast_cancer_gets_its_articles_and_no_her2_positive_one(self):
        profile = Profile(
            diagnoses=[_dx("IDC")],
            stage=_stage("IV"),
            biomarkers=[_marker("ER", "positive"), _marker("HER2", "low", value="1+")],
        )
        slugs = [m.slug for m in match_articles(profile)]
        assert {"her2-low-breast-cancer", "metastatic-breast-cancer"} <= set(slugs)
        assert "her2-positive-breast-cancer" not in slugs
        assert "early-stage-breast-cancer" not in slugs

    def test_every_match_has_a_reason_in_plain_words(self):
        profile = Profile(
            diagnoses=[_dx("LUAD")],
            biomarkers=[_marker("EGFR", "mutated", variant="exon 19 deletion")],
            treatments=[_drug("osimertinib", "EGFR TKI")],
        )
        matches = match_articles(profile)
        assert matches[0].slug == "egfr-mutated-lung-cancer"
        assert matches[0].reason == (
            "Your record shows non-small cell lung cancer with the EGFR exon 19 deletion "
            "change. Your record shows you are getting osimertinib."
        )
        assert all(m.reason.endswith(".") and "_" not in m.reason for m in matches)

    def test_an_empty_profile_starts_with_the_first_reports(self):
        slugs = [m.slug for m in match_articles(Profile(), limit=2)]
        assert set(slugs) == {"tests-after-a-diagnosis", "understanding-your-pathology-report"}


@pytest.fixture(scope="module")
def evaluation() -> ModuleType:
    """Load benchmarks/eval_matcher.py, which is a script, not a package module."""
    path = Path(__file__).resolve().parents[4] / "benchmarks" / "eval_matcher.py"
    spec = importlib.util.spec_from_file_location("eval_matcher", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class TestGradedProfiles:
    """The nurse-graded fixture: the floor the matcher must keep."""

    def test_the_fixture_holds_at_least_thirty_valid_profiles(self, evaluation: ModuleType):
        cases = evaluation.load_cases(evaluation.FIXTURE)
        slugs = {article.slug for article in library()}
        assert len(cases) >= 30
        for case in cases:
            assert set(case.grades) <= slugs, case.id
            assert set(case.grades.values()) <= {1, 2}, case.id
            assert case.never <= slugs and not case.never & set(case.grades), case.id

    def test_ndcg_at_5_is_at_least_085_with_no_contradicting_match(self, evaluation: ModuleType):
        results = evaluation.evaluate(evaluation.load_cases(evaluation.FIXTURE), limit=6)
        assert sum(r.ndcg for r in results) / len(results) >= 0.85
        assert [(r.id, r.contradictions) for r in results if r.contradictions] == []

    def test_the_fixture_is_plain_json(self, evaluation: ModuleType):
        document = json.loads(evaluation.FIXTURE.read_text(encoding="utf-8"))
        assert {"about", "cases"} <= set(document)


def test_a_match_names_the_facts_it_rests_on():
    matches = match_articles(_profile("positive"), (GENERAL, HER2_POSITIVE))
    assert set(matches[0].facts) == {"diagnosis:IDC", "biomarker:HER2"}
