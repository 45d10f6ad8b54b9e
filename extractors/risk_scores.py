"""Extract risk scores: IPI and its variants, FLIPI, Oncotype DX Recurrence Score, MammaPrint,
Decipher, CAPRA, the Nottingham Prognostic Index, MSKCC and IMDC risk, ELN risk, CLL-IPI.

The scores are data (`vocab/risk_scores.yaml`): their names as reports write them, their range
and their bands. A score is read where the report names it, with its value or band just after
the name ("IPI 3 (age, LDH, stage)", "Recurrence Score: 18, low risk", "IMDC intermediate risk",
"ELN 2022: adverse") or its band just before ("low-risk FLIPI"). Where the report gives a number
and no band, the band comes from the score's published bands and is marked derived; Oncotype DX
bands are only as the report gives them, because their cut points changed over the years.

A threshold or a band table is not the patient's value: a number after a comparison ("IPI >= 2",
"at least 3"), a range ("IPI 3-5", "RS 0-10: low"), a number followed by "or more" or "+", and a
number outside the score's range are not read.
"""

from __future__ import annotations

import functools
import re

import ahocorasick
from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractors.document import AnalyzedPage
from extractors.vocab.loader import load_file
from models.schemas import RiskScoreFact


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Range(_Strict):
    min: float
    max: float


class Band(_Strict):
    label: str
    words: list[str] = Field(min_length=1)
    from_: float | None = Field(default=None, alias="from")


class RiskScore(_Strict):
    key: str
    name: str
    names: list[str] = Field(min_length=1)
    ambiguous: list[str] = Field(default_factory=list)
    not_after: list[str] = Field(default_factory=list)
    range: Range | None = None
    decimals: bool = False
    bands: list[Band] = Field(min_length=1)
    source: str

    @model_validator(mode="after")
    def _check(self) -> RiskScore:
        if not set(self.ambiguous) <= set(self.names):
            raise ValueError(f"{self.key}: ambiguous names must be among its names")
        lows = [b.from_ for b in self.bands if b.from_ is not None]
        if lows and (len(lows) != len(self.bands) or lows != sorted(lows) or self.range is None):
            raise ValueError(f"{self.key}: bands rise from the range's low end, each with `from`")
        words = [w for b in self.bands for w in b.words]
        if len(words) != len(set(words)):
            raise ValueError(f"{self.key}: a band word is listed twice")
        return self


class RiskScoreFile(_Strict):
    source: str
    version: str
    entries: list[RiskScore]

    @model_validator(mode="after")
    def _unique(self) -> RiskScoreFile:
        for what, listed in (
            ("key", [e.key for e in self.entries]),
            ("name", [n for e in self.entries for n in e.names]),
        ):
            repeated = sorted({x for x in listed if listed.count(x) > 1})
            if repeated:
                raise ValueError(f"{what} listed twice: {repeated}")
        return self


@functools.cache
def risk_scores() -> tuple[RiskScore, ...]:
    return tuple(load_file("extractors.vocab", "risk_scores.yaml", RiskScoreFile).entries)


