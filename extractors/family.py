"""Family history: the cancers of relatives, each with the relative, the age and the evidence.

A family finding is a cancer-type mention in a family context (a family history section, or a
relative named in its sentence) tied to a relative of the same sentence or row:

1. Relatives are found by the words of `vocab/family_relations.yaml`, with a side ("maternal
   aunt") and a parent's possessive ("mother's sister" is a maternal aunt); in-laws and
   step-relatives are skipped.
2. A cancer belongs to the relative written right after it when they are joined by "in" or a
   bracket ("ovarian cancer in her mother", "breast cancer (sister, 45)"), else to the nearest
   relative before it ("Mother - breast cancer", "sister with melanoma"); relatives joined by
   "and" or commas share it ("mother and maternal aunt with breast cancer").
3. The age at diagnosis is read in the cancer's clause, up to the next relative or cancer
   ("at 52", "at age 52", "diagnosed at 61", "age 45", "in her 60s" gives no age); an age of
   death ("died at 70") is not one.
4. A family context with no relative named ("family history of colon cancer") gives the
   relation "family member"; a family history written as unknown gives nothing.

Negation and other context flags come from `extractors.context`, so "no family history of
breast cancer" is kept negated, for audit.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from extractors.document import AnalyzedPage
from extractors.terms import TermCategory, TermMatch
from extractors.vocab.loader import VocabularyFile, load_file
from models.schemas import FamilyHistoryFact

UNNAMED_RELATIVE = "family member"
# A family context with no relative named is less sure: the sentence may not be about one.
_NAMED_CONFIDENCE = 0.9
_UNNAMED_CONFIDENCE = 0.7
# How far after a cancer its age may stand, in characters of normalised text.
_AGE_REACH = 45
_FOLLOWING_REACH = 30

_FAMILY_PHRASE = re.compile(r"\bfamily\s+(?:history|hx)\b|\bfhx\b|\bfamily\s+members?\b")
# The words between a cancer and the relative after it that bind the two.
_BINDS_FOLLOWING = re.compile(
    r"\s*(?:\(\s*|(?:diagnosed\s+)?in\s+(?:(?:his|her|their|the|a|an|one|two|three|both|several"
    r"|multiple|patient's)\s+)?)"
)
# Between two relatives who share a cancer: "mother and maternal aunt", "sister, brother".
_JOINS_RELATIVES = re.compile(
    r"\s*(?:,|and|or|&|/|,\s*and)\s*(?:(?:his|her|their|a|the)\s+)?"
    r"(?:(?:\d{1,2}|two|three|four|several|multiple|both)\s+)?"
)
_AGE = re.compile(
    r"(?<![\w.])(?:(?:diagnosed|dx'?d?|onset)\s+)?(?:at|@)\s*(?:the\s+)?(?:age\s*(?:of\s*)?)?"
    r"(?P<at>\d{1,3})(?![\d:.,]\d|\s*(?:%|cm|mm|mg|kg|gy|am|pm|o'clock|:))"
    r"|(?<![\w.])(?:age|aged|age\s+at\s+(?:diagnosis|dx))\s*:?\s*(?P<age>\d{1,3})\b(?!\s*%)"
    r"|(?<![\w.])(?P<years>\d{1,3})\s*(?:y/?o\b|yo\b|years?\s+old|yrs?\s+old)"
    r"|\(\s*(?:dx\s*|age\s*)?(?P<bracket>\d{1,3})\s*(?:y|yo|yrs?)?\s*\)"
)
# "Family history of melanoma is unknown": no finding. "(type unknown)" is about the type only.
_UNKNOWN = re.compile(
    r"\b(?:is|are|was|were)\s+(?:unknown|not\s+known|unavailable|not\s+available)\b"
    r"|\b(?:unknown|unavailable)\s+family\s+history\b|\badopted\b"
)
# The patient named between a relative and a cancer: the cancer is the patient's ("accompanied
# by her daughter, the patient reports breast cancer").
_PATIENT = re.compile(r"\b(?:the\s+patient|patient|pt|she|he)\b")
_DEATH_WORD = re.compile(r"\b(?:died|death|deceased|passed\s+away|succumbed)\b")
_DEATH_BEFORE = re.compile(r"(?:died|death|deceased|passed\s+away|expired)\s*(?:of\s+\w+\s+)?$")
_NOT_BLOOD = re.compile(r"[-\s]+in[-\s]+law\b")
_STEP_BEFORE = re.compile(r"(?:step|step-|foster\s+|adoptive\s+)$")


class RelationEntry(BaseModel):
    """One kind of relative (`vocab/family_relations.yaml`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    relation: str
    degree: Literal[1, 2, 3]
    words: list[str]
    sided: bool = False
    of_parent: str | None = None


class RelationFile(VocabularyFile[RelationEntry]):
    @model_validator(mode="after")
    def _check_words_and_parents(self) -> RelationFile:
        seen: dict[str, str] = {}
        for entry in self.entries:
            for word in entry.words:
                if word in seen or word != word.lower():
                    raise ValueError(f"relation word {word!r} is repeated or not lower case")
                seen[word] = entry.relation
        sided = {entry.relation for entry in self.entries if entry.sided}
        strangers = {e.of_parent for e in self.entries if e.of_parent} - sided
        if strangers:
            raise ValueError(f"of_parent names relations that take no side: {sorted(strangers)}")
        return self


@functools.cache
def relation_entries() -> dict[str, RelationEntry]:
    """Every relation by the words that name it."""
    entries = load_file("extractors.vocab", "family_relations.yaml", RelationFile).entries
    return {word: entry for entry in entries for word in entry.words}


@functools.cache
def _degree_of() -> dict[str, int]:
    return {entry.relation: entry.degree for entry in relation_entries().values()}


@functools.cache
def _relative_pattern() -> re.Pattern[str]:
    """Compile the relative pattern from the data file on first use."""
    words = sorted(relation_entries(), key=len, reverse=True)
    alternatives = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in words)
    return re.compile(
        r"(?<![\w-])(?:(?P<side>maternal|paternal)\s+)?"
        r"(?:(?P<parent>mother|father|mom|dad)(?:'s|\u2019s|s')\s+)?"
        rf"(?P<word>{alternatives})(?![\w-])"
    )


