"""The profile section of the patient and clinician pages, rendered from a profile."""

from __future__ import annotations

from types import SimpleNamespace
from uuid import uuid4

from api.pages import templates
from models.schemas import Evidence, Profile, RiskScoreFact


def test_a_risk_score_reads_in_plain_words_with_its_evidence_link() -> None:
    document_id = uuid4()
    score = RiskScoreFact(
        evidence=Evidence(document_id=document_id, page=2, start=10, end=15, snippet="IPI 3"),
        confidence=0.85,
        score="IPI",
        name="International Prognostic Index",
        value="3",
        band="high-intermediate risk",
    )
    view = SimpleNamespace(profile=Profile(risk_scores=[score]), review_flags=[], checked=[])
    html = templates.env.get_template("_profile.html").render(view=view, evidence_base="/documents")
    assert "International Prognostic Index: 3 (high-intermediate risk)" in html
    assert f"/documents/{document_id}/pages/2?start=10&amp;end=15" in html or (
        f"/documents/{document_id}/pages/2?start=10&end=15" in html
    )


def test_no_risk_score_says_so() -> None:
    view = SimpleNamespace(profile=Profile(), review_flags=[], checked=[])
    html = templates.env.get_template("_profile.html").render(view=view, evidence_base="/d")
    assert "No risk scores found." in html
