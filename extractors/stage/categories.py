"""Read TNM categories as the grouping tables write them, and relate them to their parents.

Categories are normalised ("pT1mi" -> "T1mi", "N0(i+)" -> "N0", "M1c(1)" -> "M1c"). A
sub-category matches a row listing its parent (T2a matches "T2"); a parent the table splits
(lung "T1") is expanded to its sub-categories.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractors.tnm import PREFIXES, prefix_pattern

_AXIS_BODY = {
    "T": re.compile(r"X|is|a|0|[1-4](?:mi|[a-e])?\d?"),
    "N": re.compile(r"X|[0-3](?:mi|[a-c])?"),
    "M": re.compile(r"X|0|1[a-d]?"),
}
_PARENT_RE = re.compile(r"([TNM]\d)(mi|[a-e])?(\d)?")
# Prefixes a caller may leave on: clinical, pathological, post-therapy, recurrence, autopsy.
_CATEGORY_RE = re.compile(rf"{prefix_pattern(PREFIXES)}?([TNM])(.+)", re.IGNORECASE)


def parse_category(raw: str | None, axis: str) -> str | None:
    """Canonical category ("T1mi", "N0", "M1c"), or None when blank or not a category of `axis`."""
    if raw is None:
        return None
    text = re.sub(r"\(\s*mic?\s*\)", "mi", raw.strip(), flags=re.IGNORECASE)  # "N1(mi)" is N1mi
    text = re.sub(r"\([^)]*\)|\s+", "", text)  # (i+), (mol+), (sn), (m), (DCIS), M1c(1)...
    match = _CATEGORY_RE.fullmatch(text)
    if match is None or match.group(1).upper() != axis:
        return None
    body = match.group(2).lower()
    body = "X" if body == "x" else re.sub(r"mic$", "mi", body)
    return axis + body if _AXIS_BODY[axis].fullmatch(body) else None


def ancestors(category: str) -> list[str]:
    """Parents, nearest first: T1a1 -> [T1a, T1]; N1mi -> [N1]; Tis -> []."""
    match = _PARENT_RE.fullmatch(category)
    if match is None:
        return []
    base, letter, digit = match.groups()
    return ([base + (letter or "")] if digit else []) + ([base] if letter else [])


def _descendants(category: str, vocab: Iterable[str]) -> list[str]:
    return sorted(v for v in vocab if category in ancestors(v))


def alternatives(category: str, vocab: frozenset[str]) -> tuple[list[str], str | None]:
    """What to try when `category` matches no row: its sub-categories, or for a category the
    table does not know (lung T1c in the 7th edition) its siblings."""
    children = _descendants(category, vocab)
    if children:
        return children, None
    parents = ancestors(category)
    if category not in vocab and not vocab.intersection(parents):
        for parent in parents:
            siblings = _descendants(parent, vocab)
            if siblings:
                return (
                    siblings,
                    f"{category} is not in this table; grouped over {'/'.join(siblings)}",
                )
    return [category], None
