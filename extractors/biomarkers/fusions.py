"""Gene fusions: a partner pair ("CD74-ROS1", "EML4::ALK") names the result of a fusion gene."""

from __future__ import annotations

import re

from extractors import vocab
from extractors.biomarkers.scope import Found, Scope

_FUSION_NAME = re.compile(r"[a-z][a-z0-9]{1,9}(?:::|-)[a-z][a-z0-9]{1,9}")
_FUSION_LEFT = re.compile(r"[a-z][a-z0-9]{1,9}(?:::|-)$")
# A space may stand on either side of "::" where a scope joins the term to its tail.
_FUSION_PAIR = re.compile(
    r"\b(?P<left>[a-z][a-z0-9]{1,9})(?:\s?::\s?|-)(?P<right>[a-z][a-z0-9]{1,9})\b"
)
# Room before a gene for its partner and the joining "-" or "::" ("cd74-", "eml4::").
_PARTNER_BEFORE = 12


def is_fusion_partner(text: str, start: int, end: int, key: str) -> bool:
    """Whether the fusion gene `key`, matched at `text[start:end]`, is one side of a pair."""
    return key in vocab.gene_group(vocab.GeneGroup.fusion_genes) and bool(
        _FUSION_NAME.fullmatch(text, start, end)
        or _FUSION_LEFT.search(text, max(0, start - _PARTNER_BEFORE), start)
    )


def find_fusion(scope: Scope, key: str) -> Found | None:
    """Return the first partner pair in the scope that joins the fusion gene `key`."""
    if key not in vocab.gene_group(vocab.GeneGroup.fusion_genes):
        return None
    gene = key.lower()
    for match in _FUSION_PAIR.finditer(scope.text):
        left, right = match.group("left"), match.group("right")
        if left.startswith(gene) or right.startswith(gene):
            label = f"{left.upper()}::{right.upper()}"
            return Found(*scope.position(match.start(), match.end()), label)
    return None
