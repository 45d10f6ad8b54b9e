"""Dates as clinical notes write them: ISO, US numeric, month and year, named months."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_DATE = re.compile(
    r"(?<![\w/.])(?:"
    r"(?P<iso_year>(?:19|20)\d{2})-(?P<iso_month>0?[1-9]|1[0-2])(?:-(?P<iso_day>\d{1,2}))?"
    r"|(?P<first>\d{1,2})(?P<separator>[/.-])(?P<second>\d{1,2})(?P=separator)"
    r"(?P<year>(?:19|20)\d{2}|\d{2})"
    r"|(?P<numeric_month>0?[1-9]|1[0-2])/(?P<month_year>(?:19|20)\d{2})"
    r"|(?P<month_name>" + _MONTH + r")\.?\s+(?:(?P<month_day>\d{1,2})(?:st|nd|rd|th)?,?\s+)?"
    r"(?P<named_year>(?:19|20)\d{2})"
    r"|(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<day_month>" + _MONTH + r")\.?,?\s+"
    r"(?P<day_year>(?:19|20)\d{2})"
    r"|(?P<bare_year>(?:19|20)\d{2})"
    r")(?![\w/])"
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date written in a text; a month or a year alone stands for its first day."""

    start: int
    end: int
    date: dt.date
    precision: str  # "day", "month" or "year"


def find_dates(text: str, *, bare_years: bool = False) -> list[DateMention]:
    """Return the dates written in lower-case `text`, in order.

    Numeric dates are read month first (US usage) unless the first number cannot be a month.
    A year alone ("in 2021") is returned only when `bare_years` is set.
    """
    dates: list[DateMention] = []
    for match in _DATE.finditer(text):
        parsed = _parse_date(match)
        if parsed is None or (parsed[1] == "year" and not bare_years):
            continue
        dates.append(DateMention(match.start(), match.end(), parsed[0], parsed[1]))
    return dates


def _parse_date(match: re.Match[str]) -> tuple[dt.date, str] | None:
    group = match.group
    try:
        if group("iso_year"):
            day = group("iso_day")
            precision = "day" if day else "month"
            return dt.date(
                int(group("iso_year")), int(group("iso_month")), int(day or 1)
            ), precision
        if group("first"):
            first, second, year = int(group("first")), int(group("second")), int(group("year"))
            year += 2000 if year < 100 else 0
            month, day = (second, first) if first > 12 else (first, second)
            return dt.date(year, month, day), "day"
        if group("numeric_month"):
            return dt.date(int(group("month_year")), int(group("numeric_month")), 1), "month"
        if group("month_name"):
            day = group("month_day")
            month = _MONTHS[group("month_name")[:3]]
            return dt.date(int(group("named_year")), month, int(day or 1)), (
                "day" if day else "month"
            )
        if group("day"):
            month = _MONTHS[group("day_month")[:3]]
            return dt.date(int(group("day_year")), month, int(group("day"))), "day"
        return dt.date(int(group("bare_year")), 1, 1), "year"
    except ValueError:  # 02/30/2024 and the like
        return None


# --- cues --------------------------------------------------------------------------------------

# Before a mention; the cue nearest the mention decides.
