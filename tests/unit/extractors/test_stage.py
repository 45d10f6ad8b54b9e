"""Stage extraction: reading TNM as OCR'd, flattened pathology reports write it, the stated group,
the edition, node counts, and T read from the findings. Every text here was written for these
tests."""

from __future__ import annotations

import pytest

from models.schemas import Page, ReadMethod, StageFact
from tests.unit.extractors.stage_reading import read_stages

BREAST = ("IDC", "Invasive Breast Carcinoma", "Breast Cancer")
LUNG = ("LUAD", "Lung Adenocarcinoma", "Non-Small Cell Lung Cancer")
KIDNEY = ("CCRCC", "Renal Clear Cell Carcinoma", "Renal Cell Carcinoma")
STOMACH = ("STAD", "Stomach Adenocarcinoma", "Esophagogastric Cancer")
COLON = ("COAD", "Colon Adenocarcinoma", "Colorectal Cancer")
LIVER = ("HCC", "Hepatocellular Carcinoma", "Hepatobiliary Cancer")
THYROID = ("THPA", "Papillary Thyroid Cancer", "Thyroid Cancer")
SKIN_MELANOMA = ("SKCM", "Cutaneous Melanoma", "Melanoma")
UVEAL = ("UM", "Uveal Melanoma", "Melanoma")
BLADDER = ("BLCA", "Bladder Urothelial Carcinoma", "Bladder Cancer")
ORAL = ("OCSC", "Oral Cavity Squamous Cell Carcinoma", "Head and Neck Cancer")
LARYNX = ("LXSC", "Laryngeal Squamous Cell Carcinoma", "Head and Neck Cancer")
ESOPHAGUS_SQUAMOUS = ("ESCC", "Esophageal Squamous Cell Carcinoma", "Esophagogastric Cancer")
MESOTHELIOMA = ("PLEMESO", "Pleural Epithelioid Mesothelioma", "Mesothelioma")
ADRENAL = ("ACC", "Adrenocortical Carcinoma", "Adrenocortical Carcinoma")
PANCREAS = ("PAAD", "Pancreatic Adenocarcinoma", "Pancreatic Cancer")
PANCREAS_NET = ("PANET", "Pancreatic Neuroendocrine Tumor", "Pancreatic Cancer")
HYPOPHARYNX = ("HPHSC", "Hypopharynx Squamous Cell Carcinoma", "Head and Neck Cancer")


def _stages(text: str, cancer: tuple[str, str, str] | None = BREAST) -> list[StageFact]:
    return read_stages(text, cancer)


def _stage(text: str, cancer: tuple[str, str, str] | None = BREAST) -> StageFact:
    stages = _stages(text, cancer)
    assert stages, "no stage was read"
    return stages[0]


