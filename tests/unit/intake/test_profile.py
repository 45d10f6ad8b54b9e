"""Assembling a profile: the strongest fact per concept, clinicians' decisions applied, and
negated, family and hypothetical mentions kept apart from what is asserted."""

from __future__ import annotations

from typing import Any

from intake.profile import apply_overrides, assemble_profile, fact_key, settle_with_entries
from models.schemas import (
    BiomarkerFact,
    DiagnosisFact,
    Evidence,
    Origin,
    Override,
    OverrideAction,
    StageFact,
    TreatmentFact,
    TreatmentStatus,
)

_EVIDENCE = Evidence(page=1, start=0, end=4, snippet="text")


def _diagnosis(code: str = "IDC", confidence: float = 0.9, **flags: Any) -> DiagnosisFact:
    return DiagnosisFact(
        evidence=_EVIDENCE, confidence=confidence, oncotree_code=code, name=code, **flags
    )


def _biomarker(result: str | None, confidence: float = 0.9, **more: Any) -> BiomarkerFact:
    return BiomarkerFact(
        evidence=_EVIDENCE, confidence=confidence, marker="HER2", result=result, **more
    )


def _stage(**fields: Any) -> StageFact:
    return StageFact(evidence=_EVIDENCE, **{"confidence": 0.9, **fields})


class TestAssembly:
    def test_the_most_confident_diagnosis_per_code_is_kept(self) -> None:
        weak, strong = _diagnosis(confidence=0.6), _diagnosis(confidence=0.95)
        other = _diagnosis("ILC", confidence=0.7)
        profile = assemble_profile([weak, other, strong])
        assert profile.diagnoses == [strong, other]

    def test_a_stated_pathologic_stage_wins_over_a_derived_one(self) -> None:
        derived = _stage(group="IIB", method="derived", confidence=0.99)
        stated = _stage(group="IIA", classification="pathologic", t="T2", n="N0")
        profile = assemble_profile([derived, stated])
        assert profile.stage == stated
        assert profile.stages == [stated, derived]

    def test_a_biomarker_with_a_result_wins_over_a_bare_mention(self) -> None:
        bare, resulted = _biomarker(None, confidence=0.99), _biomarker("positive", 0.7)
        assert assemble_profile([bare, resulted]).biomarkers == [resulted]

    def test_a_current_treatment_wins_over_a_mention(self) -> None:
        mentioned = TreatmentFact(evidence=_EVIDENCE, confidence=0.99, name="tamoxifen")
        current = mentioned.model_copy(
            update={"status": TreatmentStatus.current, "confidence": 0.6}
        )
        assert assemble_profile([mentioned, current]).treatments == [current]


class TestNotAsserted:
    def test_negated_family_and_hypothetical_facts_are_kept_but_not_asserted(self) -> None:
        negated = _diagnosis("ILC", negated=True)
        family = _diagnosis("OVT", family=True)
        hypothetical = _biomarker("positive", hypothetical=True)
        asserted = _diagnosis()
        profile = assemble_profile([negated, family, hypothetical, asserted])
        assert profile.diagnoses == [asserted]
        assert profile.biomarkers == []
        assert profile.not_asserted == [negated, family, hypothetical]

    def test_uncertain_and_historical_facts_are_still_asserted(self) -> None:
        uncertain, historical = _diagnosis(uncertain=True), _diagnosis("ILC", historical=True)
        assert {d.oncotree_code for d in assemble_profile([uncertain, historical]).diagnoses} == {
            "IDC",
            "ILC",
        }


