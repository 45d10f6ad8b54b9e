"""Variants: protein changes in HGVS form ("p.V600E", "p.E746_A750del") and exon alterations.

A report writes a protein change with one- or three-letter codes, with or without "p.", and an
exon alteration in words ("exon 19 deletion", "METex14 skipping", "del19"); the variant of a
mention is the most explicit one in its scope, or else a fusion partner pair.
"""

from __future__ import annotations

import functools
import re

from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractors import vocab
from extractors.biomarkers.fusions import find_fusion
from extractors.biomarkers.scope import Found, Scope
from extractors.vocab.loader import load_entries, load_file


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AminoAcid(_Strict):
    code: str = Field(pattern=r"^[a-z]{3}$")
    letter: str = Field(pattern=r"^[A-Z*]$")


class ExonKind(_Strict):
    written: str = Field(pattern=r"^[a-z]{3}$")
    alteration: str


class ExonDefault(_Strict):
    gene: str
    exon: str = Field(pattern=r"^\d{1,2}$")
    alteration: str


class ExonTable(_Strict):
    """The file exon_alterations.yaml."""

    source: str
    version: str
    kinds: list[ExonKind]
    defaults: list[ExonDefault]

    @model_validator(mode="after")
    def _check_alterations(self) -> ExonTable:
        alterations = {kind.alteration for kind in self.kinds}
        unknown = sorted({d.alteration for d in self.defaults} - alterations)
        if unknown:
            raise ValueError(f"exon defaults name alterations without a kind: {unknown}")
        return self


@functools.cache
def amino_acids() -> dict[str, str]:
    """Three-letter amino-acid codes (lower case) to one-letter codes, in file order."""
    return {
        entry.code: entry.letter
        for entry in load_entries("extractors.vocab", "amino_acids.yaml", AminoAcid)
    }


@functools.cache
def exon_table() -> ExonTable:
    """Return exon_alterations.yaml, validated, with each gene of a default known."""
    table = load_file("extractors.vocab", "exon_alterations.yaml", ExonTable)
    vocab.require_known_markers("exon_alterations.yaml", (d.gene for d in table.defaults))
    return table


@functools.cache
def _exon_kinds() -> dict[str, str]:
    return {kind.written: kind.alteration for kind in exon_table().kinds}


@functools.cache
def _exon_defaults() -> dict[tuple[str, str], str]:
    return {(d.gene, d.exon): d.alteration for d in exon_table().defaults}


@functools.cache
def variant_pattern() -> re.Pattern[str]:
    """A protein change or an exon alteration, in any of the forms reports write."""
    three = "|".join(amino_acids())
    return re.compile(
        r"(?<![\w.*])(?:p\.\(?(?P<protein>(?:" + three + r"|[a-z*])\d{1,4}"
        r"(?:_(?:" + three + r"|[a-z])\d{1,4})?"
        r"(?:delins[a-z*]*|del[a-z]*|dup|ins[a-z]*|(?:" + three + r"|[a-z])?fs(?:\*|ter)?\d*"
        r"|" + three + r"|[a-z*]|=)?)\)?"
        r"|(?P<three>(?:" + three + r")\d{1,4}(?:" + three + r"|fs))"
        r"|(?P<bare>[acdefghiklmnpqrstvwy]\d{2,4}[acdefghiklmnpqrstvwy*])"
        r"|exon\s*(?P<exon>\d{1,2})(?:\s+(?P<exon_kind>deletions?|del|insertions?|ins|skipping"
        r"|duplications?|dup))?"
        r"|ex(?P<short_exon>\d{1,2})\s?(?P<short_kind>del|ins|skipping)"
        r"|del\s?(?P<del19>19)"
        # HGVS coding DNA changes, intronic and promoter positions included: "c.224-1G>A",
        # "c.-124C>T", "c.6275_6276del" (HGVS nomenclature, varnomen.hgvs.org).
        r"|(?P<coding>c\.(?:[-*]?\d+(?:[+-]\d+)?)(?:_[-*]?\d+(?:[+-]\d+)?)?"
        r"(?:[acgt]>[acgt]|delins[acgt]+|del[acgt]*|dup[acgt]*|ins[acgt]+)))(?![\w])"
    )


