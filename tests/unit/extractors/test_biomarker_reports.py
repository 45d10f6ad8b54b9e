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

    def test_a_pathogenic_variant_row_stays_mutated(self, extract):
        facts = _read(extract, "Pathogenic variants detected: PIK3CA p.H1047R (VAF 22%)\n")
        assert _results(facts, "PIK3CA") == {"mutated"}


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
