"""Risk scores: each read with its value and band as written, a band worked out from a value by
the score's published bands, and thresholds and band tables never read as the patient's score.
Every text here was written for these tests."""

from __future__ import annotations

import pytest

from extractors.document import analyze_page
from extractors.risk_scores import extract_risk_scores, risk_scores
from intake.profile import assemble_profile, fact_key
from models.schemas import Page, ReadMethod, RiskScoreFact


def _scores(text: str) -> list[RiskScoreFact]:
    page = analyze_page(Page(number=1, text=text, method=ReadMethod.plain_text))
    return extract_risk_scores([page])


def _read(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(f.score, f.value, f.band) for f in _scores(text) if f.asserted]


class TestReadingScores:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Assessment: IPI 4 (age, LDH, ECOG, stage).", ("IPI", "4", "high risk")),
            ("R-IPI: 1 (good).", ("R-IPI", "1", "good prognosis")),
            ("NCCN-IPI score of 5.", ("NCCN-IPI", "5", "high-intermediate risk")),
            ("FLIPI 3, high risk; watchful waiting not advised.", ("FLIPI", "3", "high risk")),
            (
                "Oncotype DX Breast Recurrence Score: 9 (low risk)",
                ("Oncotype DX RS", "9", "low risk"),
            ),
            ("MammaPrint result: High Risk (-0.402).", ("MammaPrint", "-0.402", "high risk")),
            ("Decipher genomic classifier 0.38.", ("Decipher", "0.38", "low risk")),
            ("UCSF-CAPRA score 7.", ("CAPRA", "7", "high risk")),
            ("Nottingham Prognostic Index 3.2", ("NPI", "3.2", "good prognosis")),
            ("IMDC poor risk: anemia, hypercalcemia, KPS 70%.", ("IMDC", None, "poor risk")),
            ("ELN 2022 genetic risk: favorable (NPM1 mutated).", ("ELN", None, "favorable risk")),
            ("CLL-IPI 8 (very high risk).", ("CLL-IPI", "8", "very high risk")),
            ("High-intermediate risk IPI; plan R-CHOP.", ("IPI", None, "high-intermediate risk")),
        ],
    )
    def test_a_score_is_read_with_its_value_and_band(
        self, text: str, expected: tuple[str, str | None, str | None]
    ) -> None:
        assert _read(text) == [expected]

    def test_a_band_from_the_value_is_marked_derived(self) -> None:
        (fact,) = _scores("IPI 3 (age > 60, LDH, extranodal sites).")
        assert (fact.band, fact.band_derived) == ("high-intermediate risk", True)

    def test_the_reports_band_is_kept_as_written(self) -> None:
        (fact,) = _scores("Recurrence Score: 22, intermediate risk.")
        assert (fact.band, fact.band_derived) == ("intermediate risk", False)

    def test_an_oncotype_band_is_never_worked_out_from_the_number(self) -> None:
        (fact,) = _scores("Oncotype DX Recurrence Score 24.")
        assert (fact.value, fact.band) == ("24", None)

    def test_a_score_inside_a_longer_name_is_that_score(self) -> None:
        assert _read("CNS-IPI 4; CLL-IPI not applicable.") == [("CNS-IPI", "4", "high risk")]


class TestNotThePatientsScore:
    @pytest.mark.parametrize(
        "text",
        [
            "The trial enrolled patients with IPI >= 3.",
            "Benefit was greatest for an IPI of at least 2.",
            "Eligible: IPI 3-5 or age-adjusted IPI 2-3.",
            "Recurrence Score 0-10 low; 11-25 intermediate; 26-100 high.",
            "FLIPI: low (0-1), intermediate (2), high (3-5).",
            "Nivolumab 1 mg/kg with ipi 3 mg/kg every 3 weeks.",
            "Nivo/ipi 4 cycles, then nivolumab maintenance.",
            "Referred to MSKCC for a second opinion.",
            "Oncotype DX sent 06/2024, result pending.",
            "IPI 7 per the outside note.",
            "Nottingham prognostic index: 6 (3+2+1), grade II.",
        ],
    )
    def test_a_threshold_key_drug_or_hospital_is_no_score(self, text: str) -> None:
        assert _read(text) == []

    def test_a_hypothetical_band_is_kept_but_not_asserted(self) -> None:
        (fact,) = _scores("If the recurrence score is high, chemotherapy would be offered.")
        assert not fact.asserted


def test_the_profile_shows_one_score_of_each_kind() -> None:
    facts = _scores("IPI 3. Later note: IPI 3 (high-intermediate).")
    profile = assemble_profile(facts)
    assert [(r.score, r.value) for r in profile.risk_scores] == [("IPI", "3")]
    assert fact_key(profile.risk_scores[0]) == "risk_score:IPI"


def test_the_data_names_each_score_once_with_a_source() -> None:
    scores = risk_scores()
    names = [n for s in scores for n in s.names]
    assert len(names) == len(set(names))
    assert all(s.source for s in scores)
    assert "Gleason" not in {s.key for s in scores}  # a staging system here, not a risk score
