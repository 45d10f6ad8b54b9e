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
