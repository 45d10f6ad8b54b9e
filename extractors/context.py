"""Decide whether a mention is negated, uncertain, historical, family or hypothetical.

A ConText-style algorithm: modifiers from `rules/context.yaml` reach forward or backward
within the mention's sentence, up to their scope in characters, and stop at a terminator.
Section headers (family history, plan, past history) set flags for everything under them.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from itertools import pairwise

import ahocorasick

from extractors import vocab
from extractors.sections import Section, SectionKind
from extractors.text import blank_separators, sentence_of

DEFAULT_SCOPE = 60

_FLAG_BY_CATEGORY = {
    "NEGATED_EXISTENCE": "negated",
    "POSSIBLE_EXISTENCE": "uncertain",
    "HISTORICAL": "historical",
    "HYPOTHETICAL": "hypothetical",
    "FAMILY": "family",
}
# A modifier is a whole word: it is neither preceded nor followed by one of these or a
# letter or digit ("no" in "node", "s/p" in "s/p/c").
_WORD_CHARS = "_/"

RuleTarget = tuple[str, str, int]  # category, direction, scope


@dataclass(frozen=True, slots=True)
class Modifier:
    start: int
    end: int
    category: str
    direction: str
    scope: int
    spares: int = 0  # a terminator's mask of the flags whose scope it does not end


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


# Each flag is one bit of a mask; `_FLAGS_BY_MASK[mask]` is the (shared, frozen) answer.
_BIT_BY_FLAG = {flag: 1 << index for index, flag in enumerate(_FLAG_BY_CATEGORY.values())}
_FLAGS_BY_MASK = [
    ContextFlags(**{flag: bool(mask & bit) for flag, bit in _BIT_BY_FLAG.items()})
    for mask in range(1 << len(_BIT_BY_FLAG))
]


@functools.cache
def _mask_of(flags: frozenset[str]) -> int:
    return sum(_BIT_BY_FLAG.get(flag, 0) for flag in flags)


@functools.cache
def _rule_targets() -> dict[str, RuleTarget]:
    # Longest first, as the regex alternation tries them; a repeated literal keeps its last rule.
    return {
        rule.literal.lower(): (rule.category, rule.direction, rule.max_scope or DEFAULT_SCOPE)
        for rule in sorted(vocab.context_rules(), key=lambda r: -len(r.literal))
    }


@functools.cache
def _spared_masks() -> dict[str, int]:
    """Map each terminator that spares some scopes ("mother with ...") to their flags' mask."""
    return {
        rule.literal.lower(): _mask_of(frozenset(_FLAG_BY_CATEGORY[c] for c in rule.spares))
        for rule in vocab.context_rules()
        if rule.spares
    }


@functools.cache
def _compiled_rules() -> tuple[re.Pattern[str], dict[str, RuleTarget]]:
    alternatives = [
        rule.pattern or re.escape(rule.literal.lower()).replace(r"\ ", r"\s+")
        for rule in sorted(vocab.context_rules(), key=lambda r: -len(r.literal))
    ]
    pattern = re.compile(r"(?<![\w/])(?:" + "|".join(alternatives) + r")(?![\w/])")
    return pattern, _rule_targets()


@functools.cache
def _literal_automaton() -> ahocorasick.Automaton | None:
    """Build an automaton over the rule literals, or None if a rule brings its own regex."""
    rules = vocab.context_rules()
    if not rules or any(rule.pattern for rule in rules):
        return None
    by_key: dict[str, list[str]] = {}
    for literal in _rule_targets():
        by_key.setdefault(f" {blank_separators(literal, word_chars=_WORD_CHARS)} ", []).append(
            literal
        )
    automaton = ahocorasick.Automaton()
    for key, literals in by_key.items():
        automaton.add_word(key, tuple(literals))
    automaton.make_automaton()
    return automaton


def _scan_literals(automaton: ahocorasick.Automaton, text: str) -> list[tuple[int, int, str]]:
    """Scan as `re.finditer` over the literal alternation would: leftmost, then longest.

    The text's separators are blanked and it is padded, so a key " literal " is found only
    where the literal stands as a whole word; each hit is checked against the real text.
    """
    padded = f" {blank_separators(text, word_chars=_WORD_CHARS)} "
    candidates: list[tuple[int, int, str]] = []
    for end_index, literals in automaton.iter(padded):
        # The key's last character is the space after the literal, at text index end_index - 1.
        end = end_index - 1
        for literal in literals:
            start = end - len(literal)
            if text.startswith(literal, start):
                candidates.append((start, end, literal))
    candidates.sort(key=lambda item: (item[0], item[0] - item[1]))
    found: list[tuple[int, int, str]] = []
    covered_until = 0
    for start, end, literal in candidates:
        if start >= covered_until:
            found.append((start, end, literal))
            covered_until = end
    return found


