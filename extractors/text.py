"""Normalised views of a page's text that map back to the original character offsets."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate

_WHITESPACE = re.compile(r"\s+")
# Only runs of two or more characters shift later offsets; a lone space, tab or newline
# becomes one space and keeps the mapping linear, so the offset map skips it.
_LONG_WHITESPACE = re.compile(r"\s{2,}")
# Sentence ends: a stop followed by space, a blank line, or a bullet on a new line. OCR'd
# reports put ". " mid-sentence, so scopes are also bounded by characters (see context.py).
# The last dot of a leader ("MLH1 ........ Retained") ends no sentence: the row's result
# follows it (rows themselves are bounded by extractors/layout.py).
# A semicolon inside a short bracket ends no sentence: "1,240 U/mL (H; ref < 35)".
_SENTENCE_END = re.compile(r"[.!?](?<!\.\.\.)\s+|;(?![^()\n]{0,40}\))\s+|\n\s*\n|\n(?=\s*[-•*]\s)")


@dataclass(frozen=True)
class NormalizedText:
    """Lower-case text with every run of whitespace made one space, and the way back."""

    original: str
    text: str
    # Where the offset between the two texts changes: after each collapsed run of two or
    # more whitespace characters, position `_norm_starts[i]` in `text` is
    # `_orig_starts[i]` in `original`; between such points the mapping is a shift.
    _norm_starts: list[int] = field(repr=False)
    _orig_starts: list[int] = field(repr=False)

    @classmethod
    def of(cls, original: str) -> NormalizedText:
        lowered = original.lower()
        if len(lowered) != len(original):  # a few characters lower-case to two ("İ")
            lowered = "".join(ch.lower()[0] for ch in original)
        # str.split() splits where `\s` matches; add back the runs at either end.
        words = lowered.split()
        text = " ".join(words)
        if lowered[:1].isspace():
            text = f" {text}"
        if words and lowered[-1].isspace():
            text = f"{text} "
        if len(text) == len(lowered):  # every run was one character: offsets carry over
            return cls(original, text, [0], [0])
        runs = [(match.start(), match.end()) for match in _LONG_WHITESPACE.finditer(lowered)]
        orig_starts = [0, *(end for _, end in runs)]
        removed = accumulate(end - start - 1 for start, end in runs)
        norm_starts = [0, *(end - gone for (_, end), gone in zip(runs, removed, strict=True))]
        return cls(original, text, norm_starts, orig_starts)

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

    def many_to_normalized(self, positions: Iterable[int]) -> list[int]:
        """Map many positions in `original` to positions in `text`, as `to_normalized` does."""
        if len(self._orig_starts) == 1:  # no run to collapse: only the end can be clipped
            length = len(self.text)
            return [max(0, min(position, length)) for position in positions]
        return [self.to_normalized(position) for position in positions]

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            position = self.to_original(start)
            return position, position
        return self.to_original(start), self.to_original(end - 1) + 1


def blank_separators(text: str, *, word_chars: str = "") -> str:
    """Return `text` with every character but letters, digits and `word_chars` made a space.

    The result has the same length, so offsets carry over. Keys padded with a space then
    match only at word boundaries, which lets an Aho-Corasick automaton skip the matches
    inside words instead of reporting them to be filtered out one by one.
    """
    table, pattern = _separator_blanking(word_chars)
    if text.isascii():  # str.translate has a fast path for ASCII text and an ASCII table
        return text.translate(table)
    return pattern.sub(" ", text)


@functools.cache
def _separator_blanking(word_chars: str) -> tuple[dict[int, str], re.Pattern[str]]:
    table = {
        code: " " for code in range(128) if not chr(code).isalnum() and chr(code) not in word_chars
    }
    # `\w` is exactly `str.isalnum()` plus "_", character by character.
    underscore = "" if "_" in word_chars else "|_"
    return table, re.compile(rf"[^\w{re.escape(word_chars)}]{underscore}")


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
