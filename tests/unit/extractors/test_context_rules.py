"""Checks on the ConText rules file: every rule is well formed and fires as written."""

from __future__ import annotations

from collections import Counter

import pytest

from extractors import vocab
from extractors.context import find_modifiers
from extractors.document import analyze_page
from models.schemas import Page, ReadMethod

_RULES = vocab.context_rules()


def test_literals_are_unique_lower_case_and_single_spaced():
    counts = Counter(rule.literal for rule in _RULES)
    assert [literal for literal, count in counts.items() if count > 1] == []
    assert [r.literal for r in _RULES if r.literal != " ".join(r.literal.lower().split())] == []


def test_rules_are_literals():
    # The engine maps a match back to its rule by the matched text, so a rule is its literal.
    assert [r.literal for r in _RULES if r.pattern] == []


def test_directions_fit_categories():
    for rule in _RULES:
        if rule.category in ("TERMINATE", "PSEUDO"):
            assert rule.direction == rule.category, rule.literal
        else:
            assert rule.direction in ("FORWARD", "BACKWARD", "BIDIRECTIONAL"), rule.literal


@pytest.mark.parametrize(
    "rule",
    [r for r in _RULES if r.category != "PSEUDO"],
    ids=lambda rule: rule.literal,
)
def test_every_rule_fires_on_its_own_literal(rule):
    modifiers = find_modifiers(f"x {rule.literal} x")
    assert [(m.start, m.end, m.category) for m in modifiers] == [
        (2, 2 + len(rule.literal), rule.category)
    ]


@pytest.mark.parametrize(
    "rule",
    [r for r in _RULES if r.category == "PSEUDO"],
    ids=lambda rule: rule.literal,
)
def test_pseudo_rules_hide_the_triggers_inside_them(rule):
    assert find_modifiers(f"x {rule.literal} x") == []


@pytest.mark.parametrize(
    "text",
    [
        "Margins: proximal margin uninvolved by invasive carcinoma.",
        "Seminal vesicles: not involved by carcinoma.",
    ],
)
def test_checklist_wording_for_an_uninvolved_part_negates_the_tumour(text):
    page = analyze_page(Page(number=1, text=text, method=ReadMethod.plain_text))
    start = page.text.index("carcinoma")
    assert page.flags(start, start + len("carcinoma")).negated


def _flags_of(text: str, words: str):
    page = analyze_page(Page(number=1, text=text, method=ReadMethod.plain_text))
    start = page.text.index(words)
    return page.flags(start, start + len(words))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Keratin and p40 are negative, excluding squamous cell carcinoma.", "squamous cell"),
        ("Melan-A is negative, so melanoma is excluded.", "melanoma"),
        ("Criteria for Burkitt lymphoma are not met.", "burkitt lymphoma"),
        ("Follicular lymphoma was considered; the CD10 stain is negative.", "follicular"),
        ("Seminoma is not favoured given the OCT3/4 result.", "seminoma"),
    ],
)
def test_an_entity_excluded_or_not_favoured_is_not_asserted(text, words):
    flags = _flags_of(text, words)
    assert flags.negated or flags.hypothetical


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("The differential includes synovial sarcoma and MPNST.", "synovial sarcoma"),
        ("Cytogenetics are sent to exclude a mantle cell lymphoma.", "mantle cell"),
        ("Larotrectinib is approved for NTRK fusion-positive thyroid carcinoma.", "thyroid"),
    ],
)
def test_an_entity_only_weighed_or_tested_for_is_hypothetical(text, words):
    assert _flags_of(text, words).hypothetical


def test_an_entity_not_yet_excluded_stays_possible():
    flags = _flags_of("A small cell carcinoma has not been excluded.", "small cell")
    assert flags.uncertain and not flags.negated


@pytest.mark.parametrize(
    "text",
    [
        "Her brother was diagnosed with melanoma at 39.",
        "Paternal uncle with melanoma, age unknown.",
    ],
)
def test_a_relatives_clause_keeps_its_condition_in_the_family(text):
    assert _flags_of(text, "melanoma").family


def test_with_still_ends_a_negation():
    # "with" spares the family scope only: "no" does not reach past it.
    assert not _flags_of("No adenopathy with a new liver lesion.", "liver lesion").negated
