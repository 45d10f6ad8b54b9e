"""Look up codes a person types (a clinician's correction) in the project's vocabularies."""

from __future__ import annotations

import functools

from extractors import vocab
from models.errors import InvalidInput


@functools.cache
def _cancer_types() -> dict[str, vocab.CancerTypeEntry]:
    return {entry.code: entry for entry in vocab.cancer_types()}


def cancer_type(code: str) -> vocab.CancerTypeEntry:
    """Return the OncoTree type for a code, or refuse a code the vocabulary does not know."""
    entry = _cancer_types().get(code)
    if entry is None:
        raise InvalidInput(f"{code!r} is not a known OncoTree code.", reason="unknown_code")
    return entry
