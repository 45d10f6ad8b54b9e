"""How much a mention counts by where it stands and how it is worded, on short synthetic
reports written for these tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.extractors.diagnosis.conftest import ReadPrimary


class TestWhereAMentionStands:
    def test_final_diagnosis_supersedes_the_frozen_section(self, read_primary: ReadPrimary) -> None:
        text = (
            "Frozen section diagnosis: Brain, biopsy: high grade glioma. "
            "Microscopic: Brain, resection: glioblastoma."
        )
        assert read_primary(text) == "GB"

    def test_first_specimen_of_the_diagnosis_is_the_main_one(
        self, read_primary: ReadPrimary
    ) -> None:
        text = (
            "Final diagnosis: A. Kidney, nephrectomy: clear cell renal cell carcinoma, 5 cm. "
            "B. Adrenal gland, adrenalectomy: pheochromocytoma, 2 cm; pheochromocytoma is "
            "confined to the gland."
        )
        assert read_primary(text) == "CCRCC"

    def test_grade_four_astrocytoma_is_glioblastoma(self, read_primary: ReadPrimary) -> None:
        text = "Diagnosis: Brain, right frontal lobe, excision: astrocytoma, WHO grade IV."
        assert read_primary(text) == "GB"

    def test_heading_ended_by_a_full_stop_opens_the_diagnosis(
        self, read_primary: ReadPrimary
    ) -> None:
        text = (
            "Glioblastoma suspected on imaging. Possible glioblastoma. "
            "Diagnosis. Anaplastic astrocytoma, WHO grade III."
        )
        assert read_primary(text) == "ASTR3"

    def test_background_of_a_molecular_test_is_not_the_diagnosis(
        self, read_primary: ReadPrimary
    ) -> None:
        text = (
            "Pancreas, Whipple resection: ductal adenocarcinoma, 3 cm. KRAS mutations are "
            "found in 40% of colorectal cancer, in 35% of colorectal carcinoma and in 30% of "
            "lung cancer."
        )
        assert read_primary(text) == "PAAD"

    def test_options_of_a_printed_form_weigh_little(self, read_primary: ReadPrimary) -> None:
        text = (
            "Lung, right lower lobe, lobectomy: adenocarcinoma, 3 cm. Lung tumor type (circle "
            "one): 1. squamous cell carcinoma 2. small cell carcinoma 3. adenocarcinoma "
            "4. large cell carcinoma 5. carcinoid 6. basaloid squamous cell carcinoma "
            "7. keratinizing squamous cell carcinoma."
        )
        assert read_primary(text) == "LUAD"

    def test_stated_tumour_site_decides_between_neighbours(self, read_primary: ReadPrimary) -> None:
        text = (
            "Synoptic report: Tumor site: gastric cardia. Histologic type: adenocarcinoma. "
            "Microscopic: Esophagus: adenocarcinoma. Esophagus: adenocarcinoma at the "
            "margin. Esophagus: adenocarcinoma in the submucosa."
        )
        assert read_primary(text) == "STAD"

    def test_stated_tumour_site_outweighs_a_site_only_written_near(
        self, read_primary: ReadPrimary
    ) -> None:
        # A flattened table puts the esophagus right after the histology, bound by no word.
        text = (
            "Diagnosis. Lower third of the. Adenocarcinoma of. Tumor features: esophagus and "
            "a part of the stomach. STOMACH TISSUE CHECKLIST. Specimen type: subtotal "
            "gastrectomy. Tumor site: cardia. Histologic grade: moderately differentiated."
        )
        assert read_primary(text) == "STAD"

    def test_empty_checklist_line_names_no_organ(self, read_primary: ReadPrimary) -> None:
        text = (
            "Procedure: resection. Tumor location: cecum. Tumor size: 4 cm. "
            "Mesorectum: not applicable. Histologic type: adenocarcinoma, low grade."
        )
        assert read_primary(text) == "COAD"
