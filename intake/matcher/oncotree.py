"""Look up a cancer type's place in the OncoTree vocabulary: the codes above it, its main type."""

from __future__ import annotations

import functools

from extractors import vocab


@functools.cache
def cancer_types() -> dict[str, vocab.CancerTypeEntry]:
    return {entry.code: entry for entry in vocab.cancer_types()}


def lineage(code: str) -> list[str]:
    """Return the code and the codes above it. Their main types are left out: SCLC sits under
    a lung neuroendocrine code whose main type is non-small cell lung cancer."""
    entries = cancer_types()
    chain: list[str] = []
    while code and code not in chain:
        chain.append(code)
        entry = entries.get(code)
        code = entry.parent if entry and entry.parent else ""
    return chain


def main_type(code: str) -> str | None:
    entry = cancer_types().get(code)
    return entry.main_type if entry else None
