"""Check the values a person types (a clinician's correction or added fact) against the
project's vocabularies, and name the nearest known values when one is unknown.

Each checked field is put in the form the extractors write it (the marker's key, the drug's
generic name, the canonical T category), so a clinician's fact compares equal to a read one.
Free text (a comment, a biomarker's value, a family member's condition) is not checked.
Suggestions come from `difflib`'s similarity ratio over the known values and their synonyms.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from extractors import vocab
from extractors.biomarkers.results import result_table
from extractors.family import relation_entries
from extractors.stage.categories import parse_category
from extractors.stage.group_tables import grouping_file
from extractors.tnm import is_stage_group, strip_prefix
from models.errors import InvalidInput, UnknownTerm
from models.schemas import (
    BiomarkerFact,
    DiagnosisFact,
    Fact,
    FamilyHistoryFact,
    StageFact,
    TreatmentFact,
    TreatmentKind,
)

_SUGGESTIONS = 5
_CUTOFF = 0.5


@dataclass(frozen=True)
class Terms:
    """One vocabulary: each known value by the lower-case words that name it."""

    what: str
    canonical: Mapping[str, str]

    def resolve(self, field: str, typed: str) -> str:
        """The known value `typed` names, or UnknownTerm with the nearest known values."""
        found = self.canonical.get(typed.strip().lower())
        if found is not None:
            return found
        raise UnknownTerm(
            f"{field}: {typed!r} is not a known {self.what}.",
            reason=f"unknown_{field}",
            suggestions=self.suggest(typed),
        )

    def suggest(self, typed: str) -> list[str]:
        close = difflib.get_close_matches(
            typed.strip().lower(), list(self.canonical), n=_SUGGESTIONS * 3, cutoff=_CUTOFF
        )
        return list(dict.fromkeys(self.canonical[word] for word in close))[:_SUGGESTIONS]

    def values(self) -> list[str]:
        """The known values, each once, sorted: for a form's list of choices."""
        return sorted(set(self.canonical.values()))


def _terms(what: str, pairs: Iterable[tuple[str, str]]) -> Terms:
    canonical: dict[str, str] = {}
    for word, value in pairs:
        canonical.setdefault(word.lower(), value)
    return Terms(what, canonical)


@functools.cache
def _cancer_types() -> dict[str, vocab.CancerTypeEntry]:
    return {entry.code: entry for entry in vocab.cancer_types()}


@functools.cache
def oncotree_codes() -> Terms:
    """OncoTree codes, named by the code, the type's name and its synonyms."""
    return _terms(
        "OncoTree code",
        (
            (word, entry.code)
            for entry in vocab.cancer_types()
            for word in (entry.code, entry.name, *entry.synonyms)
        ),
    )


@functools.cache
def markers() -> Terms:
    return _terms(
        "biomarker",
        (
            (word, entry.key)
            for entry in vocab.biomarkers()
            for word in (entry.key, entry.label, *entry.synonyms)
        ),
    )


@functools.cache
def results() -> Terms:
    return _terms("biomarker result", ((word, word) for word in result_table().results))


@functools.cache
def treatments() -> Terms:
    """Drugs by generic name, brand and synonym; procedures; regimens by name."""
    drugs = ((w, d.generic) for d in vocab.drugs() for w in (d.generic, *d.brands, *d.synonyms))
    procedures = ((w, p.name) for p in vocab.procedures() for w in (p.name, *p.synonyms))
    regimens = ((w, r.name) for r in vocab.regimens() for w in (r.name, *r.synonyms))
    return _terms("drug, procedure or regimen", (*drugs, *procedures, *regimens))


@functools.cache
def _treatment_kinds() -> dict[str, TreatmentKind]:
    kinds = {d.generic: TreatmentKind(d.kind) for d in vocab.drugs()}
    kinds |= {p.name: TreatmentKind(p.kind) for p in vocab.procedures()}
    return kinds


