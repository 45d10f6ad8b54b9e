"""Who a record says it is about: the name, date of birth and record number it prints."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from extractors.dates import find_dates
from models.schemas import Page

_NAME = re.compile(
    r"(?im)^[ \t]*(?:patient(?:'s)?\s+name|patient|name)\s*[:#]\s*"
    r"(?P<name>[A-Z][A-Za-z'\-]+(?:,?\s+[A-Z][A-Za-z'\-.]*){1,3})[ \t]*$"
)
_BIRTH = re.compile(
    r"(?i)\b(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date)\s*[:#]?\s*(?P<rest>.{0,30})"
)

# "MRN: 00123456", "Medical Record Number # A-1234567", "Med Rec No.: 123456", "MR#: 123456".
_MRN = re.compile(
    r"(?i)\b(?:mrn|m\.r\.n\.|medical\s+record\s+(?:number|no\.?|#)|med\.?\s+rec\.?\s*(?:no\.?|#)?"
    r"|mr\s*#)\s*(?:no\.?|number|#)?\s*[:#]?\s*(?P<mrn>[A-Z0-9][A-Z0-9\-]{2,30}[0-9][A-Z0-9]*)\b"
)


@dataclass(frozen=True)
class RecordIdentity:
    name: str | None
    date_of_birth: dt.date | None
    mrn: str | None = None


def extract_identity(pages: list[Page]) -> RecordIdentity:
    """Read the first patient name, date of birth and record number a record prints, if any."""
    name = birth = mrn = None
    for page in pages:
        if mrn is None and (match := _MRN.search(page.text)):
            mrn = match.group("mrn").upper()
        if name is None and (match := _NAME.search(page.text)):
            name = " ".join(match.group("name").replace(",", " ").split())
        if birth is None and (match := _BIRTH.search(page.text)):
            dates = find_dates(match.group("rest").lower())
            birth = dates[0].date if dates and dates[0].precision == "day" else None
        if name and birth and mrn:
            break
    return RecordIdentity(name, birth, mrn)


def _name_words(name: str) -> set[str]:
    return {word for word in re.findall(r"[a-z]+", name.lower()) if len(word) > 1}


def identity_differs(
    record: RecordIdentity, *, full_name: str, date_of_birth: dt.date | None
) -> list[str]:
    """Return what on the record disagrees with the account; nothing when it cannot tell."""
    differences = []
    if record.name and not (_name_words(record.name) & _name_words(full_name)):
        differences.append("the name printed on it")
    if record.date_of_birth and date_of_birth and record.date_of_birth != date_of_birth:
        differences.append("the date of birth printed on it")
    return differences
