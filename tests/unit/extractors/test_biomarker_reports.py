"""Biomarker results as lab, NGS, IHC and germline reports print them: panels named in one
sentence, assays named after a variant, keys and bands, rows and cells. Sentences invented for
these tests."""

from __future__ import annotations

from collections.abc import Callable

from models.schemas import BiomarkerFact, Extraction

Extract = Callable[..., Extraction]


def _read(extract: Extract, text: str) -> dict[str, list[BiomarkerFact]]:
    by_marker: dict[str, list[BiomarkerFact]] = {}
    for fact in extract(text).facts:
        if isinstance(fact, BiomarkerFact):
            by_marker.setdefault(fact.marker, []).append(fact)
    return by_marker


def _results(facts: dict[str, list[BiomarkerFact]], marker: str) -> set[str | None]:
    return {fact.result for fact in facts.get(marker, [])}


class TestVariantClasses:
    def test_variants_listed_under_an_uncertain_significance_heading_are_not_mutations(
        self, extract
    ):
        text = "Variants of uncertain significance: PTCH1 p.A1380V (VAF 31%), PIK3CA p.N345K\n"
        facts = _read(extract, text)
        assert _results(facts, "PIK3CA") == {"uncertain significance"}

    def test_variants_in_an_uncertain_significance_section_are_not_mutations(self, extract):
        text = (
            "GENOMIC FINDINGS\n"
            "  KRAS   p.G12D   VAF 31%\n"
            "\n"
            "VARIANTS OF UNKNOWN SIGNIFICANCE\n"
            "  PTCH1   p.A1380V   VAF 40%\n"
            "  PIK3CA  p.N345K    VAF 12%\n"
        )
        facts = _read(extract, text)
        assert _results(facts, "KRAS") == {"mutated"}
        assert _results(facts, "PIK3CA") == {"uncertain significance"}

    def test_a_pathogenic_variant_row_stays_mutated(self, extract):
        facts = _read(extract, "Pathogenic variants detected: PIK3CA p.H1047R (VAF 22%)\n")
        assert _results(facts, "PIK3CA") == {"mutated"}


class TestSignsSetApart:
    def test_a_sign_after_the_alias_beats_the_next_cells_result(self, extract):
        facts = _read(extract, "CK7 +, CD117 (c-kit) +, vimentin neg, CAIX neg\n")
        assert _results(facts, "KIT") == {"positive"}

    def test_a_minus_ending_its_cell_is_negative(self, extract):
        facts = _read(extract, "CD20 -, CD3 +, CD5 +\n")
        assert (_results(facts, "CD20"), _results(facts, "CD3")) == ({"negative"}, {"positive"})

    def test_a_dash_before_a_word_is_a_separator(self, extract):
        assert _results(_read(extract, "ER - positive (90%)\n"), "ER") == {"positive"}


class TestNegationBeforeTheMarker:
    def test_no_evidence_of_a_mutation_named_with_its_test_is_not_detected(self, extract):
        facts = _read(extract, "There is no molecular evidence of EGFR mutation.\n")
        assert _results(facts, "EGFR") == {"not detected"}

    def test_no_evidence_of_a_named_variant_is_not_detected(self, extract):
        facts = _read(extract, "No evidence of BRAF p.V600E.\n")
        assert _results(facts, "BRAF") == {"not detected"}

    def test_a_negated_result_that_cannot_be_named_is_left_unread(self, extract):
        facts = _read(extract, "Mismatch repair intact; no IHC evidence of MSI-H.\n")
        assert "high" not in _results(facts, "MSI")


