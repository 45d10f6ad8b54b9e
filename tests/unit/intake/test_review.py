"""Each review flag: one case that raises it and one that does not."""

from __future__ import annotations

import datetime as dt
import uuid

from extractors.identity import RecordIdentity
from intake.profile import assemble_profile
from intake.review import DocumentInfo, ReviewInputs, flag_for_review
from models.schemas import (
    BiomarkerFact,
    DiagnosisFact,
    Evidence,
    Fact,
    Origin,
    Override,
    OverrideAction,
    StageFact,
)

EVIDENCE = Evidence(page=1, start=0, end=4, snippet="text")
IDC = DiagnosisFact(
    oncotree_code="IDC", name="Breast Invasive Ductal Carcinoma", main_type="Breast Cancer",
    evidence=EVIDENCE, confidence=0.9,
)  # fmt: skip
GLIOMA = DiagnosisFact(
    oncotree_code="GB", name="Glioblastoma", main_type="Glioma", evidence=EVIDENCE, confidence=0.9
)


def stage(group: str | None, *, t="pT2", n="pN1a", method="stated", **more) -> StageFact:
    return StageFact(
        group=group, t=t, n=n, method=method, evidence=EVIDENCE, confidence=0.9, **more
    )


def marker(name: str, result: str, **more) -> BiomarkerFact:
    return BiomarkerFact(marker=name, result=result, evidence=EVIDENCE, confidence=0.9, **more)


def reasons(facts: list[Fact], **inputs) -> list[str]:
    profile = assemble_profile(facts, inputs.get("overrides", []))
    return [flag.reason for flag in flag_for_review(profile, ReviewInputs(facts=facts, **inputs))]


class TestConflicts:
    def test_two_stated_stage_levels_conflict(self):
        assert "conflicting_stage" in reasons([IDC, stage("IIA"), stage("IIIB", n="pN2")])

    def test_substages_of_one_level_do_not_conflict(self):
        assert "conflicting_stage" not in reasons([IDC, stage("IIB"), stage("IIB")])

    def test_positive_and_negative_conflict(self):
        assert "conflicting_biomarker" in reasons(
            [IDC, marker("HER2", "positive"), marker("HER2", "negative")]
        )

    def test_the_same_result_twice_does_not_conflict(self):
        assert "conflicting_biomarker" not in reasons(
            [IDC, marker("HER2", "negative"), marker("HER2", "negative")]
        )

    def test_a_mutation_and_its_absence_conflict(self):
        assert "conflicting_biomarker" in reasons(
            [IDC, marker("PIK3CA", "mutated"), marker("PIK3CA", "wild type")]
        )

    def test_an_antibody_negative_beside_a_sequenced_variant_is_flagged(self):
        facts = [
            GLIOMA,
            marker("IDH1", "not detected", variant="p.R132H", method="IHC"),
            marker("IDH1", "mutated", variant="p.R132C", method="NGS"),
        ]
        profile = assemble_profile(facts)
        (flag,) = [
            f
            for f in flag_for_review(profile, ReviewInputs(facts=facts))
            if f.reason == "conflicting_biomarker"
        ]
        assert flag.message == (
            "IDH1 is reported both mutated (p.R132C, NGS) and not detected (p.R132H, IHC)."
        )

    def test_different_variants_of_one_panel_do_not_conflict(self):
        assert "conflicting_biomarker" not in reasons(
            [
                IDC,
                marker("EGFR", "mutated", variant="p.L858R", method="NGS"),
                marker("EGFR", "not detected", variant="p.T790M", method="NGS"),
            ]
        )

    def test_a_lost_and_an_intact_stain_of_one_protein_conflict(self):
        assert "conflicting_biomarker" in reasons(
            [IDC, marker("MLH1", "lost"), marker("MLH1", "intact")]
        )


class TestStage:
    def test_a_derived_stage_is_flagged(self):
        assert "stage_derived" in reasons([IDC, stage("IIB", method="derived")])

    def test_the_derived_stage_message_names_only_the_categories_given(self):
        facts = [IDC, stage("IIB", method="derived")]
        (flag,) = [
            f
            for f in flag_for_review(assemble_profile(facts), ReviewInputs(facts=facts))
            if f.reason == "stage_derived"
        ]
        assert flag.message.startswith("Stage IIB was derived from pT2 pN1a, not stated.")

    def test_a_stated_stage_is_not_flagged_as_derived(self):
        assert "stage_derived" not in reasons([IDC, stage("IIB")])

    def test_a_group_inconsistent_with_its_tnm(self):
        assert "stage_inconsistent" in reasons([IDC, stage("IV", t="pT1c", n="pN0")])

    def test_a_group_consistent_with_its_tnm(self):
        assert "stage_inconsistent" not in reasons([IDC, stage("IIB", t="pT2", n="pN1a")])

    def test_a_solid_tumour_without_stage(self):
        assert "stage_missing" in reasons([IDC])

    def test_a_glioma_needs_no_stage(self):
        assert "stage_missing" not in reasons([GLIOMA])