@dataclass(frozen=True, slots=True)
class Relative:
    start: int
    end: int
    relation: str
    degree: int | None


def _relative(match: re.Match[str]) -> Relative | None:
    entry = relation_entries()[" ".join(match.group("word").split())]
    relation: str = entry.relation
    degree: int = entry.degree
    side = match.group("side")
    parent = match.group("parent")
    if parent:
        parent_side = "maternal" if parent in ("mother", "mom") else "paternal"
        if entry.of_parent is None:
            return None  # "mother's daughter", "father's cousin": no relation this file names
        relation, degree, side = entry.of_parent, _degree_of()[entry.of_parent], parent_side
    if side and (entry.sided or parent):
        relation = f"{side} {relation}"
    return Relative(match.start(), match.end(), relation, degree)


def find_relatives(text: str) -> list[Relative]:
    """The blood relatives named in lower-case, whitespace-normalised text, in order."""
    relatives = []
    for match in _relative_pattern().finditer(text):
        if _NOT_BLOOD.match(text, match.end()) or _STEP_BEFORE.search(
            text[max(0, match.start() - 8) : match.start()]
        ):
            continue
        relative = _relative(match)
        if relative is not None:
            relatives.append(relative)
    return relatives


def _owners(cancer: TermMatch, relatives: list[Relative], text: str) -> list[Relative]:
    """The relatives a cancer mention belongs to, among those of its sentence."""
    after = [r for r in relatives if r.start >= cancer.end]
    if after and after[0].start - cancer.end <= _FOLLOWING_REACH:
        gap = text[cancer.end : after[0].start]
        if _BINDS_FOLLOWING.fullmatch(gap):
            return _joined(after, forward=True, text=text)
    before = [
        r
        for r in relatives
        if r.end <= cancer.start and not _PATIENT.search(text, r.end, cancer.start)
    ]
    if before:
        return _joined(before[::-1], forward=False, text=text)
    return []


def _joined(candidates: list[Relative], *, forward: bool, text: str) -> list[Relative]:
    """The first candidate and those joined to it by "and" or commas, in text order."""
    group = [candidates[0]]
    for relative in candidates[1:]:
        left, right = (group[-1], relative) if forward else (relative, group[-1])
        if not _JOINS_RELATIVES.fullmatch(text[left.end : right.start]):
            break
        group.append(relative)
    return sorted(group, key=lambda r: r.start)


def _age_after(text: str, start: int, stop: int) -> tuple[int, int] | None:
    """The age at diagnosis written in text[start:stop], with where it ends."""
    for match in _AGE.finditer(text, start, min(stop, start + _AGE_REACH)):
        if _DEATH_BEFORE.search(text, start, match.start()):
            return None
        number = next(group for group in match.groups() if group is not None)
        age = int(number)
        if 1 <= age <= 110:
            return age, match.end()
    return None


