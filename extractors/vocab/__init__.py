"""Load and validate the vocabulary and rule files under `extractors/vocab` and `extractors/rules`.

Each file is YAML with `source`, `version` and `entries`; entries are validated by a pydantic
model that rejects unknown keys, once per process.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from enum import StrEnum
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from extractors.vocab.loader import load_entries

E = TypeVar("E", bound=BaseModel)


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CancerTypeEntry(_Entry):
    """An OncoTree type, phrases that name it alone, and site+histology pairs that imply it."""

    code: str
    name: str
    main_type: str
    # The nearest OncoTree ancestor that this vocabulary lists; None under the OncoTree root.
    parent: str | None = None
    icd10: str | None = None
    synonyms: list[str] = Field(default_factory=list)
    # Each pair: a site key from sites.yaml and a histology key from histologies.yaml.
    site_histology: list[tuple[str, str]] = Field(default_factory=list)


class SiteEntry(_Entry):
    key: str
    label: str
    icd10: str | None = None
    synonyms: list[str]
    # Names from procedures.yaml of operations that remove or sample this organ, so that
    # "right partial glossectomy: squamous cell carcinoma" places the tumour in the tongue.
    procedures: list[str] = Field(default_factory=list)
    # Organs those operations take along, where a second tumour is usually an incidental
    # finding: the prostate of a cystoprostatectomy done for bladder cancer.
    removed_with: list[str] = Field(default_factory=list)


class HistologyEntry(_Entry):
    key: str
    label: str
    synonyms: list[str]
    # A class name ("carcinoma", "sarcoma") that says little about the type on its own.
    broad: bool = False


class DrugEntry(_Entry):
    generic: str
    drug_class: str
    brands: list[str] = Field(default_factory=list)
    synonyms: list[str] = Field(default_factory=list)
    kind: Literal["medication", "cell_therapy"] = "medication"


class RegimenEntry(_Entry):
    name: str
    drugs: list[str]
    synonyms: list[str] = Field(default_factory=list)


class BiomarkerEntry(_Entry):
    key: str
    label: str
    synonyms: list[str]
    kind: Literal["protein", "gene", "signature", "serum"] = "gene"


class GeneGroup(StrEnum):
    """The named groups of gene_groups.yaml."""

    fusion_genes = "fusion_genes"
    mmr_proteins = "mmr_proteins"
    hereditary_risk_genes = "hereditary_risk_genes"
    germline_tested_genes = "germline_tested_genes"
    allred_scored_receptors = "allred_scored_receptors"
    percent_scored_receptors = "percent_scored_receptors"
    triple_negative = "triple_negative"


class GeneGroupEntry(_Entry):
    """A named group of biomarkers (keys of biomarkers.yaml), with groups it takes in whole."""

    name: GeneGroup
    meaning: str
    includes: list[GeneGroup] = Field(default_factory=list)
    markers: list[str]


class ProcedureEntry(_Entry):
    name: str
    kind: Literal["surgery", "radiation", "transplant"]
    synonyms: list[str] = Field(default_factory=list)


ModifierCategory = Literal[
    "NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "FAMILY"
]


class ContextRule(_Entry):
    """A medspaCy-style ConText modifier: a literal or regex, its category and its direction."""

    literal: str
    category: Literal[
        "NEGATED_EXISTENCE",
        "POSSIBLE_EXISTENCE",
        "HISTORICAL",
        "HYPOTHETICAL",
        "FAMILY",
        "TERMINATE",
        "PSEUDO",
    ]
    direction: Literal["FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"]
    pattern: str | None = None
    max_scope: int | None = Field(default=None, description="characters the modifier reaches")
    spares: list[
        Literal["NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "FAMILY"]
    ] = Field(
        default_factory=list,
        description="for a TERMINATE rule: the categories whose scope it does not end",
    )


_ALL_BREAKS_UP_TO = 4  # words


def _load(package: str, filename: str, entry_type: type[E]) -> list[E]:
    return load_entries(package, filename, entry_type)


def line_break_variants(term: str) -> list[str]:
    """Return `term` as OCR'd, flattened reports write it across line breaks.

    TCGA-style text turns each line break into ". ", so "squamous cell carcinoma" can read
    "squamous cell. carcinoma". Names of up to four words get every combination of breaks,
    longer ones a single break.
    """
    words = term.split(" ")
    gaps = [gap for gap in range(len(words) - 1) if not words[gap].endswith((".", ",", ":", ";"))]
    if len(words) <= _ALL_BREAKS_UP_TO:
        chosen = [
            [gap for bit, gap in enumerate(gaps) if mask >> bit & 1]
            for mask in range(1, 1 << len(gaps))
        ]
    else:
        chosen = [[gap] for gap in gaps]
    return [
        " ".join(f"{word}." if index in breaks else word for index, word in enumerate(words))
        for breaks in chosen
    ]


def _line_break_variants(names: list[str]) -> list[str]:
    return [variant for name in names for variant in line_break_variants(name)]


@functools.cache
def cancer_types() -> list[CancerTypeEntry]:
    """Cancer types, each synonym also in its line-break variants (see `line_break_variants`)."""
    return [
        entry.model_copy(
            update={"synonyms": [*entry.synonyms, *_line_break_variants(entry.synonyms)]}
        )
        for entry in _load("extractors.vocab", "cancer_types.yaml", CancerTypeEntry)
    ]


@functools.cache
def sites() -> list[SiteEntry]:
    return _load("extractors.vocab", "sites.yaml", SiteEntry)


@functools.cache
def histologies() -> list[HistologyEntry]:
    """Histologies, label and synonyms also in their line-break variants."""
    return [
        entry.model_copy(
            update={
                "synonyms": [
                    *entry.synonyms,
                    *_line_break_variants([entry.label.lower(), *entry.synonyms]),
                ]
            }
        )
        for entry in _load("extractors.vocab", "histologies.yaml", HistologyEntry)
    ]


@functools.cache
def drugs() -> list[DrugEntry]:
    return _load("extractors.vocab", "drugs.yaml", DrugEntry)


@functools.cache
def regimens() -> list[RegimenEntry]:
    return _load("extractors.vocab", "regimens.yaml", RegimenEntry)


@functools.cache
def biomarkers() -> list[BiomarkerEntry]:
    return _load("extractors.vocab", "biomarkers.yaml", BiomarkerEntry)


@functools.cache
def procedures() -> list[ProcedureEntry]:
    return _load("extractors.vocab", "procedures.yaml", ProcedureEntry)


@functools.cache
def context_rules() -> list[ContextRule]:
    return _load("extractors.rules", "context.yaml", ContextRule)


@functools.cache
def _marker_keys() -> frozenset[str]:
    return frozenset(entry.key for entry in biomarkers())


def require_known_markers(filename: str, markers: Iterable[str]) -> None:
    """Refuse a data file that names a marker biomarkers.yaml does not know."""
    unknown = sorted(set(markers) - _marker_keys())
    if unknown:
        raise ValueError(f"{filename} names markers biomarkers.yaml does not know: {unknown}")


@functools.cache
def gene_groups() -> dict[GeneGroup, tuple[str, ...]]:
    """Every group of gene_groups.yaml with its members in file order, included groups first.

    Raises ValueError when a group is named twice or is missing, includes a group not listed
    above it, or names a marker that biomarkers.yaml does not know.
    """
    groups: dict[GeneGroup, tuple[str, ...]] = {}
    for entry in _load("extractors.vocab", "gene_groups.yaml", GeneGroupEntry):
        if entry.name in groups:
            raise ValueError(f"gene group {entry.name} is listed twice")
        unknown = [name for name in entry.includes if name not in groups]
        if unknown:
            raise ValueError(f"gene group {entry.name} includes {unknown}, not listed above it")
        require_known_markers(f"gene_groups.yaml ({entry.name})", entry.markers)
        members = [marker for name in entry.includes for marker in groups[name]]
        groups[entry.name] = tuple(dict.fromkeys([*members, *entry.markers]))
    missing = sorted(set(GeneGroup) - set(groups))
    if missing:
        raise ValueError(f"gene groups {missing} are missing from gene_groups.yaml")
    return groups


def gene_group_members(name: GeneGroup) -> tuple[str, ...]:
    """Return the biomarker keys of group `name`, in the order the file lists them."""
    return gene_groups()[name]


@functools.cache
def gene_group(name: GeneGroup) -> frozenset[str]:
    """Return the biomarker keys of group `name` (the `key` of biomarkers.yaml)."""
    return frozenset(gene_groups()[name])


@functools.cache
def gene_group_labels(name: GeneGroup) -> frozenset[str]:
    """Return the display labels of group `name`: what `BiomarkerFact.marker` holds."""
    labels = {entry.key: entry.label for entry in biomarkers()}
    return frozenset(labels[key] for key in gene_groups()[name])
