"""Choosing the principal diagnosis among the types a report names, on short synthetic
reports written for these tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.unit.extractors.diagnosis.conftest import ReadDiagnoses, ReadPrimary


class TestFoldingParentIntoChild:
    def test_renal_cell_carcinoma_with_its_subtype_is_the_subtype(
        self, read_primary: ReadPrimary
    ) -> None:
        text = (
            "FINAL DIAGNOSIS: Kidney, left, radical nephrectomy: renal cell carcinoma, 6 cm. "
            "Renal cell carcinoma is confined to the kidney. Histologic type: clear cell type."
        )
        assert read_primary(text) == "CCRCC"

    def test_subtype_named_only_in_a_protocol_title_takes_nothing(
        self, read_primary: ReadPrimary
    ) -> None:
        # The CAP protocol's title lists oncocytoma; the tumour is a renal cell carcinoma.
        text = (
            "DIAGNOSIS: Kidney, right, partial nephrectomy: Tumor type: renal cell carcinoma, "
            "see comment. Staging for renal cell carcinoma/oncocytoma: pT1a."
        )
        assert read_primary(text) == "RCC"


class TestPrimaryOverSecondary:
    def test_incidental_prostate_cancer_in_a_cystoprostatectomy_is_not_the_primary(
        self, read_diagnoses: ReadDiagnoses, read_primary: ReadPrimary
    ) -> None:
        text = (
            "FINAL DIAGNOSIS: Prostate: prostatic adenocarcinoma, Gleason score 3+3=6. "
            "Bladder: invasive urothelial carcinoma, high grade, into the muscularis propria. "
            "Specimen: radical cystoprostatectomy. Prostatic adenocarcinoma is organ confined."
        )
        codes = [d.oncotree_code for d in read_diagnoses(text) if d.asserted]
        assert codes[0] == "BLCA"
        assert "PRAD" in codes, "the incidental cancer is still reported"

    def test_incidental_or_focal_wording_weighs_less(self, read_primary: ReadPrimary) -> None:
        text = (
            "Lung, right upper lobe, lobectomy: adenocarcinoma, 2.5 cm. Prostate, biopsy: "
            "a focus of adenocarcinoma, Gleason 3+3. Incidental prostatic adenocarcinoma."
        )
        assert read_primary(text) == "LUAD"

    def test_metastasis_to_an_organ_is_not_a_primary_there(self, read_primary: ReadPrimary) -> None:
        text = (
            "Sigmoid colon, resection: adenocarcinoma, moderately differentiated. "
            "Left ovary, oophorectomy: metastatic adenocarcinoma. "
            "Right ovary, oophorectomy: metastatic adenocarcinoma."
        )
        assert read_primary(text) == "COAD"

    def test_report_naming_the_primary_places_its_metastases(
        self, read_primary: ReadPrimary
    ) -> None:
        text = (
            "FINAL DIAGNOSIS: Uterus, cervix, tubes and ovaries, hysterectomy: metastatic "
            "serous carcinoma involving the uterine serosa. Omentum: metastatic serous "
            "carcinoma. Synoptic report: primary ovarian tumor."
        )
        assert read_primary(text) in {"SOC", "HGSOC"}

    def test_carcinoma_in_situ_beside_an_invasive_one_is_its_precursor(
        self, read_primary: ReadPrimary
    ) -> None:
        text = (
            "Diagnosis: Breast, left, lumpectomy: ductal carcinoma in situ, cribriform type, "
            "6 cm. Ductal carcinoma in situ extends to the margin. Ductal carcinoma in situ "
            "with comedonecrosis. Invasive ductal carcinoma, 0.8 cm."
        )
        assert read_primary(text) == "IDC"

    def test_benign_tumour_beside_a_carcinoma_of_its_organ_is_not_the_cancer(
        self, read_primary: ReadPrimary
    ) -> None:
        text = (
            "Diagnosis: Kidney, right, nephrectomy: renal oncocytoma, 3 cm. Renal oncocytoma "
            "abuts the capsule. A second nodule: chromophobe renal cell carcinoma, 2 cm."
        )
        assert read_primary(text) == "CHRCC"

    def test_benign_tumour_alone_is_the_diagnosis(self, read_primary: ReadPrimary) -> None:
        text = "Diagnosis: Kidney, left, partial nephrectomy: renal oncocytoma, 2.4 cm."
        assert read_primary(text) == "ROCY"

    def test_carcinoma_in_situ_alone_is_the_diagnosis(self, read_primary: ReadPrimary) -> None:
        text = "Diagnosis: Breast, right, excision: ductal carcinoma in situ, 1.2 cm."
        assert read_primary(text) == "DCIS"

    def test_also_identified_marks_a_second_finding(self, read_primary: ReadPrimary) -> None:
        text = (
            "Thyroid, total thyroidectomy: follicular carcinoma, 3 cm. Papillary thyroid "
            "carcinoma, 0.3 cm, is also identified. Papillary thyroid carcinoma is also seen "
            "in the isthmus."
        )
        assert read_primary(text) == "THFO"

    def test_several_foci_are_not_a_small_finding(self, read_primary: ReadPrimary) -> None:
        text = (
            "Lung, lobectomy: two foci of adenocarcinoma, 2 cm and 1 cm. Lung: adenocarcinoma, "
            "acinar pattern. Breast, biopsy: invasive ductal carcinoma."
        )
        assert read_primary(text) == "LUAD"

    def test_named_histology_outweighs_a_bare_class_name(self, read_primary: ReadPrimary) -> None:
        text = "Endometrium, curettage: carcinoma. Cervix, biopsy: squamous cell carcinoma."
        assert read_primary(text) == "CESC"

    def test_bare_carcinoma_refers_back_to_the_named_tumour(
        self, read_primary: ReadPrimary
    ) -> None:
        text = (
            "Uterus, cervix, radical hysterectomy: squamous cell carcinoma, 4 cm. "
            "Uterus, myometrium: carcinoma extends into the outer third. "
            "Uterus, cervix: carcinoma invades 7 mm. Uterus, cervix: carcinoma shows "
            "lymphovascular invasion. Uterus, cervix: carcinoma is 2 mm from the margin."
        )
        assert read_primary(text) == "CESC"


@pytest.mark.parametrize(
    "text",
    [
        "Diagnosis: Kidney, nephrectomy: renal cell carcinoma, clear cell type. Adrenal "
        "gland: metastatic renal cell carcinoma. Lung nodule: metastatic carcinoma.",
        "Diagnosis: Bladder: urothelial carcinoma. Prostate: adenocarcinoma, incidental.",
    ],
)
def test_first_diagnosis_is_also_the_most_confident(
    text: str, read_diagnoses: ReadDiagnoses
) -> None:
    # The profile orders diagnoses by confidence, so the primary must carry the highest.
    asserted = [d for d in read_diagnoses(text) if d.asserted]
    assert asserted
    assert asserted[0].confidence == max(d.confidence for d in asserted)


def test_negated_type_is_kept_but_not_asserted(read_diagnoses: ReadDiagnoses) -> None:
    diagnoses = read_diagnoses("Diagnosis: Lymph nodes: negative for metastatic melanoma.")
    assert diagnoses
    assert not any(d.asserted for d in diagnoses)


class TestGliomaResolvedByGrade:
    def test_mixed_glioma_of_who_grade_two_is_a_lower_grade_glioma(
        self, read_primary: ReadPrimary
    ) -> None:
        text = "DIAGNOSIS: Brain, right parietal lesion, resection: oligoastrocytoma, WHO grade II."
        assert read_primary(text) == "LGGNOS"

    def test_anaplastic_in_the_name_states_grade_three(self, read_primary: ReadPrimary) -> None:
        text = "DIAGNOSIS: Left temporal lobe, excision: anaplastic oligoastrocytoma. See note."
        assert read_primary(text) == "LGGNOS"

    def test_glioma_of_grade_four_is_a_glioblastoma(self, read_primary: ReadPrimary) -> None:
        text = "DIAGNOSIS: Brain, left occipital, biopsy: high-cellularity glioma, WHO grade IV."
        assert read_primary(text) == "GB"

    def test_glioma_without_a_grade_keeps_its_unspecific_code(
        self, read_primary: ReadPrimary
    ) -> None:
        text = "DIAGNOSIS: Brain, frontal, stereotactic biopsy: infiltrating glioma, see comment."
        assert read_primary(text) in {"DIFG", "GNOS"}


class TestSubtypeNamedApart:
    def test_conventional_type_renal_cell_carcinoma_is_clear_cell(
        self, read_primary: ReadPrimary
    ) -> None:
        text = (
            "DIAGNOSIS: Left kidney, radical nephrectomy: renal cell carcinoma (5.2 cm), "
            "conventional type, Fuhrman grade 2, confined to the kidney."
        )
        assert read_primary(text) == "CCRCC"

    def test_junction_adenocarcinoma_is_staged_as_esophageal(
        self, read_diagnoses: ReadDiagnoses
    ) -> None:
        text = (
            "DIAGNOSIS: Distal esophagus and proximal stomach, esophagogastrectomy: "
            "adenocarcinoma arising at the gastroesophageal junction, moderately differentiated."
        )
        primary = next(d for d in read_diagnoses(text) if d.asserted)
        assert primary.oncotree_code == "ESCA"
        assert primary.primary_site == "Gastroesophageal junction"


class TestGradeAndSubtypeCodes:
    def test_idh_mutant_astrocytoma_takes_the_code_of_its_cns_who_grade(
        self, read_primary: ReadPrimary
    ) -> None:
        text = "Impression: astrocytoma, IDH-mutant, CNS WHO grade 2, left insular."
        assert read_primary(text) == "ASTR2"

    def test_oligodendroglioma_takes_the_code_of_its_grade(self, read_primary: ReadPrimary) -> None:
        text = "DIAGNOSIS: Right frontal lobe, resection: oligodendroglioma, WHO grade 3."
        assert read_primary(text) == "ODG3"

    def test_a_grade_the_report_denies_or_only_quotes_does_not_resolve_the_type(
        self, read_primary: ReadPrimary
    ) -> None:
        text = (
            "DIAGNOSIS: Left temporal lobe: astrocytoma, IDH-mutant. Necrosis of grade 4 is "
            "not identified. Vorasidenib is approved for grade 2 gliomas."
        )
        assert read_primary(text) == "ASTR"

    def test_hodgkin_subtype_written_after_the_type_is_the_subtype(
        self, read_primary: ReadPrimary
    ) -> None:
        text = "Diagnosis: Cervical node, excision: classic Hodgkin lymphoma, nodular sclerosis."
        assert read_primary(text) == "NSCHL"

    def test_germinal_center_type_names_the_gcb_subtype(self, read_primary: ReadPrimary) -> None:
        text = "Diagnosis: Inguinal node: diffuse large B-cell lymphoma, germinal center type."
        assert read_primary(text) == "GCB"

    def test_non_gcb_by_immunohistochemistry_keeps_the_parent(
        self, read_primary: ReadPrimary
    ) -> None:
        text = "Diagnosis: Gastric mass: diffuse large B-cell lymphoma, non-GCB type (Hans)."
        assert read_primary(text) == "DLBCLNOS"

    def test_large_b_cell_lymphoma_in_the_mediastinum_is_not_named_primary_mediastinal(
        self, read_primary: ReadPrimary
    ) -> None:
        text = "Diagnosis: Anterior mediastinum, core biopsy: diffuse large B-cell lymphoma."
        assert read_primary(text) == "DLBCLNOS"

    def test_the_parts_of_a_mixed_germ_cell_tumour_are_not_further_diagnoses(
        self, read_diagnoses: ReadDiagnoses
    ) -> None:
        text = (
            "DIAGNOSIS: Left testis, orchiectomy: mixed germ cell tumor of the testis, "
            "composed of teratoma (70%) and yolk sac tumor (30%). Teratoma shows immature "
            "elements. Residual mass, RPLND: teratoma."
        )
        assert [d.oncotree_code for d in read_diagnoses(text) if d.asserted] == ["MGCT"]


class TestDiagnosisCodes:
    def test_a_record_that_gives_only_a_diagnosis_code_has_its_type_weakly(
        self, read_diagnoses: ReadDiagnoses
    ) -> None:
        text = (
            "CITY LAB      Patient: Doe, J\n"
            "Dx: C50.912  Malignant neoplasm of unspecified site of left female breast\n"
            "CA 15-3 ....... 48 U/mL (H)\n"
        )
        diagnoses = [d for d in read_diagnoses(text) if d.asserted]
        assert [d.oncotree_code for d in diagnoses] == ["BREAST"]
        assert diagnoses[0].confidence < 0.7

    def test_a_code_outside_a_diagnosis_field_is_not_read(
        self, read_diagnoses: ReadDiagnoses
    ) -> None:
        text = "Specimen C61 received in formalin. Tube C18.7 spun at 3000 rpm.\n"
        assert read_diagnoses(text) == []

    def test_a_named_cancer_outweighs_the_code(self, read_primary: ReadPrimary) -> None:
        text = (
            "Diagnosis code: C61\n"
            "FINAL DIAGNOSIS: Prostate, needle biopsies: acinar adenocarcinoma, Gleason 3+4=7.\n"
        )
        assert read_primary(text) == "PRAD"
