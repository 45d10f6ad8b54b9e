"""Treatments with status, dates, line of therapy and regimen, from short notes written for these
tests; and the dates reader they use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from extractors.dates import find_dates
from models.schemas import Extraction, TreatmentFact

Extract = Callable[..., Extraction]


def _read(extract: Extract, text: str) -> list[TreatmentFact]:
    return [fact for fact in extract(text).facts if isinstance(fact, TreatmentFact)]


def _one(facts: list[TreatmentFact], name: str) -> TreatmentFact:
    found = [fact for fact in facts if fact.name == name]
    assert len(found) == 1, found
    return found[0]


def _span(text: str, fact: TreatmentFact) -> str:
    return text[fact.evidence.start : fact.evidence.end]


class TestNames:
    def test_brand_names_give_the_generic_name(self, extract):
        text = "Patient is on Keytruda every 3 weeks."
        fact = _one(_read(extract, text), "pembrolizumab")
        assert (fact.kind, fact.drug_class) == ("medication", "checkpoint inhibitor (PD-1)")
        assert _span(text, fact) == "Keytruda"

    def test_a_brand_in_parentheses_names_the_drug_once(self, extract):
        facts = _read(extract, "Currently on teclistamab (Tecvayli).")
        assert [(f.name, f.drug_class) for f in facts] == [("teclistamab", "bispecific antibody")]

    @pytest.mark.parametrize(
        ("regimen", "name", "drugs"),
        [
            ("FOLFOX", "FOLFOX", {"fluorouracil", "leucovorin", "oxaliplatin"}),
            (
                "mFOLFIRINOX",
                "FOLFIRINOX",
                {"fluorouracil", "leucovorin", "irinotecan", "oxaliplatin"},
            ),
            ("AC-T", "AC-T", {"doxorubicin", "cyclophosphamide", "paclitaxel"}),
            ("TCHP", "TCHP", {"docetaxel", "carboplatin", "trastuzumab", "pertuzumab"}),
            (
                "R-CHOP",
                "R-CHOP",
                {"rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"},
            ),
            ("carboplatin/pemetrexed", "CARBOPLATIN/PEMETREXED", {"carboplatin", "pemetrexed"}),
            ("DHAP", "DHAP", {"dexamethasone", "cytarabine", "cisplatin"}),
        ],
    )
    def test_regimens_expand_into_their_drugs(self, extract, regimen, name, drugs):
        text = f"She received {regimen}."
        facts = _read(extract, text)
        assert {f.name for f in facts} == drugs
        assert {f.regimen for f in facts} == {name}
        assert {_span(text, f) for f in facts} == {regimen}

    def test_a_written_list_of_drugs_names_its_regimen(self, extract):
        facts = _read(extract, "Started carboplatin + pemetrexed + pembrolizumab.")
        assert {f.regimen for f in facts} == {"CARBOPLATIN/PEMETREXED/PEMBROLIZUMAB"}

    def test_car_t_products_and_bispecifics(self, extract):
        facts = _read(extract, "S/p cilta-cel (Carvykti) 05/2023. Talquetamab started 2/2024.")
        assert [(f.name, f.kind, f.status) for f in facts] == [
            ("ciltacabtagene autoleucel", "cell_therapy", "past"),
            ("talquetamab", "medication", "current"),
        ]

    def test_car_t_without_a_product(self, extract):
        facts = _read(extract, "She was referred for CAR-T.")
        assert [(f.name, f.kind, f.status) for f in facts] == [
            ("car t-cell therapy", "cell_therapy", "planned")
        ]

    def test_car_t_next_to_its_product_is_the_product(self, extract):
        facts = _read(extract, "Relapsed, now s/p axi-cel CAR T-cell therapy.")
        assert [f.name for f in facts] == ["axicabtagene ciloleucel"]


class TestStatus:
    @pytest.mark.parametrize(
        ("text", "name", "status"),
        [
            ("She received carboplatin and paclitaxel in 2021.", "paclitaxel", "past"),
            ("Plan: she will start letrozole next week.", "letrozole", "planned"),
            ("Currently receiving T-DXd.", "trastuzumab deruxtecan", "current"),
            ("She has been on letrozole since 03/2024.", "letrozole", "current"),
            ("Patient on anastrozole, tolerating well.", "anastrozole", "current"),
            ("Pembrolizumab (C1D1 01/15/2024), now cycle 5.", "pembrolizumab", "current"),
            ("FOLFOX x 12 cycles, completed 06/2023.", "oxaliplatin", "past"),
            ("She is scheduled for a Whipple procedure.", "whipple procedure", "planned"),
            ("Underwent right upper lobectomy on 2023-02-10.", "lobectomy", "past"),
            ("No longer on letrozole.", "letrozole", "stopped"),
            ("She did not tolerate capecitabine.", "capecitabine", "stopped"),
        ],
    )
    def test_status_from_the_words_around(self, extract, text, name, status):
        fact = _one(_read(extract, text), name)
        assert fact.status == status
        assert fact.asserted

    def test_a_sentence_cue_carries_to_the_next_treatment(self, extract):
        facts = _read(extract, "She received AC, then paclitaxel, and is now on letrozole.")
        assert {f.name: f.status for f in facts} == {
            "doxorubicin": "past",
            "cyclophosphamide": "past",
            "paclitaxel": "past",
            "letrozole": "current",
        }

    def test_stopped_with_the_reason_in_the_evidence(self, extract):
        text = "Pembrolizumab was discontinued on 06/2024 due to pneumonitis."
        fact = _one(_read(extract, text), "pembrolizumab")
        assert (fact.status, fact.end_date) == ("stopped", dt.date(2024, 6, 1))
        assert _span(text, fact) == text.rstrip(".")

    def test_switched_from_one_drug_to_another(self, extract):
        facts = _read(extract, "Switched from anastrozole to exemestane due to arthralgias.")
        assert {f.name: f.status for f in facts} == {
            "anastrozole": "stopped",
            "exemestane": "current",
        }


class TestDates:
    def test_start_and_end_of_a_course(self, extract):
        facts = _read(extract, "She received FOLFOX from Jan 2023 to June 2023.")
        assert {(f.start_date, f.end_date, f.status) for f in facts} == {
            (dt.date(2023, 1, 1), dt.date(2023, 6, 1), "past")
        }

    @pytest.mark.parametrize(
        ("text", "start", "end"),
        [
            ("Started letrozole on 3/5/2024.", dt.date(2024, 3, 5), None),
            ("Letrozole since March 2024.", dt.date(2024, 3, 1), None),
            ("Tamoxifen 2015-2020.", dt.date(2015, 1, 1), dt.date(2020, 1, 1)),
            ("Letrozole (01/2022-06/2023).", dt.date(2022, 1, 1), dt.date(2023, 6, 1)),
            ("In March 2023 she started letrozole.", dt.date(2023, 3, 1), None),
            ("Completed letrozole in 06/2023.", None, dt.date(2023, 6, 1)),
        ],
    )
    def test_dates_read_around_a_drug(self, extract, text, start, end):
        fact = _one(_read(extract, text), "letrozole" if "etrozole" in text else "tamoxifen")
        assert (fact.start_date, fact.end_date) == (start, end)

    def test_a_date_between_two_treatments_is_the_first_ones(self, extract):
        facts = _read(extract, "Autologous stem cell transplant in 2019 after VRd induction.")
        transplant = _one(facts, "autologous stem cell transplant")
        assert (transplant.kind, transplant.start_date) == ("transplant", dt.date(2019, 1, 1))
        assert _one(facts, "bortezomib").start_date is None


class TestLineOfTherapy:
    def test_progressed_on_one_now_on_the_next(self, extract):
        facts = _read(extract, "She progressed on osimertinib, now on carboplatin/pemetrexed.")
        assert [(f.name, f.status, f.line) for f in facts] == [
            ("osimertinib", "past", 1),
            ("carboplatin", "current", 2),
            ("pemetrexed", "current", 2),
        ]

    def test_stated_lines_and_the_next_after_progression(self, extract):
        text = "She progressed on first-line FOLFOX and second-line FOLFIRI, now on regorafenib."
        lines = {(f.regimen or f.name, f.line, f.status) for f in _read(extract, text)}
        assert lines == {
            ("FOLFOX", 1, "past"),
            ("FOLFIRI", 2, "past"),
            ("regorafenib", 3, "current"),
        }

    @pytest.mark.parametrize(
        ("text", "name", "line"),
        [
            ("2L docetaxel.", "docetaxel", 2),
            ("Third-line gemcitabine.", "gemcitabine", 3),
            ("Nivolumab was given as second-line therapy.", "nivolumab", 2),
            ("Osimertinib since 01/2023 (first line).", "osimertinib", 1),
        ],
    )
    def test_stated_line(self, extract, text, name, line):
        assert _one(_read(extract, text), name).line == line

    def test_no_line_without_a_statement_or_progression(self, extract):
        facts = _read(extract, "She received adjuvant FOLFOX in 2019. Now on surveillance.")
        assert {f.line for f in facts} == {None}


class TestRadiation:
    def test_dose_fractions_site_and_intent(self, extract):
        text = "Palliative SBRT 30 Gy in 5 fractions to the T10 vertebral body was delivered."
        fact = _one(_read(extract, text), "stereotactic body radiation therapy")
        assert fact.kind == "radiation"
        assert fact.status == "past"
        assert fact.regimen == "30 Gy in 5 fractions; site: T10 vertebral body; intent: palliative"
        assert _span(text, fact) == "SBRT 30 Gy in 5 fractions to the T10 vertebral body"

    def test_centigray_and_slash_notation(self, extract):
        facts = _read(
            extract, "WBRT 30 Gy/10 fx completed 1/2024. Pelvic radiation 4500 cGy in 25 fractions."
        )
        assert [(f.regimen, f.status, f.end_date) for f in facts] == [
            ("30 Gy in 10 fractions", "past", dt.date(2024, 1, 1)),
            ("45 Gy in 25 fractions", "mentioned", None),
        ]


class TestNotGiven:
    def test_conditional_option_is_hypothetical(self, extract):
        facts = _read(extract, "If she progresses, then consider cabozantinib.")
        assert [(f.name, f.hypothetical, f.asserted) for f in facts] == [
            ("cabozantinib", True, False)
        ]

    def test_options_named(self, extract):
        facts = _read(extract, "Options include olaparib or talazoparib.")
        assert {f.name for f in facts} == {"olaparib", "talazoparib"}
        assert not any(f.asserted for f in facts)

    @pytest.mark.parametrize(
        ("text", "name"),
        [
            ("She declined adjuvant radiation.", "radiation therapy"),
            ("She is not a candidate for lobectomy.", "lobectomy"),
            ("Adjuvant chemotherapy with cisplatin would not be indicated.", "cisplatin"),
            ("Tamoxifen is not recommended.", "tamoxifen"),
            ("She refused tamoxifen.", "tamoxifen"),
        ],
    )
    def test_declined_or_not_indicated_is_negated(self, extract, text, name):
        fact = _one(_read(extract, text), name)
        assert fact.negated and not fact.asserted
        assert fact.status != "past"

    def test_family_member_treatment(self, extract):
        fact = _one(_read(extract, "Her sister was treated with tamoxifen."), "tamoxifen")
        assert fact.family and not fact.asserted


class TestFindDates:
    @pytest.mark.parametrize(
        ("text", "date", "precision"),
        [
            ("03/12/2024", dt.date(2024, 3, 12), "day"),
            ("3/5/24", dt.date(2024, 3, 5), "day"),
            ("25/12/2023", dt.date(2023, 12, 25), "day"),
            ("2024-03-12", dt.date(2024, 3, 12), "day"),
            ("03/2024", dt.date(2024, 3, 1), "month"),
            ("march 3, 2024", dt.date(2024, 3, 3), "day"),
            ("jan 2023", dt.date(2023, 1, 1), "month"),
            ("12 sept 2022", dt.date(2022, 9, 12), "day"),
        ],
    )
    def test_formats(self, text, date, precision):
        (found,) = find_dates(text)
        assert (found.date, found.precision) == (date, precision)
        assert (found.start, found.end) == (0, len(text))

    def test_years_alone_only_when_asked(self):
        assert find_dates("in 2021") == []
        assert [d.date for d in find_dates("in 2021", bare_years=True)] == [dt.date(2021, 1, 1)]

    def test_not_dates(self):
        assert (
            find_dates("ratio 2.3, 02/30/2024, pt2 n1, 50 gy in 25 fractions", bare_years=True)
            == []
        )


def _statuses(facts: list[TreatmentFact]) -> dict[str, str]:
    """The status of each drug the facts assert; a drug never asserted is left out."""
    rank = {"current": 4, "stopped": 3, "past": 2, "planned": 1, "mentioned": 0}
    found: dict[str, str] = {}
    for fact in facts:
        if fact.asserted and rank[fact.status] >= rank.get(found.get(fact.name, ""), -1):
            found[fact.name] = fact.status
    return found


class TestScope:
    """A drug named as an option, under a condition or refused is never planned or given."""

    def test_options_discussed_stay_mentioned_and_the_favored_one_is_planned(self, extract):
        text = (
            "PLAN\n"
            "1. We discussed gemcitabine + cisplatin, durvalumab with chemotherapy, and\n"
            "   FOLFIRINOX. We favor gemcitabine + cisplatin + durvalumab.\n"
        )
        statuses = _statuses(_read(extract, text))
        assert statuses == {
            "gemcitabine": "planned",
            "cisplatin": "planned",
            "durvalumab": "planned",
        }

    def test_options_in_one_clause_and_the_choice_in_the_next(self, extract):
        facts = _read(extract, "Plan: we discussed sunitinib or pazopanib; we favor pazopanib.")
        assert _statuses(facts) == {"pazopanib": "planned"}

    def test_a_conditional_clause_keeps_its_drugs_hypothetical(self, extract):
        text = "Plan:\n1. If disease progresses, consider cabozantinib +/- nivolumab.\n"
        facts = _read(extract, text)
        assert {fact.name for fact in facts} == {"cabozantinib", "nivolumab"}
        assert all(f.hypothetical and f.status == "mentioned" for f in facts)

    def test_a_condition_after_the_drug_makes_it_hypothetical(self, extract):
        facts = _read(extract, "Plan: add trastuzumab if the HER2 FISH returns amplified.")
        assert _one(facts, "trastuzumab").hypothetical

    def test_continuing_a_drug_under_a_condition_keeps_it_current(self, extract):
        facts = _read(extract, "If tolerated, continue anastrozole 1 mg daily.")
        fact = _one(facts, "anastrozole")
        assert (fact.status, fact.hypothetical) == ("current", False)

    def test_examples_of_a_trial_are_options(self, extract):
        text = "Plan:\n2. Trials: she may qualify for a study (e.g., trastuzumab deruxtecan).\n"
        assert _statuses(_read(extract, text)) == {}

    def test_a_trial_adding_a_drug_is_an_option(self, extract):
        facts = _read(extract, "Plan:\n3. A trial adding tiragolumab was offered; she declined.\n")
        assert _statuses(facts) == {}

    def test_an_alternative_named_after_the_drug_is_not_planned(self, extract):
        text = "Plan:\n1. Degarelix monthly planned; oral relugolix is an alternative.\n"
        assert _statuses(_read(extract, text)) == {"degarelix": "planned"}

    def test_a_drug_offered_and_declined_is_not_planned(self, extract):
        text = "Plan:\n4. Adjuvant capecitabine was offered for 6 months; he declined.\n"
        assert _statuses(_read(extract, text)) == {}

    def test_a_drug_not_given_is_negated(self, extract):
        facts = _read(extract, "Notes: cetuximab is not a suitable option and would not be used.")
        fact = _one(facts, "cetuximab")
        assert (fact.status, fact.negated) == ("mentioned", True)

    def test_drugs_joined_by_or_are_alternatives_with_a_lower_confidence(self, extract):
        facts = _read(extract, "Plan: start cisplatin or carboplatin with the radiation.")
        facts = [fact for fact in facts if fact.kind == "medication"]
        assert {f.status for f in facts} == {"mentioned"}
        assert all(f.uncertain and f.confidence < 0.85 for f in facts)

    def test_drugs_with_doses_between_them_share_the_status(self, extract):
        text = "Ixazomib 4 mg + lenalidomide 15 mg + dexamethasone 20 mg weekly - ongoing"
        assert _statuses(_read(extract, text)) == {
            "ixazomib": "current",
            "lenalidomide": "current",
            "dexamethasone": "current",
        }


class TestTreatmentSummaries:
    def test_a_date_line_above_heads_the_entry_below(self, extract):
        text = (
            "Adjuvant therapy\n"
            "  01/10/2023 - 04/02/2023\n"
            "  Docetaxel + cyclophosphamide x 4 cycles - completed\n"
            "  05/2023 - present\n"
            "  Anastrozole 1 mg daily - ongoing\n"
        )
        facts = _read(extract, text)
        docetaxel, anastrozole = _one(facts, "docetaxel"), _one(facts, "anastrozole")
        assert (docetaxel.status, docetaxel.start_date) == ("past", dt.date(2023, 1, 10))
        assert docetaxel.end_date == dt.date(2023, 4, 2)
        assert (anastrozole.status, anastrozole.start_date) == ("current", dt.date(2023, 5, 1))

    def test_a_drug_to_be_started_is_planned_not_current(self, extract):
        facts = _read(extract, "3. Denosumab to be started at the next clinic visit.")
        assert _one(facts, "denosumab").status == "planned"

    def test_a_status_written_after_the_entry_wins_over_a_phase_word(self, extract):
        facts = _read(extract, "Maintenance olaparib x 24 months (2021-2023) - completed")
        assert _one(facts, "olaparib").status == "past"

    def test_the_value_after_a_leader_is_the_rows_status(self, extract):
        text = (
            "Oxaliplatin 85 mg/m2 day 1 ............ stopped after cycle 8\n"
            "Capecitabine 1000 mg/m2 days 1, 8 ..... completed (8 of 8)\n"
        )
        assert _statuses(_read(extract, text)) == {
            "oxaliplatin": "stopped",
            "capecitabine": "past",
        }

    def test_stopped_for_toxicity_is_stopped_and_for_progression_is_past(self, extract):
        text = (
            "Sunitinib 50 mg (1st line) - discontinued for progression\n"
            "Nivolumab (2nd line) - stopped due to toxicity (colitis)\n"
        )
        facts = _read(extract, text)
        assert _one(facts, "sunitinib").status == "past"
        assert _one(facts, "nivolumab").status == "stopped"

    def test_a_sentence_running_past_a_title_keeps_its_dates(self, extract):
        text = (
            "Concurrent chemotherapy: weekly cisplatin x 6 doses, given by Dr. Okafor,\n"
            "last dose 03/14/2025.\n"
        )
        fact = _one(_read(extract, text), "cisplatin")
        assert (fact.status, fact.end_date) == ("past", dt.date(2025, 3, 14))
