"""Marker mentions on a page, grouped into lists that share a result, and the reach of each
group's words: the lead before the list and the tail after it.

A mention is a vocabulary match, with an alias right after it folded in ("ER (estrogen
receptor)") and a second mention of the same marker that is part of the first one's result
dropped ("HER2/CEP17 ratio", "fusion (CD74-ROS1)", "BRAF c.1799T>A p.V600E"). Gene symbols that
are also words (ATM, APC, MET, KIT) are found where the original text writes them in capitals
and names them as genes: in a list with other markers, or before a variant ("APC p.R1450*").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from extractors import vocab
from extractors.biomarkers.fusions import is_fusion_partner
from extractors.biomarkers.methods import is_clone
from extractors.biomarkers.phrases import (
    CLAUSE_END,
    JOINER_BEFORE,
    LEAD,
    LIST_GAP,
    NEGATION_CUES,
)
from extractors.biomarkers.results import result_pattern
from extractors.biomarkers.variants import is_variant
from extractors.document import AnalyzedPage
from extractors.terms import TermCategory, TermMatch

WINDOW_AFTER = 90
WINDOW_BEFORE = 60
_ALIAS_GAP_MAX = 25

_ALIAS_OPEN = re.compile(r"\s*\(\s*")
_ALIAS_CLOSE = re.compile(r"\s*\)")
# "HR HPV" is high-risk HPV, not hormone receptors.
_NOT_A_MARKER = re.compile(r"[\s-]*(?:hpv|human\s+papilloma)")
_NO_MERGE = re.compile(r"[\d.;]")
_VALUE_CONTEXT = re.compile(
    r"\s*/\s*(?:cep\s*17|chr(?:omosome)?\s*17|d17z1)|\s+(?:gene\s+)?(?:copy|copies|signals?)\b"
)


@functools.cache
def marker_entries() -> dict[str, vocab.BiomarkerEntry]:
    """The biomarker vocabulary by key."""
    return {entry.key: entry for entry in vocab.biomarkers()}


@functools.cache
def _unlisted_labels() -> frozenset[str]:
    """Labels the vocabulary lists only in qualified forms ("met exon 14", not "met"): the term
    matcher finds every label, so the bare word is dropped here."""
    return frozenset(
        entry.label.lower()
        for entry in vocab.biomarkers()
        if entry.label.lower() not in entry.synonyms
    )


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    key: str


# A variant right after a gene symbol, in a table row or a sentence: "ATM  c.5932G>T",
# "APC p.R1450*", "KIT exon 11".
_VARIANT_NEXT = re.compile(r"\s*\(?\s*(?:[cp]\.\S|exon\s*\d)")


def _names_gene(page: AnalyzedPage, match: TermMatch, matches: list[TermMatch]) -> bool:
    """Whether a symbol that is also a word ("ATM", "APC", "MET") names the gene here: written
    in capitals in the original text, and in a list with other markers or before a variant."""
    start, end = page.norm.span_to_original(match.start, match.end)
    written = page.page.text[start:end]
    if not written.isupper() or written.lower() != match.term:
        return False
    text = page.text
    if _VARIANT_NEXT.match(text, match.end):
        return True
    return any(
        other is not match
        and (
            (other.end <= match.start and _listed_between(page, other.end, match.start))
            or (other.start >= match.end and _listed_between(page, match.end, other.start))
        )
        and "," in text[min(other.end, match.end) : max(other.start, match.start)] + ","
        for other in matches
    )


# The result of one stain and a comma before the next in a panel: " positive, ", " (+), ".
_PANEL_ITEM_GAP = re.compile(r"\s*(?:[\w()+-]+\s*){1,3}[,;]\s*")


def _listed_between(page: AnalyzedPage, start: int, end: int) -> bool:
    """Whether only list words, gene symbols in capitals, or one marker's result and a comma
    ("desmin positive, SMA positive") stand between two markers."""
    return bool(
        LIST_GAP.fullmatch(page.text, start, end)
        or _PANEL_ITEM_GAP.fullmatch(page.text, start, end)
    ) or _unknown_symbols_between(page, start, end)


def find_mentions(page: AnalyzedPage) -> list[Mention]:
    """Marker mentions, with an alias right after a marker folded into it ("ER (estrogen
    receptor)", "PD-L1 (22C3) tumor proportion score")."""
    text = page.text
    mentions: list[Mention] = []
    unlisted = _unlisted_labels()
    result_words = result_pattern()
    matches = page.matches_of(TermCategory.biomarker)
    for match in matches:
        if (match.term in unlisted and not _names_gene(page, match, matches)) or (
            _NOT_A_MARKER.match(text, match.end) and match.key == "HR"
        ):
            continue
        if mentions:
            last = mentions[-1]
            # "HER2/CEP17 ratio", "average HER2 copy number", "(SP263)" belong to the result
            # of the mention before them.
            if (
                last.key == match.key
                and match.start - last.end <= WINDOW_AFTER
                and _belongs_to_previous(text, last, match)
            ):
                continue
            gap = text[last.end : match.start]
            same = (
                last.key == match.key
                and len(gap) <= _ALIAS_GAP_MAX
                and not _NO_MERGE.search(gap)
                and not result_words.search(gap)
            )
            parenthesised = _ALIAS_OPEN.fullmatch(gap) and _ALIAS_CLOSE.match(text, match.end)
            if same or parenthesised:
                mentions[-1] = Mention(last.start, match.end, last.key)
                continue
        mentions.append(Mention(match.start, match.end, match.key))
    return mentions


