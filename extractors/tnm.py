"""TNM notation: category prefixes, stage-group numerals and the AJCC editions in use.

Everything that reads or compares TNM categories and stage groups (the stage extractor, the
grouping tables, review and the article matcher) spells them through this module, so that one
prefix list and one numeral reading serve them all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

Classification = Literal["clinical", "pathologic", "post-therapy", "recurrence"]

# AJCC Cancer Staging Manual, 8th ed., ch. 1: a lower-case prefix says when the category was
# assigned: c clinical, p pathological, y after neoadjuvant therapy, r recurrence, a autopsy.
# Longest first, so that an alternation built from them reads "yp" before "y".
PREFIXES = ("yp", "yc", "rp", "rc", "p", "c", "r", "a", "y")
# Report text is read with the prefixes reports write. Autopsy "a" and "rc" are left out: with
# them an article before a category ("a T2 lesion") would read as a prefix.
READ_PREFIXES = ("yp", "yc", "rp", "p", "c", "r", "y")
PREFIX_LETTERS = "acpry"
CLASSIFICATION_BY_PREFIX: dict[str, Classification] = {
    "p": "pathologic",
    "c": "clinical",
    "yp": "post-therapy",
    "yc": "post-therapy",
    "y": "post-therapy",
    "r": "recurrence",
    "rp": "recurrence",
}

# The stage-group numerals, lowest first.
NUMERALS = ("0", "I", "II", "III", "IV")
_ROMAN_BY_DIGIT = {"1": "I", "2": "II", "3": "III", "4": "IV", "0": "0"}
# A group as the AJCC tables write it: "0", "0a", "0is", "IA2", "IIIC", "IS" (testis), "IVB".
_GROUP = re.compile(r"0(?:a|is)?|(?:I{1,3}|IV)(?:[A-D]\d?|S)?")
_GROUP_PARTS = re.compile(r"(0|IV|I{1,3})(.*?)(\d?)")
_LEADING_NUMERAL = re.compile(r"IV|III|II|I|0")
_T_ORDER = re.compile(r"T(\d)(mi|[a-e])?")

# The AJCC editions whose tables this project holds.
SUPPORTED_EDITIONS = (6, 7, 8)
# The current edition (AJCC 8th ed., in use since 2018): what a caller that names no edition
# gets from `derive_group`, and what review checks a stated group against when the report names
# no edition.
CURRENT_EDITION = 8
# The edition assumed when deriving a group for a report that names none. The reports read
# here are mostly TCGA-era (2001-2013), staged with the 6th or 7th edition: measured on the
# TCGA development split at the I-IV level, a 7th edition default scores 0.835, the 8th 0.812
# and the 6th 0.810. Not the current edition, because it is a guess about the report's date.
UNSTATED_REPORT_EDITION = 7


def prefix_pattern(prefixes: Sequence[str] = PREFIXES) -> str:
    """Return a regular-expression group matching one of `prefixes` (no capture)."""
    return f"(?:{'|'.join(prefixes)})"


def strip_prefix(category: str | None) -> str | None:
    """Return the category without its lower-case prefixes: "ypT2" -> "T2", "pN0(i+)" -> "N0(i+)".

    The axis letter is upper case, so every lower-case prefix letter before it goes.
    """
    if category is None:
        return None
    return category.lstrip(PREFIX_LETTERS)


def rank_t_category(category: str) -> tuple[int, str]:
    """Return a sort key for T categories: T1 < T1a < T1b < T2 < T4b; Tis and TX lowest."""
    match = _T_ORDER.fullmatch(category)
    return (int(match.group(1)), match.group(2) or "") if match else (-1, "")


def roman_numeral(numeral: str) -> str:
    """Return a stage numeral as AJCC writes it: "2" -> "II", "iii" -> "III", "0" -> "0"."""
    return _ROMAN_BY_DIGIT.get(numeral, numeral.upper())


def group_label(numeral: str, letters: str) -> str:
    """Write a stage group as the AJCC tables do: "2", "b" -> "IIB"; stage 0's noninvasive
    groups in lower case: "0", "is" -> "0is", "0", "A" -> "0a" (urothelial, renal pelvis)."""
    numeral = roman_numeral(numeral)
    return numeral + (letters.lower() if numeral == "0" else letters.upper())


def stage_numeral(group: str | None) -> str | None:
    """Return the numeral a stage group starts with: "IIIA" -> "III", "ib1" -> "I", "0is" -> "0".

    None when the group is missing or does not start with a numeral (0, I, II, III, IV).
    """
    match = _LEADING_NUMERAL.match((group or "").upper())
    return match.group() if match else None


def is_stage_group(label: str) -> bool:
    """Whether `label` is a stage group as the AJCC tables write it ("IIIA", "0is", "IS")."""
    return _GROUP.fullmatch(label) is not None


def split_group(group: str) -> tuple[str, str, str] | None:
    """Return a group's numeral, letters and trailing digit: "IA2" -> ("I", "A", "2")."""
    match = _GROUP_PARTS.fullmatch(group)
    if match is None:
        return None
    numeral, letters, digit = match.groups()
    return numeral, letters, digit


def shared_group(groups: Sequence[str]) -> str | None:
    """Return the part all groups share: IA1/IA2/IA3 -> IA, IIB/IIC -> II; None across numerals."""
    parts = [p for g in groups if (p := split_group(g))]
    numerals = {p[0] for p in parts}
    if len(parts) != len(groups) or len(numerals) != 1:
        return None
    letters = {p[1] for p in parts}
    return numerals.pop() + (letters.pop() if len(letters) == 1 else "")
