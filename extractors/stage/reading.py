"""Read TNM statements as OCR'd, flattened reports write them.

TNM is written glued ("pT2N0MX"), spaced ("pT 2 N 1a"), with OCR letters for digits ("pNO",
"pTla", "pTIc"), with UICC descriptors between the categories ("pT2 pN0 L0 V0 R0"), or as
synoptic lines whose label and value sit apart ("Primary Tumor (pT): pT3: Tumor more than 4 cm
... Regional Lymph Nodes (pN): pN1b"). A statement is a T with the N and M written with it; a
prefixed N or M written apart from any T is kept apart, for the statement that lacks one.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

from extractors.stage.stated_group import StatedGroup
from extractors.tnm import READ_PREFIXES, prefix_pattern

_PREFIX = prefix_pattern(READ_PREFIXES)
# One category. OCR writes 0 as "o" and 1 as "l" or "i"; "is" (in situ) is tried before "i".
# OCR also doubles a 1 as "1l" before its letter ("pN1la"): the stray letter is dropped.
_SUFFIX = (
    r"(?:[li](?=[a-e](?![a-z])))?"
    r"(?:\s?mic?(?![a-z])|[a-e](?:[1-3](?![0-9]))?)?(?:\s?\((?:i|mol|sn|mi|m|f|\d{1,2})[+-]?\))*"
)
# "M 1" is never spaced: "3 x 2 cm 1 ..." must not read as cM1.
# OCR may read the N of a statement as "H" ("T2 HO MO"): taken as N only between a T and an M.
_OCR_N = r"h(?=[0-3o]\W{1,3}p?m[01xo](?![a-z0-9]))"
_ONE = rf"{_PREFIX}?\s?(?:[tn]\s?|m|{_OCR_N})(?:is|x|[0-4]|[oil]|a){_SUFFIX}"
# A statement starts with a prefix or a real digit: "mitotic" is not "M1 T0 T1c".
_FIRST = (
    rf"(?:{_PREFIX}\s?(?:[tn]\s?|m)(?:is|x|[0-4]|[oil]|a)|(?:[tn]\s?|m)(?:is|x|[0-4])"
    # Unprefixed, an OCR "l" or "i" for 1 needs its letter: "Tlb NO MX".
    r"|t\s?[il](?=[a-d]))"
    rf"{_SUFFIX}"
)
_BREAK = r"[\s,;/.:\-]{0,3}"
# What may stand between two categories of one statement or follow the last: UICC descriptors
# (L0 V1 Pn0 R0 G2, also glued as "L0V0R0", with OCR's "o" for 0), node counts "(0/12)",
# multiplicity "(2)" and "pM n/a".
_NOISE = (
    rf"(?:(?:[lvrg]|pn)(?:\s?[0-4x]|o)(?![a-z0-9])|(?:[lvr][0-4o]){{2,3}}(?![a-z0-9])"
    rf"|\(\d{{1,3}}/\d{{1,3}}\)|\(\d\)|p?m\s?n/a|\((?:ajcc|uicc)[^)]{{0,30}}\)){_BREAK}"
)
# The leading lookahead only makes the scan fast: most positions fail on one character.
_SEQUENCE = re.compile(
    rf"(?=[ypcrtnm])(?:(?<![a-z0-9])|(?<=ajcc)|(?<=tnm))(?:{_FIRST})(?:{_BREAK}(?:{_NOISE})*(?:{_ONE}))*"
    rf"(?:(?<=[0-9a-e])(?:[lvr][0-4o]){{2,3}})?(?![a-z0-9])"
)
_COMPONENT = re.compile(
    rf"(?P<prefix>{_PREFIX})?\s?(?P<axis>[tnm]|{_OCR_N})(?P<spaced>(?<=[tn])\s)?(?P<value>is|x|[0-4]|[oil]|a)"
    rf"(?P<suffix>{_SUFFIX})"
)
_VALID = {"t": {"0", "1", "2", "3", "4", "is", "x", "a"}, "n": set("0123x"), "m": set("01x")}
_OCR_DIGIT = {"o": "0", "i": "1", "l": "1"}
# A category followed by a word ("pT2 no lymph node ...", "N1 in ...") is prose, not staging,
# unless it has a prefix or is glued to the previous category.
_WORD_AFTER = re.compile(r"\s?[a-z]{2}")
# Template labels name several categories at once: "Tumor thickness (pT1 and pT2 tumors)".
_LABEL_AFTER = re.compile(r"\s*(?:and|or|to|&)\s+\(?p?t\s?[0-4]|\s*tumou?rs\b")
_LABEL_BEFORE = re.compile(r"(?:\band|\bor|\bto|&)\s*$")
# What introduces a T category that has no prefix: "TNM: T2 N0", "Primary tumor: T3".
_STAGING_CUE = re.compile(
    r"(?:tnm|stag\w*|ajcc|uicc|primary tumou?r|classification|categor\w*|\bt)\W{0,25}$"
)
_NODE_CUE = re.compile(r"(?:node\w*|\(p?n\)|\bp?n|metasta\w*|\(p?m\)|\bp?m)\W{0,25}$")
_FORM = re.compile(
    r"\bt\s?stage\s*:?\s*(?P<t>[0-4x][a-d]?)\W{1,4}n\s?stage\s*:?\s*(?P<n>[0-3x][a-c]?)"
    r"(?:\W{1,4}m\s?stage\s*:?\s*(?P<m>[01x]))?"
)

# OCR reads the T of "pT1b" as an "l" ("pllb", "pl1b"): a prefix, "l", the number and the
# sub-letter, a token no word spells. The sub-letter is required: "PLL" is prolymphocytic
# leukaemia.
# Matched where str.find puts its literal "pl"; the prefix before it is checked after.
_OCR_T = re.compile(r"pl(?P<value>[1-4]|[li])(?P<sub>[a-d])(?![a-z0-9])")

ATTACH_GAP = 300  # characters between a T and the N or M line of the same synoptic block
SHORT_GAP = 40  # characters between a T and an unprefixed N or M of the same statement


@dataclasses.dataclass(frozen=True)
class Category:
    start: int
    end: int
    prefix: str
    axis: str
    label: str  # "T2a", "N0(i+)", "MX" without the prefix

    def written(self, default_prefix: str = "") -> str:
        return f"{self.prefix or default_prefix}{self.label}"


@dataclasses.dataclass
class Statement:
    """One TNM statement: a T and the N and M written with it."""

    start: int
    end: int
    t: Category
    n: Category | None = None
    m: Category | None = None
    group: StatedGroup | None = None
    in_history: bool = False  # written in the clinical history: the clinical stage

    @property
    def prefix(self) -> str:
        return self.t.prefix or (self.n.prefix if self.n else "")

    @property
    def clinical(self) -> bool:
        return self.prefix in ("c", "yc") or (self.in_history and not self.prefix)


def _categories(text: str, start: int, end: int) -> list[Category]:
    found: list[Category] = []
    previous_end = -1
    parts = list(_COMPONENT.finditer(text, start, end))
    for index, match in enumerate(parts):
        axis, value, prefix = match.group("axis"), match.group("value"), match.group("prefix")
        axis = "n" if axis == "h" else axis
        glued = match.start() == previous_end
        previous_end = match.end()
        if value in _OCR_DIGIT:
            followed = index + 1 < len(parts)
            if not (prefix or glued or followed) and _WORD_AFTER.match(text, match.end()):
                continue
            if axis == "m" and index == 0:
                continue  # "rml" is the right middle lobe; an OCR'd M1 follows its T and N
            value = _OCR_DIGIT[value]
        if value not in _VALID[axis] or (value == "a" and not prefix):
            continue
        if value in _LETTER_VALUES and match.group("spaced"):
            continue  # "pt is a 54-year-old", "ct a/p": a patient and an imaging study
        suffix = match.group("suffix").replace(" ", "")
        if suffix[:1] in ("l", "i") and suffix[1:2].isalpha():
            suffix = suffix[1:]
        label = f"{axis.upper()}{value.upper() if value == 'x' else value}{suffix}"
        found.append(Category(match.start(), match.end(), prefix or "", axis, label))
    return found


# T categories written with a letter (Ta, Tis): never spaced from their T ("pt is", "ct a/p").
_LETTER_VALUES = ("a", "is")


def _imaging_abbreviation(category: Category, axes: int) -> bool:
    """Whether a lone clinical Ta or Tis is an imaging or anatomy abbreviation ("CTA chest",
    "CT A/P"): a non-invasive bladder tumour is staged pTa or pTis by its pathologist, and a
    clinical cTa is written with its N and M."""
    return axes == 1 and category.prefix == "c" and category.label[1:] in _LETTER_VALUES


def _is_template_label(text: str, category: Category) -> bool:
    before = text[max(0, category.start - 6) : category.start]
    return bool(_LABEL_AFTER.match(text, category.end) or _LABEL_BEFORE.search(before))


def read_tnm(text: str) -> tuple[list[Statement], list[Category]]:
    """The TNM statements of a text, and the prefixed N and M categories written apart from any
    T ("... is positive for metastatic carcinoma [AJCC pN1mi (sn)]")."""
    statements: list[Statement] = []
    apart: list[Category] = []
    for sequence in _SEQUENCE.finditer(text):
        categories = _categories(text, sequence.start(), sequence.end())
        if not categories:
            continue
        axes = {c.axis for c in categories}
        if "t" in axes:
            for category in categories:
                if category.axis == "t":
                    if _is_template_label(text, category):
                        continue
                    cued = _STAGING_CUE.search(text, max(0, category.start - 40), category.start)
                    if not (category.prefix or len(axes) > 1 or cued):
                        continue
                    if _imaging_abbreviation(category, len(axes)):
                        continue
                    statements.append(Statement(category.start, category.end, category))
                elif statements and statements[-1].start >= sequence.start():
                    _attach(statements[-1], category)
            continue
        # An N or M line of the statement above it (synoptic blocks put them on their own line).
        last = statements[-1] if statements else None
        gap = sequence.start() - last.end if last else len(text)
        for category in categories:
            labelled = _NODE_CUE.search(text, max(0, category.start - 40), category.start)
            attachable = bool(category.prefix) or labelled is not None
            if last and (gap <= SHORT_GAP or (attachable and gap <= ATTACH_GAP)):
                _attach(last, category)
            elif category.prefix:
                apart.append(category)
    forms = _FORM.finditer(text) if "t stage" in text or "tstage" in text else ()
    for match in forms:
        t = Category(match.start("t"), match.end("t"), "", "t", f"T{match.group('t').upper()}")
        statement = Statement(match.start(), match.end(), t)
        statement.n = Category(
            match.start("n"), match.end("n"), "", "n", f"N{match.group('n').upper()}"
        )
        if match.group("m"):
            statement.m = Category(
                match.start("m"), match.end("m"), "", "m", f"M{match.group('m').upper()}"
            )
        statements.append(statement)
    statements += _ocr_t_categories(text, statements)
    statements.sort(key=lambda s: s.start)
    return _without_definition_lists(text, statements), apart


def _ocr_t_categories(text: str, statements: list[Statement]) -> list[Statement]:
    """The T categories OCR wrote with an "l" for the T ("pllb"), where no statement stands."""
    found = []
    position = text.find("pl")
    # Found by its literal with str.find, many times faster than a regular-expression scan.
    while position != -1:
        match = _OCR_T.match(text, position)
        position = text.find("pl", position + 1)
        if match is None:
            continue
        start = match.start() - (text[match.start() - 1 : match.start()] == "y")
        if start and text[start - 1].isalnum():
            continue
        if any(s.start <= start < s.end for s in statements):
            continue
        value = _OCR_DIGIT.get(match.group("value"), match.group("value"))
        prefix = text[start : match.start() + 1]
        category = Category(start, match.end(), prefix, "t", f"T{value}{match.group('sub')}")
        found.append(Statement(start, match.end(), category))
    return found


_DEFINED = re.compile(r"\s?[:=]")
DEFINITION_SPAN = 200  # characters over which a template lists its T categories


def _without_definition_lists(text: str, statements: list[Statement]) -> list[Statement]:
    """Drop templates that define every category ("T1: submucosa. T2: muscularis propria")."""
    defined = [s for s in statements if _DEFINED.match(text, s.t.end)]
    listed: set[int] = set()
    for first, second in itertools.pairwise(defined):
        if second.start - first.start <= DEFINITION_SPAN and first.t.label != second.t.label:
            listed.update((id(first), id(second)))
    return [s for s in statements if id(s) not in listed]


def _attach(statement: Statement, category: Category) -> None:
    """Give the statement its first N and first M (a later "Pn0" is perineural invasion)."""
    if category.axis == "n" and statement.n is None:
        statement.n = category
    elif category.axis == "m" and statement.m is None:
        statement.m = category
    else:
        return
    statement.end = max(statement.end, category.end)
