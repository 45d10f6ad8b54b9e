"""TNM notation: prefixes, stage-group numerals and the editions, shared by stage, review and the
article matcher."""

from __future__ import annotations

import re

import pytest

from extractors import tnm


class TestPrefixes:
    @pytest.mark.parametrize(
        ("category", "bare"),
        [
            ("pT2", "T2"),
            ("ypT1c", "T1c"),
            ("cM0", "M0"),
            ("rpN1", "N1"),
            ("aT3", "T3"),
            ("pN0(i+)", "N0(i+)"),
            ("T2a", "T2a"),
            ("PT2", "PT2"),  # upper case is not a prefix; the grouping tables read it themselves
            ("", ""),
            (None, None),
        ],
    )
    def test_strip_prefix_removes_lower_case_prefixes(
        self, category: str | None, bare: str | None
    ) -> None:
        assert tnm.strip_prefix(category) == bare

    def test_prefix_pattern_tries_longest_prefixes_first(self) -> None:
        pattern = re.compile(tnm.prefix_pattern())
        assert pattern.match("ypT2")
        assert pattern.match("ypT2").group() == "yp"  # type: ignore[union-attr]

    def test_read_prefixes_leave_out_autopsy(self) -> None:
        assert "a" in tnm.PREFIXES
        assert "a" not in tnm.READ_PREFIXES
        assert set(tnm.READ_PREFIXES) <= set(tnm.PREFIXES)

    def test_every_classified_prefix_is_read(self) -> None:
        assert set(tnm.CLASSIFICATION_BY_PREFIX) <= set(tnm.READ_PREFIXES)

    def test_prefix_letters_cover_every_prefix(self) -> None:
        assert set("".join(tnm.PREFIXES)) == set(tnm.PREFIX_LETTERS)


class TestNumerals:
    @pytest.mark.parametrize(
        ("group", "numeral"),
        [
            ("IIIA", "III"),
            ("IB1", "I"),
            ("ib1", "I"),
            ("IVB", "IV"),
            ("IIC", "II"),
            ("0is", "0"),
            ("0a", "0"),
            ("IS", "I"),
            ("X", None),
            ("", None),
            (None, None),
        ],
    )
    def test_stage_numeral_is_the_leading_numeral(
        self, group: str | None, numeral: str | None
    ) -> None:
        assert tnm.stage_numeral(group) == numeral

    @pytest.mark.parametrize(("written", "roman"), [("2", "II"), ("iii", "III"), ("0", "0")])
    def test_roman_numeral(self, written: str, roman: str) -> None:
        assert tnm.roman_numeral(written) == roman

    @pytest.mark.parametrize("group", ["0", "0a", "0is", "IA2", "IIIC", "IS", "IVB"])
    def test_table_groups_are_stage_groups(self, group: str) -> None:
        assert tnm.is_stage_group(group)

    @pytest.mark.parametrize("group", ["V", "IIE", "stage II", "0b"])
    def test_other_labels_are_not_stage_groups(self, group: str) -> None:
        assert not tnm.is_stage_group(group)

    def test_split_group(self) -> None:
        assert tnm.split_group("IA2") == ("I", "A", "2")
        assert tnm.split_group("IV") == ("IV", "", "")
        assert tnm.split_group("stage") is None

    @pytest.mark.parametrize(
        ("groups", "shared"),
        [
            (["IA1", "IA2", "IA3"], "IA"),
            (["IIB", "IIC"], "II"),
            (["0is", "0a"], "0"),
            (["IIIA", "IIB"], None),
            (["IIA", "unknown"], None),
        ],
    )
    def test_shared_group_is_the_common_part(self, groups: list[str], shared: str | None) -> None:
        assert tnm.shared_group(groups) == shared

    def test_numerals_are_ordered_lowest_first(self) -> None:
        assert tnm.NUMERALS == ("0", "I", "II", "III", "IV")


class TestCategoriesAndEditions:
    def test_t_categories_rank_by_number_then_letter(self) -> None:
        ordered = ["Tis", "T1", "T1a", "T1b", "T2", "T3", "T4b"]
        shuffled = ["T3", "Tis", "T1b", "T4b", "T1", "T2", "T1a"]
        assert sorted(shuffled, key=tnm.rank_t_category) == ordered
        assert tnm.rank_t_category("TX") < tnm.rank_t_category("T0")

    def test_editions(self) -> None:
        assert tnm.CURRENT_EDITION in tnm.SUPPORTED_EDITIONS
        assert tnm.UNSTATED_REPORT_EDITION in tnm.SUPPORTED_EDITIONS