# What stands between a score's name and its value or band: punctuation, leader dots, a year
# ("ELN 2022"), the words reports put there ("score", "risk", "result", "of").
_BRIDGE = (
    # A minus before a digit is the value's sign (MammaPrint -0.312), not a dash.
    r"(?:[\s:=,(®™*]|-(?!\d)|\.{2,}|\((?:tm|r)\))*"
    r"(?:(?:\(?(?:19|20)\d\d\)?|score|index|results?|risk|group|category|classification|rs"
    r"|value|assessment|calculated|total|model|criteria|test|genetic|genomic|cytogenetic|prognostic"
    r"|of|is|was|=)(?:[\s:=,(]|-(?!\d)|\.{2,})*"
    r"){0,4}"
)
_NUMBER = r"(?P<value>[+-]?\d{1,3}(?:\.\d{1,3})?)(?![\d.]*\d)(?:\s*/\s*(?P<out_of>\d{1,3}))?"
# "IPI >= 2", "at least 3": a threshold, before the number.
_COMPARED = re.compile(
    r"(?:[<>≤≥]|=<|=>|at\s+least|at\s+most|greater|more\s+than|less\s+than|above|below|over"
    r"|under|up\s+to|higher\s+than|lower\s+than)\W*$"
)
# "3-5", "0 to 10", "2 or more", "2+", "4 or higher": a range or a threshold, after it.
_RANGE_AFTER = re.compile(
    r"\s*(?:[-\u2013\u2014]\s*\d|to\s+\d|or\s+(?:more|higher|greater|above|less|lower|below|over)"
    r"|and\s+(?:above|higher|over|more)|\+(?!\d))"
)
# "ipi 1 mg/kg" is ipilimumab: a number with a dose or time unit is no score.
_UNIT_AFTER = re.compile(
    r"\s*(?:mg|g|ml|cycles?|doses?|x|mcg|units?|weeks?|months?|years?|gy|cm|mm)\b"
)
# "Nottingham prognostic index: 7 (3+2+2)": tubules, nuclei and mitoses summed, the Nottingham
# histologic grade's score (Elston and Ellis 1991), which some reports misname; no risk score.
_GRADE_SUM_AFTER = re.compile(r"\s*\(\s*[1-3]\s*\+\s*[1-3]\s*\+\s*[1-3]\s*\)")
_KEY_SPAN = 40  # characters after a reading in which another band of the score makes it a key
_VALUE_AFTER_BAND = re.compile(rf"[\s,:]{{0,3}}\(?{_NUMBER}")  # "Low Risk (+0.211)"
_CUE = re.compile(r"\b(?:score|risk|criteria|model|index)\b")
_BAND_GAP = 30  # characters after a value in which its band is still written


@functools.cache
def _name_pattern() -> re.Pattern[str]:
    names = sorted({n for s in risk_scores() for n in s.names}, key=len, reverse=True)
    return re.compile(rf"(?<![a-z0-9\-])(?:{'|'.join(map(re.escape, names))})(?![a-z0-9]|-[a-z])")


@functools.cache
def _name_automaton() -> ahocorasick.Automaton:
    """Every score's names, for one fast pass over a page (most pages name none)."""
    automaton = ahocorasick.Automaton()
    for name in {n for s in risk_scores() for n in s.names}:
        automaton.add_word(name, name)
    automaton.make_automaton()
    return automaton


def _find_names(text: str) -> list[re.Match[str]]:
    """The names standing as whole words, leftmost then longest ("cns-ipi", never its "ipi")."""
    starts = sorted({last + 1 - len(name) for last, name in _name_automaton().iter(text)})
    found: list[re.Match[str]] = []
    for start in starts:
        if found and start < found[-1].end():
            continue
        match = _name_pattern().match(text, start)
        if match is not None:
            found.append(match)
    return found


@functools.cache
def _by_name() -> dict[str, RiskScore]:
    return {n: s for s in risk_scores() for n in s.names}


@functools.cache
def _band_pattern(key: str) -> re.Pattern[str]:
    score = next(s for s in risk_scores() if s.key == key)
    words = sorted({w for b in score.bands for w in b.words}, key=len, reverse=True)
    alternation = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?P<band>{alternation})(?![a-z0-9])(?:[\s-]+(?:risk|prognosis))?")


@functools.cache
def _after_name(key: str) -> re.Pattern[str]:
    band = _band_pattern(key).pattern
    return re.compile(rf"{_BRIDGE}(?:{_NUMBER}|{band})")


@functools.cache
def _band_before(key: str) -> re.Pattern[str]:
    """A band written just before the name: "low-risk FLIPI", "high-intermediate risk IPI"."""
    band = _band_pattern(key).pattern
    return re.compile(rf"(?<![a-z0-9]){band}[\s-]+(?:by\s+(?:the\s+)?)?$")


def _band_label(score: RiskScore, word: str) -> str | None:
    return next((b.label for b in score.bands if word in b.words), None)


def _derived_band(score: RiskScore, value: float) -> str | None:
    fitting = [b for b in score.bands if b.from_ is not None and b.from_ <= value]
    return fitting[-1].label if fitting else None


