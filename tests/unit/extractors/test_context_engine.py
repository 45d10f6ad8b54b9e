"""The ConText engine itself: finding modifiers, and their reach once indexed per sentence."""

from __future__ import annotations

from itertools import pairwise

import pytest

from extractors import context
from extractors.context import ContextFlags, ContextIndex, Modifier, _compiled_rules, find_modifiers
from extractors.sections import Section, SectionKind
from extractors.text import NormalizedText, sentence_bounds
from extractors.vocab import ContextRule


def _index(text: str, sections: list[Section] | None = None) -> ContextIndex:
    return ContextIndex(text, find_modifiers(text), sentence_bounds(text), sections or [])


def _flags_of(text: str, mention: str, **kwargs: frozenset[str]) -> ContextFlags:
    start = text.index(mention)
    return _index(text).flags(start, start + len(mention), **kwargs)


def _literals(text: str) -> list[str]:
    return [text[m.start : m.end] for m in find_modifiers(text)]


class TestFindModifiers:
    def test_literals_match_only_whole_words(self):
        assert _literals("node positive; nothing notable; a knot") == []

    def test_slash_and_underscore_join_words(self):
        assert _literals("s/p resection") == ["s/p"]
        assert _literals("a/no b, no/c, x_no d, s/px") == []

    def test_longest_literal_at_a_position_wins(self):
        assert _literals("no evidence of tumor") == ["no evidence of"]

    def test_pseudo_triggers_hide_the_triggers_inside_them(self):
        assert find_modifiers("no change in size, not only here") == []

    def test_literal_must_match_the_real_separators(self):
        assert _literals("negative-for her2") == []
        assert _literals("negative for her2") == ["negative for"]

    def test_modifiers_are_in_text_order_and_do_not_overlap(self):
        modifiers = find_modifiers("no tumor but history of mother with no evidence of cancer")
        assert all(a.end <= b.start for a, b in pairwise(modifiers))
        assert [m.category for m in modifiers] == [
            "NEGATED_EXISTENCE",
            "TERMINATE",
            "HISTORICAL",
            "FAMILY",
            "TERMINATE",
            "NEGATED_EXISTENCE",
        ]

    @pytest.mark.parametrize(
        "original",
        [
            "No evidence of malignancy. Negative for HER2 (by FISH); s/p mastectomy, r/o mets.",
            "Mother/sister with breast cancer; he is not a candidate for surgery but may consider",
            "Suspicious for carcinoma, cannot be ruled out. Family history of breast and ovarian "
            "cancer syndrome; no change, no further, if any, not identified, h/o, no_x, no/x.",
            "Tumor not seen. Possibly (possible) likely-benign; versus; free of tumor; ruled out.",
            # An en dash, and letters outside ASCII on either side of the literals.
            "résumé: naïve \u2013 no caféine, sœur; if present; in the event of recurrence",
        ],
    )
    def test_literal_scan_agrees_with_the_rule_regex(self, original):
        text = NormalizedText.of(original).text
        pattern, targets = _compiled_rules()
        expected = [
            (match.start(), match.end(), targets.get(match.group(0), ("PSEUDO",))[0])
            for match in pattern.finditer(text)
        ]
        expected = [item for item in expected if item[2] != "PSEUDO"]
        assert [(m.start, m.end, m.category) for m in find_modifiers(text)] == expected


class TestRulesWithPatterns:
    """A rule may bring its own regex; the engine then scans with the rule regex instead."""

    @pytest.fixture
    def rules_with_a_pattern(self, monkeypatch):
        rules = [
            ContextRule(literal="no", category="NEGATED_EXISTENCE", direction="FORWARD"),
            ContextRule(
                literal="no sign",
                pattern="no signs?",
                category="NEGATED_EXISTENCE",
                direction="FORWARD",
            ),
        ]
        monkeypatch.setattr(context.vocab, "context_rules", lambda: rules)
        built = (context._rule_targets, context._compiled_rules, context._literal_automaton)
        for cached in built:
            cached.cache_clear()
        yield
        for cached in built:
            cached.cache_clear()

    def test_matches_of_a_pattern_are_kept_only_under_a_literal(self, rules_with_a_pattern):
        assert context._literal_automaton() is None
        # "no signs" matches the pattern, but no rule's literal reads "no signs".
        assert _literals("no sign of tumor; no signs of tumor; no tumor") == ["no sign", "no"]