@functools.cache
def _protein_parts() -> re.Pattern[str]:
    three = "|".join(amino_acids())
    return re.compile(
        r"(?P<ref>"
        + three
        + r"|[a-z*])(?P<pos>\d+)(?:_(?P<ref2>"
        + three
        + r"|[a-z])(?P<pos2>\d+))?"
        r"(?P<rest>.*)"
    )


_TERMINATION = re.compile(r"ter(?=\d)")
_FRAMESHIFT = re.compile(r"(?P<new>[a-z]{3}|[a-z])?fs(?P<tail>.*)")
_CHANGE_KIND = re.compile(r"delins|del|dup|ins|fs")


def is_variant(text: str) -> bool:
    """Whether `text` is a variant and nothing else ("V600E", "exon 19 deletion")."""
    return variant_pattern().fullmatch(text) is not None


def _variant_label(key: str, match: re.Match[str]) -> tuple[int, str | None]:
    """Return (rank, label): a lower rank is a more explicit variant."""
    if match.group("protein"):
        return 0, "p." + _protein_change(match.group("protein"))
    if match.group("three"):
        return 0, "p." + _protein_change(match.group("three"))
    if match.group("bare"):
        return 1, "p." + _protein_change(match.group("bare"))
    if match.group("coding"):
        return 3, _coding_change(match.group("coding"))
    exon = match.group("exon") or match.group("short_exon") or match.group("del19")
    kind = (
        match.group("exon_kind")
        or match.group("short_kind")
        or ("del" if match.group("del19") else None)
    )
    name = _exon_kinds().get(kind[:3]) if kind else _exon_defaults().get((key, exon))
    return 2, (f"exon {exon} {name}" if name else None)


def _protein_change(change: str) -> str:
    """Write a protein change the way reports do: one-letter codes, "p.V600E", "p.E746_A750del"."""
    parts = _protein_parts().fullmatch(change)
    if parts is None:
        return change.upper()
    out = _amino_acid(parts.group("ref")) + parts.group("pos")
    if parts.group("ref2"):
        out += "_" + _amino_acid(parts.group("ref2")) + parts.group("pos2")
    rest = parts.group("rest")
    shift = _FRAMESHIFT.fullmatch(rest)
    if shift:  # "Leu2092Profs*7": the first new amino acid, then the frameshift
        new = _amino_acid(shift.group("new")) if shift.group("new") else ""
        return out + new + "fs" + _TERMINATION.sub("*", shift.group("tail")).upper()
    if rest.startswith(("del", "dup", "ins", "fs")):
        rest = _TERMINATION.sub("*", rest)
        kind = _CHANGE_KIND.match(rest)
        head = kind.group(0) if kind else ""
        return out + head + rest[len(head) :].upper()
    return out + (_amino_acid(rest) if rest else "")


_BASES = re.compile(r"(?<![a-z])[acgt]>[acgt]|(?<=del|dup|ins)[acgt]+")


def _coding_change(change: str) -> str:
    """Write a coding DNA change the way reports do, bases in capitals: "c.224-1G>A"."""
    return _BASES.sub(lambda m: m.group(0).upper(), change)


def coding_change(text: str) -> str | None:
    """Return the first coding DNA change in `text` ("c.6275_6276del"), or None."""
    for match in variant_pattern().finditer(text):
        if match.group("coding"):
            return _coding_change(match.group("coding"))
    return None


def _amino_acid(code: str) -> str:
    return amino_acids().get(code, code.upper())


def find_variant(scope: Scope, key: str) -> Found | None:
    """Return the most explicit variant of marker `key` in the scope, or a fusion pair."""
    best: tuple[int, Found] | None = None
    for match in variant_pattern().finditer(scope.text):
        rank, label = _variant_label(key, match)
        if label is not None and (best is None or rank < best[0]):
            best = (rank, Found(*scope.position(match.start(), match.end()), label))
    if best is not None:
        return best[1]
    return find_fusion(scope, key)
