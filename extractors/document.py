"""One page prepared for the fact extractors: normalised text, term matches, context."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from extractors.context import ContextFlags, ContextIndex, find_modifiers
from extractors.layout import unit_bounds
from extractors.sections import Section, SectionKind, find_sections
from extractors.terms import TermCategory, TermMatch, default_matcher
from extractors.text import NormalizedText, sentence_bounds, snippet
from models.schemas import Evidence, Origin, Page, ReadMethod


@dataclass(frozen=True)
class AnalyzedPage:
    page: Page
    norm: NormalizedText
    matches: list[TermMatch]
    context: ContextIndex
    document_id: UUID | None

    @property
    def text(self) -> str:
        """The lower-case, whitespace-normalised text that every offset here refers to."""
        return self.norm.text

    def matches_of(self, category: TermCategory) -> list[TermMatch]:
        return [match for match in self.matches if match.category is category]

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence for a normalised span, with offsets into the page's original text."""
        original_start, original_end = self.norm.span_to_original(start, end)
        return Evidence(
            document_id=self.document_id,
            page=self.page.number,
            start=original_start,
            end=original_end,
            snippet=snippet(self.page.text, original_start, original_end),
        )

    def flags(self, start: int, end: int, *, ignore: frozenset[str] = frozenset()) -> ContextFlags:
        return self.context.flags(start, end, ignore=ignore)

    def section(self, position: int) -> SectionKind:
        return self.context.section_at(position)

    def confidence(self, base: float, flags: ContextFlags) -> float:
        """Scale a rule's confidence by the page's reading quality and the mention's certainty."""
        value = base * (self.page.quality if self.page.method is ReadMethod.ocr else 1.0)
        if flags.uncertain:
            value *= 0.6
        return round(max(0.0, min(1.0, value)), 3)

    @property
    def origin(self) -> Origin:
        return Origin.ocr if self.page.method is ReadMethod.ocr else Origin.stated


def analyze_page(page: Page, document_id: UUID | None = None) -> AnalyzedPage:
    norm = NormalizedText.of(page.text)
    headers = find_sections(page.text)
    sections = [
        Section(start, header.kind)
        for start, header in zip(
            norm.many_to_normalized(header.start for header in headers), headers, strict=True
        )
    ]
    # Sentences, rows and list items are found in the original text, where line breaks show.
    starts = [*sentence_bounds(page.text), *unit_bounds(page.text)]
    bounds = sorted(set(norm.many_to_normalized(starts)))
    context = ContextIndex(norm.text, find_modifiers(norm.text), bounds, sections)
    return AnalyzedPage(page, norm, default_matcher().find(norm.text), context, document_id)