def _belongs_to_previous(text: str, last: Mention, match: TermMatch) -> bool:
    """Whether a second mention of the same marker is part of the first one's result:
    "HER2/CEP17 ratio", "average HER2 copy number", "(SP263)", "fusion (CD74-ROS1)",
    "BRAF c.1799T>A p.V600E"."""
    if _VALUE_CONTEXT.match(text, match.end) or is_clone(text, match.start, match.end):
        return True
    if is_fusion_partner(text, match.start, match.end, match.key):
        return True
    if not is_variant(text[match.start : match.end]):
        return False
    gap_start = last.end
    return not (
        LIST_GAP.fullmatch(text, gap_start, match.start)
        or result_pattern().search(text, gap_start, match.start)
        or CLAUSE_END.search(text, gap_start, match.start)
    )


# Genes the vocabulary does not know, between two that it does, in one list: "CHEK2, EPCAM,
# MLH1". They are kept in the list (the result after it is theirs too) when written in capitals.
_UNKNOWN_SYMBOLS = re.compile(
    r"\s*,\s*(?:(?P<symbol>[a-z][a-z0-9-]{1,9})\s*,\s*){1,3}(?:(?:and|or)\s+)?"
)
_SYMBOL = re.compile(r"[a-z][a-z0-9-]{1,9}")


def group_mentions(mentions: list[Mention], page: AnalyzedPage) -> list[list[Mention]]:
    """Group mentions joined only by list words ("ER, PR and HER2"): they share a result."""
    text = page.text
    groups: list[list[Mention]] = []
    for mention in mentions:
        if groups and (
            LIST_GAP.fullmatch(text, groups[-1][-1].end, mention.start)
            or _unknown_symbols_between(page, groups[-1][-1].end, mention.start)
        ):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    return groups


def _unknown_symbols_between(page: AnalyzedPage, start: int, end: int) -> bool:
    text = page.text
    if not _UNKNOWN_SYMBOLS.fullmatch(text, start, end):
        return False
    for symbol in _SYMBOL.finditer(text, start, end):
        if symbol.group() in ("and", "or"):
            continue
        original_start, original_end = page.norm.span_to_original(symbol.start(), symbol.end())
        written = page.page.text[original_start:original_end]
        if not (written.isupper() and any(c.isalpha() for c in written)):
            return False
    return True


def _has_line_break(page: AnalyzedPage, start: int, end: int) -> bool:
    original_start, original_end = page.norm.span_to_original(start, end)
    return "\n" in page.page.text[original_start:original_end]


def find_tail_end(page: AnalyzedPage, start: int, next_start: int | None) -> int:
    """Where the words that may give a result after position `start` end."""
    text = page.text
    _, sentence_end = page.context.sentence(start)
    limit = min(sentence_end, start + WINDOW_AFTER, len(text))
    if next_start is not None:
        limit = min(limit, next_start)
    clause = CLAUSE_END.search(text, start, limit)
    if clause:
        return clause.start()
    if next_start is not None and limit == next_start:
        # "..., negative for HER2": the phrase before the next marker is that marker's.
        lead = LEAD.search(text, start, limit)
        if (
            lead
            and (
                lead.group("prep")
                or lead.group("cue") in NEGATION_CUES
                or JOINER_BEFORE.search(text, start, lead.start("cue"))
            )
            and not _has_line_break(page, lead.start("cue"), limit)
        ):
            return lead.start()
    return limit
