from __future__ import annotations

from extractors.layout import key_blocks, unit_bounds


def _units(text: str) -> list[str]:
    starts = sorted({0, *unit_bounds(text)})
    ends = [*starts[1:], len(text)]
    return [text[start:end].strip() for start, end in zip(starts, ends, strict=True)]


def test_text_without_line_breaks_has_no_units() -> None:
    assert unit_bounds("ER positive (95%). PR negative. HER2 1+ negative.") == []


def test_rows_with_dotted_leaders_are_units_of_their_own() -> None:
    text = "IDH1 R132H (IHC) ........ Negative\nKi-67 ........ 40%\nATRX ........ Retained\n"
    assert _units(text) == [
        "IDH1 R132H (IHC) ........ Negative",
        "Ki-67 ........ 40%",
        "ATRX ........ Retained",
    ]


def test_a_panel_printed_side_by_side_is_cut_into_name_result_pairs() -> None:
    text = "CD20     positive       CD3      negative\nCD10     positive       BCL6     positive\n"
    assert _units(text) == [
        "CD20     positive",
        "CD3      negative",
        "CD10     positive",
        "BCL6     positive",
    ]


def test_a_table_of_variants_keeps_its_columns_together() -> None:
    row = "EGFR     p.L858R     VAF 32%     Tier I"
    assert _units(f"Gene     Alteration     VAF     Tier\n{row}\n") == [
        "Gene     Alteration     VAF     Tier",
        row,
    ]


def test_list_items_are_units_and_a_wrapped_item_stays_whole() -> None:
    text = (
        "Plan:\n"
        "1. Start letrozole 2.5 mg daily and\n"
        "   recheck bone density in a year\n"
        "2. Options discussed included palbociclib\n"
    )
    units = _units(text)
    assert units[1] == "1. Start letrozole 2.5 mg daily and\n   recheck bone density in a year"
    assert units[2] == "2. Options discussed included palbociclib"


def test_labelled_lines_end_where_the_next_label_begins() -> None:
    text = "ER: Positive (95%)\nPR: Negative\nHER2: 1+\n"
    assert _units(text) == ["ER: Positive (95%)", "PR: Negative", "HER2: 1+"]


def test_prose_wrapped_over_lines_is_not_cut() -> None:
    text = (
        "The patient is a 54-year-old woman who presents with a mass in the left breast\n"
        "that was found on screening mammography and biopsied last week.\n"
    )
    assert unit_bounds(text) == []


def test_pairs_joined_by_leaders_side_by_side_are_cells_of_their_own() -> None:
    text = " CDX2 ....... Positive          SATB2 ....... Positive\n"
    assert _units(text) == ["CDX2 ....... Positive", "SATB2 ....... Positive"]


def test_a_vertical_rule_starts_a_cell_whatever_the_cell_before_holds() -> None:
    text = " PD-L1 (SP263) ..... TC 30%      | EBER ISH ........ Negative\n"
    assert _units(text) == ["PD-L1 (SP263) ..... TC 30%      |", "EBER ISH ........ Negative"]


def test_a_result_with_its_pattern_after_a_dash_still_ends_a_panel_pair() -> None:
    text = "    Desmin      ABNORMAL - patchy weak          S100        negative\n"
    assert _units(text) == ["Desmin      ABNORMAL - patchy weak", "S100        negative"]


def test_a_row_wrapped_after_a_comma_or_onto_a_bracket_stays_whole() -> None:
    text = (
        "Systemic therapy: weekly docetaxel + ramucirumab\n"
        "(10 mg/kg) x 4 doses, given by the medical team\n"
        "- Hypofractionated RT with concurrent temozolomide,\n"
        "  01/2024-02/2024 - completed\n"
    )
    assert _units(text) == [
        "Systemic therapy: weekly docetaxel + ramucirumab\n(10 mg/kg) x 4 doses, given by the"
        " medical team",
        "- Hypofractionated RT with concurrent temozolomide,\n  01/2024-02/2024 - completed",
    ]


def test_a_key_heading_opens_a_block_up_to_the_blank_line() -> None:
    text = "PD-L1 TPS 60%\n\nInterpretation key:\n  TPS >= 50% .... high\n\nSigned.\n"
    ((start, end),) = key_blocks(text)
    assert text[start:end].strip() == "Interpretation key:\n  TPS >= 50% .... high"


def test_a_result_line_with_a_colon_is_no_key() -> None:
    assert key_blocks("HER2 status: NEGATIVE\nThreshold of 2.0 applied\n") == []


def test_a_key_written_on_its_labels_line_ends_with_the_lines_indented_under_it() -> None:
    from extractors.layout import key_blocks

    text = (
        "PD-L1 (22C3): TPS 60%\n"
        "Scoring key (TPS): <1% = no expression | 1-49% = low |\n"
        "                   >=50% = high expression\n"
        "Comment: high expression.\n"
    )
    [(start, end)] = key_blocks(text)
    assert text[start:end] == (
        "Scoring key (TPS): <1% = no expression | 1-49% = low |\n"
        "                   >=50% = high expression"
    )
