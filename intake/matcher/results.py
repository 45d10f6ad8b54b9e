"""Biomarker results on one scale, as profiles and article tags give them."""

from __future__ import annotations

# The result words of mutation, amplification and detection on one scale (their source is
# extractors/vocab/biomarker_results.yaml); methylation and codeletion keep their own words,
# as article tags use them.
_POSITIVE = frozenset({"positive", "detected", "mutated", "amplified"})
_NEGATIVE = frozenset({"negative", "not detected", "wild type", "not amplified"})
NO_RESULT = frozenset({None, "pending"})


def canonical(result: str | None) -> str | None:
    if result is None:
        return None
    result = result.strip().lower()
    if result in _POSITIVE:
        return "positive"
    if result in _NEGATIVE:
        return "negative"
    return result


def split_tag(tag: str) -> tuple[str, str | None]:
    """'HER2:positive' -> ('her2', 'positive'); 'PD-L1' -> ('pd-l1', None)."""
    marker, _, result = tag.partition(":")
    return marker.strip().casefold(), (canonical(result) if result else None)
