"""Where a mention's words were read: spans of found words, and the scope searched for values."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Found:
    """A word or value read for a mention, with where it was read."""

    start: int
    end: int
    text: str


class Scope:
    """The matched term and the words after its group, searched as one text: "PD-L1 TPS" is a
    term and "50%" follows it."""

    def __init__(self, term: str, term_start: int, tail: str, tail_start: int) -> None:
        self.text = f"{term} {tail}"
        self._split = len(term) + 1
        self._term_start = term_start
        self._tail_start = tail_start

    def position(self, start: int, end: int) -> tuple[int, int]:
        """Return the page span of the scope's span (`start`, `end`)."""

        def place(offset: int) -> int:
            if offset < self._split:
                return self._term_start + min(offset, self._split - 1)
            return self._tail_start + offset - self._split

        return place(start), max(place(start), place(end))

    def search(self, pattern: re.Pattern[str]) -> tuple[re.Match[str], Found] | None:
        """Return the first match of `pattern` in the scope, with its page span."""
        match = pattern.search(self.text)
        if match is None:
            return None
        return match, Found(*self.position(match.start(), match.end()), match.group(0))
