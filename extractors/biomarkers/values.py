"""Values of a biomarker result: IHC score, percent, Allred score, staining intensity, ISH ratio
and copy number, PD-L1 score, TMB, HRD score and variant allele frequency.

Some results follow from the value when a report gives none: HER2 from its IHC score and
amplification (ASCO/CAP 2018, with HER2-low), a receptor from its percent of stained nuclei,
PD-L1 from its score, TMB from its count.
"""

from __future__ import annotations

import re

from extractors import vocab
from extractors.biomarkers.results import AMPLIFICATION, Token
from extractors.biomarkers.scope import Found, Scope

_IHC_SCORE = re.compile(
    r"(?<![\d.])(?P<score>[0-3])\s?\+(?!\d)|(?:score|ihc)\s*(?:of|:|=|is)?\s*(?P<zero>0|zero)(?!\d|\.\d|\s?%)"
    r"|\(\s*(?P<paren>0)\s*\)"
)
PERCENT = re.compile(
    r"(?P<percent>(?:[<>≤≥]\s?|less\s+than\s+|greater\s+than\s+)?\d{1,3}(?:\.\d+)?"
    r"(?:\s?(?:-|\u2013|to)\s?\d{1,3}(?:\.\d+)?)?)\s?%"
)
_PD_L1_SCORE = re.compile(
    r"\b(?P<kind>tps|tumou?r\s+proportion\s+score|cps|combined\s+positive\s+score|ic"
    r"|immune\s+cells?(?:\s+score)?|tc)\s*(?:score)?\s*(?:\((?:tps|cps|ic|tc)\)\s*)?"
    r"(?:of|:|=|is|was)?\s*"
    r"(?P<value>[<>≤≥]?\s?\d{1,3}(?:\.\d+)?\s?%?)"
)
# The PD-L1 score each first word of `_PD_L1_SCORE` names: tumour proportion score, combined
# positive score, immune cells, tumour cells.
_PD_L1_KIND = {
    "tps": "TPS",
    "cps": "CPS",
    "ic": "IC",
    "tc": "TC",
    "tumor": "TPS",
    "tumour": "TPS",
    "combined": "CPS",
    "immune": "IC",
}
_ALLRED = re.compile(
    r"allred(?:\s+score)?\s*(?:of|:|=|is)?\s*(?P<score>[0-8])(?:\s*/\s*8)?"
    r"|(?P<score2>[0-8])\s*/\s*8\s*\(?\s*allred"
)
_INTENSITY = re.compile(
    r"\b(?P<intensity>(?:weak|moderate|strong|intense)(?:ly)?"
    r"(?:\s*(?:to|-)\s*(?:weak|moderate|strong)(?:ly)?)?)\b"
)
_RATIO = re.compile(r"ratio\s*(?:of|:|=|is|was)?\s*(?P<ratio>\d+(?:\.\d+)?)(?!\s*%)")
_COPY_NUMBER = re.compile(
    r"copy\s+number\s*(?:of|:|=|is|was)?\s*(?P<copies>\d+(?:\.\d+)?)"
    r"|(?P<copies2>\d+(?:\.\d+)?)\s*(?:her-?2\s+)?(?:signals|copies)\s*(?:per|/)\s*(?:cell|nucleus)"
)
_TMB = re.compile(
    r"(?P<tmb>\d+(?:\.\d+)?)\s*(?:mut(?:ation)?s?\s*/\s*mb|mutations?\s+per\s+(?:mb|megabase))"
)
# FDA tumour-agnostic pembrolizumab approval (KEYNOTE-158): TMB-high is 10 mut/Mb or more.
_TMB_HIGH = 10
_HRD_SCORE = re.compile(
    r"(?:gis|genomic\s+instability\s+score|hrd\s+score|score)\s*(?:of|:|=|is)?\s*(?P<score>\d{1,3})\b"
)
_VAF = re.compile(
    r"(?:vaf|variant\s+allele\s+frequency|allele\s+frequency)\s*(?:of|:|=|is)?\s*"
    r"(?P<vaf>\d{1,3}(?:\.\d+)?)\s?%|(?P<vaf2>\d{1,3}(?:\.\d+)?)\s?%\s*(?:vaf|variant\s+allele)"
)
_NUCLEI_SHARE = re.compile(
    r"(?P<share>\d{1,3}(?:\.\d+)?)\s?%\s*(?:of\s+)?(?:the\s+)?(?:scored\s+)?(?P<what>nuclei|cells)\b"
)
_RESPECTIVELY = re.compile(r"\brespectively\b")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def write_percent(match: re.Match[str]) -> str:
    """Write a `PERCENT` match compactly: "less than 1 %" is "<1%", "10 to 20%" is "10-20%"."""
    value = match.group("percent").replace("less than ", "<").replace("greater than ", ">")
    return _SPACES.sub("", value.replace("to", "-").replace("\u2013", "-")) + "%"


def _number(value: str) -> float | None:
    digits = _DIGITS.search(value)
    return float(digits.group(0)) if digits else None


