"""The glossary: every term the patient pages show, explained in plain words, with its source.

Read once from intake/glossary.yaml and checked: keys unique, every source known, every
pattern a valid regular expression. `explain` finds the entry for one value as a page shows it
("pT2", "G2", "HER2"); `terms_in` finds the entries a text uses, for an article's word list.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.schemas import ArticleSource, GlossaryTerm


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    pattern: str | None = None
    text: str
    source: str


class GlossaryFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    version: str
    sources: dict[str, ArticleSource]
    terms: tuple[_Entry, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> GlossaryFile:
        keys = [term.key for term in self.terms]
        if len(keys) != len(set(keys)):
            raise ValueError("glossary keys must be unique")
        words: dict[str, str] = {}
        for term in self.terms:
            if term.source not in self.sources:
                raise ValueError(f"{term.key}: unknown source {term.source}")
            if term.pattern is not None:
                re.compile(term.pattern)
            for word in (term.label, *term.aliases):
                if words.setdefault(word.casefold(), term.key) != term.key:
                    raise ValueError(f"{word!r} names both {words[word.casefold()]} and {term.key}")
        return self


@functools.cache
def glossary_file() -> GlossaryFile:
    text = resources.files("intake").joinpath("glossary.yaml").read_text(encoding="utf-8")
    return GlossaryFile.model_validate(yaml.safe_load(text))


def _term(entry: _Entry) -> GlossaryTerm:
    return GlossaryTerm(
        key=entry.key,
        label=entry.label,
        text=entry.text,
        source=glossary_file().sources[entry.source],
    )


@functools.cache
def glossary() -> tuple[GlossaryTerm, ...]:
    """Every term, in the file's order."""
    return tuple(_term(entry) for entry in glossary_file().terms)


@functools.cache
def _by_word() -> dict[str, GlossaryTerm]:
    terms = {term.key: term for term in glossary()}
    return {
        word.casefold(): terms[entry.key]
        for entry in glossary_file().terms
        for word in (entry.label, *entry.aliases)
    }


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern[str], GlossaryTerm], ...]:
    terms = {term.key: term for term in glossary()}
    return tuple(
        (re.compile(entry.pattern), terms[entry.key])
        for entry in glossary_file().terms
        if entry.pattern
    )


def explain(value: str) -> GlossaryTerm | None:
    """The entry for a word or value as a page shows it: "grade", "pT2", "cN0", "G2"."""
    value = value.strip()
    found = _by_word().get(value.casefold())
    if found is not None:
        return found
    return next((term for pattern, term in _patterns() if pattern.fullmatch(value)), None)


@functools.cache
def _word_finder() -> re.Pattern[str]:
    words = sorted(_by_word(), key=len, reverse=True)
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])", re.IGNORECASE)


def terms_in(text: str) -> list[GlossaryTerm]:
    """The glossary's terms a text uses, in the order they first appear."""
    found: dict[str, GlossaryTerm] = {}
    for match in _word_finder().finditer(text):
        term = _by_word()[match.group(1).casefold()]
        found.setdefault(term.key, term)
    return list(found.values())
