"""Values a clinician types, checked against the vocabularies: known ones in canonical form,
unknown ones refused with the nearest known values."""

from __future__ import annotations

import pytest

from intake.vocabulary import check_fact, form_choices
from models.errors import UnknownTerm
from models.schemas import (
    BiomarkerFact,
    DiagnosisFact,
    Evidence,
    FamilyHistoryFact,
    StageFact,
    TreatmentFact,
)

EVIDENCE = Evidence(page=1, start=0, end=4, snippet="text")


def _refused(fact) -> UnknownTerm:
    with pytest.raises(UnknownTerm) as refused:
        check_fact(fact)
    return refused.value


def test_a_marker_and_result_in_other_words_are_written_as_the_vocabulary_does():
    fact = BiomarkerFact(
        marker="estrogen receptor", result="Positive", evidence=EVIDENCE, confidence=1
    )
    checked = check_fact(fact)
    assert (checked.marker, checked.result) == ("ER", "positive")


def test_an_unknown_marker_and_result_are_refused_with_suggestions():
    wrong_marker = _refused(BiomarkerFact(marker="HER3X", evidence=EVIDENCE, confidence=1))
    assert wrong_marker.reason == "unknown_marker"
    wrong_result = _refused(
        BiomarkerFact(marker="ER", result="postive", evidence=EVIDENCE, confidence=1)
    )
    assert (wrong_result.reason, wrong_result.suggestions[0]) == ("unknown_result", "positive")
    nonsense = _refused(BiomarkerFact(marker="ZZZ", evidence=EVIDENCE, confidence=1))
    assert nonsense.suggestions == [], "nothing is suggested when nothing is near"


def test_a_brand_name_becomes_the_generic_and_a_procedure_keeps_its_kind():
    drug = check_fact(TreatmentFact(name="Keytruda", evidence=EVIDENCE, confidence=1))
    assert (drug.name, drug.kind) == ("pembrolizumab", "medication")
    surgery = check_fact(TreatmentFact(name="Lumpectomy", evidence=EVIDENCE, confidence=1))
    assert (surgery.name, surgery.kind) == ("lumpectomy", "surgery")
    misspelt = _refused(TreatmentFact(name="pembrolizumb", evidence=EVIDENCE, confidence=1))
    assert "pembrolizumab" in misspelt.suggestions


def test_an_oncotree_code_or_type_name_gives_the_vocabulary_entry():
    by_name = DiagnosisFact(
        oncotree_code="invasive ductal carcinoma", name="", evidence=EVIDENCE, confidence=1
    )
    checked = check_fact(by_name)
    assert (checked.oncotree_code, checked.main_type) == ("IDC", "Breast Cancer")
    refused = _refused(
        DiagnosisFact(oncotree_code="IDCC", name="", evidence=EVIDENCE, confidence=1)
    )
    assert refused.suggestions[0] == "IDC"


def test_stage_groups_and_categories_are_checked_and_keep_their_prefix():
    checked = check_fact(
        StageFact(group="stage iiia", t="pT2", n="pn1a", evidence=EVIDENCE, confidence=1)
    )
    assert (checked.group, checked.t, checked.n) == ("IIIA", "pT2", "pN1a")
    assert _refused(StageFact(group="IIIZ", evidence=EVIDENCE, confidence=1)).reason == (
        "unknown_group"
    )
    assert "T2" in _refused(StageFact(t="T9", evidence=EVIDENCE, confidence=1)).suggestions
    figo = StageFact(system="FIGO", group="IIIC1", evidence=EVIDENCE, confidence=1)
    assert check_fact(figo) == figo, "other systems are not AJCC groups"


def test_a_relative_is_checked_and_the_condition_stays_free_text():
    fact = FamilyHistoryFact(
        relation="mom", condition="a rare tumour", evidence=EVIDENCE, confidence=1
    )
    checked = check_fact(fact)
    assert (checked.relation, checked.condition) == ("mother", "a rare tumour")
    assert "mother" in _refused(fact.model_copy(update={"relation": "mothr"})).suggestions


def test_the_forms_offer_the_known_values():
    choices = form_choices()
    assert ("IDC", "Breast Invasive Ductal Carcinoma") in choices["oncotree_code"]
    assert ("ER", "ER") in choices["marker"]
    assert ("IIIA", "IIIA") in choices["group"]
