"""Normalised views of a page's text that map back to the original character offsets."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

_WHITESPACE = re.compile(r"\s+")
# Sentence ends: a stop followed by space, a blank line, or a bullet on a new line. OCR'd
# reports put ". " mid-sentence, so scopes are also bounded by characters (see context.py).
_SENTENCE_END = re.compile(r"[.!?;]\s+|\n\s*\n|\n(?=\s*[-•*]\s)")


@dataclass(frozen=True)
class NormalizedText:
    """Lower-case text with every run of whitespace made one space, and the way back."""

    original: str
    text: str
    _norm_starts: list[int] = field(repr=False)
    _orig_starts: list[int] = field(repr=False)

    @classmethod
    def of(cls, original: str) -> NormalizedText:
        lowered = original.lower()
        if len(lowered) != len(original):  # a few characters lower-case to two ("İ")
            lowered = "".join(ch.lower()[0] for ch in original)
        parts: list[str] = []
        norm_starts = [0]
        orig_starts = [0]
        position = 0
        length = 0
        for match in _WHITESPACE.finditer(lowered):
            parts.append(lowered[position : match.start()])
            length += match.start() - position
            parts.append(" ")
            length += 1
            position = match.end()
            norm_starts.append(length)
            orig_starts.append(position)
        parts.append(lowered[position:])
        return cls(original, "".join(parts), norm_starts, orig_starts)

    def to_original(self, position: int) -> int:
        """Map a position in `text` to the position in `original`."""
        index = bisect.bisect_right(self._norm_starts, position) - 1
        offset = position - self._norm_starts[index]
        original_position = self._orig_starts[index] + offset
        if index + 1 < len(self._orig_starts):
            # Inside a collapsed whitespace run: point at its start.
            original_position = min(original_position, self._orig_starts[index + 1] - 1)
        return min(original_position, len(self.original))

    def to_normalized(self, position: int) -> int:
        """Map a position in `original` to the position in `text`."""
        index = bisect.bisect_right(self._orig_starts, position) - 1
        normalized = self._norm_starts[index] + position - self._orig_starts[index]
        if index + 1 < len(self._norm_starts):
            normalized = min(normalized, self._norm_starts[index + 1] - 1)
        return max(0, min(normalized, len(self.text)))

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            position = self.to_original(start)
            return position, position
        return self.to_original(start), self.to_original(end - 1) + 1


def sentence_bounds(text: str) -> list[int]:
    """Return the sorted start offsets of the sentences of `text` (always beginning with 0)."""
    return [0, *(match.end() for match in _SENTENCE_END.finditer(text))]


def sentence_of(bounds: list[int], position: int, text_length: int) -> tuple[int, int]:
    index = bisect.bisect_right(bounds, position) - 1
    end = bounds[index + 1] if index + 1 < len(bounds) else text_length
    return bounds[index], end


def snippet(text: str, start: int, end: int, *, width: int = 90) -> str:
    """Return the evidence span with some words of context on each side, on one line."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    if left > 0 and not text[left - 1].isspace():
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text) and not text[right].isspace():
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    return _WHITESPACE.sub(" ", text[left:right]).strip()
