"""Staging systems that are not TNM: each read as a stage of its own system, with only the fields
that system has. Every text here was written for these tests."""

from __future__ import annotations

import pytest

from extractors.stage.reading import read_tnm
from extractors.stage.systems import staging_systems, system_preference, systems_for
from models.schemas import StageFact
from tests.unit.extractors.stage_reading import read_stages

DLBCL = ("DLBCLNOS", "Diffuse Large B-Cell Lymphoma, NOS", "Mature B-Cell Neoplasms")
HODGKIN = ("NSCHL", "Nodular Sclerosis Classical Hodgkin Lymphoma", "Hodgkin Lymphoma")
OVARY = ("HGSOC", "High-Grade Serous Ovarian Cancer", "Ovarian Cancer")
CERVIX = ("CESC", "Cervical Squamous Cell Carcinoma", "Cervical Cancer")
ENDOMETRIUM = ("UEC", "Uterine Endometrioid Carcinoma", "Endometrial Cancer")
GLIOMA = ("ASTR", "Astrocytoma, IDH-Mutant", "Glioma")
THYMOMA = ("THYM", "Thymoma", "Thymic Tumor")
MYELOMA = ("PCM", "Plasma Cell Myeloma", "Mature B-Cell Neoplasms")
CLL = (
    "CLLSLL",
    "Chronic Lymphocytic Leukemia/Small Lymphocytic Lymphoma",
    "Mature B-Cell Neoplasms",
)
LIVER = ("HCC", "Hepatocellular Carcinoma", "Hepatobiliary Cancer")
PROSTATE = ("PRAD", "Prostate Adenocarcinoma", "Prostate Cancer")
MELANOMA = ("SKCM", "Cutaneous Melanoma", "Melanoma")


def _stages(text: str, cancer: tuple[str, str, str]) -> list[StageFact]:
    return read_stages(text, cancer)


def _of(text: str, cancer: tuple[str, str, str], system: str) -> StageFact | None:
    return next((s for s in _stages(text, cancer) if s.system == system), None)


class TestLymphomaStages:
    def test_ann_arbor_stage_keeps_its_symptom_letter_and_bulk(self) -> None:
        stage = _of(
            "Impression: Ann Arbor stage IIB, bulky mediastinal disease.", DLBCL, "Ann Arbor"
        )
        assert stage is not None
        assert (stage.group, stage.t, stage.edition) == ("IIB", None, None)
        assert stage.descriptors == ["B symptoms", "bulky disease"]

    def test_lugano_named_after_the_group_is_read(self) -> None:
        stage = _of("Staging: stage IVA per Lugano classification.", HODGKIN, "Lugano")
        assert stage is not None and stage.group == "IVA"

    def test_bare_stage_in_a_lymphoma_is_ann_arbor(self) -> None:
        stages = _stages("Summary: follicular pattern lymphoma, stage IIIE, no fevers.", DLBCL)
        assert [(s.system, s.group) for s in stages] == [("Ann Arbor", "IIIE")]

    def test_other_conditions_staged_by_number_are_not_the_lymphoma(self) -> None:
        stages = _stages("Comorbidities: CKD stage 3, well controlled.", DLBCL)
        assert all(s.system not in ("Ann Arbor", "Lugano") for s in stages)


class TestFigo:
    def test_figo_group_with_its_year_as_edition(self) -> None:
        stage = _of("Diagnosis: carcinoma of the cervix, FIGO (2018) stage IIIC1r.", CERVIX, "FIGO")
        assert stage is not None and (stage.group, stage.edition) == ("IIIC1r", 2018)

    def test_figo_named_after_the_group_is_not_an_ajcc_group(self) -> None:
        stages = _stages("Final: serous carcinoma, stage IIIC (FIGO 2014).", OVARY)
        assert [(s.system, s.group, s.edition) for s in stages] == [("FIGO", "IIIC", 2014)]

    def test_figo_group_carries_the_tnm_written_with_it(self) -> None:
        stages = _stages("Synoptic: pT1b pN0(sn) cM0, FIGO stage IB.", ENDOMETRIUM)
        figo = next(s for s in stages if s.system == "FIGO")
        assert (figo.group, figo.t, figo.n) == ("IB", "pT1b", "pN0(sn)")
        assert any(s.system == "AJCC" for s in stages)