class TestReadingTnm:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Pathologic stage: pT2 pNO pMX.", ("pT2", "pN0", "pMX")),
            ("Pathologic stage: pTla pNO.", ("pT1a", "pN0", None)),
            ("AJCC: pTIc, pN1a.", ("pT1c", "pN1a", None)),
            ("Summary: pT2 pNl.", ("pT2", "pN1", None)),
        ],
    )
    def test_ocr_letters_for_digits_are_read(
        self, text: str, expected: tuple[str | None, ...]
    ) -> None:
        stage = _stage(text)
        assert (stage.t, stage.n, stage.m) == expected

    def test_glued_categories_are_split(self) -> None:
        stage = _stage("Final TNM: pT3N1M0.")
        assert (stage.t, stage.n, stage.m) == ("pT3", "pN1", "cM0")

    def test_spaced_categories_are_joined(self) -> None:
        stage = _stage("Pathologic stage: pT 2, N 1a, Mx.")
        assert (stage.t, stage.n, stage.m) == ("pT2", "pN1a", "cMX")

    def test_unprefixed_categories_need_a_staging_cue(self) -> None:
        stage = _stage("TNM: T2 N0 MX.")
        assert (stage.t, stage.n) == ("T2", "N0")
        assert _stages("Sagittal T2 images of the spine.", None) == []

    def test_synoptic_lines_are_one_statement(self) -> None:
        stage = _stage(
            "Primary Tumor (pT): pT3: Tumor more than 5 cm in greatest dimension. "
            "Regional Lymph Nodes (pN): pN1b: Metastasis in lymph nodes, see note. "
            "Distant Metastasis (pM): Not applicable."
        )
        assert (stage.t, stage.n, stage.m) == ("pT3", "pN1b", None)

    def test_isolated_tumour_cell_suffix_is_kept(self) -> None:
        stage = _stage("AJCC stage: pT1c pN0(i-).")
        assert (stage.t, stage.n) == ("pT1c", "pN0(i-)")
        assert stage.group == "IA"

    def test_uicc_descriptors_between_categories_are_skipped(self) -> None:
        stage = _stage("Tumor classification: pT2, L1, V0, pN1 (2/14), pMX, R0.")
        assert (stage.t, stage.n, stage.m) == ("pT2", "pN1", "pMX")

    def test_perineural_pn_after_the_node_category_is_ignored(self) -> None:
        stage = _stage("Classification: pT2 pN0 L0 V0 Pn1 R0.")
        assert stage.n == "pN0"

    def test_form_fields_are_read(self) -> None:
        stage = _stage("Grade: 2. T Stage: 2 N Stage: 1 M Stage: 0 Treatment: none.")
        assert (stage.t, stage.n, stage.m) == ("T2", "N1", "M0")
        assert stage.group == "IIB"

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Tumour classification: G2, pT2N1aL0V1R0.", ("pT2", "pN1a")),
            ("Tumour classification: G3, pT1cN1aLOVORO.", ("pT1c", "pN1a")),
        ],
    )
    def test_glued_uicc_descriptors_after_the_last_category_are_skipped(
        self, text: str, expected: tuple[str, str]
    ) -> None:
        stage = _stage(text)
        assert (stage.t, stage.n) == expected

    def test_an_ocr_h_between_t_and_m_is_the_n(self) -> None:
        stage = _stage("Sarcomatoid mesothelioma of the pleura, T3 HO MO.", MESOTHELIOMA)
        assert (stage.t, stage.n, stage.m, stage.group) == ("T3", "N0", "M0", "III")
        # Without an M after it an H is not read as the N.
        assert _stage("Mesothelioma of the pleura, pT3 H0 stain.", MESOTHELIOMA).n is None

    def test_words_are_not_categories(self) -> None:
        assert _stages("Mitotic activity is low; no mitoses seen.", None) == []

    def test_template_labels_naming_several_categories_are_skipped(self) -> None:
        assert _stages("Tumor thickness (pT1 and pT2 tumors): 4 mm.", None) == []

    def test_definition_lists_are_skipped(self) -> None:
        text = (
            "Staging key: T1: tumor invades submucosa. T2: tumor invades muscularis propria. "
            "T3: tumor invades through the muscularis propria."
        )
        assert _stages(text, None) == []

    def test_right_middle_lobe_is_not_m1(self) -> None:
        stage = _stage("Adenocarcinoma, pT1a pN0. Now a 1.5 cm RML nodule.", LUNG)
        assert stage.m is None
        assert stage.group == "IA"

    def test_node_category_written_apart_from_t_completes_the_statement(self) -> None:
        text = (
            "Infiltrating carcinoma forming a 1.2 cm mass [AJCC pT1c]. Margins are free of "
            "tumor. " + "The background breast shows fibrocystic change. " * 6 + "Axillary "
            "sentinel node: one of three nodes is positive [AJCC pN1mi (sn)]."
        )
        stage = _stage(text)
        assert (stage.t, stage.n) == ("pT1c", "pN1mi(sn)")
        assert stage.group == "IB"

    def test_statement_in_the_clinical_history_yields_to_a_pathologic_one(self) -> None:
        text = "CLINICAL HISTORY: clinical T2 N1 breast cancer.\nDIAGNOSIS: pT1c pN0 pMX."
        stage = _stage(text)
        assert (stage.t, stage.n, stage.group) == ("pT1c", "pN0", "IA")

    def test_the_first_complete_statement_is_chosen(self) -> None:
        text = (
            "Specimen A, bladder: TNM (bladder): pT3b N2 M0. "
            "Specimen B, prostate: TNM (prostate): pT2a N0 MX."
        )
        stage = _stage(text, ("BLCA", "Bladder Urothelial Carcinoma", "Bladder Cancer"))
        # An N or M written without a prefix takes the statement's: "pT3b N2" is pathologic.
        assert (stage.t, stage.n, stage.m) == ("pT3b", "pN2", "cM0")


