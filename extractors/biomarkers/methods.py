"""Assay methods: the method named around a result ("by IHC", "FISH", "NGS") and the antibody
clone of an IHC assay ("22C3"), read from the data of extractors/vocab/assay_methods.yaml."""

from __future__ import annotations

import functools
import re

from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractors import vocab
from extractors.biomarkers.scope import Found
from extractors.vocab.loader import load_file


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Method(_Strict):
    key: str = Field(pattern=r"^[a-z]+$")
    label: str
    patterns: list[str] = Field(min_length=1)


class Clone(_Strict):
    clone: str = Field(pattern=r"^[0-9A-Z][0-9A-Z-]*$")
    marker: str


class MethodTable(_Strict):
    """The file assay_methods.yaml."""

    source: str
    version: str
    methods: list[Method]
    clones: list[Clone]

    @model_validator(mode="after")
    def _check_unique(self) -> MethodTable:
        for names in ([m.key for m in self.methods], [c.clone for c in self.clones]):
            if len(names) != len(set(names)):
                raise ValueError(f"assay_methods.yaml names one twice: {names}")
        return self


@functools.cache
def method_table() -> MethodTable:
    """Return assay_methods.yaml, validated, with the marker of each clone known."""
    table = load_file("extractors.vocab", "assay_methods.yaml", MethodTable)
    vocab.require_known_markers("assay_methods.yaml", (clone.marker for clone in table.clones))
    return table


@functools.cache
def _method_pattern() -> re.Pattern[str]:
    methods = method_table().methods
    return re.compile(
        r"\b(?:"
        + "|".join(f"(?P<{method.key}>{'|'.join(method.patterns)})" for method in methods)
        + r")\b"
    )


@functools.cache
def _method_labels() -> dict[str, str]:
    return {method.key: method.label for method in method_table().methods}


@functools.cache
def clone_pattern() -> re.Pattern[str]:
    """Any antibody clone, as a whole word of lower-cased text."""
    # A clone is letters, digits and "-" (see `Clone`), all literal outside a character class.
    clones = "|".join(clone.clone.lower() for clone in method_table().clones)
    return re.compile(r"\b(?P<clone>" + clones + r")\b")


def is_clone(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is an antibody clone and nothing else."""
    return clone_pattern().fullmatch(text, start, end) is not None


def read_methods(regions: list[tuple[str, int]]) -> tuple[str | None, list[Found]]:
    """Return the methods named in the regions (text, offset) joined by "/", and where."""
    labels: list[str] = []
    found: list[Found] = []
    clone: str | None = None
    method_labels = _method_labels()
    for text, offset in regions:
        for match in _method_pattern().finditer(text):
            label = method_labels[match.lastgroup or ""]
            if label not in labels:
                labels.append(label)
            found.append(Found(offset + match.start(), offset + match.end(), label))
        clone_match = clone_pattern().search(text)
        if clone_match and clone is None:
            clone = clone_match.group("clone").upper()
            found.append(Found(offset + clone_match.start(), offset + clone_match.end(), clone))
    if clone:
        if "IHC" in labels:
            labels.remove("IHC")
        labels.insert(0, f"IHC {clone}")
    return ("/".join(labels) or None), found
