"""Negation, family history and hypothetical context, on short notes written for these tests."""

from __future__ import annotations

from models.schemas import BiomarkerFact, DiagnosisFact, MetastasisFact, StageFact, TreatmentFact


def _of(extraction, kind):
    return [fact for fact in extraction.facts if isinstance(fact, kind)]


def test_negative_for_her2_amplification_is_a_negative_result(extract):
    facts = _of(extract("Negative for HER2 amplification by FISH."), BiomarkerFact)
    her2 = [f for f in facts if f.marker == "HER2"]
    assert len(her2) == 1
    assert her2[0].result in ("negative", "not amplified")
    assert her2[0].asserted
    assert her2[0].method == "FISH"


def test_negated_list_gives_each_marker_a_negative_result(extract):
    facts = _of(extract("The tumor cells are negative for ER, PR and HER2."), BiomarkerFact)
    assert {f.marker: f.result for f in facts} == {
        "ER": "negative",
        "PR": "negative",
        "HER2": "negative",
    }


def test_no_evidence_of_distant_metastasis_is_not_asserted(extract):
    extraction = extract(
        "Invasive ductal carcinoma of the breast. No evidence of distant metastasis to the liver."
    )
    metastases = _of(extraction, MetastasisFact)
    assert metastases, "the mention is kept for audit"
    assert all(not m.asserted and m.negated for m in metastases)


def test_mother_had_ovarian_cancer_is_family_history(extract):
    extraction = extract("Mother had ovarian cancer.")
    diagnoses = _of(extraction, DiagnosisFact)
    assert diagnoses
    assert all(d.family and not d.asserted for d in diagnoses)


def test_family_history_section_marks_its_mentions(extract):
    text = (
        "Family history: breast cancer in her sister.\n"
        "Assessment: invasive ductal carcinoma of the left breast."
    )
    diagnoses = _of(extract(text), DiagnosisFact)
    asserted = [d for d in diagnoses if d.asserted]
    assert asserted
    assert asserted[0].oncotree_code == "IDC"


def test_conditional_treatment_is_hypothetical(extract):
    treatments = _of(extract("If it recurs, consider pembrolizumab."), TreatmentFact)
    assert len(treatments) == 1
    assert treatments[0].name == "pembrolizumab"
    assert treatments[0].hypothetical
    assert not treatments[0].asserted


def test_received_treatment_is_past_and_asserted(extract):
    treatments = _of(extract("She received carboplatin and paclitaxel in 2021."), TreatmentFact)
    assert {t.name for t in treatments} == {"carboplatin", "paclitaxel"}
    assert all(t.status == "past" and t.asserted for t in treatments)


def test_planned_treatment(extract):
    treatments = _of(extract("Plan: she will start letrozole next week."), TreatmentFact)
    assert [(t.name, t.status) for t in treatments] == [("letrozole", "planned")]


def test_no_carcinoma_identified_is_negated(extract):
    extraction = extract(
        "Bladder, biopsy: no carcinoma identified. Squamous cell carcinoma of the cervix."
    )
    asserted = [d for d in _of(extraction, DiagnosisFact) if d.asserted]
    assert asserted[0].primary_site == "Cervix" or asserted[0].oncotree_code in ("CSCC", "CESC")


def test_stage_mentions_are_read(extract):
    stages = _of(
        extract("Invasive ductal carcinoma of the breast, pT2 pN1a, AJCC stage IIB."), StageFact
    )
    assert len(stages) == 1
    assert (stages[0].group, stages[0].t, stages[0].n, stages[0].method) == (
        "IIB",
        "pT2",
        "pN1a",
        "stated",
    )


def test_negation_reaches_every_item_of_a_list(extract):
    metastases = _of(
        extract("No evidence of metastasis to the liver, lung or bone."), MetastasisFact
    )
    assert {m.site for m in metastases} == {"Liver", "Lung", "Bone"}
    assert all(m.negated and not m.asserted for m in metastases)


def test_cannot_be_excluded_is_uncertain(extract):
    (metastasis,) = _of(extract("Metastasis to the liver cannot be excluded."), MetastasisFact)
    assert metastasis.uncertain and not metastasis.negated


def test_suspicious_for_is_uncertain(extract):
    (metastasis,) = _of(
        extract("CT is suspicious for metastatic disease in the liver."), MetastasisFact
    )
    assert metastasis.uncertain


def test_relative_treated_for_a_cancer_is_family_history(extract):
    diagnoses = _of(
        extract("Her sister was treated with chemotherapy for breast cancer."), DiagnosisFact
    )
    assert diagnoses
    assert all(d.family for d in diagnoses)


def test_past_history_section_makes_treatment_past(extract):
    text = (
        "Past medical history: breast cancer treated with tamoxifen.\n"
        "Assessment: lung adenocarcinoma."
    )
    (tamoxifen,) = _of(extract(text), TreatmentFact)
    assert (tamoxifen.status, tamoxifen.historical, tamoxifen.asserted) == ("past", True, True)


def test_plan_section_makes_treatment_planned(extract):
    text = "Assessment: lung adenocarcinoma.\nPlan:\nCarboplatin and pemetrexed."
    treatments = _of(extract(text), TreatmentFact)
    assert {(t.name, t.status) for t in treatments} == {
        ("carboplatin", "planned"),
        ("pemetrexed", "planned"),
    }


def test_continue_in_the_plan_is_current(extract):
    (letrozole,) = _of(extract("Plan: continue letrozole."), TreatmentFact)
    assert letrozole.status == "current"


def test_option_not_given_is_kept_but_not_asserted(extract):
    treatments = _of(
        extract("Radiotherapy would not be indicated. She declined tamoxifen."), TreatmentFact
    )
    assert {t.name for t in treatments} == {"radiation therapy", "tamoxifen"}
    assert all(t.negated and not t.asserted for t in treatments)


def test_deferred_treatment_is_hypothetical(extract):
    (radiation,) = _of(extract("Radiation was deferred."), TreatmentFact)
    assert radiation.hypothetical and not radiation.asserted


def test_after_in_a_plan_orders_the_steps(extract):
    text = "Plan:\nLumpectomy, then TCHP after recovery from surgery."
    treatments = _of(extract(text), TreatmentFact)
    assert {t.status for t in treatments} == {"planned"}
