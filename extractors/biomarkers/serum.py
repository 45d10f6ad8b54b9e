"""Serum markers: the level after a marker, with its unit and the date it was measured.

"CA-125 rose from 35 to 120 U/mL on 2024-03-12" gives "120 U/mL on 2024-03-12": the latest
level of a trend, the unit as UCUM writes it (extractors/vocab/serum_units.yaml), and the date
nearest the number, or else the last date before the marker. A laboratory's flag after the
level ("14.2  H  ng/mL") gives its result, or else the reference range on its row
("22  U/mL  0 - 35" is normal); without either, no result is guessed.
"""

from __future__ import annotations

import functools
import re

from pydantic import BaseModel, ConfigDict, Field

from extractors.biomarkers.scope import Found
from extractors.dates import find_dates
from extractors.vocab.loader import load_entries


class SerumUnit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Letters and one "/", all literal in a regular expression, so the unit joins one as is.
    written: str = Field(pattern=r"^[a-zµ]+/[a-z]+$")
    unit: str


@functools.cache
def serum_units() -> dict[str, str]:
    """Units as written in lower-cased text to units as displayed, in file order."""
    entries = load_entries("extractors.vocab", "serum_units.yaml", SerumUnit)
    return {entry.written: entry.unit for entry in entries}


@functools.cache
def _serum_value() -> re.Pattern[str]:
    return re.compile(
        r"(?P<number>[<>]?\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?![\d/])\s*"
        r"(?P<unit>" + "|".join(serum_units()) + r")?"
    )


# Between two levels of a trend: "35 to 120", "1,240 (H) on 01/06, 612", "2,310 U/mL at
# diagnosis, 48 U/mL".
_SERUM_TO = re.compile(
    r"\s*(?:\([^()]{0,30}\)\s*)?(?:(?:on|in)\s+\S+?\s*|at\s+(?:diagnosis|baseline|presentation)\s*)?"
    r"(?:to|->|\u2192|,)\s*(?=[<>]?\d)"
)
# A laboratory's flag after a level and its unit: "5.84  H", "1,240 U/mL (H; ref < 35)".
_FLAG = re.compile(
    r"\s*(?:[a-zµ]+/[a-z]+\s*)?\(?\s*(?P<flag>hh|ll|h|l|high|low|critical\s+high)(?![\w/])"
)
_FLAG_RESULTS = {"h": "high", "hh": "high", "high": "high", "critical high": "high"}
# A reference range on the level's row: "0.0 - 3.0", "ref < 35", "up to 5.0".
_RANGE = re.compile(
    r"(?P<low>\d+(?:\.\d+)?)\s*(?:-|\u2013|to)\s*(?P<high>\d+(?:\.\d+)?)(?!\s*/)"
    r"|(?:(?P<below><|less\s+than)(?!=)|<=|\u2264|up\s+to|uln|upper\s+limit\s+of\s+normal)\s*:?\s*"
    r"(?P<upper>\d+(?:\.\d+)?)"
)
# Room after a level for its flag and reference range on a laboratory's row.
_RANGE_REACH = 45
# "PSA doubling time 8 months" gives no level.
_SERUM_SKIP = re.compile(r"\s*(?:doubling\s+time|velocity|density|kinetics)\b")
# A number this close after the marker is its level even without a unit: "CEA 4.2".
_UNITLESS_WITHIN = 25


def read_serum(
    tail: str, tail_start: int, lead: str, result: str | None, used: list[Found]
) -> tuple[str | None, str | None]:
    """Return (value, result) of a serum marker from the words after it (`tail`).

    Args:
        tail: the words after the marker, starting at page position `tail_start`.
        lead: the words before the marker, searched for a date when none follows.
        used: where the words read are recorded.
    """
    if _SERUM_SKIP.match(tail):
        return None, None
    dates = find_dates(tail)
    serum_value = _serum_value()
    number: re.Match[str] | None = None
    for match in serum_value.finditer(tail):
        if any(d.start < match.end("number") and match.start() < d.end for d in dates):
            continue  # a number inside "03/12/2024"
        if match.group("unit") or match.start() <= _UNITLESS_WITHIN:
            number = match
        break
    if number is None:
        return None, result
    first = number
    for _ in range(4):
        trend = _SERUM_TO.match(tail, number.end())
        later = serum_value.match(tail, trend.end()) if trend else None
        if later is None or not later.group("number").strip():
            break
        if later.group("unit") != first.group("unit") and first.group("unit"):
            break  # "CEA 4.2 ng/mL, CA 19-9 ...": another test, not the next level
        number = later  # "rose from 35 to 120 U/mL", "1,240 on 01/06, 612 on 01/10": the latest
    if result is None:
        result = _flagged(tail, first, number, used, tail_start)
    used.append(Found(tail_start + number.start(), tail_start + number.end(), ""))
    value = number.group("number").replace(" ", "")
    if number.group("unit"):
        value += " " + serum_units()[number.group("unit")]
    when = min(
        dates,
        key=lambda d: min(abs(d.start - number.end()), abs(number.start() - d.end)),
        default=None,
    )
    if when is not None:
        used.append(Found(tail_start + when.start, tail_start + when.end, ""))
    else:
        lead_dates = find_dates(lead)
        when = lead_dates[-1] if lead_dates else None
    if when is not None:
        value += f" on {when.date.isoformat()}"
    return value, result


def _level(match: re.Match[str]) -> float | None:
    digits = match.group("number").replace(",", "").strip(" <>")
    try:
        return float(digits)
    except ValueError:
        return None


def _flagged(
    tail: str, first: re.Match[str], latest: re.Match[str], used: list[Found], tail_start: int
) -> str | None:
    """Return the result a laboratory flag or reference range gives the latest level, if any."""
    for match in (latest, first):
        flag = _FLAG.match(tail, match.end())
        if flag:
            if match is latest or latest is first:
                used.append(Found(tail_start + flag.start("flag"), tail_start + flag.end(), ""))
                return _FLAG_RESULTS.get(flag.group("flag"), "low")
            break
    level = _level(latest)
    window = tail[first.end() : max(first.end(), latest.end()) + _RANGE_REACH]
    bounds = _RANGE.search(window)
    if level is None or bounds is None:
        return None
    if bounds.group("upper"):
        upper = float(bounds.group("upper"))
        # "< 35": 35 is above the range; "<= 93", "ULN 250": the bound is within it.
        above = level >= upper if bounds.group("below") else level > upper
        return "high" if above else "normal"
    low, high = float(bounds.group("low")), float(bounds.group("high"))
    if low >= high:
        return None
    if level > high:
        return "high"
    return "low" if level < low else "normal"