class TestStatedGroup:
    @pytest.mark.parametrize(
        ("text", "group"),
        [("Pathologic stage: pTa, stage 0a.", "0a"), ("Stage 0is (pTis N0 M0).", "0is")],
    )
    def test_stage_zero_groups_are_written_as_ajcc_writes_them(self, text: str, group: str):
        # AJCC 8th ed. ch. 62 (bladder) writes the noninvasive groups in lower case.
        assert _stage(text, BLADDER).group == group

    def test_stated_group_beats_derived(self) -> None:
        stage = _stage("Pathologic TNM stage: T3 N1 MX, stage IIIA.")
        assert (stage.group, stage.method) == ("IIIA", "stated")
        assert (stage.t, stage.n) == ("T3", "N1")

    @pytest.mark.parametrize(
        ("text", "group"),
        [
            ("Pathologic stage: IIB.", "IIB"),
            ("Stage grouping IIIB.", "IIIB"),
            ("AJCC Stage: 2B.", "IIB"),
            ("Stage: 4 (pT3 N1 M1).", "IV"),
        ],
    )
    def test_group_is_read_in_its_forms(self, text: str, group: str) -> None:
        stage = _stage(text)
        assert (stage.group, stage.method) == (group, "stated")

    def test_liver_fibrosis_stage_is_not_a_cancer_stage(self) -> None:
        stages = _stages("Chronic hepatitis, grade 2, stage 3 of 4 (bridging fibrosis).", LIVER)
        assert all(s.method != "stated" for s in stages)

    def test_statement_about_other_patients_is_ignored(self) -> None:
        text = "The score predicts recurrence in stage II, node-positive breast cancer patients."
        assert _stages(text) == []

    def test_clinical_stage_in_the_history_does_not_beat_the_pathologic_tnm(self) -> None:
        stage = _stage("History: clinical stage 2B. Final diagnosis: pT1c pN0 pMX.")
        assert (stage.group, stage.method) == ("IA", "derived")

    def test_figo_stage_is_kept_as_figo(self) -> None:
        stage = _stage("FIGO stage: IIIC.", ("HGSOC", "High-Grade Serous Ovarian Cancer", None))
        assert (stage.system, stage.group) == ("FIGO", "IIIC")


class TestEdition:
    def test_stated_edition_is_recorded_and_used(self) -> None:
        stage = _stage("Pathologic stage (AJCC 6th edition): pT2b pN1.", STOMACH)
        assert stage.edition == 6
        assert stage.group == "II"

    def test_edition_is_read_from_the_year(self) -> None:
        assert _stage("Staging (AJCC 2010): pT2 pN0.").edition == 7

    def test_unstated_edition_uses_the_seventh_edition_table(self) -> None:
        stage = _stage("pT1c pN1mi.")
        assert stage.group == "IB"
        assert any("7th edition table was used" in a for a in stage.assumptions)

    def test_sixth_edition_categories_pick_the_sixth_edition_table(self) -> None:
        # Stomach T2b (subserosa) exists only in the 6th edition.
        stage = _stage("Gastrectomy: pT2b pN2.", STOMACH)
        assert stage.group == "IIIA"
        assert any("6th edition" in a for a in stage.assumptions)

    def test_category_written_without_its_letter_falls_back_to_the_sixth_edition(self) -> None:
        # The 7th edition splits lung T2 by size (IB or IIA); the 6th edition groups T2 N0 as IB.
        assert _stage("Lobectomy: pT2 pN0.", LUNG).group == "IB"