class TestOverrides:
    def test_a_rejected_fact_leaves_the_profile(self) -> None:
        fact = _biomarker("positive")
        reject = Override(action=OverrideAction.reject, fact_key=fact_key(fact))
        assert assemble_profile([fact], [reject]).biomarkers == []

    def test_a_correction_replaces_every_reading_of_the_concept(self) -> None:
        readings = [_biomarker("positive"), _biomarker("negative", 0.95)]
        corrected = _biomarker("low", 1.0, origin=Origin.clinician)
        correct = Override(
            action=OverrideAction.correct,
            fact_key=fact_key(corrected),
            fact=corrected,
            replaces=readings,
        )
        assert assemble_profile(readings, [correct]).biomarkers == [corrected]

    def test_an_added_fact_joins_the_profile(self) -> None:
        added = _diagnosis("ILC", 1.0, origin=Origin.clinician)
        add = Override(action=OverrideAction.add, fact_key=fact_key(added), fact=added)
        profile = assemble_profile([_diagnosis()], [add])
        assert {d.oncotree_code for d in profile.diagnoses} == {"IDC", "ILC"}

    def test_the_later_decision_on_a_concept_wins(self) -> None:
        fact = _biomarker("positive")
        corrected = _biomarker("negative", 1.0, origin=Origin.clinician)
        decisions = [
            Override(action=OverrideAction.correct, fact_key=fact_key(fact), fact=corrected),
            Override(action=OverrideAction.reject, fact_key=fact_key(fact)),
        ]
        assert apply_overrides([fact], decisions) == []

    def test_a_clinicians_fact_outranks_a_more_confident_reading(self) -> None:
        reading = _stage(group="IIIA", confidence=0.99)
        clinicians = _stage(group="IIB", confidence=0.5, origin=Origin.clinician)
        assert assemble_profile([reading, clinicians]).stage == clinicians


def test_fact_keys_name_the_concept() -> None:
    assert fact_key(_diagnosis()) == "diagnosis:IDC"
    assert fact_key(_stage(group="I")) == "stage"
    assert fact_key(_biomarker("positive", variant="V600E")) == "biomarker:HER2:V600E"
    assert fact_key(TreatmentFact(evidence=_EVIDENCE, confidence=1, name="x")) == (
        "treatment:medication:x"
    )


class TestStageSystems:
    def test_figo_stage_is_the_principal_stage_of_an_ovarian_cancer(self) -> None:
        diagnosis = _diagnosis("HGSOC").model_copy(update={"main_type": "Ovarian Cancer"})
        ajcc = _stage(group="IIIC", t="pT3c")
        figo = _stage(system="FIGO", group="IIIC", edition=2014)
        profile = assemble_profile([diagnosis, ajcc, figo])
        assert profile.stage == figo
        assert ajcc in profile.stages

    def test_gleason_grade_group_never_stands_as_the_stage(self) -> None:
        diagnosis = _diagnosis("PRAD").model_copy(update={"main_type": "Prostate Cancer"})
        gleason = _stage(system="Gleason", group="3", score="4+3=7")
        profile = assemble_profile([diagnosis, gleason])
        assert profile.stage is None
        assert profile.stages == [gleason]

    def test_each_system_has_its_own_key(self) -> None:
        assert fact_key(_stage(group="II")) == "stage"
        assert fact_key(_stage(system="Ann Arbor", group="II")) == "stage:Ann Arbor"


class TestFamilyHistory:
    def _relative(self, age: int | None, confidence: float = 0.9, **flags: Any) -> Any:
        from models.schemas import FamilyHistoryFact

        return FamilyHistoryFact(
            evidence=_EVIDENCE,
            confidence=confidence,
            relation="mother",
            degree=1,
            condition="ovarian cancer",
            oncotree_code="OVARY",
            age_at_diagnosis=age,
            **flags,
        )

    def test_a_relatives_cancer_is_listed_apart_from_the_diagnoses(self) -> None:
        relative = self._relative(61)
        profile = assemble_profile([relative, _diagnosis()])
        assert profile.family_history == [relative]
        assert [d.oncotree_code for d in profile.diagnoses] == ["IDC"]

    def test_the_reading_with_an_age_wins_per_relative_and_cancer(self) -> None:
        bare, aged = self._relative(None, confidence=0.95), self._relative(61, confidence=0.8)
        assert assemble_profile([bare, aged]).family_history == [aged]

    def test_a_negated_family_history_is_kept_for_audit(self) -> None:
        negated = self._relative(None, negated=True)
        profile = assemble_profile([negated])
        assert profile.family_history == []
        assert profile.not_asserted == [negated]


