"""Biomarkers: marker, result, value and assay method, read from the words around each marker.

A marker's result usually follows it in the same clause ("ER positive (95%)", "HER2 2+ by
IHC") and may be shared by a list ("ER, PR and HER2 negative"); a leading "negative for"
is a negative result, not a negated mention.
"""

from __future__ import annotations

import functools
import re

from extractors import vocab
from extractors.document import AnalyzedPage
from extractors.terms import TermCategory, TermMatch
from models.schemas import BiomarkerFact

WINDOW_AFTER = 90
WINDOW_BEFORE = 40

_RESULT_WORDS: list[tuple[str, str]] = [
    (r"not\s+detected|undetected|no\s+mutations?\s+(?:were\s+)?detected", "not detected"),
    (r"non[- ]?amplified|not\s+amplified|no\s+amplification", "not amplified"),
    (r"amplified|amplification", "amplified"),
    (r"equivocal|borderline|indeterminate", "equivocal"),
    (r"negative|neg\b|absent", "negative"),
    (r"positive|pos\b|overexpress(?:ed|ion)", "positive"),
    (r"detected|present", "detected"),
    (r"wild[- ]?type|wt\b", "wild type"),
    (r"mutated|mutation|mutant", "mutated"),
    (r"rearranged|rearrangement|fusion|translocation", "rearranged"),
    (r"intact|retained|preserved", "intact"),
    (r"lost|loss|deficient", "lost"),
    (r"msi[- ]?high|msi-h|unstable|instability[- ]high", "high"),
    (r"msi[- ]?low|msi-l", "low"),
    (r"stable|mss\b", "stable"),
    (r"methylated", "methylated"),
    (r"unmethylated", "unmethylated"),
    (r"co-?deleted|codeletion", "codeleted"),
    (r"high", "high"),
    (r"low", "low"),
]
_RESULT = re.compile(
    r"(?<![a-z])(?:"
    + "|".join(f"(?P<r{index}>{pattern})" for index, (pattern, _) in enumerate(_RESULT_WORDS))
    + r")"
)
_IHC_SCORE = re.compile(r"(?:score\s*(?:of\s*)?)?(?<![\d.])(?P<score>[0-3])\s?\+(?!\d)")
_PERCENT = re.compile(r"(?P<percent>(?:<\s?)?\d{1,3}(?:\.\d)?)\s?%")
_TPS = re.compile(
    r"\b(?P<kind>tps|cps|tc|ic)\s*(?:score)?\s*(?:of|:|=)?\s*(?P<value>[<>≥]?\s?\d{1,3}\s?%?)"
)
_VARIANT = re.compile(
    r"(?P<variant>p\.\(?[a-z]{1,3}\d{1,4}(?:[a-z]{1,3}|\*|fs\*?\d*|del|dup|ins[a-z]*)\)?"
    r"|(?<![a-z0-9])[acdefghiklmnpqrstvwy]\d{2,4}[acdefghiklmnpqrstvwy*](?![a-z0-9])"
    r"|exon\s+\d{1,2}\s+(?:deletion|insertion|skipping|mutation)s?)"
)
_RATIO = re.compile(r"ratio\s*(?:of|:|=)?\s*(?P<ratio>\d+(?:\.\d+)?)")
_SERUM_VALUE = re.compile(
    r"(?:of|:|=|was|is|level)?\s*(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>ng/ml|u/ml|iu/ml|ng/dl)?"
)
_METHOD = re.compile(
    r"\b(?P<method>ihc|immunohisto\w*|fish|sish|cish|ish|in situ hybridi[sz]ation|ngs"
    r"|next[- ]generation sequencing|pcr|rt-pcr|sequencing|foundationone|guardant"
    r"|methylation[- ]specific pcr)\b"
)
_METHOD_LABEL = {
    "ihc": "IHC",
    "fish": "FISH",
    "sish": "ISH",
    "cish": "ISH",
    "ish": "ISH",
    "ngs": "NGS",
    "pcr": "PCR",
    "rt-pcr": "PCR",
    "sequencing": "NGS",
    "foundationone": "NGS",
    "guardant": "NGS",
}
# A clause ends here; a result beyond it belongs to something else.
_CLAUSE_END = re.compile(r"[.;]\s|\bbut\b|\bwhile\b|\bwhereas\b")


@functools.cache
def _entries() -> dict[str, vocab.BiomarkerEntry]:
    return {entry.key: entry for entry in vocab.biomarkers()}