class TestPanelsNamedInOneSentence:
    def test_negative_germline_panel_lists_each_gene(self, extract):
        facts = _read(
            extract,
            "Result: germline testing was negative for pathogenic variants in RAD51C, "
            "BRCA2, PALB2 and CHEK2.",
        )
        for marker in ("BRCA2", "PALB2", "CHEK2"):
            assert _results(facts, marker) == {"not detected"}, marker

    def test_no_reportable_alterations_list_after_a_colon(self, extract):
        text = "No reportable alterations were identified in: EGFR, KRAS, BRAF, ROS1.\n"
        facts = _read(extract, text)
        assert _results(facts, "EGFR") == {"not detected"}
        assert _results(facts, "ROS1") <= {"not detected", "negative"}
        assert _results(facts, "ROS1")

    def test_a_list_runs_over_genes_the_vocabulary_does_not_know(self, extract):
        text = "No pathogenic variants detected in: BRCA1, EPCAM, GREM1, MSH2 and TP53.\n"
        facts = _read(extract, text)
        for marker in ("BRCA1", "MSH2", "TP53"):
            assert _results(facts, marker) == {"not detected"}, marker

    def test_germline_mmr_gene_without_a_variant_is_not_a_lost_protein(self, extract):
        facts = _read(extract, "No pathogenic variants were found in MLH1, MSH6 or PMS2.")
        for marker in ("MLH1", "MSH6", "PMS2"):
            assert _results(facts, marker) == {"not detected"}, marker

    def test_variant_of_uncertain_significance_is_not_mutated(self, extract):
        text = (
            "Gene     Variant                  Classification\n"
            "CHEK2    c.470T>C (p.Ile157Thr)   Uncertain significance\n"
        )
        assert _results(_read(extract, text), "CHEK2") == {"uncertain significance"}

    def test_pathogenic_variant_row_is_mutated_with_its_variant(self, extract):
        text = "ATM      c.7271T>G (p.Val2424Gly)     Heterozygous     Pathogenic\n"
        (fact,) = _read(extract, text)["ATM"]
        assert (fact.result, fact.variant) == ("mutated", "p.V2424G")


class TestGeneSymbolsThatAreWords:
    def test_capitalised_symbol_before_a_variant_is_the_gene(self, extract):
        text = "APC      p.Q1367* (c.4099C>T)      VAF 33%\n"
        assert _results(_read(extract, text), "APC") == {"mutated"}

    def test_symbol_in_lower_case_prose_is_not_a_gene(self, extract):
        text = "The patient was seen by the apc and will meet at the atm near clinic, negative."
        facts = _read(extract, text)
        assert "APC" not in facts
        assert "ATM" not in facts


class TestAssayNamedAfterAVariant:
    def test_negative_mutation_specific_stain_is_not_detected(self, extract):
        facts = _read(extract, "IDH1 R132H (IHC) ............ Negative\n")
        assert _results(facts, "IDH1") == {"not detected"}

    def test_positive_mutation_specific_stain_is_the_mutation_found(self, extract):
        facts = _read(extract, "BRAF V600E (clone VE1) immunostain: positive in tumor cells.")
        assert _results(facts, "BRAF") == {"mutated"}

    def test_variant_named_as_a_drug_target_is_not_a_result(self, extract):
        facts = _read(extract, "KRAS G12C-directed inhibitors are not an option here.")
        assert "KRAS" not in facts

    def test_variant_named_as_an_example_is_not_a_result(self, extract):
        text = "The antibody does not stain other codon 600 variants (e.g., BRAF V600K)."
        assert "BRAF" not in _read(extract, text)


class TestKeysAndBands:
    def test_tmb_key_with_its_band_is_not_a_value(self, extract):
        text = (
            "Tumor mutational burden ....... 6 mut/Mb      Low\n"
            "Key: TMB High (>= 10 mut/Mb); Low (< 10 mut/Mb)\n"
        )
        assert _results(_read(extract, text), "TMB") == {"low"}

    def test_conditional_definition_is_not_a_result(self, extract):
        text = "- PD-L1 CPS: positive when >= 1 in gastric trials.\n"
        assert "PD-L1" not in _read(extract, text)

    def test_scoring_key_listing_scores_is_not_a_result(self, extract):
        text = "- HER2 (biopsy scoring): 0 and 1+ negative; 2+ equivocal; 3+ positive.\n"
        assert "HER2" not in _read(extract, text)

    def test_probability_of_a_result_is_not_a_result(self, extract):
        text = "Retained staining carries a low probability of MSI-H in this tumor."
        assert "MSI" not in _read(extract, text)

    def test_negative_her2_with_score_one_stays_negative(self, extract):
        (fact,) = _read(extract, "HER2 (4B5) ........... 1+  NEGATIVE\n")["HER2"]
        assert (fact.result, fact.value) == ("negative", "1+")


