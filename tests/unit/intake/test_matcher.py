from __future__ import annotations

from intake.matcher import Article, ArticleTags, match_articles
from models.schemas import BiomarkerFact, DiagnosisFact, Evidence, Profile

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
