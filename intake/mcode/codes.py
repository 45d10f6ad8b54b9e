"""The codes the mCODE export writes, read from `codes.yaml` through the one data-file loader.

Every lookup answers None where the file names no code: the caller then writes the words alone,
never a guessed code. The file is checked against the vocabularies it names (biomarker,
histology and site keys, relations), so a renamed key fails at load rather than silently
dropping a code.
"""

from __future__ import annotations

import functools
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from extractors import vocab
from extractors.family import relation_entries
from extractors.vocab.loader import load_file

Axis = Literal["group", "t", "n", "m"]
Classification = Literal["clinical", "pathologic", "other"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Code(_Strict):
    """A code of the section's own system."""

    code: str
    display: str


class SystemCode(Code):
    """A code of a system the entry names (a key of `systems`)."""

    system: str


class StageMethod(Code):
    edition: int


class StageType(Code):
    axis: Axis
    classification: Classification


class TnmValue(Code):
    value: str


class OtherStage(_Strict):
    system: str
    type: SystemCode | None = None
    method: SystemCode | None = None


class TumourMarker(Code):
    marker: str
    assay: str | None = None


class ResultAnswer(Code):
    result: str


class VariantAnswers(_Strict):
    present: Code
    absent: Code


class Histology(Code):
    histology: str


class MetastaticSite(Code):
    site: str


class FamilyRelation(Code):
    relation: str


class Laterality(Code):
    laterality: str


class CodesFile(_Strict):
    source: str
    version: str
    systems: dict[str, str]
    stage_methods: list[StageMethod]
    stage_types: list[StageType]
    tnm_values: list[TnmValue]
    other_stages: list[OtherStage]
    tumour_markers: list[TumourMarker]
    result_answers: list[ResultAnswer]
    variant_answers: VariantAnswers
    histologies: list[Histology]
    metastatic_sites: list[MetastaticSite]
    family_relations: list[FamilyRelation]
    laterality: list[Laterality]

    @model_validator(mode="after")
    def _names_known_systems(self) -> CodesFile:
        named = {
            code.system
            for stage in self.other_stages
            for code in (stage.type, stage.method)
            if code is not None
        }
        unknown = sorted(named - set(self.systems))
        if unknown:
            raise ValueError(f"codes.yaml names unknown code systems {unknown}")
        return self


@functools.cache
def codes() -> CodesFile:
    """Return codes.yaml, validated, each key checked against the vocabulary it belongs to."""
    table = load_file("intake.mcode", "codes.yaml", CodesFile)
    vocab.require_known_markers("codes.yaml", (entry.marker for entry in table.tumour_markers))
    _require_known(
        "histologies",
        {entry.histology for entry in table.histologies},
        {entry.key for entry in vocab.histologies()},
    )
    _require_known(
        "sites",
        {entry.site for entry in table.metastatic_sites},
        {entry.key for entry in vocab.sites()},
    )
    # "maternal aunt" is an aunt with a side, as the family extractor writes it.
    _require_known(
        "relations",
        {_unsided(entry.relation) for entry in table.family_relations},
        {entry.relation for entry in relation_entries().values()},
    )
    return table


def _unsided(relation: str) -> str:
    return relation.removeprefix("maternal ").removeprefix("paternal ")


def _require_known(kind: str, named: set[str], known: set[str]) -> None:
    unknown = sorted(named - known)
    if unknown:
        raise ValueError(f"codes.yaml names unknown {kind} {unknown}")


def system(name: str) -> str:
    """The URI of a code system by its short name in codes.yaml."""
    return codes().systems[name]


def stage_method(edition: int | None) -> Code | None:
    return next((m for m in codes().stage_methods if m.edition == edition), None)


def stage_type(axis: Axis, classification: str | None) -> Code:
    """What a TNM observation reports; a classification other than clinical or pathologic
    (post-therapy, recurrence) is reported with the generic code of its axis."""
    wanted = classification if classification in ("clinical", "pathologic") else "other"
    return next(t for t in codes().stage_types if t.axis == axis and t.classification == wanted)


def tnm_value(value: str) -> Code | None:
    return next((v for v in codes().tnm_values if v.value == value), None)


def other_stage(staging_system: str) -> OtherStage | None:
    return next((s for s in codes().other_stages if s.system == staging_system), None)


@functools.cache
def _marker_keys_by_label() -> dict[str, str]:
    return {entry.label: entry.key for entry in vocab.biomarkers()}


def marker_kind(label: str) -> str:
    """protein, gene, signature or serum, as biomarkers.yaml says; a marker it does not know
    (a clinician's own words) is taken for a gene only when written as a gene symbol."""
    for entry in vocab.biomarkers():
        if entry.label == label or entry.key == label:
            return entry.kind
    return "gene" if label.isupper() and label.isalnum() else "protein"


def tumour_marker(label: str, assay: str | None) -> Code | None:
    """The LOINC test for a marker (by its label as facts carry it), and for the assay when the
    code names one ("PD-L1 by clone 22C3")."""
    key = _marker_keys_by_label().get(label, label)
    for entry in codes().tumour_markers:
        if entry.marker != key:
            continue
        if entry.assay is None or (assay and entry.assay.lower() in assay.lower()):
            return entry
    return None


def result_answer(result: str | None) -> Code | None:
    return next((a for a in codes().result_answers if a.result == result), None)


def variant_answers() -> VariantAnswers:
    return codes().variant_answers


@functools.cache
def _histology_keys_by_label() -> dict[str, str]:
    return {entry.label.lower(): entry.key for entry in vocab.histologies()}


def histology(label: str | None) -> Code | None:
    """ICD-O-3 morphology for a histology as the profile names it (its label)."""
    if not label:
        return None
    key = _histology_keys_by_label().get(label.lower(), label)
    return next((h for h in codes().histologies if h.histology == key), None)


@functools.cache
def _site_keys() -> dict[str, str]:
    sites = vocab.sites()
    return {entry.label.lower(): entry.key for entry in sites} | {e.key: e.key for e in sites}


def metastatic_site(site: str) -> Code | None:
    """ICD-10-CM secondary neoplasm code for a metastatic site (label or key)."""
    key = _site_keys().get(site.lower())
    return next((s for s in codes().metastatic_sites if s.site == key), None)


def family_relation(relation: str) -> Code | None:
    return next((r for r in codes().family_relations if r.relation == relation.lower()), None)


def laterality(side: str | None) -> Code | None:
    if not side:
        return None
    return next((s for s in codes().laterality if s.laterality == side.lower()), None)