def _cancer_mentions(page: AnalyzedPage) -> list[TermMatch]:
    """The cancers named on a page: one cancer-type match per span (the first code a phrase
    names), and histologies written alone ("lymphoma", "sarcoma"), kept without a code: in a
    relative's history the class is often all a note says."""
    by_span: dict[tuple[int, int], TermMatch] = {}
    for match in page.matches:
        span = (match.start, match.end)
        if match.category is TermCategory.cancer_type:
            if span not in by_span or by_span[span].category is not TermCategory.cancer_type:
                by_span[span] = match
        elif match.category is TermCategory.histology:
            by_span.setdefault(span, match)
    return sorted(by_span.values(), key=lambda m: m.start)


def _sentence_relatives(
    page: AnalyzedPage, start: int, end: int, cache: dict[tuple[int, int], list[Relative]]
) -> list[Relative]:
    key = (start, end)
    if key not in cache:
        cache[key] = find_relatives(page.text[start:end])
        cache[key] = [
            Relative(r.start + start, r.end + start, r.relation, r.degree) for r in cache[key]
        ]
    return cache[key]


def _wrapped_relative(page: AnalyzedPage, sentence_start: int) -> list[Relative]:
    """A relative that ends the row before, its cancer wrapped onto this one ("Aunt -\\n")."""
    if sentence_start == 0:
        return []
    previous_start, _ = page.context.sentence(sentence_start - 1)
    line = page.text[previous_start:sentence_start]
    relatives = find_relatives(line)
    if relatives and re.fullmatch(r"\s*[-\u2013:]?\s*", line[relatives[-1].end :]):
        last = relatives[-1]
        return [
            Relative(
                last.start + previous_start, last.end + previous_start, last.relation, last.degree
            )
        ]
    return []


def extract_family_history(pages: list[AnalyzedPage]) -> list[FamilyHistoryFact]:
    """Every cancer of a relative on the pages, one fact per relative and cancer."""
    facts: dict[tuple[str, str], FamilyHistoryFact] = {}
    for page in pages:
        cache: dict[tuple[int, int], list[Relative]] = {}
        cancers = _cancer_mentions(page)
        for cancer in cancers:
            for fact in _read_mention(page, cancer, cancers, cache):
                key = (fact.relation, fact.oncotree_code or fact.condition)
                kept = facts.get(key)
                if kept is None or _rank(fact) > _rank(kept):
                    facts[key] = fact
    return list(facts.values())


def _read_mention(
    page: AnalyzedPage,
    cancer: TermMatch,
    cancers: list[TermMatch],
    cache: dict[tuple[int, int], list[Relative]],
) -> list[FamilyHistoryFact]:
    """The family findings of one cancer mention: one per relative it belongs to, or none."""
    text = page.text
    flags = page.flags(cancer.start, cancer.end)
    sentence_start, sentence_end = page.context.sentence(cancer.start)
    relatives = _sentence_relatives(page, sentence_start, sentence_end, cache)
    if not (flags.family or relatives) or _UNKNOWN.search(text, sentence_start, sentence_end):
        return []
    owners = _owners(cancer, relatives, text)
    if not owners and flags.family:
        owners = _wrapped_relative(page, sentence_start)
    base = _NAMED_CONFIDENCE
    if not owners:
        if not _FAMILY_PHRASE.search(text, sentence_start, sentence_end):
            return []
        owners = [Relative(cancer.start, cancer.start, UNNAMED_RELATIVE, None)]
        base = _UNNAMED_CONFIDENCE
    # The clause runs from the cancer (or its relatives written after it) to the next relative
    # or cancer: "colon cancer (brother, age 48)", "Mother - X at 52, aunt - Y".
    clause_start = max([cancer.end, *(o.end for o in owners)])
    later = [r.start for r in relatives if r.start >= clause_start]
    later += [m.start for m in cancers if m.start >= clause_start]
    age = _age_after(text, clause_start, min([sentence_end, *later]))
    if age and _DEATH_WORD.search(text, min(o.start for o in owners), cancer.start):
        age = None  # "mother died of breast cancer at 61": maybe the age of death
    return [
        FamilyHistoryFact(
            relation=owner.relation,
            degree=owner.degree,
            condition=text[cancer.start : cancer.end],
            oncotree_code=cancer.key if cancer.category is TermCategory.cancer_type else None,
            age_at_diagnosis=age[0] if age else None,
            evidence=page.evidence(
                min(owner.start, cancer.start), max(cancer.end, owner.end, age[1] if age else 0)
            ),
            confidence=page.confidence(base, flags),
            origin=page.origin,
            negated=flags.negated,
            uncertain=flags.uncertain,
            historical=flags.historical,
            hypothetical=flags.hypothetical,
        )
        for owner in owners
    ]


def _rank(fact: FamilyHistoryFact) -> tuple[bool, bool, float]:
    return (fact.asserted, fact.age_at_diagnosis is not None, fact.confidence)