class TestNodes:
    def test_node_count_gives_n0_when_no_node_is_involved(self) -> None:
        stage = _stage("Invasive carcinoma, pT2. Lymph nodes: negative (0/12).")
        assert stage.group == "IIA"
        assert any("N0 read from the lymph node counts" in a for a in stage.assumptions)

    def test_node_count_gives_n_by_the_site_rules(self) -> None:
        stage = _stage("Invasive carcinoma, pT2. Metastatic carcinoma in 5 of 12 lymph nodes.")
        assert stage.group == "IIIA"  # breast: 4 to 9 nodes are N2

    def test_negated_count_is_not_an_involved_count(self) -> None:
        stage = _stage("Carcinoma, pT2. No evidence of. metastasis in 7 axillary lymph nodes.")
        assert stage.group == "IIA"

    def test_missing_n_is_assumed_n0_with_a_note(self) -> None:
        stage = _stage("Invasive carcinoma (pT1b).")
        assert stage.group == "IA"
        assert any("N0 assumed" in a for a in stage.assumptions)
        assert any("M0 assumed" in a for a in stage.assumptions)

    def test_count_before_an_ocr_line_end_is_read(self) -> None:
        text = (
            "Urothelial carcinoma invading the prostate. Metastatic carcinoma present in three. "
            "lymph nodes."
        )
        stage = _stage(text, BLADDER)
        assert (stage.t, stage.group) == ("T4a", "IV")
        text = "Squamous carcinoma of the tongue, 4.5 cm. Two. lymph nodes involved by tumor."
        assert _stage(text, ORAL).group == "IVA"

    def test_digits_before_a_stop_end_a_field_not_a_count(self) -> None:
        text = (
            "Squamous carcinoma of the tongue, 1.5 cm. Lymph nodes received: 10. Total number "
            "of lymph nodes positive: 0."
        )
        assert _stage(text, ORAL).group == "I"

    @pytest.mark.parametrize(
        "node",
        ["Lymph node, AP window, biopsy", "Lymph node, level VII, biopsy"],
    )
    def test_lung_stations_by_name_or_roman_numeral_give_n2(self, node: str) -> None:
        text = f"Adenocarcinoma, pT1a. {node}: metastatic carcinoma in one lymph node (1/1)."
        assert _stage(text, LUNG).group == "IIIA"

    def test_a_fraction_repeated_by_the_synoptic_is_one_count(self) -> None:
        text = (
            "Squamous cell carcinoma of the esophagus, pT2. Lymph nodes: 2/10 positive for "
            "metastasis (paraesophageal 2/10)."
        )
        assert _stage(text, ESOPHAGUS_SQUAMOUS).group == "IIB"

    @pytest.mark.parametrize(
        ("deposits", "expected"),
        [
            ("Tumor deposits: present.", "IIIB"),
            ("Non-lymph node pericolonic tumor: present.", "IIIB"),
            ("Tumor deposits: not identified.", "IIA"),
            ("No tumor deposits identified.", "IIA"),
        ],
    )
    def test_colorectal_tumour_deposits_without_nodes_give_n1c(
        self, deposits: str, expected: str
    ) -> None:
        text = f"Adenocarcinoma of the colon, pT3. Lymph nodes: 0/14. {deposits}"
        assert _stage(text, COLON).group == expected

    def test_involved_nodes_of_unknown_station_are_n1_when_in_doubt(self) -> None:
        text = "Lobectomy: squamous cell carcinoma, 6.0 cm. Lymph nodes: 2/6 positive."
        stage = _stage(text, LUNG)
        assert (stage.t, stage.group) == ("T2b", "IIB")
        assert any("N1, the lowest category" in a for a in stage.assumptions)

    def test_thyroid_involved_nodes_give_n1(self) -> None:
        text = "Papillary carcinoma, 2.5 cm. Metastatic carcinoma in 3 of 7 lymph nodes."
        stage = _stage(text, THYROID)
        assert stage.group == "I"
        assert any("N1 read from the count" in a for a in stage.assumptions)
        assert any("at 45 or older it would be III or IVA" in a for a in stage.assumptions)

    def test_a_fraction_of_negative_nodes_is_no_involved_node(self) -> None:
        text = "Ductal adenocarcinoma of the pancreas, 2.8 cm. 12/12 lymph nodes, negative."
        assert _stage(text, PANCREAS).group == "IB"
        # Read either way, "3/12 nodes negative" is not counted at all.
        text = "Ductal adenocarcinoma of the pancreas, 2.8 cm. 3/12 lymph nodes, negative."
        assert any("N0 assumed" in a for a in _stage(text, PANCREAS).assumptions)

    def test_metastasis_in_matted_nodes_is_two_or_more_nodes(self) -> None:
        text = (
            "Squamous cell carcinoma of the tongue, 3.0 cm. Right neck: metastatic carcinoma "
            "involving a matted mass of level II lymph nodes. Other lymph nodes negative (0/12)."
        )
        assert _stage(text, ORAL).group == "IVA"

    def test_lung_n_is_read_from_the_station(self) -> None:
        text = "Adenocarcinoma, pT2a. Level 7 subcarinal lymph node: metastatic carcinoma (1/2)."
        assert _stage(text, LUNG).group == "IIIA"

    def test_mesothelioma_n_is_read_from_the_station_by_the_edition(self) -> None:
        # Subcarinal nodes are N2 in the 7th edition (T2 N2: III), N1 in the 8th (T2 N1: II).
        text = (
            "Pleurectomy: malignant mesothelioma, epithelioid type, pT2. Station 7 subcarinal "
            "lymph nodes: metastatic mesothelioma (1/3)."
        )
        assert _stage(text, MESOTHELIOMA).group == "III"
        assert _stage(f"{text} Staged per AJCC 8th edition.", MESOTHELIOMA).group == "II"