class TestResults:
    def test_her2_2_plus_without_ish_is_unresolved(self):
        assert "equivocal_result" in reasons(
            [IDC, stage("IIB"), marker("HER2", "equivocal", value="2+", method="IHC")]
        )

    def test_her2_2_plus_resolved_by_fish(self):
        facts = [
            IDC, stage("IIB"),
            marker("HER2", "equivocal", value="2+", method="IHC"),
            marker("HER2", "not amplified", value="ratio 1.4", method="FISH"),
        ]  # fmt: skip
        assert "equivocal_result" not in reasons(facts)

    def test_low_confidence_and_poor_scans(self):
        blurry = marker("ER", "positive").model_copy(
            update={"confidence": 0.4, "origin": Origin.ocr}
        )
        unsure = marker("PR", "positive").model_copy(update={"confidence": 0.4})
        found = reasons([IDC, stage("IIB"), blurry, unsure])
        assert "low_quality_ocr" in found
        assert "low_confidence" in found

    def test_confident_facts_are_not_flagged(self):
        found = reasons([IDC, stage("IIB"), marker("ER", "positive")])
        assert "low_confidence" not in found
        assert "low_quality_ocr" not in found


class TestIdentity:
    document = uuid.uuid4()

    def test_a_record_for_someone_else(self):
        other = DocumentInfo(self.document, RecordIdentity("SMITH John", dt.date(1950, 1, 1)))
        found = reasons(
            [IDC],
            patient_name="Jane Doe",
            patient_birth_date=dt.date(1961, 3, 14),
            documents=[other],
        )
        assert "identity_mismatch" in found

    def test_the_patients_own_record(self):
        own = DocumentInfo(self.document, RecordIdentity("DOE, Jane", dt.date(1961, 3, 14)))
        found = reasons(
            [IDC], patient_name="Jane Doe", patient_birth_date=dt.date(1961, 3, 14), documents=[own]
        )
        assert "identity_mismatch" not in found


class TestCorrections:
    corrected = stage("IIIA", origin=Origin.clinician)
    replaced = stage("IIB", method="derived")
    override = Override(
        action=OverrideAction.correct, fact_key="stage", fact=corrected, replaces=[replaced]
    )

    def test_a_new_reading_that_contradicts_a_correction(self):
        found = reasons(
            [IDC, self.replaced, stage("IB", t="pT1c", n="pN0")], overrides=[self.override]
        )
        assert "contradicts_correction" in found

    def test_the_reading_already_corrected_is_not_flagged_again(self):
        assert "contradicts_correction" not in reasons(
            [IDC, self.replaced], overrides=[self.override]
        )


class TestNoDiagnosis:
    document = uuid.uuid4()

    def test_a_cancer_record_without_a_diagnosis(self):
        info = DocumentInfo(self.document, RecordIdentity(None, None), looks_oncologic=True)
        assert "no_diagnosis" in reasons([], documents=[info])

    def test_a_cancer_record_with_its_diagnosis(self):
        info = DocumentInfo(self.document, RecordIdentity(None, None), looks_oncologic=True)
        evidence = EVIDENCE.model_copy(update={"document_id": self.document})
        found = IDC.model_copy(update={"evidence": evidence})
        assert "no_diagnosis" not in reasons([found], documents=[info])

    def test_a_record_about_something_else(self):
        info = DocumentInfo(self.document, RecordIdentity(None, None), looks_oncologic=False)
        assert "no_diagnosis" not in reasons([], documents=[info])


class TestChangedSinceReview:
    def test_a_confirmed_stage_a_newer_record_changes_is_raised(self):
        confirmed = stage("IIB", method="derived")
        flagged = reasons([IDC, stage("IIIA", t="pT3", n="pN2a")], confirmed=[confirmed])
        assert "changed_since_review" in flagged

    def test_a_confirmed_value_that_still_holds_is_not_raised(self):
        confirmed = marker("ER", "positive")
        assert "changed_since_review" not in reasons(
            [IDC, marker("ER", "positive", value="95%")], confirmed=[confirmed]
        )

    def test_a_confirmed_result_now_read_otherwise_is_raised(self):
        flagged = reasons([IDC, marker("ER", "negative")], confirmed=[marker("ER", "positive")])
        assert "changed_since_review" in flagged
