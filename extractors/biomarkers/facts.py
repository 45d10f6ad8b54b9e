"""Assemble biomarker facts: read each group of marker mentions on each page, and turn each
reading into a `BiomarkerFact` with its evidence, flags and confidence."""

from __future__ import annotations

import re

from extractors import vocab
from extractors.biomarkers.mentions import (
    WINDOW_BEFORE,
    find_mentions,
    find_tail_end,
    group_mentions,
    marker_entries,
)
from extractors.biomarkers.reader import Reader, Reading
from extractors.document import AnalyzedPage
from extractors.layout import key_blocks
from extractors.sections import SectionKind
from models.schemas import BiomarkerFact

_TRIPLE_NEGATIVE = re.compile(r"\btriple[- ]negative\b")
# ERBB2 amplification is the HER2 status (ASCO/CAP 2018): the ERBB2 entry of biomarkers.yaml is
# kept for ERBB2 mutations, so "ERBB2 not amplified" is reported under HER2.
_AMPLIFICATION_MARKERS = {"ERBB2": "HER2"}
_AMPLIFICATION_RESULTS = frozenset({"amplified", "not amplified"})
# ASCO/CAP 2018 (2023 update): HER2 IHC 2+ is settled by in situ hybridisation, amplified
# (ISH groups 1, and 2-4 with IHC review) is positive, not amplified is negative; with 2+, a
# negative is HER2-low, as read_her2 names it.
_SETTLED_BY_ISH = {"amplified": "positive", "not amplified": "low"}


def _confidence(page: AnalyzedPage, position: int, reading: Reading) -> float:
    base = 0.85 if reading.result else 0.7
    section = page.section(position)
    if section is SectionKind.addendum:
        base += 0.05  # an addendum reports the final result of a test pending in the report
    elif section is SectionKind.comment:
        base -= 0.1  # comments quote method notes and scoring rules as well as results
    return base


def _fact(page: AnalyzedPage, key: str, reading: Reading, start: int, end: int) -> BiomarkerFact:
    flags = page.flags(start, end, ignore=frozenset({"negated"}))
    if reading.result in _AMPLIFICATION_RESULTS:
        key = _AMPLIFICATION_MARKERS.get(key, key)
    return BiomarkerFact(
        marker=marker_entries()[key].label,
        result=reading.result,
        value=reading.value,
        method=reading.method,
        variant=reading.variant,
        evidence=page.evidence(reading.start, reading.end),
        confidence=page.confidence(_confidence(page, start, reading), flags),
        origin=page.origin,
        **flags.as_dict(),
    )


def _key_spans(page: AnalyzedPage) -> list[tuple[int, int]]:
    """The spans of the page's keys to results, in normalised offsets."""
    if "\n" not in page.page.text:
        return []
    blocks = key_blocks(page.page.text)
    bounds = page.norm.many_to_normalized(bound for block in blocks for bound in block)
    return list(zip(bounds[::2], bounds[1::2], strict=True))


def _page_biomarkers(page: AnalyzedPage) -> list[BiomarkerFact]:
    text = page.text
    facts: list[BiomarkerFact] = []
    groups = group_mentions(find_mentions(page), page)
    keys = _key_spans(page)
    consumed = 0
    for number, group in enumerate(groups):
        if any(start <= group[0].start < end for start, end in keys):
            continue
        next_start = groups[number + 1][0].start if number + 1 < len(groups) else None
        sentence_start, _ = page.context.sentence(group[0].start)
        lead_start = max(sentence_start, consumed, group[0].start - WINDOW_BEFORE)
        tail_end = find_tail_end(page, group[-1].end, next_start)
        reader = Reader(page, group, lead_start, tail_end, sentence_start)
        consumed = group[-1].end
        for index, mention in enumerate(group):
            reading = reader.read(mention, index)
            if reading is None:
                continue
            consumed = max(consumed, reading.end)
            facts.append(_fact(page, mention.key, reading, mention.start, mention.end))
    matches = _TRIPLE_NEGATIVE.finditer(text) if "triple" in text else ()
    for match in matches:
        # "Triple-negative" states three results at once.
        for key in vocab.gene_group_members(vocab.GeneGroup.triple_negative):
            reading = Reading("negative", None, None, None, match.start(), match.end())
            facts.append(_fact(page, key, reading, match.start(), match.end()))
    return facts


def _settle_her2(facts: list[BiomarkerFact]) -> list[BiomarkerFact]:
    """Give an equivocal HER2 IHC 2+ the result the document's ISH settles it to.

    Only one ISH result settles it: where a document reads both amplified and not amplified
    (a retest, a misread key), the 2+ stays equivocal rather than take either.
    """
    label = marker_entries()["HER2"].label
    her2 = [fact for fact in facts if fact.marker == label]
    ish = {fact.result for fact in her2 if fact.asserted and fact.result in _SETTLED_BY_ISH}
    if len(ish) != 1:
        return facts
    settled = _SETTLED_BY_ISH[ish.pop()]
    return [
        fact.model_copy(update={"result": settled})
        if fact in her2 and fact.result == "equivocal" and "2+" in (fact.value or "")
        else fact
        for fact in facts
    ]


def extract_biomarkers(pages: list[AnalyzedPage]) -> list[BiomarkerFact]:
    """Return every biomarker result on the pages, asserted or not, each with its evidence."""
    facts: list[BiomarkerFact] = []
    for page in pages:
        facts.extend(_page_biomarkers(page))
    return _settle_her2(facts)