class TestFindings:
    def test_kidney_size_gives_t1b(self) -> None:
        text = "Renal cell carcinoma, clear cell type, 5.5 cm, confined to the kidney."
        stage = _stage(text, KIDNEY)
        assert (stage.t, stage.group, stage.method) == ("T1b", "I", "derived")
        assert any("read from the findings" in a for a in stage.assumptions)

    def test_labelled_tumour_diameter_gives_t(self) -> None:
        text = "Invasive ductal carcinoma, grade 3 (tumor diameter: 3.0 cm)."
        assert (_stage(text).t, _stage(text).group) == ("T2", "IIA")

    def test_a_bare_size_field_among_the_tumour_fields_gives_t(self) -> None:
        text = "Papillary carcinoma. Location: right lobe. Multifocal: no. Size = 3.1 cm."
        assert _stage(text, THYROID).t == "T2"
        # A size some other word names is not the tumour's.
        text = "Papillary carcinoma. Specimen size: 5.5 x 3 cm. Tumor size: 0.8 cm."
        assert _stage(text, THYROID).t == "T1a"

    def test_kidney_fat_invasion_gives_t3a(self) -> None:
        text = "Renal cell carcinoma (4.0 cm). The tumor invades the perinephric fat."
        assert _stage(text, KIDNEY).group == "III"

    def test_negated_invasion_across_an_ocr_stop_is_not_read(self) -> None:
        text = (
            "Renal cell carcinoma (4.0 cm). The tumor does not appear to. invade the "
            "perinephric fat."
        )
        assert _stage(text, KIDNEY).group == "I"

    def test_stomach_depth_gives_t(self) -> None:
        text = "Adenocarcinoma invading through the muscularis propria into the subserosa (0/15)."
        stage = _stage(text, STOMACH)
        assert (stage.t, stage.group) == ("T3", "IIA")

    def test_liver_vascular_invasion_gives_t2(self) -> None:
        text = "Hepatocellular carcinoma, solitary, 3.0 cm, with vascular invasion."
        assert _stage(text, LIVER).group == "II"

    def test_colon_checklist_extent_gives_t(self) -> None:
        text = "Tumor extent: pericolonic tissues. Lymph nodes: 0/14 positive for metastasis."
        assert _stage(text, COLON).group == "IIA"

    def test_thyroid_group_without_the_age_is_the_lower_one(self) -> None:
        small = _stage("Papillary carcinoma, 1.5 cm, limited to the thyroid (0/3).", THYROID)
        assert small.group == "I"
        large = _stage("Papillary carcinoma, 3.5 cm, limited to the thyroid (0/3).", THYROID)
        assert (large.group, large.method) == ("I", "derived")
        assert any("at 45 or older it would be II" in a for a in large.assumptions)

    def test_ocr_carcinona_is_a_tumour_word_for_its_size(self) -> None:
        text = "Infiltrating duct carcinona, 1.8 cm. Eleven lymph nodes, negative for carcinoma."
        stage = _stage(text)
        assert (stage.t, stage.group) == ("T1c", "IA")

    def test_multiple_liver_tumours_of_unread_size_are_t2_when_in_doubt(self) -> None:
        stage = _stage("Hepatocellular carcinoma with two satellite nodules.", LIVER)
        assert (stage.t, stage.group) == ("T2", "II")

    @pytest.mark.parametrize(
        "finding",
        ["There is a similar. appearing lesion nearby.", "Focal vascular. invasion is seen."],
    )
    def test_liver_findings_across_an_ocr_stop_are_read(self, finding: str) -> None:
        assert _stage(f"Hepatocellular carcinoma, 3.0 cm. {finding}", LIVER).t == "T2"

    @pytest.mark.parametrize("bone", ["the mandible", "the hyoid bone"])
    def test_larynx_into_bone_beyond_the_larynx_gives_t4a(self, bone: str) -> None:
        text = f"Squamous cell carcinoma of the larynx invading {bone}. Lymph nodes: 0/12."
        stage = _stage(text, LARYNX)
        assert (stage.t, stage.group) == ("T4a", "IVA")

    @pytest.mark.parametrize(
        "extent",
        [
            "involving the thyroid and cricoid cartilages",
            "involving the vocal cord, cartilage (thyroid, cricoid and arytenoid cartilages)",
        ],
    )
    def test_larynx_into_a_list_of_cartilages_with_the_thyroid_gives_t4a(self, extent: str) -> None:
        text = f"Laryngectomy: squamous cell carcinoma, {extent}. Lymph nodes: 0/14."
        stage = _stage(text, LARYNX)
        assert (stage.t, stage.group) == ("T4a", "IVA")

    def test_hypopharynx_into_the_cricoid_cartilage_gives_t4a(self) -> None:
        text = "Squamous cell carcinoma invading the cricoid cartilage. Lymph nodes: 0/9."
        assert _stage(text, HYPOPHARYNX).t == "T4a"

    def test_pancreatic_neuroendocrine_tumour_uses_the_exocrine_table_in_the_7th(self) -> None:
        text = "Well differentiated neuroendocrine tumor of the pancreas, pT2 pN0."
        stage = _stage(text, PANCREAS_NET)
        assert stage.group == "IB"
        assert any("exocrine pancreas table" in a for a in stage.assumptions)

    def test_skin_melanoma_thickness_and_ulceration_give_t(self) -> None:
        text = "Malignant melanoma. Tumor features: ulcerated. Breslow thickness: 5 mm."
        stage = _stage(text, SKIN_MELANOMA)
        assert (stage.t, stage.group) == ("T4b", "IIC")

    @pytest.mark.parametrize(
        "text",
        [
            "Melanoma, ulcerated. Comments: Breslow tumor thickness at excision = 6 mm.",
            "Melanoma, ulcerated. Comments: 6.5 mm deep, Clark level IV.",
            "Melanoma, ulcerated. Tumor thickness: 6 mm.",
        ],
    )
    def test_skin_melanoma_thickness_written_other_ways_gives_t(self, text: str) -> None:
        stage = _stage(text, SKIN_MELANOMA)
        assert (stage.t, stage.group) == ("T4b", "IIC")

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "Adrenocortical carcinoma. Cut surface: a 6.5 x 5 x 4 cm, tan-yellow, soft, "
                "well-circumscribed tumor.",
                ("T2", "II"),
            ),
            (
                "Adrenocortical carcinoma. Cut surface: a 4.5 x 3 cm smooth round tan. tumor.",
                ("T1", "I"),
            ),
        ],
    )
    def test_size_before_a_list_of_features_or_a_line_end_is_the_tumour_size(
        self, text: str, expected: tuple[str, str]
    ) -> None:
        stage = _stage(text, ADRENAL)
        assert (stage.t, stage.group) == expected

    def test_larynx_into_the_adjacent_soft_tissues_gives_t4a(self) -> None:
        text = (
            "Squamous cell carcinoma of the larynx, transglottic, with involvement of the "
            "adjacent soft tissues. Lymph nodes: 0/20."
        )
        stage = _stage(text, LARYNX)
        assert (stage.t, stage.group) == ("T4a", "IVA")

    @pytest.mark.parametrize(
        ("extent", "expected"),
        [
            ("invading the underlying lung parenchyma", ("T2", "II")),
            ("invading the chest wall soft tissue", ("T3", "III")),
            ("extending through the pericardium", ("T4", "IV")),
        ],
    )
    def test_pleural_mesothelioma_extent_gives_t(
        self, extent: str, expected: tuple[str, str]
    ) -> None:
        text = f"Parietal pleura: malignant mesothelioma, epithelioid, {extent}. Lymph nodes: 0/5."
        stage = _stage(text, MESOTHELIOMA)
        assert (stage.t, stage.group) == expected

    def test_pleural_mesothelioma_biopsy_gives_no_t(self) -> None:
        assert _stages("Pleura, biopsy: malignant mesothelioma, epithelioid.", MESOTHELIOMA) == []

    def test_uveal_melanoma_size_category_gives_t(self) -> None:
        text = "Choroidal melanoma. Tumour size: LBD 16 mm, height 12 mm. No extraocular growth."
        stage = _stage(text, UVEAL)
        assert (stage.t, stage.group) == ("T3a", "IIB")

    def test_distant_metastasis_in_a_specimen_gives_m1(self) -> None:
        text = (
            "A. Colon, resection: adenocarcinoma invading through the muscularis propria into "
            "pericolonic fat (pT3), 0/15 lymph nodes. B. Omentum, biopsy: metastatic "
            "adenocarcinoma."
        )
        stage = _stage(text, COLON)
        assert (stage.m, stage.group) == ("pM1", "IV")
        assert any("pM1 read from the findings" in a for a in stage.assumptions)

    def test_lung_carcinoma_in_a_pleural_specimen_gives_m1a(self) -> None:
        text = (
            "A. Lung, right upper lobe, wedge excision: adenocarcinoma, 1.8 cm. B. Pleural "
            "biopsy: poorly differentiated carcinoma. C. Level 7 lymph node: negative (0/2)."
        )
        stage = _stage(text, LUNG)
        assert (stage.m, stage.group) == ("pM1a", "IV")
        negative = text.replace("poorly differentiated carcinoma", "negative for carcinoma")
        assert _stage(negative, LUNG).group == "IA"

    def test_uncertain_or_negated_metastasis_is_not_m1(self) -> None:
        text = (
            "Colon, resection: adenocarcinoma, pT3 pN0. Liver, biopsy: no evidence of "
            "metastatic disease. Clinical impression: possible lung metastases."
        )
        assert _stage(text, COLON).group == "IIA"

    def test_no_finding_without_a_cancer_type(self) -> None:
        assert _stages("Renal cell carcinoma, 5.5 cm.", None) == []