def read_receptor(
    key: str,
    result: str | None,
    used: list[Found],
    tail: str,
    tail_start: int,
    group: tuple[int, int],
) -> tuple[str | None, str | None]:
    """Return (value, result) of a protein marker: its percent, Allred score or intensity.

    Args:
        tail: the words after the marker's group, starting at page position `tail_start`.
        group: the marker's index in its group and the size of the group, which share `tail`.
    """
    index, size = group
    percents = list(PERCENT.finditer(tail))
    percent: re.Match[str] | None = None
    if percents:
        if (
            size > 1
            and len(percents) == size
            and (
                _RESPECTIVELY.search(tail) or "/" in tail[percents[0].end() : percents[-1].start()]
            )
        ):
            percent = percents[index]  # "ER and PR 90% and 80%, respectively"
        elif size == 1 or len(percents) == 1:
            percent = percents[0]
    parts: list[str] = []
    if percent:
        parts.append(write_percent(percent))
        used.append(Found(tail_start + percent.start(), tail_start + percent.end(), ""))
    allred_scored = key in vocab.gene_group(vocab.GeneGroup.allred_scored_receptors)
    allred = _ALLRED.search(tail)
    if allred and allred_scored:
        parts.append(f"Allred {allred.group('score') or allred.group('score2')}/8")
        used.append(Found(tail_start + allred.start(), tail_start + allred.end(), ""))
    if not parts and allred_scored:
        intensity = _INTENSITY.search(tail)
        if intensity:
            parts.append(intensity.group("intensity").replace("ly", ""))
            used.append(Found(tail_start + intensity.start(), tail_start + intensity.end(), ""))
    value = ", ".join(parts) or None
    percent_scored = key in vocab.gene_group(vocab.GeneGroup.percent_scored_receptors)
    if result is None and percent and percent_scored:
        number = _number(percent.group("percent"))
        if number is not None:
            # ASCO/CAP 2020: 1% or more of tumour nuclei stained is positive.
            below = "<" in percent.group("percent") or "less" in percent.group("percent")
            result = "negative" if number < 1 or (below and number <= 1) else "positive"
    return value, result


def read_her2(
    scope: Scope, result: str | None, used: list[Found], tail_tokens: list[tuple[Token, int, int]]
) -> tuple[str | None, str | None]:
    """Return (value, result) of HER2: IHC score, ISH ratio, copy number, and the result
    they make with amplification read from `result` or the result words after the marker."""
    parts: list[str] = []
    score: str | None = None
    found = scope.search(_IHC_SCORE)
    if found:
        score = found[0].group("score") or "0"
        parts.append(f"{score}+" if score != "0" else "0")
        used.append(found[1])
    found = scope.search(_RATIO)
    if found:
        parts.append(f"ratio {found[0].group('ratio')}")
        used.append(found[1])
    found = scope.search(_COPY_NUMBER)
    if found:
        parts.append(f"copy number {found[0].group('copies') or found[0].group('copies2')}")
        used.append(found[1])
    amplified = {"amplified": True, "not amplified": False}.get(result or "")
    if amplified is None:
        for token, _, _ in tail_tokens:
            if token.aspect == AMPLIFICATION and token.sign:
                amplified = token.sign > 0
                break
    # ASCO/CAP 2018 scoring, with HER2-low (IHC 1+, or 2+ without amplification).
    if score == "3":
        result = "positive"
    elif score == "2":
        if amplified is True:
            result = "positive"
        elif amplified is False or result == "negative":
            result = "low"
        elif result not in ("positive", "low"):
            result = "equivocal"
    elif score == "1":
        # A stated "negative" stands (gastric and other scoring have no HER2-low); the
        # score, kept as the value, still says 1+.
        result = "negative" if result == "negative" else "low"
    elif score == "0":
        result = "ultralow" if result == "ultralow" else "negative"
    return (", ".join(parts) or None), result


def read_pd_l1(
    scope: Scope, result: str | None, used: list[Found]
) -> tuple[str | None, str | None]:
    """Read a PD-L1 score (TPS, CPS, IC); a TPS without a stated result is read as negative
    (<1%), low (1-49%) or high (>=50%), the bands of the KEYNOTE trials."""
    found = scope.search(_PD_L1_SCORE)
    if found is None:
        percent = scope.search(PERCENT)
        if percent is None:
            return None, result
        used.append(percent[1])
        value = write_percent(percent[0])
        number = _number(value)
        if result is None and number is not None:
            result = "negative" if number < 1 or value.startswith("<1") else "positive"
        return value, result
    match, position = found
    used.append(position)
    kind_word = match.group("kind").split()[0]
    score = _SPACES.sub("", match.group("value"))
    value = f"{_PD_L1_KIND.get(kind_word, kind_word.upper())} {score}"
    number = _number(score)
    if result is None and number is not None:
        if number < 1 or score.startswith("<1"):
            result = "negative"
        elif value.startswith("TPS"):
            result = "high" if number >= 50 else "low"
        else:
            result = "positive"
    return value, result


def read_tmb(scope: Scope, result: str | None, used: list[Found]) -> tuple[str | None, str | None]:
    """Return (value, result) of tumour mutational burden, in mutations per megabase."""
    found = scope.search(_TMB)
    if found is None:
        return None, result
    match, position = found
    used.append(position)
    tmb = match.group("tmb")
    return f"{tmb} mut/Mb", result or ("high" if float(tmb) >= _TMB_HIGH else "low")


def read_hrd(scope: Scope, result: str | None, used: list[Found]) -> tuple[str | None, str | None]:
    """Return (value, result) of homologous recombination deficiency: its score, if given."""
    found = scope.search(_HRD_SCORE)
    if found is None:
        return None, result
    used.append(found[1])
    return f"score {found[0].group('score')}", result


def read_vaf(scope: Scope, result: str | None, used: list[Found]) -> tuple[str | None, str | None]:
    """Return (value, result) of a gene or signature: its variant allele frequency, if given."""
    found = scope.search(_VAF)
    if found is None:
        # A FISH result gives the share of nuclei with the abnormality: "68% of nuclei".
        share = scope.search(_NUCLEI_SHARE)
        if share is None:
            return None, result
        used.append(share[1])
        return f"{share[0].group('share')}% of {share[0].group('what')}", result
    used.append(found[1])
    return f"VAF {found[0].group('vaf') or found[0].group('vaf2')}%", result