def _fits(score: RiskScore, match: re.Match[str]) -> float | None:
    """The number as the score's value, or None when it cannot be one."""
    written = match.group("value")
    if score.range is None or ("." in written and not score.decimals):
        return None
    value = float(written)
    out_of = match.group("out_of")
    if out_of is not None and float(out_of) != score.range.max:
        return None  # "06/2023" is a date, "3/5" a score out of its maximum
    return value if score.range.min <= value <= score.range.max else None


def _read_after(
    text: str, name_end: int, score: RiskScore
) -> tuple[int, str | None, str | None, bool] | None:
    """The value and band written after a name: (end, value, band, band derived)."""
    match = _after_name(score.key).match(text, name_end)
    if match is None:
        return None
    if match.group("band") is not None:
        band = _band_label(score, match.group("band"))
        value_after = _VALUE_AFTER_BAND.match(text, match.end())
        value = None
        if value_after is not None and _fits(score, value_after) is not None:
            value = value_after.group("value").lstrip("+")
        return match.end(), value, band, False
    if (
        _COMPARED.search(text, name_end, match.start("value"))
        or _RANGE_AFTER.match(text, match.end())
        or _UNIT_AFTER.match(text, match.end())
        or _GRADE_SUM_AFTER.match(text, match.end())
    ):
        return None
    number = _fits(score, match)
    if number is None:
        return None
    stated = _band_pattern(score.key).search(text, match.end(), match.end() + _BAND_GAP)
    between = text[match.end() : stated.start()] if stated else ""
    if stated is not None and not re.search(r"[.;]|\d", between):
        return (
            stated.end(),
            match.group("value").lstrip("+"),
            _band_label(score, stated["band"]),
            False,
        )
    return match.end(), match.group("value").lstrip("+"), _derived_band(score, number), True


def _lists_other_bands(text: str, end: int, score: RiskScore, band: str) -> bool:
    """Whether another band of the score follows in the same clause, as a key lists them."""
    stretch = re.split(r"[.;]", text[end : end + _KEY_SPAN], maxsplit=1)[0]
    other_name = _name_pattern().search(stretch)
    stretch = stretch[: other_name.start()] if other_name else stretch
    return any(
        _band_label(score, m.group("band")) != band
        for m in _band_pattern(score.key).finditer(stretch)
    )


def extract_risk_scores(pages: list[AnalyzedPage]) -> list[RiskScoreFact]:
    """Return each risk score the pages state, the first reading of each score per page."""
    facts: list[RiskScoreFact] = []
    for page in pages:
        text = page.text
        seen: set[str] = set()
        for name in _find_names(text):
            score = _by_name()[name.group()]
            if score.key in seen:
                continue
            fact = _read(page, name, score)
            if fact is not None:
                facts.append(fact)
                seen.add(score.key)
    return facts


def _read(page: AnalyzedPage, name: re.Match[str], score: RiskScore) -> RiskScoreFact | None:
    text = page.text
    start = name.start()
    read = _read_after(text, name.end(), score)
    if read is None:
        before = _band_before(score.key).search(text, max(0, start - 40), start)
        if before is None:
            return None
        start, read = before.start(), (name.end(), None, _band_label(score, before["band"]), False)
    end, value, band, derived = read
    if value is None and band is None:
        return None
    if band is not None and not derived and _lists_other_bands(text, end, score, band):
        return None  # "FLIPI: low (0-1), intermediate (2), high (3-5)": a key
    if any(w in text[max(0, start - 20) : start] for w in score.not_after):
        return None  # "nivo/ipi": ipilimumab
    if name.group() in score.ambiguous and not (band or _CUE.search(text, name.end(), end)):
        return None  # "referred to MSKCC": the hospital
    flags = page.flags(start, end)
    if flags.family:
        return None
    return RiskScoreFact(
        score=score.key,
        name=score.name,
        value=value,
        band=band,
        band_derived=derived and band is not None,
        evidence=page.evidence(start, end),
        confidence=page.confidence(0.85 if value or not derived else 0.7, flags),
        origin=page.origin,
        **flags.as_dict(),
    )
