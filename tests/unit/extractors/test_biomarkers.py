"""Biomarker results, values, methods and variants, from short notes written for these tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from models.schemas import BiomarkerFact, Extraction

Extract = Callable[..., Extraction]


def _markers(extraction: Extraction) -> list[BiomarkerFact]:
    return [fact for fact in extraction.facts if isinstance(fact, BiomarkerFact)]


def _read(extract: Extract, text: str) -> list[BiomarkerFact]:
    return _markers(extract(text))


def _one(facts: list[BiomarkerFact], marker: str) -> BiomarkerFact:
    found = [fact for fact in facts if fact.marker == marker]
    assert len(found) == 1, found
    return found[0]


def _span(text: str, fact: BiomarkerFact) -> str:
    return text[fact.evidence.start : fact.evidence.end]


class TestHormoneReceptors:
    def test_percent_is_the_value_and_the_evidence_covers_it(self, extract):
        text = "Estrogen receptor: positive (95%, strong). Progesterone receptor: negative (<1%)."
        facts = _read(extract, text)
        er, pr = _one(facts, "ER"), _one(facts, "PR")
        assert (er.result, er.value) == ("positive", "95%")
        assert (pr.result, pr.value) == ("negative", "<1%")
        assert _span(text, er) == "Estrogen receptor: positive (95%"

    def test_result_follows_from_a_percent_alone(self, extract):
        facts = _read(extract, "ER 80%, PR 0%.")
        assert (_one(facts, "ER").result, _one(facts, "PR").result) == ("positive", "negative")

    def test_allred_score_joins_the_percent(self, extract):
        text = "Estrogen receptor (ER): positive, Allred score 8/8, 95% strong staining."
        er = _one(_read(extract, text), "ER")
        assert er.result == "positive"
        assert er.value == "95%, Allred 8/8"

    def test_intensity_is_the_value_when_no_percent_is_given(self, extract):
        er = _one(_read(extract, "ER: strongly positive."), "ER")
        assert (er.result, er.value) == ("positive", "strong")

    def test_signs_attached_to_markers(self, extract):
        facts = _read(extract, "HR+/HER2- metastatic breast cancer; ER+/PR- on the biopsy.")
        results = {fact.marker: fact.result for fact in facts}
        assert results == {"HR": "positive", "HER2": "negative", "ER": "positive", "PR": "negative"}

    def test_values_given_respectively(self, extract):
        facts = _read(extract, "ER and PR positive at 90% and 60%, respectively.")
        assert (_one(facts, "ER").value, _one(facts, "PR").value) == ("90%", "60%")

    def test_ki67_keeps_its_range(self, extract):
        ki67 = _one(_read(extract, "Ki-67 proliferation index: 10-20%."), "Ki-67")
        assert (ki67.result, ki67.value) == (None, "10-20%")

    def test_triple_negative_states_three_results(self, extract):
        facts = _read(extract, "Triple-negative invasive ductal carcinoma.")
        assert {(f.marker, f.result) for f in facts} == {
            ("ER", "negative"),
            ("PR", "negative"),
            ("HER2", "negative"),
        }


class TestHer2:
    @pytest.mark.parametrize(
        ("text", "result", "value"),
        [
            ("HER2 IHC 0.", "negative", "0"),
            ("HER2 by IHC: 1+.", "low", "1+"),
            ("HER2 (IHC) 2+, equivocal; reflex FISH pending.", "equivocal", "2+"),
            ("HER2 IHC 2+, FISH not amplified (ratio 1.4).", "low", "2+, ratio 1.4"),
            ("HER2 2+ by IHC, amplified by FISH (ratio 2.6).", "positive", "2+, ratio 2.6"),
            ("HER2 3+ (positive).", "positive", "3+"),
            ("HER2-low breast cancer.", "low", None),
            ("HER2 IHC 2+, FISH pending.", "equivocal", "2+"),
            ("HER2 testing: IHC 3+.", "positive", "3+"),
        ],
    )
    def test_ihc_score_and_ish_give_the_asco_cap_result(self, extract, text, result, value):
        her2 = _one(_read(extract, text), "HER2")
        assert (her2.result, her2.value) == (result, value)

    def test_ish_ratio_and_copy_number(self, extract):
        text = "HER2 FISH: amplified, HER2/CEP17 ratio 2.3, average HER2 copy number 6.2."
        her2 = _one(_read(extract, text), "HER2")
        assert (her2.result, her2.value, her2.method) == (
            "amplified",
            "ratio 2.3, copy number 6.2",
            "FISH",
        )

    def test_negative_for_amplification_after_an_ihc_score(self, extract):
        text = "HER2 by IHC: 1+, negative for HER2 amplification by FISH."
        facts = _read(extract, text)
        assert [(f.result, f.value, f.method) for f in facts] == [
            ("low", "1+", "IHC"),
            ("not amplified", None, "FISH"),
        ]
        assert _span(text, facts[0]) == "HER2 by IHC: 1+"
        assert _span(text, facts[1]) == "negative for HER2 amplification by FISH"

    def test_scoring_rules_quoted_in_a_report_are_not_results(self, extract):
        text = "HER2 IHC is scored as negative (0 or 1+), equivocal (2+) or positive (3+)."
        assert _read(extract, text) == []


class TestLists:
    def test_result_after_a_list(self, extract):
        text = "ER, PR and HER2 negative."
        facts = _read(extract, text)
        assert {f.marker: f.result for f in facts} == {
            "ER": "negative",
            "PR": "negative",
            "HER2": "negative",
        }
        assert _span(text, _one(facts, "ER")) == "ER, PR and HER2 negative"

    def test_result_before_a_list(self, extract):
        text = "Tumor cells are negative for ER, PR and HER2."
        facts = _read(extract, text)
        assert {f.result for f in facts} == {"negative"}
        assert _span(text, _one(facts, "HER2")) == "negative for ER, PR and HER2"
        assert all(not f.negated and f.asserted for f in facts)

    def test_two_lists_in_one_sentence(self, extract):
        facts = _read(extract, "Positive for ER and PR, negative for HER2.")
        assert {f.marker: f.result for f in facts} == {
            "ER": "positive",
            "PR": "positive",
            "HER2": "negative",
        }

    def test_mmr_groups_separated_by_semicolons(self, extract):
        facts = _read(extract, "MLH1, PMS2: loss; MSH2, MSH6: intact")
        assert {f.marker: f.result for f in facts} == {
            "MLH1": "lost",
            "PMS2": "lost",
            "MSH2": "intact",
            "MSH6": "intact",
        }

    def test_loss_of_nuclear_expression_with_retained_proteins(self, extract):
        text = (
            "Immunohistochemistry shows loss of nuclear expression of MLH1 and PMS2 "
            "with retained MSH2 and MSH6."
        )
        facts = _read(extract, text)
        assert {f.marker: f.result for f in facts} == {
            "MLH1": "lost",
            "PMS2": "lost",
            "MSH2": "intact",
            "MSH6": "intact",
        }
        assert _one(facts, "MLH1").method == "IHC"
        assert _span(text, _one(facts, "MSH2")) == "retained MSH2"

    def test_table_rows_as_text(self, extract):
        text = (
            "Marker   Result                     Method\n"
            "ER       Positive (95%, strong)     IHC\n"
            "PR       Negative (<1%)             IHC\n"
            "HER2     2+ (equivocal)             IHC\n"
            "HER2     Not amplified, ratio 1.3   FISH\n"
            "Ki-67    30%                        IHC\n"
        )
        facts = _read(extract, text)
        assert [(f.marker, f.result, f.value, f.method) for f in facts] == [
            ("ER", "positive", "95%", "IHC"),
            ("PR", "negative", "<1%", "IHC"),
            ("HER2", "low", "2+", "IHC"),  # settled by the FISH row (ASCO/CAP 2018)
            ("HER2", "not amplified", "ratio 1.3", "FISH"),
            ("Ki-67", None, "30%", "IHC"),
        ]

    def test_gene_table_with_variants(self, extract):
        text = "Gene   Alteration   Result\nEGFR   p.L858R   Detected\nKRAS   -   Not detected\n"
        facts = _read(extract, text)
        assert [(f.marker, f.result, f.variant) for f in facts] == [
            ("EGFR", "mutated", "p.L858R"),
            ("KRAS", "not detected", None),
        ]


class TestDriverAlterations:
    @pytest.mark.parametrize(
        ("text", "marker", "result", "variant"),
        [
            ("EGFR exon 19 deletion detected.", "EGFR", "mutated", "exon 19 deletion"),
            ("EGFR mutation (L858R) detected by NGS.", "EGFR", "mutated", "p.L858R"),
            ("T790M: not detected.", "EGFR", "not detected", "p.T790M"),
            ("EGFR exon 20 insertion.", "EGFR", "mutated", "exon 20 insertion"),
            ("KRAS G12C mutation.", "KRAS", "mutated", "p.G12C"),
            ("KRAS p.(Gly12Asp) detected.", "KRAS", "mutated", "p.G12D"),
            ("BRAF c.1799T>A p.V600E.", "BRAF", "mutated", "p.V600E"),
            ("BRAF V600E: negative.", "BRAF", "not detected", "p.V600E"),
            ("NRAS Q61R mutant.", "NRAS", "mutated", "p.Q61R"),
            ("MET exon 14 skipping mutation detected.", "MET", "mutated", "exon 14 skipping"),
            ("ROS1 fusion detected (CD74-ROS1).", "ROS1", "positive", "CD74::ROS1"),
            ("RET fusion: KIF5B::RET detected.", "RET", "positive", "KIF5B::RET"),
            ("EML4-ALK.", "ALK", "positive", "EML4::ALK"),
            ("ALK rearrangement negative by FISH.", "ALK", "negative", None),
            ("NTRK1/2/3 fusions: not detected.", "NTRK", "negative", None),
            (
                "ERBB2 exon 20 insertion (p.A775_G776insYVMA).",
                "ERBB2",
                "mutated",
                "p.A775_G776insYVMA",
            ),
            ("PIK3CA mutation (E545K) detected.", "PIK3CA", "mutated", "p.E545K"),
            ("ESR1 p.Y537S mutation.", "ESR1", "mutated", "p.Y537S"),
            ("KRAS and NRAS wild-type.", "KRAS", "wild type", None),
            ("IDH1 R132H mutant.", "IDH1", "mutated", "p.R132H"),
        ],
    )
    def test_result_and_variant(self, extract, text, marker, result, variant):
        fact = _one(_read(extract, text), marker)
        assert (fact.result, fact.variant) == (result, variant)

    def test_negation_before_the_marker_is_the_result(self, extract):
        text = "No EGFR mutation was identified."
        egfr = _one(_read(extract, text), "EGFR")
        assert egfr.result == "not detected"
        assert egfr.asserted and not egfr.negated
        assert _span(text, egfr) == "No EGFR mutation was identified"

    def test_each_variant_of_a_gene_is_its_own_fact(self, extract):
        facts = _read(extract, "EGFR exon 19 deletion detected; T790M not detected.")
        assert [(f.result, f.variant) for f in facts] == [
            ("mutated", "exon 19 deletion"),
            ("not detected", "p.T790M"),
        ]

    def test_alk_clone_names_the_assay(self, extract):
        alk = _one(_read(extract, "ALK (D5F3) IHC: positive."), "ALK")
        assert (alk.result, alk.method) == ("positive", "IHC D5F3")


class TestBrcaAndHomologousRecombination:
    def test_germline_variant_in_hgvs(self, extract):
        text = "Germline BRCA2 pathogenic variant c.5946delT (p.Ser1982fs)."
        brca2 = _one(_read(extract, text), "BRCA2")
        assert (brca2.result, brca2.value, brca2.variant) == (
            "mutated",
            "c.5946delT, germline",
            "p.S1982fs",
        )

    def test_somatic_and_negative_germline(self, extract):
        facts = _read(
            extract, "Somatic BRCA2 mutation detected. Germline BRCA1/2 testing negative."
        )
        assert (_one(facts, "BRCA2").result, _one(facts, "BRCA2").value) == ("mutated", "somatic")
        assert (_one(facts, "BRCA1/2").result, _one(facts, "BRCA1/2").value) == (
            "negative",
            "germline",
        )

    def test_hrd_score(self, extract):
        hrd = _one(_read(extract, "HRD positive (GIS 45)."), "HRD")
        assert (hrd.result, hrd.value) == ("positive", "score 45")


class TestImmunotherapyMarkers:
    @pytest.mark.parametrize(
        ("text", "result", "value", "method"),
        [
            ("PD-L1 (22C3) TPS 60%.", "high", "TPS 60%", "IHC 22C3"),
            ("PD-L1 22C3 tumor proportion score: 20%.", "low", "TPS 20%", "IHC 22C3"),
            ("PD-L1 TPS <1%.", "negative", "TPS <1%", None),
            ("PD-L1 CPS 5 (SP263).", "positive", "CPS 5", "IHC SP263"),
            ("PD-L1 (SP142) IC 1%.", "positive", "IC 1%", "IHC SP142"),
            ("PD-L1 negative (TPS 0%).", "negative", "TPS 0%", None),
        ],
    )
    def test_pd_l1_scores_and_clones(self, extract, text, result, value, method):
        pd_l1 = _one(_read(extract, text), "PD-L1")
        assert (pd_l1.result, pd_l1.value, pd_l1.method) == (result, value, method)

    @pytest.mark.parametrize(
        ("text", "marker", "result"),
        [
            ("MSI-H.", "MSI", "high"),
            ("Microsatellite stable (MSS).", "MSI", "stable"),
            ("MSI: stable.", "MSI", "stable"),
            ("The tumor is dMMR.", "MMR", "deficient"),
            ("Mismatch repair proteins intact.", "MMR", "proficient"),
            ("MLH1 - loss of nuclear expression.", "MLH1", "lost"),
        ],
    )
    def test_msi_and_mmr(self, extract, text, marker, result):
        assert _one(_read(extract, text), marker).result == result

    def test_tmb_value_and_band(self, extract):
        facts = _read(extract, "TMB 12 mut/Mb. Tumor mutational burden: 4 mutations/Mb.")
        assert [(f.result, f.value) for f in facts] == [
            ("high", "12 mut/Mb"),
            ("low", "4 mut/Mb"),
        ]


class TestCentralNervousSystemMarkers:
    @pytest.mark.parametrize(
        ("text", "marker", "result"),
        [
            ("MGMT promoter methylated.", "MGMT", "methylated"),
            ("MGMT promoter methylation: not detected.", "MGMT", "unmethylated"),
            ("1p/19q codeleted.", "1p/19q codeletion", "codeleted"),
            ("1p/19q: not codeleted.", "1p/19q codeletion", "not codeleted"),
            ("IDH1/2 wild-type.", "IDH", "wild type"),
            ("IDH-mutant astrocytoma.", "IDH", "mutated"),
        ],
    )
    def test_results(self, extract, text, marker, result):
        assert _one(_read(extract, text), marker).result == result


class TestSerumMarkers:
    def test_value_with_unit_and_date(self, extract):
        text = "PSA 4.2 ng/mL on 03/12/2024."
        psa = _one(_read(extract, text), "PSA")
        assert psa.value == "4.2 ng/mL on 2024-03-12"
        assert _span(text, psa) == "PSA 4.2 ng/mL on 03/12/2024"

    def test_values_of_several_markers(self, extract):
        facts = _read(extract, "CA-125 was 35 U/mL. CEA 3.1. AFP: 8 ng/mL (2024-01-05).")
        assert {f.marker: f.value for f in facts} == {
            "CA-125": "35 U/mL",
            "CEA": "3.1",
            "AFP": "8 ng/mL on 2024-01-05",
        }

    def test_the_latest_of_a_trend(self, extract):
        ca125 = _one(_read(extract, "CA-125 rose from 35 to 120 U/mL."), "CA-125")
        assert ca125.value == "120 U/mL"

    def test_words_about_the_value(self, extract):
        facts = _read(extract, "PSA <0.1 ng/mL (undetectable). CEA 12.5 ng/mL (elevated).")
        assert [(f.marker, f.result, f.value) for f in facts] == [
            ("PSA", "not detected", "<0.1 ng/mL"),
            ("CEA", "high", "12.5 ng/mL"),
        ]

    def test_a_date_is_not_a_value(self, extract):
        psa = _one(_read(extract, "PSA on 3/1/2024 was 6.8."), "PSA")
        assert psa.value == "6.8 on 2024-03-01"

    def test_kinetics_are_not_a_level(self, extract):
        assert _read(extract, "PSA doubling time of 6 months.") == []


class TestNotAResult:
    @pytest.mark.parametrize(
        "text",
        [
            "EGFR testing is pending.",
            "HER2 FISH was sent.",
            "ER/PR and HER2 will be reported in an addendum.",
            "No HER2 testing was performed.",
            "BRAF mutations can be found in 14% of colorectal cancers.",
            "She presented to the ER with chest pain.",
            "Tumor site: lower pole of the kidney.",
            "HR HPV testing was requested.",
        ],
    )
    def test_no_fact(self, extract, text):
        assert _read(extract, text) == []


class TestContext:
    def test_family_history_is_kept_but_not_asserted(self, extract):
        brca1 = _one(_read(extract, "Her mother carries a BRCA1 mutation."), "BRCA1")
        assert brca1.family and not brca1.asserted

    def test_family_history_section(self, extract):
        text = "Family history: sister had BRCA2 mutation.\nAssessment: germline BRCA2 negative."
        facts = _read(extract, text)
        assert [(f.result, f.asserted) for f in facts] == [("mutated", False), ("negative", True)]

    def test_conditional_result_is_hypothetical(self, extract):
        her2 = _one(_read(extract, "If HER2 positive, would add trastuzumab."), "HER2")
        assert her2.hypothetical and not her2.asserted

    def test_addendum_outranks_a_comment(self, extract):
        facts = _read(extract, "Addendum: HER2 FISH: amplified.\nComment: HER2 equivocal.")
        addendum, comment = facts
        assert addendum.confidence > comment.confidence
