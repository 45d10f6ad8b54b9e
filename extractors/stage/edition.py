"""Read the AJCC edition a report names ("7th edition", "AJCC 2002")."""

from __future__ import annotations

import re

from extractors.stage.tables import edition_by_year

_EDITION_ORDINAL = re.compile(r"[5-8]\s?(?:st|nd|rd|th)\W{0,3}(?:ed\b|edition|addition)")
_EDITION_YEAR = re.compile(
    r"(?:ajcc|uicc|tnm)\W{1,30}?(?:\w+\W+){0,3}?(?P<year>19\d\d|20[0-2]\d)\b"
)


def read_edition(text: str) -> int | None:
    """The AJCC edition the report names ("7th edition", "AJCC 2002"), first mention first."""
    found: list[tuple[int, int]] = []
    for match in _EDITION_ORDINAL.finditer(text):
        if not (match.start() and text[match.start() - 1].isdigit()):
            found.append((match.start(), int(match.group()[0])))
            break
    for keyword in ("ajcc", "uicc", "tnm"):
        position = text.find(keyword)
        while position != -1:
            year = _EDITION_YEAR.match(text, position)
            edition = edition_by_year().get(int(year.group("year"))) if year else None
            if edition:
                found.append((position, edition))
                break
            position = text.find(keyword, position + 1)
    return min(found)[1] if found else None
