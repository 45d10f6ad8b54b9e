"""Names that OCR damaged, and measures that name a tumour, on short synthetic reports
written for these tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.unit.extractors.diagnosis.conftest import ReadDiagnoses, ReadPrimary


class TestOcrText:
    def test_name_broken_by_a_flattened_line_break(self, read_primary: ReadPrimary) -> None:
        text = (
            "Diagnosis: Lung, right upper lobe, lobectomy: squamous cell. carcinoma, keratinizing."
        )
        assert read_primary(text) == "LUSC"

    def test_misspelled_name_is_read_when_nothing_else_is(
        self, read_diagnoses: ReadDiagnoses
    ) -> None:
        diagnoses = read_diagnoses("Diagnosis: Anaplastic astrcytoma (WHO grade III).")
        assert [d.oncotree_code for d in diagnoses] == ["ASTR3"]  # the grade's own code
        assert diagnoses[0].confidence < 0.9

    def test_misspelled_last_word_of_a_longer_name(self, read_primary: ReadPrimary) -> None:
        # A bare "carcinoma" says no more than its class, so the misspelling is read too.
        text = (
            "Final Diagnosis: Left kidney, radical nephrectomy: papillary renal cell "
            "darcinoma. The 4.8 cm low-grade carcinoma is confined to renal parenchyma."
        )
        assert read_primary(text) == "PRCC"

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            (
                "Skin checklist. Tumor site: skin. Histologic type: flanoma. "
                "Comments: Clark level III invasion.",
                "SKCM",
            ),
            (
                "Left breast, mastectomy. Histologic type: invasive ductal carcimuna. "
                "Histologic grade: Nottingham histologic score 3/3.",
                "BRCA",
            ),
            ("Prostate, radical prostatectomy: adenocarcimona, Gleason score 3+4=7.", "PRAD"),
            ("Left kidney, nephrectomy: renal cell carcimuna, Fuhrman nuclear grade 2.", "RCC"),
        ],
    )
    def test_measure_taken_for_one_tumour_only_names_it(
        self, text: str, code: str, read_diagnoses: ReadDiagnoses
    ) -> None:
        # The name is damaged beyond one edit; the checklist's measure still says the type.
        diagnoses = [d for d in read_diagnoses(text) if d.asserted]
        assert [d.oncotree_code for d in diagnoses][:1] == [code]
        assert diagnoses[0].confidence < 0.9

    def test_misspelling_is_not_read_when_the_report_names_a_type(
        self, read_diagnoses: ReadDiagnoses
    ) -> None:
        text = "Diagnosis: Breast, left, mastectomy: invasive ductal carcinoma. Old astrcytoma."
        assert [d.oncotree_code for d in read_diagnoses(text)] == ["IDC"]