class TestRowsAndCells:
    def test_result_after_a_leader_stays_on_its_row(self, extract):
        text = "SOX10 .......... Positive\nMLH1 ........... Retained\nPMS2 ........... Lost\n"
        facts = _read(extract, text)
        assert _results(facts, "MLH1") == {"intact"}
        assert _results(facts, "PMS2") == {"lost"}

    def test_two_column_mmr_panel_gives_each_protein(self, extract):
        text = (
            " MLH1 ...... Lost            MSH2 ...... Retained\n"
            " PMS2 ...... Lost            MSH6 ...... Retained\n"
        )
        facts = _read(extract, text)
        assert _results(facts, "MLH1") == {"lost"}
        assert _results(facts, "MSH2") == {"intact"}
        assert _results(facts, "PMS2") == {"lost"}
        assert _results(facts, "MSH6") == {"intact"}

    def test_a_cell_after_a_vertical_rule_keeps_its_result(self, extract):
        text = " PD-L1 (SP263) ....... TC 15%        | MSH6 ....... Lost\n"
        facts = _read(extract, text)
        assert _results(facts, "PD-L1") == {"positive"}
        assert _results(facts, "MSH6") == {"lost"}

    def test_no_loss_of_expression_is_mmr_proficient(self, extract):
        text = "Interpretation: no loss of nuclear expression of MMR proteins."
        assert _results(_read(extract, text), "MMR") == {"proficient"}


class TestSerumLevelsOnLabReports:
    def test_flag_after_the_level_gives_its_result(self, extract):
        text = (
            "Test          Result   Flag   Units    Reference Range\n"
            "CA-125        88       H      U/mL     0 - 35\n"
        )
        (fact,) = _read(extract, text)["CA-125"]
        assert fact.result == "high"

    def test_reference_range_on_the_row_gives_a_normal_level(self, extract):
        text = (
            "Test          Result   Units    Reference Range\n"
            "CEA           2.2      ng/mL    0.0 - 3.0\n"
        )
        (fact,) = _read(extract, text)["CEA"]
        assert fact.result == "normal"

    def test_no_flag_and_no_range_leaves_the_result_unread(self, extract):
        (fact,) = _read(extract, "CEA 7.5 ng/mL at the last visit.")["CEA"]
        assert fact.result is None

    def test_the_latest_level_of_a_trend_is_the_value(self, extract):
        (fact,) = _read(extract, "PSA climbed (3.1 -> 4.4 -> 6.9 ng/mL) over a year.")["PSA"]
        assert fact.value is not None
        assert fact.value.startswith("6.9")


class TestGeneRowsOnSequencingReports:
    def test_level_word_of_another_column_is_not_the_gene_result(self, extract):
        text = "BRCA2     p.K3326*    c.9976A>T     48.0%     2 (normal)     IIC\n"
        assert _results(_read(extract, text), "BRCA2") == {"mutated"}

    def test_negation_after_the_alteration_speaks_of_another_finding(self, extract):
        text = "KRAS mutation (p.G12V) at 22% VAF in the absence of an MSI-high phenotype."
        assert _results(_read(extract, text), "KRAS") == {"mutated"}

    def test_fish_probe_locus_in_brackets_is_not_the_gene_result(self, extract):
        text = "del(11q22.3) [ATM] ............ not detected\n"
        assert "ATM" not in _read(extract, text)

    def test_unmutated_is_wild_type(self, extract):
        facts = _read(extract, "Result: IGHV UNMUTATED (99.1% identity to germline).")
        assert {fact.result for fact in next(iter(facts.values()))} == {"wild type"}


def test_sequencing_that_excludes_mutations_is_not_detected(extract):
    text = "Sequencing of KRAS and NRAS excludes activating mutations in this tumour."
    facts = _read(extract, text)
    assert _results(facts, "KRAS") == {"not detected"}
    assert _results(facts, "NRAS") == {"not detected"}


