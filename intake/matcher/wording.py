"""Plain words for reasons: cancer names in lower case, "a" or "an", lists, and openings.

The tables (plain names of main types, eponyms, symbols said as words) are
intake/matcher/wording.yaml, read once per process.
"""

from __future__ import annotations

import functools
import re

from pydantic import BaseModel, ConfigDict, model_validator

from extractors.vocab.loader import load_file
from intake.matcher.weights import LOW_WEIGHT
from models.schemas import Origin


class WordingFile(BaseModel):
    """wording.yaml (see the file's header)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    version: str
    plain_cancer_types: dict[str, str]
    proper_words: list[str]
    read_as_words: list[str]

    @model_validator(mode="after")
    def _check_words(self) -> WordingFile:
        for name, words in (
            ("proper_words", self.proper_words),
            ("read_as_words", self.read_as_words),
        ):
            if len(words) != len(set(words)):
                raise ValueError(f"{name} lists a word twice")
        if any(word != word.lower() for word in self.proper_words):
            raise ValueError("proper_words are compared in lower case")
        return self


@functools.cache
def _wording_file() -> WordingFile:
    return load_file("intake.matcher", "wording.yaml", WordingFile)


@functools.cache
def plain_cancer_types() -> dict[str, str]:
    """Return how a reason names each OncoTree main type that needs more than lower case."""
    return _wording_file().plain_cancer_types


@functools.cache
def _proper_words() -> frozenset[str]:
    return frozenset(_wording_file().proper_words)


@functools.cache
def _read_as_words() -> frozenset[str]:
    return frozenset(_wording_file().read_as_words)


def plain(name: str) -> str:
    """'Diffuse Large B-Cell Lymphoma, NOS' -> 'diffuse large B-cell lymphoma'."""

    def word(w: str) -> str:
        if re.fullmatch(r"[A-Z]-Cell", w):
            return f"{w[0]}-cell"
        if w.lower() in _proper_words() or sum(c.isupper() for c in w) >= 2:
            return w  # "Hodgkin", "NK", "IDH-Wildtype"
        return w.lower()

    return " ".join(word(w) for w in re.sub(r",?\s+NOS\b", "", name).split())


def with_article(words: str) -> str:
    """Put 'a' or 'an' before words; abbreviations are read letter by letter ("an MSI")."""
    head = words.split()[0] if words else ""
    spelled = head not in _read_as_words() and (head.isupper() or any(c.isdigit() for c in head))
    vowel_sound = head[:1] in ("AEFHILMNORSX" if spelled else "aeiouAEIOU")
    return f"{'an' if vowel_sound else 'a'} {words}"


def join(words: list[str]) -> str:
    """'a', 'b' and 'c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def opening(weight: float, origin: Origin | None) -> str:
    """Open a sentence on facts: confirmed, shown, or only possibly shown."""
    if origin is Origin.clinician:
        return "Your care team confirmed"
    return "Your record may show" if weight < LOW_WEIGHT else "Your record shows"
