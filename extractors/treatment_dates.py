"""The dates of a treatment: read from the words on either side of its mention, or from a line
of a treatment summary that holds only the entry's dates ("2023-03-06 \u2192 present")."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from extractors.dates import find_dates
from extractors.document import AnalyzedPage

_DATE_CUE = re.compile(
    r"(?:(?P<start>since|from|starting|started(?:\s+on)?|start(?:ed)?\s+date:?|began|begun"
    r"|beginning|initiated(?:\s+on)?|commenced|c1d1:?)"
    r"|(?P<end>until|to|through|thru|till|completed(?:\s+(?:on|in))?|finished(?:\s+(?:on|in))?"
    r"|ended(?:\s+(?:on|in))?|stopped(?:\s+(?:on|in))?|discontinued(?:\s+(?:on|in))?"
    r"|last\s+dose(?:\s+on)?:?|-|\u2013|and)"
    r"|(?P<neutral>on|in|dated|during|of|\(|,))\s*$"
)
_DATE_LINK = re.compile(r"\s*(?:-|\u2013|\u2014|\u2192|->|to|until|through|thru|and)\s*")
# "02/2025 - present": begun and not ended.
_UNTIL_NOW = re.compile(
    r"\s*(?:-|\u2013|\u2014|\u2192|->|to|until|through)\s*(?:present|ongoing|now|current|today)\b"
)
# A line of a treatment summary that holds only the entry's dates.
_DATE_LINE_LENGTH = 80
_DATE_LINE_WORDS = re.compile(
    r"(?:[\s,;:/()\-\u2013\u2014\u2192>]|present|ongoing|now|current|today|to|until|through"
    r"|from|since|start|end|dates?)*"
)


@dataclass(frozen=True, slots=True)
class Dates:
    start: dt.date | None
    end: dt.date | None
    ongoing: bool  # "since 03/2024", "C1D1 01/15/2024": started and not said to have ended


def date_lines(page: AnalyzedPage) -> tuple[list[int], list[bool]]:
    """The starts of the page's lines in the normalised text, and which hold only dates."""
    original = page.page.text
    if "\n" not in original:  # flattened text has no lines to head an entry
        return [0], [False]
    starts: list[int] = []
    dated: list[bool] = []
    position = 0
    for line in original.splitlines(keepends=True):
        starts.append(position)
        dated.append(_is_date_line(line.lower()))
        position += len(line)
    return page.norm.many_to_normalized(starts), dated


def _is_date_line(line: str) -> bool:
    if len(line) > _DATE_LINE_LENGTH or not any(character.isdigit() for character in line):
        return False
    dates = find_dates(line, bare_years=True)
    if not dates or (dates[0].precision == "year" and len(dates) == 1):
        return False
    rest = (
        "".join(
            line[previous.end if previous else 0 : date.start]
            for previous, date in zip([None, *dates[:-1]], dates, strict=True)
        )
        + line[dates[-1].end :]
    )
    rest = re.sub(r"\([^()]*\)", " ", rest)  # "2023-04 (during 1st line)"
    return _DATE_LINE_WORDS.fullmatch(rest.strip()) is not None


def read_dates(text: str, *, near_end: bool) -> Dates | None:
    """Read a start and an end date from the words on one side of a treatment mention.

    Before a mention (`near_end`) only a date close to it counts: "In 2021 she received X",
    not "Diagnosed in 2021 with ..., she received X".
    """
    dates = find_dates(text, bare_years=True)
    if not dates:
        return None
    first = dates[-1] if near_end else dates[0]
    if near_end and len(dates) > 1 and _DATE_LINK.fullmatch(text, dates[-2].end, first.start):
        first = dates[-2]  # "from Jan 2023 to June 2023 she received ..."
    if near_end and len(text) - first.end > 40:
        return None
    cue = _DATE_CUE.search(text, max(0, first.start - 30), first.start)
    role = cue.lastgroup if cue else None
    after = dates[dates.index(first) + 1] if first is not dates[-1] else None
    if after is not None and _DATE_LINK.fullmatch(text, first.end, after.start):
        return Dates(first.date, after.date, ongoing=False)  # "2015-2020", "from X to Y"
    if _UNTIL_NOW.match(text, first.end):
        return Dates(first.date, None, ongoing=True)  # "03/2025 - present"
    if role is None and (first.precision == "year" or (not near_end and first.start > 25)):
        return None
    if role == "end" and cue is not None and cue.group("end") not in ("and", "-", "\u2013"):
        return Dates(None, first.date, ongoing=False)
    return Dates(first.date, None, ongoing=role == "start")
