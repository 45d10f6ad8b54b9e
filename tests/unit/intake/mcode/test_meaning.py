"""Facts keep their meaning in the bundle: what the records deny, attribute to a relative or only
consider is never asserted as the patient's; a derived stage says so; a clinician's check shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from intake.mcode.export import MCODE_BASE
from intake.profile import assemble_profile, fact_key
from models.schemas import (
    BiomarkerFact,
    DiagnosisFact,
    Evidence,
    FactCheck,
    FamilyHistoryFact,
    McodeProfile,
    MetastasisFact,
    Origin,
    StageFact,
    TreatmentFact,
    TreatmentKind,
    TreatmentStatus,
)
from tests.unit.intake.mcode.conftest import DOCUMENT_ID, export, of_type, resolve, with_profile

_EVIDENCE = Evidence(document_id=DOCUMENT_ID, page=2, start=10, end=30, snippet="the words")


def _idc(**more: Any) -> DiagnosisFact:
    return DiagnosisFact(
        evidence=_EVIDENCE,
        confidence=0.9,
        oncotree_code="IDC",
        name="Breast Invasive Ductal Carcinoma",
        icd10="C50",
        histology="Invasive ductal carcinoma",
        primary_site="Breast",
        laterality="left",
        **more,
    )


def _stage(**more: Any) -> StageFact:
    fields = {"confidence": 0.9, "classification": "pathologic", "t": "T2", "n": "N1a"}
    return StageFact(evidence=_EVIDENCE, **{**fields, "m": "M0", "group": "IIB", **more})


def _treatment(name: str, **more: Any) -> TreatmentFact:
    return TreatmentFact(evidence=_EVIDENCE, confidence=0.85, name=name, **more)


def _text(bundle: Any) -> str:
    return bundle.model_dump_json()


class TestNotAsserted:
    def test_negated_family_and_hypothetical_facts_are_not_exported(self) -> None:
        profile = assemble_profile(
            [
                _idc(),
                BiomarkerFact(
                    evidence=_EVIDENCE,
                    confidence=0.8,
                    marker="HER2",
                    result="positive",
                    negated=True,
                ),
                _treatment("pembrolizumab", status=TreatmentStatus.planned, hypothetical=True),
                _treatment("tamoxifen", status=TreatmentStatus.current, negated=True),
                MetastasisFact(evidence=_EVIDENCE, confidence=0.8, site="Liver", negated=True),
                DiagnosisFact(
                    evidence=_EVIDENCE,
                    confidence=0.6,
                    oncotree_code="HGSOC",
                    name="High-Grade Serous Ovarian Cancer",
                    family=True,
                ),
            ]
        )
        assert len(profile.not_asserted) == 5
        bundle = export(profile)
        text = _text(bundle)
        for word in ("HER2", "pembrolizumab", "tamoxifen", "HGSOC", "Liver"):
            assert word not in text
        (condition,) = of_type(bundle, "Condition")
        assert condition.code.text == "Breast Invasive Ductal Carcinoma"
        assert not of_type(bundle, "FamilyMemberHistory")

    def test_a_relatives_cancer_is_family_history_only(self) -> None:
        relative = FamilyHistoryFact(
            evidence=_EVIDENCE,
            confidence=0.9,
            relation="maternal aunt",
            degree=2,
            condition="ovarian cancer",
            oncotree_code="OVARY",
            age_at_diagnosis=52,
        )
        denied = FamilyHistoryFact(
            evidence=_EVIDENCE,
            confidence=0.9,
            relation="father",
            condition="colon cancer",
            negated=True,
        )
        bundle = export(assemble_profile([_idc(), relative, denied]))
        assert [c.code.text for c in of_type(bundle, "Condition")] == [
            "Breast Invasive Ductal Carcinoma"
        ]
        (history,) = of_type(bundle, "FamilyMemberHistory")
        assert history.relationship.coding[0].code == "MAUNT"
        (condition,) = history.condition
        assert condition.code.text == "ovarian cancer"
        assert condition.code.coding[0].code == "OVARY"
        assert (condition.onsetAge.value, condition.onsetAge.code) == (52, "a")
        assert "colon cancer" not in _text(bundle)

    def test_a_treatment_only_mentioned_is_neither_planned_nor_given(self) -> None:
        bundle = export(assemble_profile([_idc(), _treatment("osimertinib")]))
        assert not of_type(bundle, "MedicationRequest")
        assert not of_type(bundle, "MedicationAdministration")


class TestTreatments:
    def test_planned_is_a_request_and_given_an_administration_with_its_dates(self) -> None:
        profile = assemble_profile(
            [
                _idc(),
                _treatment("letrozole", status=TreatmentStatus.planned),
                _treatment(
                    "paclitaxel",
                    status=TreatmentStatus.past,
                    start_date=dt.date(2024, 9, 9),
                    end_date=dt.date(2024, 11, 25),
                ),
                _treatment(
                    "lumpectomy",
                    kind=TreatmentKind.surgery,
                    status=TreatmentStatus.past,
                    start_date=dt.date(2024, 6, 12),
                ),
            ]
        )
        bundle = export(profile)
        (request,) = with_profile(bundle, McodeProfile.cancer_related_medication_request)
        assert (request.medicationCodeableConcept.text, request.intent) == ("letrozole", "plan")
        (given,) = with_profile(bundle, McodeProfile.cancer_related_medication_administration)
        assert given.status == "completed"
        assert (given.effectivePeriod.start, given.effectivePeriod.end) == (
            dt.date(2024, 9, 9),
            dt.date(2024, 11, 25),
        )
        (surgery,) = with_profile(bundle, McodeProfile.cancer_related_surgical_procedure)
        assert (surgery.status, surgery.performedPeriod.start) == (
            "completed",
            dt.date(2024, 6, 12),
        )


class TestStages:
    def test_a_stated_stage_is_final_with_its_edition_and_members(self) -> None:
        bundle = export(assemble_profile([_idc(), _stage(edition=8, t="pT2", n="pN1a", m="cM0")]))
        (group,) = with_profile(bundle, McodeProfile.tnm_stage_group)
        assert group.status == "final" and not group.note
        assert group.method.coding[0].code == "897275008"
        assert group.valueCodeableConcept.coding[0].code == "1222769001"  # AJCC stage IIB
        members = [resolve(bundle, m) for m in group.hasMember]
        assert [m.valueCodeableConcept.text for m in members] == ["pT2", "pN1a", "cM0"]
        (condition,) = of_type(bundle, "Condition")
        (stage,) = condition.stage
        assert stage.summary.text == "IIB"
        assert stage.assessment[0].reference == f"urn:uuid:{group.id}"

    def test_a_derived_stage_carries_its_method_and_a_note_and_is_preliminary(self) -> None:
        derived = _stage(
            method="derived", edition=None, assumptions=["M0 assumed: no M category was stated"]
        )
        bundle = export(assemble_profile([_idc(), derived]))
        (group,) = with_profile(bundle, McodeProfile.tnm_stage_group)
        assert group.status == "preliminary"
        assert group.method.text == "AJCC, edition not stated" and not group.method.coding
        notes = [n.text for n in group.note]
        assert "not confirmed by a clinician" in notes[0]
        assert "M0 assumed: no M category was stated" in notes

    def test_a_confirmed_derived_stage_is_final_and_names_its_verifier(self) -> None:
        derived = _stage(method="derived")
        check = FactCheck(fact=fact_key(derived), action="confirmed", on=dt.date(2026, 5, 1))
        bundle = export(assemble_profile([_idc(), derived]), checked=[check])
        (group,) = with_profile(bundle, McodeProfile.tnm_stage_group)
        assert group.status == "final"
        assert "confirmed by a clinician." in group.note[0].text
        assert "verifier" in _agent_types(bundle, group.id)


class TestClinicianChecks:
    def test_a_confirmed_diagnosis_is_confirmed_with_a_verifier(self) -> None:
        diagnosis = _idc()
        check = FactCheck(fact=fact_key(diagnosis), action="confirmed", on=dt.date(2026, 5, 1))
        bundle = export(assemble_profile([diagnosis]), checked=[check])
        (condition,) = of_type(bundle, "Condition")
        assert condition.verificationStatus.coding[0].code == "confirmed"
        assert _agent_types(bundle, condition.id) == ["assembler", "verifier"]

    def test_an_unreviewed_reading_claims_no_verification(self) -> None:
        (condition,) = of_type(export(assemble_profile([_idc()])), "Condition")
        assert condition.verificationStatus is None

    def test_a_clinicians_own_fact_names_them_as_author(self) -> None:
        added = _idc(origin=Origin.clinician)
        bundle = export(assemble_profile([added]))
        (condition,) = of_type(bundle, "Condition")
        assert condition.verificationStatus.coding[0].code == "confirmed"
        assert "author" in _agent_types(bundle, condition.id)


class TestCodes:
    def test_the_cancer_is_coded_in_icd10_and_oncotree_with_its_morphology_and_side(self) -> None:
        (condition,) = of_type(export(assemble_profile([_idc()])), "Condition")
        systems = {c.system: c.code for c in condition.code.coding}
        assert systems == {
            "http://hl7.org/fhir/sid/icd-10-cm": "C50",
            "http://oncotree.mskcc.org": "IDC",
        }
        (histology,) = condition.extension
        assert histology.url == MCODE_BASE + "mcode-histology-morphology-behavior"
        assert histology.valueCodeableConcept.coding[0].code == "8500/3"
        (side,) = condition.bodySite[0].extension
        assert side.valueCodeableConcept.coding[0].code == "7771000"

    def test_a_marker_with_no_known_code_is_written_in_words_only(self) -> None:
        marker = BiomarkerFact(evidence=_EVIDENCE, confidence=0.8, marker="CD30", result="positive")
        (test,) = with_profile(
            export(assemble_profile([_idc(), marker])), McodeProfile.tumor_marker_test
        )
        assert test.code.text == "CD30" and not test.code.coding
        assert test.valueCodeableConcept.coding[0].code == "LA6576-8"

    def test_pd_l1_is_coded_only_for_the_clone_its_code_names(self) -> None:
        def code_of(method: str) -> list[str]:
            fact = BiomarkerFact(
                evidence=_EVIDENCE,
                confidence=0.8,
                marker="PD-L1",
                value="TPS 50%",
                result="high",
                method=method,
            )
            bundle = export(assemble_profile([_idc(), fact]))
            (test,) = with_profile(bundle, McodeProfile.tumor_marker_test)
            return [c.code for c in test.code.coding or []]

        assert code_of("IHC 22C3") == ["85147-7"]
        assert code_of("IHC SP263") == []

    def test_a_metastasis_is_coded_as_a_secondary_neoplasm_of_its_site(self) -> None:
        liver = MetastasisFact(evidence=_EVIDENCE, confidence=0.8, site="Liver")
        bundle = export(assemble_profile([_idc(), liver]))
        (secondary,) = with_profile(bundle, McodeProfile.secondary_cancer_condition)
        assert secondary.code.coding[0].code == "C78.7"


def _agent_types(bundle: Any, resource_id: str) -> list[str]:
    (provenance,) = [
        p
        for p in of_type(bundle, "Provenance")
        if f"urn:uuid:{resource_id}" in {t.reference for t in p.target}
    ]
    return [a.type.coding[0].code for a in provenance.agent]
