"""Read the patient's age a report prints, for the tables that group by age (thyroid)."""

from __future__ import annotations

import re

_AGE = re.compile(r"(?<![0-9])(?P<age>\d{1,3})[- ]?(?:year|yr)s?[- ]old\b")
_AGE_THRESHOLD = re.compile(r"(?:than|under|over|above|below)\s$")


def age_or_account(text: str, patient_age: int | None) -> tuple[int | None, list[str]]:
    """The age the report prints, else the account's, with a note saying which was used."""
    printed = _age(text)
    if printed is not None or patient_age is None:
        return printed, []
    return patient_age, [f"age {patient_age} taken from the patient's account"]


def _age(text: str) -> int | None:
    if "old" not in text:
        return None
    for match in _AGE.finditer(text):
        if _AGE_THRESHOLD.search(text, max(0, match.start() - 6), match.start()):
            continue  # "stage I (less than 45 years old)" is a threshold, not the age
        if 0 < int(match.group("age")) < 120:
            return int(match.group("age"))
    return None
