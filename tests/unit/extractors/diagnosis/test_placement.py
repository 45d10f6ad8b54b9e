"""Where a histology is placed: the organ its wording or its specimen names, on short
synthetic reports written for these tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.unit.extractors.diagnosis.conftest import ReadPrimary


class TestSiteSpecificReading:
    def test_melanoma_in_the_eye_is_uveal(self, read_primary: ReadPrimary) -> None:
        text = "Diagnosis: Left eye, enucleation: malignant melanoma, spindle cell type, 12 mm."
        assert read_primary(text) == "UM"

    def test_melanoma_of_the_skin_stays_cutaneous(self, read_primary: ReadPrimary) -> None:
        text = "Diagnosis: Skin, left shoulder, excision: malignant melanoma, Breslow 2.1 mm."
        assert read_primary(text) == "SKCM"

    def test_leiomyosarcoma_of_the_uterus_is_uterine(self, read_primary: ReadPrimary) -> None:
        text = "Diagnosis: Uterus, total hysterectomy: leiomyosarcoma, high grade, 9 cm."
        assert read_primary(text) == "ULMS"

    def test_operation_names_the_organ(self, read_primary: ReadPrimary) -> None:
        text = "Diagnosis: Right partial glossectomy: invasive squamous cell carcinoma, 2 cm."
        assert read_primary(text) == "OCSC"

    def test_wording_binds_a_histology_to_the_organ_it_arose_in(
        self, read_primary: ReadPrimary
    ) -> None:
        text = (
            "Esophagus and proximal stomach, esophagogastrectomy: adenocarcinoma arising in the "
            "distal esophagus. Stomach, lesser curvature: adenocarcinoma extends to the serosa."
        )
        assert read_primary(text) == "ESCA"

    def test_first_organ_of_a_specimen_list_is_kept_in_view(
        self, read_primary: ReadPrimary
    ) -> None:
        text = (
            "Uterus, cervix, bilateral tubes and ovaries: endometrioid adenocarcinoma, "
            "FIGO grade 2, invading 40% of the myometrium."
        )
        assert read_primary(text) == "UEC"

    def test_rectosigmoid_junction_is_filed_with_the_rectum(
        self, read_primary: ReadPrimary
    ) -> None:
        text = "Diagnosis: Rectosigmoid junction, resection: adenocarcinoma, well differentiated."
        assert read_primary(text) == "READ"

    def test_hysterectomy_takes_the_cervix(self, read_primary: ReadPrimary) -> None:
        # Squamous cell carcinoma cannot arise in the corpus; the hysterectomy holds a cervix.
        text = (
            "DIAGNOSIS: Radical hysterectomy: squamous cell carcinoma, moderately "
            "differentiated, invading to a depth of 0.7 cm. Vagina: no carcinoma identified. "
            "Uterus, endometrium, radical hysterectomy: secretory endometrium."
        )
        assert read_primary(text) == "CESC"

    def test_colon_and_rectum_specimen_was_taken_for_a_rectal_tumour(
        self, read_primary: ReadPrimary
    ) -> None:
        text = (
            "Diagnosis: Resected colon and rectal sample with an ulcerated, moderately "
            "differentiated adenocarcinoma infiltrating the perimuscular fat (pT3 pN0)."
        )
        assert read_primary(text) == "READ"

    @pytest.mark.parametrize(
        "specimen", ["Large bowel, rectosigmoid, anterior resection", "Rectum, proctectomy"]
    )
    def test_colonic_type_in_a_rectal_specimen_is_rectal(
        self, specimen: str, read_primary: ReadPrimary
    ) -> None:
        # "Colonic" names the large bowel, or how the tumour looks; the specimen names the part.
        text = f"FINAL DIAGNOSIS: {specimen}: invasive colonic adenocarcinoma, pT2 pN0 (0/14)."
        assert read_primary(text) == "READ"

    def test_colonic_type_in_a_colon_specimen_stays_colonic(
        self, read_primary: ReadPrimary
    ) -> None:
        text = "FINAL DIAGNOSIS: Sigmoid colon, resection: invasive colonic adenocarcinoma, pT2."
        assert read_primary(text) == "COAD"

    def test_type_named_for_its_organ_places_a_histology_beside_it(
        self, read_primary: ReadPrimary
    ) -> None:
        # "Esophageal cancer" names the esophagus, though it is matched as a type.
        text = (
            "Poorly differentiated adenocarcinoma with extensive necrosis. Clinical "
            "diagnosis: esophageal cancer. Specimen: proximal stomach and distal esophagus."
        )
        assert read_primary(text) == "ESCA"

    # AJCC 8th ed. stages Siewert I and II tumours as esophageal, Siewert III as gastric.
    @pytest.mark.parametrize(("siewert", "code"), [("I", "ESCA"), ("II", "ESCA"), ("III", "STAD")])
    def test_siewert_type_places_the_junction_tumour(
        self, siewert: str, code: str, read_primary: ReadPrimary
    ) -> None:
        text = (
            "FINAL DIAGNOSIS: Esophagus and proximal stomach, esophagogastrectomy: "
            f"adenocarcinoma, moderately differentiated, Siewert type {siewert}."
        )
        assert read_primary(text) == code
