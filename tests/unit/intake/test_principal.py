"""The principal diagnosis: invasive over in situ, the primary over a metastasis, confirmed over
suspected; a clinician's edit never demotes it unless the clinician chooses so."""

from __future__ import annotations

from typing import Any

from intake.profile import assemble_profile, fact_key
from intake.timeline import profile_events
from models.schemas import (
    DiagnosisFact,
    Evidence,
    MetastasisFact,
    Origin,
    Override,
    OverrideAction,
)

_EVIDENCE = Evidence(page=1, start=0, end=4, snippet="text")


def _diagnosis(code: str, name: str, confidence: float = 0.8, **more: Any) -> DiagnosisFact:
    return DiagnosisFact(
        evidence=_EVIDENCE, confidence=confidence, oncotree_code=code, name=name, **more
    )


IDC = _diagnosis("IDC", "Breast Invasive Ductal Carcinoma", 0.7, primary_site="Breast")
DCIS = _diagnosis("DCIS", "Breast Ductal Carcinoma In Situ", 0.95, primary_site="Breast")


def test_the_invasive_cancer_leads_over_a_more_confident_in_situ_one() -> None:
    assert assemble_profile([DCIS, IDC]).diagnoses[0] == IDC


def test_a_clinicians_edit_of_the_in_situ_component_does_not_demote_the_invasive_one() -> None:
    edited = DCIS.model_copy(update={"origin": Origin.clinician, "confidence": 1.0, "grade": "G2"})
    override = Override(action=OverrideAction.correct, fact_key=fact_key(DCIS), fact=edited)
    profile = assemble_profile([DCIS, IDC], [override])
    assert [d.oncotree_code for d in profile.diagnoses] == ["IDC", "DCIS"]
    assert profile.diagnoses[1].origin is Origin.clinician


def test_a_clinicians_explicit_choice_makes_a_diagnosis_principal() -> None:
    chosen = DCIS.model_copy(update={"origin": Origin.clinician, "principal": True})
    override = Override(action=OverrideAction.correct, fact_key=fact_key(DCIS), fact=chosen)
    assert assemble_profile([DCIS, IDC], [override]).diagnoses[0].oncotree_code == "DCIS"


def test_the_primary_leads_over_a_cancer_named_after_a_site_it_spread_to() -> None:
    liver = _diagnosis("HCC", "Hepatocellular Carcinoma", 0.95, primary_site="Liver")
    colon = _diagnosis("COAD", "Colon Adenocarcinoma", 0.6, primary_site="Colon")
    spread = MetastasisFact(evidence=_EVIDENCE, confidence=0.9, site="Liver")
    assert assemble_profile([liver, colon, spread]).diagnoses[0] == colon


def test_a_confirmed_diagnosis_leads_over_a_suspected_one() -> None:
    suspected = _diagnosis("ILC", "Breast Invasive Lobular Carcinoma", 0.99, uncertain=True)
    assert assemble_profile([suspected, IDC]).diagnoses[0] == IDC


def test_the_timeline_names_the_principal_diagnosis() -> None:
    edited = DCIS.model_copy(update={"origin": Origin.clinician, "confidence": 1.0})
    override = Override(action=OverrideAction.correct, fact_key=fact_key(DCIS), fact=edited)
    events = profile_events(assemble_profile([DCIS, IDC], [override]), {})
    diagnosis = [event for event in events if event.kind == "diagnosis"]
    assert [event.label for event in diagnosis] == ["Breast Invasive Ductal Carcinoma"]
