"""Cancer type from pathology reports, on short synthetic reports written for these tests."""

from __future__ import annotations

import pytest

from extractors.diagnosis import extract_diagnoses
from extractors.document import analyze_page
from models.schemas import DiagnosisFact, Page, ReadMethod


def _diagnoses(text: str) -> list[DiagnosisFact]:
    page = analyze_page(Page(number=1, text=text, method=ReadMethod.plain_text))
    return extract_diagnoses([page])


def _primary(text: str) -> str | None:
    asserted = [d for d in _diagnoses(text) if d.asserted]
    return asserted[0].oncotree_code if asserted else None


class TestFoldingParentIntoChild:
    def test_renal_cell_carcinoma_with_its_subtype_is_the_subtype(self) -> None:
        text = (
            "FINAL DIAGNOSIS: Kidney, left, radical nephrectomy: renal cell carcinoma, 6 cm. "
            "Renal cell carcinoma is confined to the kidney. Histologic type: clear cell type."
        )
        assert _primary(text) == "CCRCC"

    def test_subtype_named_only_in_a_protocol_title_takes_nothing(self) -> None:
        # The CAP protocol's title lists oncocytoma; the tumour is a renal cell carcinoma.
        text = (
            "DIAGNOSIS: Kidney, right, partial nephrectomy: Tumor type: renal cell carcinoma, "
            "see comment. Staging for renal cell carcinoma/oncocytoma: pT1a."
        )
        assert _primary(text) == "RCC"


class TestSiteSpecificReading:
    def test_melanoma_in_the_eye_is_uveal(self) -> None:
        text = "Diagnosis: Left eye, enucleation: malignant melanoma, spindle cell type, 12 mm."
        assert _primary(text) == "UM"

    def test_melanoma_of_the_skin_stays_cutaneous(self) -> None:
        text = "Diagnosis: Skin, left shoulder, excision: malignant melanoma, Breslow 2.1 mm."
        assert _primary(text) == "SKCM"

    def test_leiomyosarcoma_of_the_uterus_is_uterine(self) -> None:
        text = "Diagnosis: Uterus, total hysterectomy: leiomyosarcoma, high grade, 9 cm."
        assert _primary(text) == "ULMS"

    def test_operation_names_the_organ(self) -> None:
        text = "Diagnosis: Right partial glossectomy: invasive squamous cell carcinoma, 2 cm."
        assert _primary(text) == "OCSC"

    def test_wording_binds_a_histology_to_the_organ_it_arose_in(self) -> None:
        text = (
            "Esophagus and proximal stomach, esophagogastrectomy: adenocarcinoma arising in the "
            "distal esophagus. Stomach, lesser curvature: adenocarcinoma extends to the serosa."
        )
        assert _primary(text) == "ESCA"

    def test_first_organ_of_a_specimen_list_is_kept_in_view(self) -> None:
        text = (
            "Uterus, cervix, bilateral tubes and ovaries: endometrioid adenocarcinoma, "
            "FIGO grade 2, invading 40% of the myometrium."
        )
        assert _primary(text) == "UEC"

    def test_rectosigmoid_junction_is_filed_with_the_rectum(self) -> None:
        text = "Diagnosis: Rectosigmoid junction, resection: adenocarcinoma, well differentiated."
        assert _primary(text) == "READ"

    def test_hysterectomy_takes_the_cervix(self) -> None:
        # Squamous cell carcinoma cannot arise in the corpus; the hysterectomy holds a cervix.
        text = (
            "DIAGNOSIS: Radical hysterectomy: squamous cell carcinoma, moderately "
            "differentiated, invading to a depth of 0.7 cm. Vagina: no carcinoma identified. "
            "Uterus, endometrium, radical hysterectomy: secretory endometrium."
        )
        assert _primary(text) == "CESC"

    def test_colon_and_rectum_specimen_was_taken_for_a_rectal_tumour(self) -> None:
        text = (
            "Diagnosis: Resected colon and rectal sample with an ulcerated, moderately "
            "differentiated adenocarcinoma infiltrating the perimuscular fat (pT3 pN0)."
        )
        assert _primary(text) == "READ"

    @pytest.mark.parametrize(
        "specimen", ["Large bowel, rectosigmoid, anterior resection", "Rectum, proctectomy"]
    )
    def test_colonic_type_in_a_rectal_specimen_is_rectal(self, specimen: str) -> None:
        # "Colonic" names the large bowel, or how the tumour looks; the specimen names the part.
        text = f"FINAL DIAGNOSIS: {specimen}: invasive colonic adenocarcinoma, pT2 pN0 (0/14)."
        assert _primary(text) == "READ"

    def test_colonic_type_in_a_colon_specimen_stays_colonic(self) -> None:
        text = "FINAL DIAGNOSIS: Sigmoid colon, resection: invasive colonic adenocarcinoma, pT2."
        assert _primary(text) == "COAD"

    def test_type_named_for_its_organ_places_a_histology_beside_it(self) -> None:
        # "Esophageal cancer" names the esophagus, though it is matched as a type.
        text = (
            "Poorly differentiated adenocarcinoma with extensive necrosis. Clinical "
            "diagnosis: esophageal cancer. Specimen: proximal stomach and distal esophagus."
        )
        assert _primary(text) == "ESCA"

    @pytest.mark.parametrize(("siewert", "code"), [("I", "ESCA"), ("II", "GEJ"), ("III", "STAD")])
    def test_siewert_type_places_the_junction_tumour(self, siewert: str, code: str) -> None:
        text = (
            "FINAL DIAGNOSIS: Esophagus and proximal stomach, esophagogastrectomy: "
            f"adenocarcinoma, moderately differentiated, Siewert type {siewert}."
        )
        assert _primary(text) == code


