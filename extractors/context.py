"""Decide whether a mention is negated, uncertain, historical, family or hypothetical.

A ConText-style algorithm: modifiers from `rules/context.yaml` reach forward or backward
within the mention's sentence, up to their scope in characters, and stop at a terminator.
Section headers (family history, plan, past history) set flags for everything under them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from extractors import vocab
from extractors.sections import Section, SectionKind
from extractors.text import sentence_of

DEFAULT_SCOPE = 60

_FLAG_BY_CATEGORY = {
    "NEGATED_EXISTENCE": "negated",
    "POSSIBLE_EXISTENCE": "uncertain",
    "HISTORICAL": "historical",
    "HYPOTHETICAL": "hypothetical",
    "FAMILY": "family",
}


@dataclass(frozen=True, slots=True)
class Modifier:
    start: int
    end: int
    category: str
    direction: str
    scope: int


@dataclass(frozen=True, slots=True)
class ContextFlags:
    negated: bool = False
    uncertain: bool = False
    historical: bool = False
    family: bool = False
    hypothetical: bool = False

    def as_dict(self) -> dict[str, bool]:
        return {
            "negated": self.negated,
            "uncertain": self.uncertain,
            "historical": self.historical,
            "family": self.family,
            "hypothetical": self.hypothetical,
        }


@functools.cache
def _compiled_rules() -> tuple[re.Pattern[str], dict[str, tuple[str, str, int]]]:
    by_literal: dict[str, tuple[str, str, int]] = {}
    alternatives: list[str] = []
    for rule in sorted(vocab.context_rules(), key=lambda r: -len(r.literal)):
        literal = rule.literal.lower()
        by_literal[literal] = (rule.category, rule.direction, rule.max_scope or DEFAULT_SCOPE)
        alternatives.append(rule.pattern or re.escape(literal).replace(r"\ ", r"\s+"))
    pattern = re.compile(r"(?<![\w/])(?:" + "|".join(alternatives) + r")(?![\w/])")
    return pattern, by_literal


def find_modifiers(text: str) -> list[Modifier]:
    """Find the modifiers in lower-case, whitespace-normalised text, without pseudo triggers."""
    pattern, by_literal = _compiled_rules()
    modifiers: list[Modifier] = []
    for match in pattern.finditer(text):
        category, direction, scope = by_literal.get(match.group(0), ("PSEUDO", "PSEUDO", 0))
        if category == "PSEUDO":
            continue
        modifiers.append(Modifier(match.start(), match.end(), category, direction, scope))
    return modifiers


class ContextIndex:
    """The modifiers and sentences of one page, asked about many mentions."""

    def __init__(
        self, text: str, modifiers: list[Modifier], bounds: list[int], sections: list[Section]
    ) -> None:
        self._text = text
        self._modifiers = modifiers
        self._terminators = [m for m in modifiers if m.category == "TERMINATE"]
        self._bounds = bounds
        self._sections = sections

    def sentence(self, position: int) -> tuple[int, int]:
        return sentence_of(self._bounds, position, len(self._text))

    def section_at(self, position: int) -> SectionKind:
        kind = SectionKind.other
        for section in self._sections:
            if section.start > position:
                break
            kind = section.kind
        return kind

    def flags(self, start: int, end: int, *, ignore: frozenset[str] = frozenset()) -> ContextFlags:
        """Return the context of the mention at [start, end) in the normalised text."""
        sentence_start, sentence_end = self.sentence(start)
        found: set[str] = set()
        for modifier in self._modifiers:
            if modifier.end <= sentence_start:
                continue
            if modifier.start >= sentence_end:
                break
            flag = _FLAG_BY_CATEGORY.get(modifier.category)
            if flag is None or flag in ignore or flag in found:
                continue
            if self._reaches(modifier, start, end):
                found.add(flag)
        section = self.section_at(start)
        if section is SectionKind.family_history:
            found.add("family")
        elif section is SectionKind.past_history:
            found.add("historical")
        return ContextFlags(**dict.fromkeys(found, True))

    def _reaches(self, modifier: Modifier, start: int, end: int) -> bool:
        forward = modifier.direction in ("FORWARD", "BIDIRECTIONAL")
        backward = modifier.direction in ("BACKWARD", "BIDIRECTIONAL")
        if forward and modifier.end <= start and start - modifier.end <= modifier.scope:
            return not self._terminated(modifier.end, start)
        if backward and modifier.start >= end and modifier.start - end <= modifier.scope:
            return not self._terminated(end, modifier.start)
        return False

    def _terminated(self, left: int, right: int) -> bool:
        return any(left <= t.start and t.end <= right for t in self._terminators)
