from __future__ import annotations

import re

import pytest

from extractors.terms import TermCategory, TermMatcher
from extractors.text import NormalizedText, blank_separators, sentence_bounds, snippet


def _collapse(original: str) -> str:
    """The definition the offset map must agree with: every `\\s+` run made one space."""
    return re.sub(r"\s+", " ", original.lower())


def test_normalised_offsets_map_back_to_the_original():
    original = "Invasive   Ductal\n\nCarcinoma, grade 2"
    norm = NormalizedText.of(original)
    assert norm.text == "invasive ductal carcinoma, grade 2"
    start = norm.text.index("ductal carcinoma")
    a, b = norm.span_to_original(start, start + len("ductal carcinoma"))
    assert original[a:b] == "Ductal\n\nCarcinoma"
    assert norm.to_normalized(original.index("Carcinoma")) == norm.text.index("carcinoma")


def test_snippet_keeps_whole_words_on_one_line():
    text = "alpha beta gamma delta epsilon zeta eta theta"
    start = text.index("delta")
    assert snippet(text, start, start + 5, width=8) == "gamma delta epsilon"


class TestNormalizedText:
    @pytest.mark.parametrize(
        "original",
        [
            "",
            " ",
            "   ",
            "a",
            "  Leading and trailing  ",
            "one\ttab and one\nnewline",
            "non\u00a0breaking\u2003spaces\x1cand\x85others",
            "\n\nDIAGNOSIS:\n  - Carcinoma.\n\n",
            "İstanbul  ﬁbrosis",  # characters whose lower case is longer
        ],
    )
    def test_text_is_every_whitespace_run_made_one_space(self, original):
        assert NormalizedText.of(original).text == _collapse_keeping_length(original)

    def test_single_whitespace_characters_keep_offsets(self):
        original = "Tumor\tsize\n2 cm"
        norm = NormalizedText.of(original)
        assert norm.text == "tumor size 2 cm"
        for position in range(len(original) + 1):
            assert norm.to_normalized(position) == position
            assert norm.to_original(position) == position

    def test_positions_inside_a_collapsed_run_map_to_its_space(self):
        original = "grade\n\n\n  2"
        norm = NormalizedText.of(original)
        space = norm.text.index(" ")
        for position in range(len("grade"), original.index("2")):
            assert norm.to_normalized(position) == space
        assert norm.to_original(space) == len("grade")
        assert norm.to_original(space + 1) == original.index("2")

    def test_many_positions_map_as_one_position_does(self):
        for original in ("no runs at all", "two  runs  here", "  edges \n"):
            norm = NormalizedText.of(original)
            positions = list(range(-2, len(original) + 3))
            assert norm.many_to_normalized(positions) == [
                norm.to_normalized(position) for position in positions
            ]


def _collapse_keeping_length(original: str) -> str:
    lowered = original.lower()
    if len(lowered) != len(original):
        return _collapse("".join(ch.lower()[0] for ch in original))
    return _collapse(original)


class TestSentenceBounds:
    def test_stops_blank_lines_and_bullets_start_sentences(self):
        text = "One. Two\n\nThree\n- four"
        assert sentence_bounds(text) == [0, 5, 10, 16]


class TestBlankSeparators:
    def test_keeps_length_letters_and_digits(self):
        assert blank_separators("her-2 (3+), ki_67/x") == "her 2  3    ki 67 x"

    def test_keeps_the_extra_word_characters(self):
        assert blank_separators("r/o ki_67.", word_chars="_/") == "r/o ki_67 "

    def test_non_ascii_text_is_blanked_the_same_way(self):
        text = "café\u2013naïve \u00d72 µm²"  # an en dash and a multiplication sign
        blanked = blank_separators(text)
        assert len(blanked) == len(text)
        assert blanked == "".join(ch if ch.isalnum() else " " for ch in text)


class TestTermMatcherBoundaries:
    """The matcher's word boundaries, which it now finds on text with separators blanked."""

    @pytest.fixture
    def matcher(self) -> TermMatcher:
        site = TermCategory.site
        marker = TermCategory.biomarker
        return TermMatcher(
            {
                "breast": [(site, "breast")],
                "her2": [(marker, "ERBB2")],
                "her-2": [(marker, "ERBB2")],
                "her2+": [(marker, "ERBB2")],
                "er": [(marker, "ESR1")],
                "squamous cell carcinoma": [(TermCategory.histology, "scc")],
                "cell": [(TermCategory.histology, "cell")],
            }
        )

    def _found(self, matcher: TermMatcher, text: str) -> list[tuple[str, str]]:
        return [(text[m.start : m.end], m.key) for m in matcher.find(text)]

    def test_terms_inside_words_are_not_matched(self, matcher):
        assert self._found(matcher, "the ovary, not the breasts; her father") == []

    def test_punctuation_is_a_boundary(self, matcher):
        assert self._found(matcher, "(breast),er.") == [("breast", "breast"), ("er", "ESR1")]

    def test_blanked_look_alikes_must_match_the_real_text(self, matcher):
        assert self._found(matcher, "her 2 and her_2") == []
        assert self._found(matcher, "her-2") == [("her-2", "ERBB2")]

    def test_a_term_ending_in_a_sign_needs_no_boundary_after_it(self, matcher):
        assert self._found(matcher, "her2+x") == [("her2+", "ERBB2")]
        assert self._found(matcher, "her2+ and her2") == [("her2+", "ERBB2"), ("her2", "ERBB2")]

    def test_leftmost_longest_wins_over_inner_terms(self, matcher):
        assert self._found(matcher, "a squamous cell carcinoma; cell") == [
            ("squamous cell carcinoma", "scc"),
            ("cell", "cell"),
        ]

    def test_adjacent_terms_share_the_space_between_them(self, matcher):
        assert self._found(matcher, "breast breast") == [("breast", "breast"), ("breast", "breast")]