class TestContextIndex:
    def test_forward_modifier_reaches_within_its_scope(self):
        assert _flags_of("no carcinoma", "carcinoma").negated
        # "no" reaches 40 characters.
        far = "no " + "x" * 40 + " carcinoma"
        assert not _flags_of(far, "carcinoma").negated

    def test_backward_modifier_reaches_the_mention_before_it(self):
        assert _flags_of("carcinoma not identified", "carcinoma").negated
        assert not _flags_of("not identified carcinoma", "carcinoma").negated

    def test_terminator_ends_the_scope(self):
        text = "no lymphovascular invasion but carcinoma present"
        assert _flags_of(text, "lymphovascular").negated
        assert not _flags_of(text, "carcinoma").negated

    def test_a_terminator_outside_the_gap_does_not_end_the_scope(self):
        assert _flags_of("but no carcinoma", "carcinoma").negated

    def test_modifiers_stay_in_their_sentence(self):
        text = "no tumor. carcinoma is present"
        assert _flags_of(text, "tumor").negated
        assert not _flags_of(text, "carcinoma").negated

    def test_each_mention_on_a_long_page_sees_only_its_own_sentence(self):
        sentences = [
            f"{modifier} finding{i}"
            for i, modifier in enumerate(["no", "history of", "possible", "mother", "the"] * 20)
        ]
        text = ". ".join(sentences)
        index = _index(text)
        for i, sentence in enumerate(sentences):
            start = text.index(f"finding{i}")
            flags = index.flags(start, start + len(f"finding{i}"))
            expected = {
                "no": "negated",
                "history of": "historical",
                "possible": "uncertain",
                "mother": "family",
            }.get(sentence.rsplit(" ", 1)[0])
            assert {name for name, value in flags.as_dict().items() if value} == (
                {expected} if expected else set()
            )

    def test_ignored_flags_are_not_set_by_modifiers(self):
        text = "history of carcinoma"
        assert _flags_of(text, "carcinoma").historical
        assert not _flags_of(text, "carcinoma", ignore=frozenset({"historical"})).historical

    def test_section_flags_apply_even_when_ignored(self):
        text = "carcinoma of the breast"
        index = _index(text, [Section(0, SectionKind.past_history)])
        flags = index.flags(0, len("carcinoma"), ignore=frozenset({"historical"}))
        assert flags.historical

    def test_the_section_is_the_last_one_started(self):
        sections = [
            Section(0, SectionKind.diagnosis),
            Section(10, SectionKind.family_history),
            Section(20, SectionKind.plan),
        ]
        index = _index("x" * 30, sections)
        assert [index.section_at(p) for p in (0, 9, 10, 19, 20, 29)] == [
            SectionKind.diagnosis,
            SectionKind.diagnosis,
            SectionKind.family_history,
            SectionKind.family_history,
            SectionKind.plan,
            SectionKind.plan,
        ]
        assert _index("x", []).section_at(0) is SectionKind.other

    def test_repeated_questions_get_the_same_answer(self):
        text = "no carcinoma"
        index = _index(text)
        start = text.index("carcinoma")
        first = index.flags(start, len(text))
        assert index.flags(start, len(text)) is first
        assert not index.flags(start, len(text), ignore=frozenset({"negated"})).negated

    def test_overlapping_modifiers_are_refused(self):
        modifiers = [
            Modifier(0, 5, "NEGATED_EXISTENCE", "FORWARD", 40),
            Modifier(3, 8, "TERMINATE", "TERMINATE", 60),
        ]
        with pytest.raises(ValueError, match="overlap"):
            ContextIndex("x" * 20, modifiers, [0], [])