class TestCurrentStage:
    def test_the_current_stage_outranks_one_dated_to_the_diagnosis(self) -> None:
        initial = _stage(group="III", t="pT3a", n="pN0").model_copy(update={"historical": True})
        current = _stage(group="IV")
        profile = assemble_profile([initial, current])
        assert profile.stage == current
        assert profile.stages == [current, initial]


class TestRiskScores:
    def _score(self, value: str | None, band: str | None, **fields: Any) -> Any:
        from models.schemas import RiskScoreFact

        return RiskScoreFact(
            evidence=_EVIDENCE, confidence=0.85, score="IPI", value=value, band=band, **fields
        )

    def test_a_risk_score_is_listed_apart_from_the_stage(self) -> None:
        score = self._score("3", "high-intermediate risk", band_derived=True)
        profile = assemble_profile([score, _stage(group="III")])
        assert profile.risk_scores == [score]
        assert profile.stage is not None
        assert profile.stage.group == "III"

    def test_the_reading_with_a_value_wins_per_score(self) -> None:
        band_only, valued = self._score(None, "high risk"), self._score("4", "high risk")
        assert assemble_profile([band_only, valued]).risk_scores == [valued]
        assert fact_key(valued) == "risk_score:IPI"


def _treatment(status: TreatmentStatus, **more: Any) -> TreatmentFact:
    return TreatmentFact(
        evidence=_EVIDENCE, confidence=0.85, name="tamoxifen", status=status, **more
    )


class TestCodedEntriesMeetReadings:
    def test_a_reading_that_agrees_with_an_entry_raises_both(self):
        entry = _biomarker("negative", 0.95, origin=Origin.structured)
        reading = _biomarker("negative", 0.85, value="1+")
        settled = settle_with_entries([entry, reading])
        assert [f.confidence for f in settled] == [0.99, 0.99]
        (her2,) = assemble_profile([entry, reading]).biomarkers
        assert (her2.result, her2.value, her2.confidence) == ("negative", "1+", 0.99)

    def test_a_reading_that_contradicts_an_entry_is_not_asserted_over_it(self):
        entry = _biomarker("negative", 0.95, origin=Origin.structured)
        reading = _biomarker("positive", 0.9, value="3+")
        assert settle_with_entries([entry, reading]) == [entry]
        (her2,) = assemble_profile([entry, reading]).biomarkers
        assert (her2.result, her2.origin) == ("negative", Origin.structured)

    def test_a_drug_still_taken_in_words_does_not_undo_a_completed_course(self):
        entry = _treatment(TreatmentStatus.past, origin=Origin.structured)
        (tamoxifen,) = assemble_profile([entry, _treatment(TreatmentStatus.current)]).treatments
        assert tamoxifen.status is TreatmentStatus.past

    def test_a_mention_without_status_agrees_with_any_entry(self):
        entry = _treatment(TreatmentStatus.planned, origin=Origin.structured)
        settled = settle_with_entries([entry, _treatment(TreatmentStatus.mentioned)])
        assert len(settled) == 2

    def test_readings_of_concepts_no_entry_codes_are_left_as_they_are(self):
        facts = [_biomarker("positive", 0.9), _biomarker("negative", 0.8)]
        assert settle_with_entries(facts) == facts

    def test_a_clinicians_fact_still_wins_over_an_entry(self):
        entry = _biomarker("negative", 0.95, origin=Origin.structured)
        clinician = _biomarker("positive", 1.0, origin=Origin.clinician)
        (her2,) = assemble_profile([entry, clinician]).biomarkers
        assert her2.origin is Origin.clinician