def find_modifiers(text: str) -> list[Modifier]:
    """Find the modifiers in lower-case, whitespace-normalised text, without pseudo triggers.

    Pseudo triggers still take part in the scan, so a modifier inside one ("no" in "no
    change") is not found. The result is in text order and never overlaps.
    """
    automaton = _literal_automaton()
    if automaton is None:
        pattern, targets = _compiled_rules()
        hits = [(match.start(), match.end(), match.group(0)) for match in pattern.finditer(text)]
    else:
        targets = _rule_targets()
        hits = _scan_literals(automaton, text)
    spared = _spared_masks()
    modifiers: list[Modifier] = []
    for start, end, literal in hits:
        category, direction, scope = targets.get(literal, ("PSEUDO", "PSEUDO", 0))
        if category != "PSEUDO":
            spares = spared.get(literal, 0) if spared else 0
            modifiers.append(Modifier(start, end, category, direction, scope, spares))
    return modifiers


class ContextIndex:
    """The modifiers and sentences of one page, asked about many mentions.

    Modifiers, terminators and sections are indexed by offset, so a question looks only at
    the mention's sentence; answers are kept, as extractors ask again about the same span.
    """

    def __init__(
        self, text: str, modifiers: list[Modifier], bounds: list[int], sections: list[Section]
    ) -> None:
        if any(left.end > right.start for left, right in pairwise(modifiers)):
            raise ValueError("modifiers must be in text order and must not overlap")
        self._text = text
        self._modifiers = modifiers
        self._modifier_ends = [m.end for m in modifiers]
        self._modifier_bits = [
            _BIT_BY_FLAG.get(_FLAG_BY_CATEGORY.get(m.category, ""), 0) for m in modifiers
        ]
        terminators = [m for m in modifiers if m.category == "TERMINATE"]
        self._terminator_starts = [t.start for t in terminators]
        self._terminator_ends = [t.end for t in terminators]
        # The terminators that end a flag's scope, for each flag some terminator spares.
        self._ending: dict[int, tuple[list[int], list[int]]] = {}
        for bit in {bit for t in terminators for bit in _BIT_BY_FLAG.values() if t.spares & bit}:
            ending = [t for t in terminators if not t.spares & bit]
            self._ending[bit] = ([t.start for t in ending], [t.end for t in ending])
        self._bounds = bounds
        self._sections = sections
        self._section_starts = [s.start for s in sections]
        self._answers: dict[tuple[int, int, frozenset[str]], ContextFlags] = {}

    def sentence(self, position: int) -> tuple[int, int]:
        return sentence_of(self._bounds, position, len(self._text))

    def section_at(self, position: int) -> SectionKind:
        index = bisect.bisect_right(self._section_starts, position)
        return self._sections[index - 1].kind if index else SectionKind.other

    def flags(self, start: int, end: int, *, ignore: frozenset[str] = frozenset()) -> ContextFlags:
        """Return the context of the mention at [start, end) in the normalised text."""
        question = (start, end, ignore)
        answer = self._answers.get(question)
        if answer is None:
            answer = self._answers[question] = _FLAGS_BY_MASK[self._mask(start, end, ignore)]
        return answer

    def _mask(self, start: int, end: int, ignore: frozenset[str]) -> int:
        bounds = self._bounds
        sentence = bisect.bisect_right(bounds, start) - 1
        sentence_start = bounds[sentence]
        sentence_end = bounds[sentence + 1] if sentence + 1 < len(bounds) else len(self._text)
        found = 0
        ignored = _mask_of(ignore)
        modifiers = self._modifiers
        bits = self._modifier_bits
        # Modifiers end in text order: skip those that end before the sentence begins.
        for index in range(bisect.bisect_right(self._modifier_ends, sentence_start), len(bits)):
            modifier = modifiers[index]
            if modifier.start >= sentence_end:
                break
            bit = bits[index]
            if bit and not bit & (found | ignored) and self._reaches(modifier, bit, start, end):
                found |= bit
        section = self.section_at(start)
        if section is SectionKind.family_history:
            found |= _BIT_BY_FLAG["family"]
        elif section is SectionKind.past_history:
            found |= _BIT_BY_FLAG["historical"]
        return found

    def _reaches(self, modifier: Modifier, bit: int, start: int, end: int) -> bool:
        forward = modifier.direction in ("FORWARD", "BIDIRECTIONAL")
        backward = modifier.direction in ("BACKWARD", "BIDIRECTIONAL")
        if forward and modifier.end <= start and start - modifier.end <= modifier.scope:
            return not self._terminated(modifier.end, start, bit)
        if backward and modifier.start >= end and modifier.start - end <= modifier.scope:
            return not self._terminated(end, modifier.start, bit)
        return False

    def _terminated(self, left: int, right: int, bit: int) -> bool:
        """Whether a terminator that ends the scope of flag `bit` lies wholly within
        [left, right).
        """
        starts, ends = self._ending.get(bit, (self._terminator_starts, self._terminator_ends))
        # Terminators do not overlap, so the first to start at or after `left` ends first.
        index = bisect.bisect_left(starts, left)
        return index < len(ends) and ends[index] <= right