class TestCodingChanges:
    def test_intronic_splice_change_in_a_row_is_a_mutation(self, extract):
        text = "PALB2     c.3350+1G>T (splice donor)     41.5%     -     II\n"
        (fact,) = _read(extract, text)["PALB2"]
        assert (fact.result, fact.variant) == ("mutated", "c.3350+1G>T")

    def test_promoter_change_upstream_of_the_start_is_a_mutation(self, extract):
        (fact,) = _read(extract, "TERT    promoter c.-146C>T     28.0%\n")["TERT"]
        assert (fact.result, fact.variant) == ("mutated", "c.-146C>T")

    def test_coding_change_beside_a_frameshift_is_the_value(self, extract):
        text = "MSH6    c.3261dup (p.Phe1088Leufs*5)    Heterozygous    Pathogenic\n"
        (fact,) = _read(extract, text)["MSH6"]
        assert (fact.result, fact.value, fact.variant) == ("mutated", "c.3261dup", "p.F1088Lfs*5")


class TestLongPanels:
    def test_every_gene_of_a_long_negative_list_is_not_detected(self, extract):
        text = (
            "Genes tested with no pathogenic variant found:\n"
            "APC, BARD1 (deletion/duplication only), BRIP1, CDH1, CHEK2, EPCAM, GREM1, HOXB13,\n"
            "MUTYH, NBN, PALB2, PTEN, RAD51D, SMAD4, STK11, TP53.\n"
        )
        facts = _read(extract, text)
        assert _results(facts, "PALB2") == {"not detected"}
        assert _results(facts, "TP53") == {"not detected"}

    def test_aside_after_the_last_gene_of_a_negative_list_is_its_own(self, extract):
        text = "Genes with no reportable alterations: KRAS, NRAS, MET (no amplification), RET."
        facts = _read(extract, text)
        assert _results(facts, "KRAS") == {"not detected"}
        assert _results(facts, "NRAS") == {"not detected"}

    def test_symbol_that_is_a_word_is_a_gene_between_unknown_symbols(self, extract):
        text = "No reportable alterations in: ATM, FANCA, PALB2, RAD51B."
        assert _results(_read(extract, text), "ATM") == {"not detected"}


class TestAlterationRows:
    def test_amplification_in_the_cell_after_a_gene_is_found(self, extract):
        text = "Gene      Alteration        Copy number\nMET       amplification     14\n"
        assert _results(_read(extract, text), "MET") == {"amplified"}

    def test_alteration_paired_with_drugs_by_a_leader_is_no_result(self, extract):
        text = "Therapies by alteration:\n  BRAF mutation ........ dabrafenib, trametinib\n"
        assert "BRAF" not in _read(extract, text)

    def test_homozygous_deletion_found_and_not_found(self, extract):
        found = _read(extract, "PTEN: homozygous deletion.")
        absent = _read(extract, "CDKN2A/B: no homozygous deletion identified.")
        assert _results(found, "PTEN") == {"detected"}
        assert _results(absent, "CDKN2A") == {"not detected"}

    def test_truncating_variant_is_a_mutation(self, extract):
        assert _results(_read(extract, "ARID1A truncating (VAF 30%)."), "ARID1A") == {"mutated"}

    def test_not_mutated_is_wild_type(self, extract):
        assert _results(_read(extract, "KRAS not mutated by PCR."), "KRAS") == {"wild type"}

    def test_abnormal_p53_stain_is_positive(self, extract):
        assert _results(_read(extract, "p53 abnormal (null pattern)."), "TP53") == {"positive"}

    def test_fusion_partner_pair_of_fgfr2(self, extract):
        (fact,) = _read(extract, "FGFR2::AHCYL1 fusion detected by RNA sequencing.")["FGFR2"]
        assert fact.variant == "FGFR2::AHCYL1"