class TestPrimaryOverSecondary:
    def test_incidental_prostate_cancer_in_a_cystoprostatectomy_is_not_the_primary(
        self,
    ) -> None:
        text = (
            "FINAL DIAGNOSIS: Prostate: prostatic adenocarcinoma, Gleason score 3+3=6. "
            "Bladder: invasive urothelial carcinoma, high grade, into the muscularis propria. "
            "Specimen: radical cystoprostatectomy. Prostatic adenocarcinoma is organ confined."
        )
        codes = [d.oncotree_code for d in _diagnoses(text) if d.asserted]
        assert codes[0] == "BLCA"
        assert "PRAD" in codes, "the incidental cancer is still reported"

    def test_incidental_or_focal_wording_weighs_less(self) -> None:
        text = (
            "Lung, right upper lobe, lobectomy: adenocarcinoma, 2.5 cm. Prostate, biopsy: "
            "a focus of adenocarcinoma, Gleason 3+3. Incidental prostatic adenocarcinoma."
        )
        assert _primary(text) == "LUAD"

    def test_metastasis_to_an_organ_is_not_a_primary_there(self) -> None:
        text = (
            "Sigmoid colon, resection: adenocarcinoma, moderately differentiated. "
            "Left ovary, oophorectomy: metastatic adenocarcinoma. "
            "Right ovary, oophorectomy: metastatic adenocarcinoma."
        )
        assert _primary(text) == "COAD"

    def test_report_naming_the_primary_places_its_metastases(self) -> None:
        text = (
            "FINAL DIAGNOSIS: Uterus, cervix, tubes and ovaries, hysterectomy: metastatic "
            "serous carcinoma involving the uterine serosa. Omentum: metastatic serous "
            "carcinoma. Synoptic report: primary ovarian tumor."
        )
        assert _primary(text) in {"SOC", "HGSOC"}

    def test_carcinoma_in_situ_beside_an_invasive_one_is_its_precursor(self) -> None:
        text = (
            "Diagnosis: Breast, left, lumpectomy: ductal carcinoma in situ, cribriform type, "
            "6 cm. Ductal carcinoma in situ extends to the margin. Ductal carcinoma in situ "
            "with comedonecrosis. Invasive ductal carcinoma, 0.8 cm."
        )
        assert _primary(text) == "IDC"

    def test_carcinoma_in_situ_alone_is_the_diagnosis(self) -> None:
        text = "Diagnosis: Breast, right, excision: ductal carcinoma in situ, 1.2 cm."
        assert _primary(text) == "DCIS"

    def test_also_identified_marks_a_second_finding(self) -> None:
        text = (
            "Thyroid, total thyroidectomy: follicular carcinoma, 3 cm. Papillary thyroid "
            "carcinoma, 0.3 cm, is also identified. Papillary thyroid carcinoma is also seen "
            "in the isthmus."
        )
        assert _primary(text) == "THFO"

    def test_several_foci_are_not_a_small_finding(self) -> None:
        text = (
            "Lung, lobectomy: two foci of adenocarcinoma, 2 cm and 1 cm. Lung: adenocarcinoma, "
            "acinar pattern. Breast, biopsy: invasive ductal carcinoma."
        )
        assert _primary(text) == "LUAD"

    def test_named_histology_outweighs_a_bare_class_name(self) -> None:
        text = "Endometrium, curettage: carcinoma. Cervix, biopsy: squamous cell carcinoma."
        assert _primary(text) == "CESC"

    def test_bare_carcinoma_refers_back_to_the_named_tumour(self) -> None:
        text = (
            "Uterus, cervix, radical hysterectomy: squamous cell carcinoma, 4 cm. "
            "Uterus, myometrium: carcinoma extends into the outer third. "
            "Uterus, cervix: carcinoma invades 7 mm. Uterus, cervix: carcinoma shows "
            "lymphovascular invasion. Uterus, cervix: carcinoma is 2 mm from the margin."
        )
        assert _primary(text) == "CESC"