def _result(text: str) -> tuple[str, re.Match[str]] | None:
    match = _RESULT.search(text)
    if match is None:
        return None
    for index, (_, label) in enumerate(_RESULT_WORDS):
        if match.group(f"r{index}"):
            return label, match
    return None


def _method(text: str) -> str | None:
    match = _METHOD.search(text)
    if match is None:
        return None
    word = match.group("method")
    if word.startswith("immunohisto"):
        return "IHC"
    if "situ" in word:
        return "ISH"
    if "generation" in word:
        return "NGS"
    return _METHOD_LABEL.get(word, word.upper())


def _window_after(page: AnalyzedPage, match: TermMatch, next_marker_start: int) -> str:
    end = min(len(page.text), match.end + WINDOW_AFTER)
    window = page.text[match.end : end]
    clause = _CLAUSE_END.search(window)
    if clause:
        window = window[: clause.start()]
    # Stop at the next marker unless it is only a list ("er, pr and her2 negative").
    if next_marker_start < match.end + len(window):
        between = page.text[match.end : next_marker_start]
        if re.search(r"[a-z]{3,}", between.replace("and", "").replace("or", "")):
            window = window[: next_marker_start - match.end]
    return window


def _interpret(key: str, window: str) -> tuple[str | None, str | None, str | None]:
    """Return (result, value, variant) for a marker from the text that follows it."""
    result_match = _result(window)
    result = result_match[0] if result_match else None
    value = None
    variant_match = _VARIANT.search(window)
    variant = variant_match.group("variant") if variant_match else None
    if variant and variant.startswith("p."):
        variant = "p." + variant[2:].upper().replace("FS", "fs").replace("DEL", "del")
    elif variant and not variant.startswith("exon"):
        variant = variant.upper()
    score = _IHC_SCORE.search(window)
    tps = _TPS.search(window)
    percent = _PERCENT.search(window)
    ratio = _RATIO.search(window)
    if key == "HER2" and score:
        value = f"{score.group('score')}+"
        result = (
            result
            or {"0": "negative", "1": "negative", "2": "equivocal", "3": "positive"}[
                score.group("score")
            ]
        )
        if score.group("score") in "12" and result == "negative":
            result = "low"  # HER2-low: IHC 1+, or 2+ without amplification
    elif tps:
        value = f"{tps.group('kind').upper()} {tps.group('value').replace(' ', '')}"
    elif ratio and key == "HER2":
        value = f"ratio {ratio.group('ratio')}"
    elif percent:
        value = percent.group("percent").replace(" ", "") + "%"
        if result is None and key in ("ER", "PR"):
            result = "positive" if float(value.strip("<%")) >= 1 else "negative"
    elif _entries()[key].kind == "serum":
        serum = _SERUM_VALUE.match(window)
        if serum:
            value = serum.group("value") + (
                f" {serum.group('unit')}" if serum.group("unit") else ""
            )
    if result is None and variant:
        result = "mutated" if not variant.startswith("exon") else "detected"
    return result, value, variant


def extract_biomarkers(pages: list[AnalyzedPage]) -> list[BiomarkerFact]:
    facts: list[BiomarkerFact] = []
    for page in pages:
        markers = page.matches_of(TermCategory.biomarker)
        for index, match in enumerate(markers):
            next_start = markers[index + 1].start if index + 1 < len(markers) else len(page.text)
            window = _window_after(page, match, next_start)
            result, value, variant = _interpret(match.key, window)
            flags = page.flags(match.start, match.end)
            entry = _entries()[match.key]
            if entry.kind == "serum" and value is None and result is None:
                continue
            if result is None and flags.negated:
                result, flags = "negative", type(flags)(**{**flags.as_dict(), "negated": False})
            elif flags.negated and result in ("positive", "detected", "amplified", "mutated"):
                # "negative for HER2 amplification": the leading negation is the result.
                result = {"amplified": "not amplified", "detected": "not detected"}.get(
                    result, "negative"
                )
                flags = type(flags)(**{**flags.as_dict(), "negated": False})
            elif flags.negated:
                flags = type(flags)(**{**flags.as_dict(), "negated": False})
            if result is None and value is None:
                continue
            end = match.end + len(window)
            facts.append(
                BiomarkerFact(
                    marker=entry.label,
                    result=result,
                    value=value,
                    method=_method(window),
                    variant=variant,
                    evidence=page.evidence(match.start, end),
                    confidence=page.confidence(0.85 if result else 0.6, flags),
                    origin=page.origin,
                    **flags.as_dict(),
                )
            )
    return facts