@functools.cache
def relations() -> Terms:
    """Relatives as the profile names them; a sided one also as maternal or paternal."""
    names = {entry.relation: entry.sided for entry in relation_entries().values()}
    pairs = [(name, name) for name in names]
    pairs += [(f"{side} {n}", f"{side} {n}") for n, s in names.items() if s for side in _SIDES]
    pairs += [(word, entry.relation) for word, entry in relation_entries().items()]
    return _terms("relation", pairs)


_SIDES = ("maternal", "paternal")


@functools.cache
def stage_groups() -> Terms:
    """The AJCC stage groups the grouping tables use."""
    groups = {
        row.group
        for chapter in grouping_file().chapters.values()
        for table in chapter.tables.values()
        for row in table.rows or []
        if row.group
    }
    return _terms("AJCC stage group", ((group, group) for group in groups))


@functools.cache
def categories(axis: str) -> Terms:
    """The T, N or M categories the grouping tables name."""
    listed: set[str] = set()
    for chapter in grouping_file().chapters.values():
        for table in chapter.tables.values():
            for row in table.rows or []:
                named = getattr(row, axis.lower())
                listed.update([] if named == "any" else named)
    return _terms(f"{axis} category", ((category, category) for category in listed))


def cancer_type(code: str) -> vocab.CancerTypeEntry:
    """Return the OncoTree type a code (or the type's name) names, or refuse an unknown one."""
    return _cancer_types()[oncotree_codes().resolve("oncotree_code", code)]


def check_fact(fact: Fact) -> Fact:
    """The fact with its vocabulary fields in canonical form; UnknownTerm for an unknown one."""
    if isinstance(fact, DiagnosisFact):
        entry = cancer_type(fact.oncotree_code)
        return fact.model_copy(
            update={"oncotree_code": entry.code, "name": entry.name, "main_type": entry.main_type}
        )
    if isinstance(fact, BiomarkerFact):
        update = {"marker": markers().resolve("marker", fact.marker)}
        if fact.result:
            update["result"] = results().resolve("result", fact.result)
        return fact.model_copy(update=update)
    if isinstance(fact, TreatmentFact):
        name = treatments().resolve("name", fact.name)
        kind = _treatment_kinds().get(name, fact.kind)
        return fact.model_copy(update={"name": name, "kind": kind})
    if isinstance(fact, FamilyHistoryFact):
        return fact.model_copy(update={"relation": relations().resolve("relation", fact.relation)})
    if isinstance(fact, StageFact) and fact.system == "AJCC":
        return fact.model_copy(update=_checked_stage(fact))
    return fact


def _checked_stage(stage: StageFact) -> dict[str, str | None]:
    update: dict[str, str | None] = {}
    if stage.group:
        typed = stage.group.strip()
        typed = typed[len("stage ") :].strip() if typed.lower().startswith("stage ") else typed
        known = stage_groups().canonical.get(typed.lower())
        if known is None and is_stage_group(typed.upper()):
            known = typed.upper()
        update["group"] = known or stage_groups().resolve("group", typed)
    for axis in ("T", "N", "M"):
        typed = getattr(stage, axis.lower())
        if not typed:
            continue
        written = typed.strip()
        prefix = written[: len(written) - len(strip_prefix(written) or "")]
        canonical = parse_category(strip_prefix(written), axis)
        if canonical is None:
            categories(axis).resolve(axis.lower(), written)
            raise InvalidInput(f"{axis.lower()}: {typed!r} is not a {axis} category.")
        update[axis.lower()] = prefix + canonical
    return update


@functools.cache
def form_choices() -> dict[str, list[tuple[str, str]]]:
    """The known values of each checked field as (value, label) pairs, for the page forms."""
    types = sorted(_cancer_types().values(), key=lambda entry: entry.name)
    return {
        "oncotree_code": [(entry.code, entry.name) for entry in types],
        "marker": [(value, value) for value in markers().values()],
        "result": [(value, value) for value in results().values()],
        "name": [(value, value) for value in treatments().values()],
        "relation": [(value, value) for value in relations().values()],
        "group": [(value, value) for value in stage_groups().values()],
        "t": [(value, value) for value in categories("T").values()],
        "n": [(value, value) for value in categories("N").values()],
        "m": [(value, value) for value in categories("M").values()],
    }