def test_the_accounts_age_fills_a_thyroid_table_the_report_leaves_open():
    from extractors.extract import extract_facts
    from models.schemas import StageFact

    text = "Papillary thyroid carcinoma of the left lobe, pT3 pN1a. AJCC 7th edition."
    page = [Page(number=1, text=text, method=ReadMethod.plain_text)]
    without = [f for f in extract_facts(page).facts if isinstance(f, StageFact)]
    younger = [f for f in extract_facts(page, patient_age=38).facts if isinstance(f, StageFact)]
    older = [f for f in extract_facts(page, patient_age=61).facts if isinstance(f, StageFact)]
    assert without[0].group == "I"
    assert any("age not known" in note for note in without[0].assumptions)
    assert younger[0].group == "I"
    assert older[0].group == "III"
    assert any("account" in note for note in younger[0].assumptions)


def test_an_ocr_doubled_one_before_the_letter_is_read():
    from extractors.extract import extract_facts
    from models.schemas import StageFact

    text = "Invasive ductal carcinoma of the breast. Pathologic stage: pT2 pN1la."
    facts = extract_facts([Page(number=1, text=text, method=ReadMethod.plain_text)]).facts
    stage = next(f for f in facts if isinstance(f, StageFact))
    assert (stage.t, stage.n) == ("pT2", "pN1a")
