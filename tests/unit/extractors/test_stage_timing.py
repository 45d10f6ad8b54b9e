"""The stage a record dates to now over the one at diagnosis, stages of other conditions, and
OCR's T read as "l". Every text here was written for these tests."""

from __future__ import annotations

import pytest

from extractors.stage.non_cancer import names_other_condition
from extractors.stage.reading import read_tnm
from extractors.stage.tables import non_cancer_words, timing_cues
from intake.profile import assemble_profile
from models.schemas import StageFact
from tests.unit.extractors.stage_reading import read_stages

COLON = ("COAD", "Colon Adenocarcinoma", "Colorectal Cancer")
HODGKIN = ("NSCHL", "Nodular Sclerosis Classical Hodgkin Lymphoma", "Hodgkin Lymphoma")


def _stages(text: str, cancer: tuple[str, str, str] = COLON) -> list[StageFact]:
    return read_stages(text, cancer)


def _profile_stage(text: str, cancer: tuple[str, str, str] = COLON) -> StageFact | None:
    return assemble_profile(_stages(text, cancer)).stage


class TestCurrentStage:
    def test_a_current_stage_is_shown_and_the_initial_one_kept(self) -> None:
        text = (
            "Staging history\n"
            "At diagnosis (2019): pT3 pN1b, stage IIIB\n"
            "Now: liver metastases, restaged as stage IVA\n"
        )
        stages = _stages(text)
        assert [(s.group, s.historical) for s in stages] == [("IVA", False), ("IIIB", True)]
        shown = _profile_stage(text)
        assert shown is not None
        assert shown.group == "IVA"

    def test_a_stage_dated_to_the_diagnosis_alone_stays_the_stage(self) -> None:
        text = "Stage at diagnosis: stage IIA (pT3 pN0). Follow-up CT shows no disease."
        stage = _profile_stage(text)
        assert stage is not None
        assert (stage.group, stage.historical) == ("IIA", False)

    def test_an_initial_stage_written_after_the_current_one_is_kept_beside_it(self) -> None:
        text = "Recurrent disease, stage IV. Originally diagnosed with stage IIB colon cancer."
        stages = _stages(text)
        assert {(s.group, s.historical) for s in stages} == {("IV", False), ("IIB", True)}
        shown = _profile_stage(text)
        assert shown is not None
        assert shown.group == "IV"

    def test_a_distant_metastasis_alone_does_not_restage(self) -> None:
        text = "Pathologic stage IIIA (pT3 pN1a). Two years later a liver metastasis was resected."
        stage = _profile_stage(text)
        assert stage is not None
        assert stage.group == "IIIA"

    def test_a_relapse_of_a_lymphoma_is_its_current_stage(self) -> None:
        text = (
            "Initial presentation: Ann Arbor stage IIA, treated with ABVD.\n"
            "Relapse 2024: Ann Arbor stage IVB with marrow involvement.\n"
        )
        stage = _profile_stage(text, HODGKIN)
        assert stage is not None
        assert (stage.system, stage.group) == ("Ann Arbor", "IVB")

    def test_a_recurrence_score_does_not_date_a_stage(self) -> None:
        text = "Stage IIA, recurrence score 14. Stage IIB per the outside report."
        assert all(not s.historical for s in _stages(text))


class TestOtherConditionsStaged:
    @pytest.mark.parametrize(
        "text",
        [
            "Problem list: CKD stage 3b, type 2 diabetes.",
            "Chronic kidney disease (CKD) stage 4, followed by nephrology.",
            "Skin: stage 2 sacral pressure injury, dressed daily.",
            "Right arm: stage II lymphedema after axillary dissection.",
            "Pressure ulcer, left heel, stage 3.",
            "Hypertension stage 2 on amlodipine.",
        ],
    )
    def test_a_stage_of_another_condition_is_no_cancer_stage(self, text: str) -> None:
        assert _stages(text) == []

    @pytest.mark.parametrize(
        ("text", "group"),
        [
            ("Lymphedema after treatment of stage II colon cancer.", "II"),
            ("Comorbidities: hypertension, stage IIIB colon cancer in 2019.", "IIIB"),
            ("Stage IIIA colon cancer with CKD stage 3.", "IIIA"),
            ("Hypertension, colon cancer, stage IIC.", "IIC"),
        ],
    )
    def test_a_cancer_stage_beside_another_condition_is_kept(self, text: str, group: str) -> None:
        assert [s.group for s in _stages(text)] == [group]

    def test_an_unnamed_lymphoma_stage_is_not_read_from_a_ckd_stage(self) -> None:
        assert _stages("Comorbidities: chronic kidney disease, stage 3.", HODGKIN) == []

    def test_the_clause_before_ends_at_a_joining_word(self) -> None:
        text = "lymphedema after stage ii breast cancer"
        start = text.index("stage")
        assert not names_other_condition(text, start, start + len("stage ii"))

    def test_the_data_lists_each_word_once_in_lower_case(self) -> None:
        words = non_cancer_words()
        assert len(words) == len(set(words))
        assert all(w == w.lower() for w in words)
        cues = timing_cues()
        assert not set(cues.initial) & set(cues.current)


class TestOcrT:
    def test_an_l_read_for_the_t_of_a_category_is_t(self) -> None:
        statements, _ = read_tnm("clinical details: seminoma, left testis, pllb, orchidectomy")
        assert [s.t.written() for s in statements] == ["pT1b"]

    def test_prolymphocytic_leukaemia_is_no_t_category(self) -> None:
        statements, _ = read_tnm("t-pll with a rising lymphocyte count; pll confirmed")
        assert statements == []