class TestHer2SettledByIsh:
    def test_equivocal_ihc_with_ish_not_amplified_is_low(self, extract):
        text = "HER2 IHC ....... 2+ (equivocal)\nHER2 FISH ...... not amplified (ratio 1.2)\n"
        assert "low" in _results(_read(extract, text), "HER2")
        assert "equivocal" not in _results(_read(extract, text), "HER2")

    def test_equivocal_ihc_with_ish_amplified_is_positive(self, extract):
        text = "HER2 IHC: 2+ (equivocal).\nHER2 SISH: amplified, ratio 2.8.\n"
        assert "positive" in _results(_read(extract, text), "HER2")

    def test_conflicting_ish_results_leave_the_equivocal_score(self, extract):
        text = (
            "HER2 IHC: 2+ (equivocal).\nHER2 FISH: amplified.\nHER2 repeat FISH: not amplified.\n"
        )
        assert "equivocal" in _results(_read(extract, text), "HER2")

    def test_erbb2_amplification_result_is_reported_as_her2(self, extract):
        facts = _read(extract, "Molecular: ERBB2 not amplified; KRAS wild type.")
        assert _results(facts, "HER2") == {"not amplified"}
        assert "ERBB2" not in facts

    def test_rows_under_an_interpretive_key_are_not_results(self, extract):
        text = (
            "HER2 FISH ........ NOT AMPLIFIED\n\n"
            "Scoring criteria (dual probe):\n"
            "  ratio >= 2.0 and HER2 >= 4.0 ...... Amplified\n\n"
        )
        assert _results(_read(extract, text), "HER2") == {"not amplified"}


class TestStainsAndAssays:
    def test_positive_stain_named_after_a_variant_is_the_mutation(self, extract):
        facts = _read(extract, "H3 K27M (IHC) .......... positive (diffuse)\n")
        assert "mutated" in {f.result for fs in facts.values() for f in fs}

    def test_intensity_alone_after_a_stain_is_positive(self, extract):
        facts = _read(extract, "Reed-Sternberg cells: CD30+, CD15+, PAX5 dim, CD45-.")
        assert _results(facts, "PAX5") == {"positive"}

    def test_alk1_antibody_names_alk(self, extract):
        assert _results(_read(extract, "ALK1 ......... negative\n"), "ALK") == {"negative"}

    def test_short_symbol_stained_in_a_panel_after_another_result(self, extract):
        facts = _read(extract, "Immunostains: desmin positive, SMA positive, S100 negative.")
        assert _results(facts, "SMA") == {"positive"}

    def test_combined_positive_score_is_a_name_not_a_result(self, extract):
        (fact,) = _read(extract, "PD-L1 (22C3) combined positive score (CPS) <1.")["PD-L1"]
        assert (fact.result, fact.value) == ("negative", "CPS <1")

    def test_threshold_in_brackets_after_a_score_is_no_definition(self, extract):
        text = "PD-L1 CPS 12 (threshold for positivity: CPS >= 10)."
        (fact,) = _read(extract, text)["PD-L1"]
        assert (fact.result, fact.value) == ("positive", "CPS 12")

    def test_share_of_nuclei_is_the_value_of_a_fish_result(self, extract):
        (fact,) = _read(extract, "del(13q14) ....... DETECTED in 41% of nuclei\n")["del(13q)"]
        assert (fact.result, fact.value) == ("detected", "41% of nuclei")


class TestSerumLevels:
    def test_level_above_an_upper_limit_of_normal_is_high(self, extract):
        (fact,) = _read(extract, "LDH 388 U/L (ULN 246).")["LDH"]
        assert fact.result == "high"

    def test_level_at_a_bound_written_with_less_or_equal_is_normal(self, extract):
        (fact,) = _read(extract, "AFP 8 ng/mL (ref <= 8).")["AFP"]
        assert fact.result == "normal"

    def test_elevated_before_the_marker_is_high(self, extract):
        (fact,) = _read(extract, "Referred for an elevated CEA (11.2 ng/mL).")["CEA"]
        assert fact.result == "high"

    def test_level_after_one_at_diagnosis_is_the_latest(self, extract):
        (fact,) = _read(extract, "CA-125 880 U/mL at diagnosis, 21 U/mL after cycle 3.")["CA-125"]
        assert fact.value is not None
        assert fact.value.startswith("21")

    def test_flag_and_range_in_one_bracket_do_not_end_the_sentence(self, extract):
        text = "CA 19-9: 96 U/mL (H; ref < 37) on 02/03, 71 U/mL on 02/10."
        (fact,) = _read(extract, text)["CA 19-9"]
        assert fact.value is not None
        assert (fact.result, fact.value.split(" on ")[0]) == ("high", "71 U/mL")

    def test_within_the_reference_interval_is_normal(self, extract):
        (fact,) = _read(extract, "CEA has stayed within the reference interval since surgery.")[
            "CEA"
        ]
        assert fact.result == "normal"
