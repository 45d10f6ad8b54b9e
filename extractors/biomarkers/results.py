"""Result words: what a word says about a marker, and the result a reading of words names.

A word gives a result of its own ("equivocal"), an aspect (mutation, amplification, fusion,
methylation, codeletion), a polarity, or says the result is to come ("pending"). The first
word that decides a result wins; a polarity said of an aspect names that aspect's result
("no EGFR mutation" is EGFR not detected). The words and results are the data of
extractors/vocab/biomarker_results.yaml.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractors import vocab
from extractors.vocab.loader import load_file

Aspect = Literal["mutation", "amplification", "fusion", "methylation", "codeletion", "deletion"]
MUTATION: Aspect = "mutation"
AMPLIFICATION: Aspect = "amplification"
FUSION: Aspect = "fusion"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AspectResults(_Strict):
    aspect: Aspect
    positive: str
    negative: str


class ResultWord(_Strict):
    """Alternative patterns of one result word, and what the word says."""

    label: str | None = None
    aspect: Aspect | None = None
    polarity: Literal["positive", "negative"] | None = None
    pending: bool = False
    neutral: bool = False
    patterns: list[str] = Field(min_length=1)


class Relabel(_Strict):
    """How the general results read for some markers, named one by one or as a gene group."""

    markers: list[str] = Field(default_factory=list)
    group: vocab.GeneGroup | None = None
    results: dict[str, str]


class ResultTable(_Strict):
    """The file biomarker_results.yaml; every result it uses must be one of `results`."""

    source: str
    version: str
    results: dict[str, str]
    aspects: list[AspectResults]
    polar_results: list[str]
    words: list[ResultWord]
    relabel: list[Relabel]
    protein_results: dict[str, str]
    serum_results: list[str]
    negated: dict[str, str]

    @model_validator(mode="after")
    def _check_results(self) -> ResultTable:
        used = [
            *(label for aspect in self.aspects for label in (aspect.positive, aspect.negative)),
            *self.polar_results,
            *(word.label for word in self.words if word.label),
            *(label for entry in self.relabel for pair in entry.results.items() for label in pair),
            *(label for pair in self.protein_results.items() for label in pair),
            *self.serum_results,
            *(label for pair in self.negated.items() for label in pair),
        ]
        unknown = sorted(set(used) - set(self.results))
        if unknown:
            raise ValueError(f"results not listed under `results`: {unknown}")
        aspects = [aspect.aspect for aspect in self.aspects]
        if len(aspects) != len(set(aspects)):
            raise ValueError("an aspect is listed twice")
        for word in self.words:
            if (word.pending or word.neutral) and (word.label or word.aspect or word.polarity):
                raise ValueError(f"a pending or neutral word says nothing else: {word.patterns}")
            if word.pending and word.neutral:
                raise ValueError(f"a word is pending or neutral, not both: {word.patterns}")
        for entry in self.relabel:
            if bool(entry.markers) == (entry.group is not None):
                raise ValueError("a relabel entry names either markers or a group")
        return self


@functools.cache
def result_table() -> ResultTable:
    """Return biomarker_results.yaml, validated: each relabelled marker is known, once."""
    table = load_file("extractors.vocab", "biomarker_results.yaml", ResultTable)
    relabelled = [marker for entry in table.relabel for marker in _relabelled(entry)]
    vocab.require_known_markers("biomarker_results.yaml", relabelled)
    if len(relabelled) != len(set(relabelled)):
        raise ValueError("biomarker_results.yaml relabels a marker twice")
    return table


def _relabelled(entry: Relabel) -> tuple[str, ...]:
    return vocab.gene_group_members(entry.group) if entry.group else tuple(entry.markers)


@dataclass(frozen=True, slots=True)
class Token:
    """What a result word says: a result of its own, an aspect, a polarity, or "not yet"."""

    label: str | None = None
    aspect: str | None = None
    sign: int = 0
    pending: bool = False


@dataclass(frozen=True, slots=True)
class Decisive:
    """The word that decides a result, the aspect read around it, and where it is."""

    label: str | None
    aspect: str | None
    sign: int
    start: int
    end: int


_SIGNS = {"positive": 1, "negative": -1, None: 0}


@functools.cache
def _tokens_by_group() -> dict[str, Token]:
    return {
        f"t{index}": Token(word.label, word.aspect, _SIGNS[word.polarity], word.pending)
        for index, word in enumerate(result_table().words)
    }


@functools.cache
def result_pattern() -> re.Pattern[str]:
    """Every result word, as whole words; the group `t<n>` names the n-th word that matched."""
    words = result_table().words
    return re.compile(
        r"(?<![a-z0-9])(?:"
        + "|".join(f"(?P<t{index}>{'|'.join(word.patterns)})" for index, word in enumerate(words))
        + r")(?![a-z0-9])"
    )


def read_tokens(text: str, offset: int) -> list[tuple[Token, int, int]]:
    """Return the result words of `text`, each with its span shifted by `offset`."""
    tokens = _tokens_by_group()
    return [
        (tokens[match.lastgroup or ""], offset + match.start(), offset + match.end())
        for match in result_pattern().finditer(text)
    ]


def decide(tokens: list[tuple[Token, int, int]]) -> Decisive | None:
    """Return the first token that decides a result, with the aspect read around it."""
    aspect = next((token.aspect for token, _, _ in tokens if token.aspect), None)
    for token, start, end in tokens:
        if token.pending:
            return Decisive("pending", None, 0, start, end)
        if token.label or token.sign:
            return Decisive(token.label, token.aspect or aspect, token.sign, start, end)
    return None


@functools.cache
def _polar_results() -> frozenset[str]:
    return frozenset(result_table().polar_results)


@functools.cache
def _aspect_results() -> dict[str, tuple[str, str]]:
    return {entry.aspect: (entry.positive, entry.negative) for entry in result_table().aspects}


def name_result(decisive: Decisive, aspect: str | None) -> str | None:
    """Return the result a deciding word names, said of its aspect or of `aspect`."""
    if decisive.label and decisive.label not in _polar_results():
        return decisive.label  # "wild type", "not amplified", "lost", "equivocal" ...
    aspect = decisive.aspect or aspect
    if decisive.sign and aspect:
        positive, negative = _aspect_results()[aspect]
        return positive if decisive.sign > 0 else negative
    if decisive.label:
        return decisive.label
    return "negative" if decisive.sign < 0 else "positive"


@functools.cache
def _relabel_by_marker() -> dict[str, dict[str, str]]:
    return {
        marker: entry.results for entry in result_table().relabel for marker in _relabelled(entry)
    }


def relabel_result(key: str, kind: str, result: str | None) -> str | None:
    """Return `result` as marker `key` (of vocabulary kind `kind`) names it."""
    relabel = _relabel_by_marker()
    if result and key in relabel:
        return relabel[key].get(result, result)
    if result and kind == "protein":
        return result_table().protein_results.get(result, result)  # "receptors found in 75%"
    return result


def negate_result(result: str) -> str | None:
    """Return the result a negation makes of `result` ("no loss" is intact), or None."""
    return result_table().negated.get(result)


@functools.cache
def serum_results() -> frozenset[str]:
    """Results a serum marker may be reported with when no level is given."""
    return frozenset(result_table().serum_results)


@functools.cache
def result_signs() -> dict[str, int]:
    """Each result word with the sign of what the test saw: +1 found, -1 not found.

    Results of no sign (equivocal, low, pending ...) are left out. A relabelled result takes
    the sign of the general result it stands for ("lost" is a negative stain of an MMR protein).
    """
    table = result_table()
    signs: dict[str, int] = {}
    for word in table.words:
        if word.label and word.polarity:
            signs[word.label] = 1 if word.polarity == "positive" else -1
    for aspect in table.aspects:
        signs[aspect.positive], signs[aspect.negative] = 1, -1
    signs |= {"positive": 1, "detected": 1, "negative": -1, "not detected": -1}
    mappings = [entry.results for entry in table.relabel] + [table.protein_results]
    for _ in range(len(mappings)):  # a relabel may name another relabel's result
        for mapping in mappings:
            for general, named in mapping.items():
                if general in signs:
                    signs.setdefault(named, signs[general])
    return signs