class TestWhereAMentionStands:
    def test_final_diagnosis_supersedes_the_frozen_section(self) -> None:
        text = (
            "Frozen section diagnosis: Brain, biopsy: high grade glioma. "
            "Microscopic: Brain, resection: glioblastoma."
        )
        assert _primary(text) == "GB"

    def test_first_specimen_of_the_diagnosis_is_the_main_one(self) -> None:
        text = (
            "Final diagnosis: A. Kidney, nephrectomy: clear cell renal cell carcinoma, 5 cm. "
            "B. Adrenal gland, adrenalectomy: pheochromocytoma, 2 cm; pheochromocytoma is "
            "confined to the gland."
        )
        assert _primary(text) == "CCRCC"

    def test_grade_four_astrocytoma_is_glioblastoma(self) -> None:
        text = "Diagnosis: Brain, right frontal lobe, excision: astrocytoma, WHO grade IV."
        assert _primary(text) == "GB"

    def test_heading_ended_by_a_full_stop_opens_the_diagnosis(self) -> None:
        text = (
            "Glioblastoma suspected on imaging. Possible glioblastoma. "
            "Diagnosis. Anaplastic astrocytoma, WHO grade III."
        )
        assert _primary(text) == "ASTR"

    def test_background_of_a_molecular_test_is_not_the_diagnosis(self) -> None:
        text = (
            "Pancreas, Whipple resection: ductal adenocarcinoma, 3 cm. KRAS mutations are "
            "found in 40% of colorectal cancer, in 35% of colorectal carcinoma and in 30% of "
            "lung cancer."
        )
        assert _primary(text) == "PAAD"

    def test_options_of_a_printed_form_weigh_little(self) -> None:
        text = (
            "Lung, right lower lobe, lobectomy: adenocarcinoma, 3 cm. Lung tumor type (circle "
            "one): 1. squamous cell carcinoma 2. small cell carcinoma 3. adenocarcinoma "
            "4. large cell carcinoma 5. carcinoid 6. basaloid squamous cell carcinoma "
            "7. keratinizing squamous cell carcinoma."
        )
        assert _primary(text) == "LUAD"

    def test_stated_tumour_site_decides_between_neighbours(self) -> None:
        text = (
            "Synoptic report: Tumor site: gastric cardia. Histologic type: adenocarcinoma. "
            "Microscopic: Esophagus: adenocarcinoma. Esophagus: adenocarcinoma at the "
            "margin. Esophagus: adenocarcinoma in the submucosa."
        )
        assert _primary(text) == "STAD"

    def test_stated_tumour_site_outweighs_a_site_only_written_near(self) -> None:
        # A flattened table puts the esophagus right after the histology, bound by no word.
        text = (
            "Diagnosis. Lower third of the. Adenocarcinoma of. Tumor features: esophagus and "
            "a part of the stomach. STOMACH TISSUE CHECKLIST. Specimen type: subtotal "
            "gastrectomy. Tumor site: cardia. Histologic grade: moderately differentiated."
        )
        assert _primary(text) == "STAD"

    def test_empty_checklist_line_names_no_organ(self) -> None:
        text = (
            "Procedure: resection. Tumor location: cecum. Tumor size: 4 cm. "
            "Mesorectum: not applicable. Histologic type: adenocarcinoma, low grade."
        )
        assert _primary(text) == "COAD"