class TestGrades:
    def test_cns_who_grade_is_arabic(self) -> None:
        stage = _of(
            "Integrated diagnosis: astrocytoma, IDH-mutant, WHO grade III.", GLIOMA, "CNS WHO grade"
        )
        assert stage is not None and stage.group == "3"

    def test_who_grade_outside_the_cns_is_not_a_cns_grade(self) -> None:
        assert _of("Thymoma, WHO grade 2, encapsulated.", THYMOMA, "CNS WHO grade") is None

    def test_highest_grade_group_across_cores_wins(self) -> None:
        text = (
            "1. Right base: Gleason score 3+3=6 (Grade Group 1).\n"
            "2. Left apex: Gleason score 4+3=7 (Grade Group 3).\n"
            "3. Left mid: Gleason score 3+4=7.\n"
        )
        stage = _of(text, PROSTATE, "Gleason")
        assert stage is not None and (stage.group, stage.score) == ("3", "4+3=7")

    def test_grade_group_key_is_not_a_result(self) -> None:
        text = (
            "Key: Grade group 1 = 3+3=6; Grade group 2 = 3+4=7; Grade group 3 = 4+3=7; "
            "Grade group 4 = 4+4=8; Grade group 5 = 9-10."
        )
        assert _of(text, PROSTATE, "Gleason") is None

    def test_clark_level_and_breslow_depth_are_not_a_stage(self) -> None:
        stages = _stages("Breslow thickness 1.4 mm; Clark level IV.", MELANOMA)
        assert all(s.group != "IV" for s in stages)


class TestHaematologicAndLiverStages:
    @pytest.mark.parametrize(
        ("text", "cancer", "expected"),
        [
            ("Assessment: R-ISS stage II myeloma.", MYELOMA, ("R-ISS", "II")),
            ("International Staging System: stage III.", MYELOMA, ("ISS", "III")),
            ("CLL, Rai stage 0, observation.", CLL, ("Rai", "0")),
            ("CLL, Binet stage B.", CLL, ("Binet", "B")),
            ("Multifocal HCC, BCLC-B, Child-Pugh A.", LIVER, ("BCLC", "B")),
            ("Barcelona Clinic Liver Cancer stage C.", LIVER, ("BCLC", "C")),
        ],
    )
    def test_group_of_the_named_system(
        self, text: str, cancer: tuple[str, str, str], expected: tuple[str, str]
    ) -> None:
        stage = _of(text, cancer, expected[0])
        assert stage is not None and stage.group == expected[1]

    def test_article_after_a_system_name_is_no_group(self) -> None:
        assert _stages("Binet a simpler scheme than Rai; not staged yet.", CLL) == []


class TestPreference:
    def test_principal_system_ranks_above_ajcc_for_its_type(self) -> None:
        code, _, main_type = OVARY
        assert system_preference("FIGO", code, main_type) > system_preference(
            "AJCC", code, main_type
        )

    def test_revised_iss_ranks_above_iss(self) -> None:
        code, _, main_type = MYELOMA
        assert system_preference("R-ISS", code, main_type) > system_preference(
            "ISS", code, main_type
        )

    def test_gleason_grade_group_ranks_below_ajcc(self) -> None:
        code, _, main_type = PROSTATE
        assert system_preference("Gleason", code, main_type) < system_preference(
            "AJCC", code, main_type
        )

    def test_myeloma_code_is_not_staged_as_lymphoma(self) -> None:
        code, _, main_type = MYELOMA
        assert [s.system for s in systems_for(code, main_type)] == ["R-ISS", "ISS"]

    def test_every_system_names_a_type(self) -> None:
        assert all(s.types.codes or s.types.main_types for s in staging_systems())


class TestImagingIsNotTnm:
    @pytest.mark.parametrize(
        "text",
        [
            "restaging ct a/p 3/2: no adenopathy",
            "cta chest negative for embolus",
            "pt is a 61 year old",
        ],
    )
    def test_imaging_and_patient_abbreviations_are_not_t_categories(self, text: str) -> None:
        statements, _ = read_tnm(text)
        assert statements == []

    def test_pathologic_ta_is_still_read(self) -> None:
        statements, _ = read_tnm("urothelial carcinoma, low grade, pta")
        assert [s.t.written() for s in statements] == ["pTa"]