class TestOcrText:
    def test_name_broken_by_a_flattened_line_break(self) -> None:
        text = (
            "Diagnosis: Lung, right upper lobe, lobectomy: squamous cell. carcinoma, keratinizing."
        )
        assert _primary(text) == "LUSC"

    def test_misspelled_name_is_read_when_nothing_else_is(self) -> None:
        diagnoses = _diagnoses("Diagnosis: Anaplastic astrcytoma (WHO grade III).")
        assert [d.oncotree_code for d in diagnoses] == ["ASTR"]
        assert diagnoses[0].confidence < 0.9

    def test_misspelled_last_word_of_a_longer_name(self) -> None:
        # A bare "carcinoma" says no more than its class, so the misspelling is read too.
        text = (
            "Final Diagnosis: Left kidney, radical nephrectomy: papillary renal cell "
            "darcinoma. The 4.8 cm low-grade carcinoma is confined to renal parenchyma."
        )
        assert _primary(text) == "PRCC"

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
    def test_measure_taken_for_one_tumour_only_names_it(self, text: str, code: str) -> None:
        # The name is damaged beyond one edit; the checklist's measure still says the type.
        diagnoses = [d for d in _diagnoses(text) if d.asserted]
        assert [d.oncotree_code for d in diagnoses][:1] == [code]
        assert diagnoses[0].confidence < 0.9

    def test_misspelling_is_not_read_when_the_report_names_a_type(self) -> None:
        text = "Diagnosis: Breast, left, mastectomy: invasive ductal carcinoma. Old astrcytoma."
        assert [d.oncotree_code for d in _diagnoses(text)] == ["IDC"]


@pytest.mark.parametrize(
    "text",
    [
        "Diagnosis: Kidney, nephrectomy: renal cell carcinoma, clear cell type. Adrenal "
        "gland: metastatic renal cell carcinoma. Lung nodule: metastatic carcinoma.",
        "Diagnosis: Bladder: urothelial carcinoma. Prostate: adenocarcinoma, incidental.",
    ],
)
def test_first_diagnosis_is_also_the_most_confident(text: str) -> None:
    # The profile orders diagnoses by confidence, so the primary must carry the highest.
    asserted = [d for d in _diagnoses(text) if d.asserted]
    assert asserted
    assert asserted[0].confidence == max(d.confidence for d in asserted)


def test_negated_type_is_kept_but_not_asserted() -> None:
    diagnoses = _diagnoses("Diagnosis: Lymph nodes: negative for metastatic melanoma.")
    assert diagnoses
    assert not any(d.asserted for d in diagnoses)
