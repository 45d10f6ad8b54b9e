"""Biomarkers: marker, result, value, assay method and variant, read around each marker mention.

A mention's result comes, in this order, from the words after it ("ER positive (95%)",
"HER2 by IHC: 1+"), from the words after the list it closes ("ER, PR and HER2 negative"),
from a phrase just before it ("negative for ER, PR and HER2", "loss of MLH1 and PMS2") and
from the matched term itself ("MSI-H", "HER2 amplification", "BRAF V600E"). Words are read
as an aspect (mutation, amplification, fusion, methylation, codeletion) and a polarity
(positive, negative); the pair names the result ("no EGFR mutation" is EGFR not detected).
A negation in front of a marker is its result, so biomarker facts are never flagged negated.

`BiomarkerFact` has one `value`, so: a percent is the value of ER/PR ("95%"), with the Allred
score after it ("95%, Allred 8/8") and the staining intensity only when no number is given; a
serum level carries its date ("4.2 ng/mL on 2024-03-12"); an antibody clone is part of the
method ("IHC 22C3"); and a BRCA result without another value says "germline" or "somatic".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from extractors import vocab
from extractors.dates import find_dates
from extractors.document import AnalyzedPage
from extractors.sections import SectionKind
from extractors.terms import TermCategory, TermMatch
from models.schemas import BiomarkerFact

WINDOW_AFTER = 90
WINDOW_BEFORE = 60
_ALIAS_GAP_MAX = 25


@dataclass(frozen=True, slots=True)
class _Token:
    """What a result word says: a result of its own, an aspect, a polarity, or "not yet"."""

    label: str | None = None
    aspect: str | None = None
    sign: int = 0
    pending: bool = False


_MUTATION, _AMPLIFICATION, _FUSION = "mutation", "amplification", "fusion"
_METHYLATION, _CODELETION = "methylation", "codeletion"

# Most specific first: at one position the first alternative that matches wins.
_TOKENS: list[tuple[str, _Token]] = [
    (
        r"pending|to\s+follow|in\s+progress|will\s+be\s+(?:reported|issued|performed|sent)"
        r"|ordered|requested|sent(?:\s+out)?|not\s+(?:performed|done|assessed|tested|evaluable)"
        r"|insufficient|qns|failed",
        _Token(pending=True),
    ),
    (
        r"variants?\s+of\s+(?:uncertain|unknown)\s+significance|vus",
        _Token("uncertain significance"),
    ),
    (
        r"not\s+amplified|non-?amplified|unamplified|no\s+(?:evidence\s+of\s+)?(?:gene\s+)?amplification",
        _Token("not amplified", _AMPLIFICATION, -1),
    ),
    (r"amplified", _Token("amplified", _AMPLIFICATION, 1)),
    (r"amplification|gene\s+gain|copy\s+number\s+gain", _Token(aspect=_AMPLIFICATION)),
    (r"unmethylated|non-?methylated|not\s+methylated", _Token("unmethylated", _METHYLATION, -1)),
    (r"(?:hyper)?methylated", _Token("methylated", _METHYLATION, 1)),
    (r"(?:promoter\s+)?(?:hyper)?methylation", _Token(aspect=_METHYLATION)),
    (
        r"not\s+co-?deleted|non-?co-?deleted|no\s+co-?deletion",
        _Token("not codeleted", _CODELETION, -1),
    ),
    (r"co-?deleted", _Token("codeleted", _CODELETION, 1)),
    (r"co-?deletion", _Token(aspect=_CODELETION)),
    (r"wild[- ]?type|wt", _Token("wild type", _MUTATION, -1)),
    (
        r"mutated|mutant|altered|(?:likely\s+)?pathogenic|deleterious",
        _Token("mutated", _MUTATION, 1),
    ),
    (r"mutations?|(?:sequence\s+)?variants?|alterations?", _Token(aspect=_MUTATION)),
    (r"rearranged|fused", _Token("positive", _FUSION, 1)),
    (r"rearrangements?|fusions?|translocations?", _Token(aspect=_FUSION)),
    (
        r"loss\s+of\s+(?:nuclear\s+)?(?:expression|staining|immunoreactivity)|lost|loss"
        r"|absent\s+(?:nuclear\s+)?(?:expression|staining)",
        _Token("lost"),
    ),
    (r"deficient|deficiency|dmmr|mmr-d", _Token("deficient")),
    (r"intact|retained|preserved", _Token("intact")),
    (r"proficient|pmmr|mmr-p", _Token("proficient")),
    (r"equivocal|borderline|indeterminate", _Token("equivocal")),
    (r"msi[- ]?h(?:igh)?|instability[- ]high|unstable", _Token("high")),
    (r"msi[- ]?l(?:ow)?", _Token("low")),
    (r"stable|mss", _Token("stable")),
    (r"ultra-?low", _Token("ultralow")),
    (r"low[- ]positive|low\s+expressors?", _Token("low")),
    (r"high|elevated|increased|rising", _Token("high")),
    (r"low|decreased", _Token("low")),
    (r"normal|within\s+normal\s+limits|wnl", _Token("normal")),
    (
        r"not\s+(?:been\s+)?(?:detected|identified|found|seen|present|observed|demonstrated)"
        r"|undetect(?:ed|able)|none\s+(?:detected|identified)|absent",
        _Token("not detected", sign=-1),
    ),
    (r"negative|neg|immunonegative|non-?reactive|-ve", _Token("negative", sign=-1)),
    (r"no(?!\.)|without|absence\s+of|lack\s+of|lacks?", _Token(sign=-1)),
    (r"detected|identified|present|found|observed|demonstrated", _Token("detected", sign=1)),
    (
        r"positive|pos|immunopositive|immunoreactive|reactive|overexpress(?:ed|ion|es)|\+ve",
        _Token("positive", sign=1),
    ),
]
_RESULT = re.compile(
    r"(?<![a-z0-9])(?:"
    + "|".join(f"(?P<t{index}>{pattern})" for index, (pattern, _) in enumerate(_TOKENS))
    + r")(?![a-z0-9])"
)
_TOKEN_BY_GROUP = {f"t{index}": token for index, (_, token) in enumerate(_TOKENS)}
_POLAR_LABELS = frozenset({"positive", "negative", "detected", "not detected"})
_ASPECT_LABELS = {
    _MUTATION: ("mutated", "not detected"),
    _AMPLIFICATION: ("amplified", "not amplified"),
    _FUSION: ("positive", "negative"),
    _METHYLATION: ("methylated", "unmethylated"),
    _CODELETION: ("codeleted", "not codeleted"),
}
# How a general result reads for markers whose results have names of their own.
_MMR_PROTEINS = frozenset({"MLH1", "MSH2", "MSH6", "PMS2"})
_MMR_PROTEIN_RESULTS = {
    "negative": "lost",
    "not detected": "lost",
    "deficient": "lost",
    "positive": "intact",
    "detected": "intact",
    "proficient": "intact",
}
_PROTEIN_RESULTS = {"detected": "positive", "not detected": "negative"}
_RELABEL: dict[str, dict[str, str]] = {
    **dict.fromkeys(_MMR_PROTEINS, _MMR_PROTEIN_RESULTS),
    "MMR": {"lost": "deficient", "intact": "proficient"},
    "MSI": {"positive": "high", "detected": "high", "negative": "stable"},
    "1P19Q": {
        "positive": "codeleted",
        "detected": "codeleted",
        "lost": "codeleted",
        "negative": "not codeleted",
        "not detected": "not codeleted",
        "intact": "not codeleted",
    },
    "MGMT": {
        "positive": "methylated",
        "detected": "methylated",
        "negative": "unmethylated",
        "not detected": "unmethylated",
    },
    "HRD": {"deficient": "positive", "lost": "positive", "proficient": "negative"},
}

# "ER+/PR+/HER2-", "HER2 (-)": a sign attached to the marker, not a dash between words.
_SIGN = re.compile(r"(?:(?P<a>[+-])(?=$|[\s/,;:.)])|\s*\(\s*(?P<b>[+-])\s*\))")
# A phrase that gives the result of the marker right after it.
_LEAD = re.compile(
    r"(?<![a-z])(?P<cue>positive|negative|pos|neg|immunopositive|immunonegative|immunoreactive"
    r"|reactive|loss|lost|retained|intact|preserved|absent|absence|lack|no|without|mutations?|equivocal"
    r"|mutated|mutant|(?:pathogenic\s+)?variants?|alterations?|amplification|amplified"
    r"|overexpression|overexpressed|methylated|unmethylated|methylation|wild[- ]?type|high|low"
    r"|deficient|deficiency|proficient|ha[sd]|have|harbou?r(?:s|ing)?|carr(?:ies|ying)|with"
    r"|show(?:s|ed|ing)?|demonstrat\w*|reveal\w*|confirm\w*|germline|somatic)"
    r"(?:\s+(?:nuclear|cytoplasmic|membranous|strong(?:ly)?|weak(?:ly)?|diffuse(?:ly)?"
    r"|focal(?:ly)?|any|detectable|evidence|of|the|an?|protein|gene|expression|staining"
    r"|immunoreactivity|pathogenic|deleterious|activating|somatic|germline|mutations?"
    r"|variants?|alterations?))*"
    r"(?P<prep>\s+(?:for|of|in|involving|within)(?:\s+(?:the|an?))?"
    r"(?:\s+(?:[\w./+-]+\s+){0,2}[\w./+-]+(?:\s*,\s*|\s+(?:and|or)\s+)){0,4})?"
    r"\s*$"
)
_LEAD_NEGATION = re.compile(
    r"(?<![a-z])(?:no|without|absence\s+of|lack\s+of|negative\s+for)"
    r"(?:\s+(?:evidence\s+of|an?|any|the|pathogenic|deleterious|detectable|activating|somatic"
    r"|germline))*\s*$"
)
_NEGATION_CUES = frozenset({"no", "without", "absence", "lack"})
_JOINER_BEFORE = re.compile(r"(?:\b(?:and|but|with|while|whereas)|,)\s*$")
_PRESENCE_VERB = re.compile(
    r"ha[sd]|have|harbou?r|carr|with|show|demonstrat|reveal|confirm|positive|pos|immuno|reactive"
)
# Markers joined only by list words share the result after the last one.
_LIST_GAP = re.compile(r"\s*(?:[,/&]\s*)?(?:(?:and|or|nor)\s+)?")
_ALIAS_OPEN = re.compile(r"\s*\(\s*")
_ALIAS_CLOSE = re.compile(r"\s*\)")
_CLAUSE_END = re.compile(r"[.;]\s|\b(?:but|while|whereas|however|except)\b")
# "HR HPV" is high-risk HPV, not hormone receptors.
_NOT_A_MARKER = re.compile(r"[\s-]*(?:hpv|human\s+papilloma)")
# General statements about a marker, as in method notes: "BRAF mutations can be found in 14%
# of colorectal cancers", "Greater than 2.0: EGFR amplification".
_GENERIC = re.compile(
    r"\b(?:can|may|might|could)\s+(?:be|occur|have)\b|\b(?:rarely|often|commonly|frequently"
    r"|typically|usually)\b|\bassociated\s+with\b|\bshown\s+to\b|\breported\s+in\b"
)
_DEFINITION_BEFORE = re.compile(r"(?:greater|less|more)\s+than\s+[\d.]+\s*:|[<>]\s*[\d.]+\s*:")
_NO_MERGE = re.compile(r"[\d.;]")
_VALUE_CONTEXT = re.compile(
    r"\s*/\s*(?:cep\s*17|chr(?:omosome)?\s*17|d17z1)|\s+(?:gene\s+)?(?:copy|copies|signals?)\b"
)
# A test named but not reported: "EGFR mutation testing was sent".
_TEST_NOUN = re.compile(
    r"\s*(?:[\w-]+\s+){0,2}?(?:test(?:s|ing)?|studies|study|analysis|assay|evaluation|panel"
    r"|was\s+(?:not\s+)?(?:performed|done|ordered))\b"
)
# Scoring rules quoted in a report ("negative (0 or 1+), equivocal (2+)") are not results.
_SCALE_ENTRY = re.compile(r"(negative|equivocal|positive)\s*\(\s*(?:score\s*)?(?:[0-3]|zero)")
_DEFINITION = re.compile(
    r"\b(?:cut-?off|threshold|criteria|defined\s+as|(?:is|are)\s+considered|reference\s+range"
    r"|scored\s+as|as\s+follows)\b"
)
_SERUM_SKIP = re.compile(r"\s*(?:doubling\s+time|velocity|density|kinetics)\b")

_IHC_SCORE = re.compile(
    r"(?<![\d.])(?P<score>[0-3])\s?\+(?!\d)|(?:score|ihc)\s*(?:of|:|=|is)?\s*(?P<zero>0|zero)(?!\d|\.\d|\s?%)"
    r"|\(\s*(?P<paren>0)\s*\)"
)
_PERCENT = re.compile(
    r"(?P<percent>(?:[<>≤≥]\s?|less\s+than\s+|greater\s+than\s+)?\d{1,3}(?:\.\d+)?"
    r"(?:\s?(?:-|\u2013|to)\s?\d{1,3}(?:\.\d+)?)?)\s?%"
)
_PD_L1_SCORE = re.compile(
    r"\b(?P<kind>tps|tumou?r\s+proportion\s+score|cps|combined\s+positive\s+score|ic"
    r"|immune\s+cells?(?:\s+score)?|tc)\s*(?:score)?\s*(?:of|:|=|is|was)?\s*"
    r"(?P<value>[<>≤≥]?\s?\d{1,3}(?:\.\d+)?\s?%?)"
)
_PD_L1_KIND = {"tps": "TPS", "cps": "CPS", "ic": "IC", "tc": "TC", "tumor": "TPS", "tumour": "TPS"}
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
_HRD_SCORE = re.compile(
    r"(?:gis|genomic\s+instability\s+score|hrd\s+score|score)\s*(?:of|:|=|is)?\s*(?P<score>\d{1,3})\b"
)
_VAF = re.compile(
    r"(?:vaf|variant\s+allele\s+frequency|allele\s+frequency)\s*(?:of|:|=|is)?\s*"
    r"(?P<vaf>\d{1,3}(?:\.\d+)?)\s?%|(?P<vaf2>\d{1,3}(?:\.\d+)?)\s?%\s*(?:vaf|variant\s+allele)"
)
_ORIGIN = re.compile(r"\b(?P<origin>germline|somatic|gbrca|sbrca)\b")
_SERUM_VALUE = re.compile(
    r"(?P<number>[<>]?\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?![\d/])\s*"
    r"(?P<unit>ng/ml|ng/dl|pg/ml|µg/l|ug/l|mg/l|u/ml|iu/ml|ku/l|kiu/l|miu/ml|iu/l|u/l|mg/dl"
    r"|g/dl|g/l|nmol/l)?"
)
_SERUM_TO = re.compile(r"\s*(?:(?:on|in)\s+\S+\s+)?(?:to|->|\u2192)\s*(?=[<>]?\d)")
_SERUM_UNITS = {
    "ng/ml": "ng/mL",
    "ng/dl": "ng/dL",
    "pg/ml": "pg/mL",
    "µg/l": "µg/L",
    "ug/l": "µg/L",
    "mg/l": "mg/L",
    "u/ml": "U/mL",
    "iu/ml": "IU/mL",
    "ku/l": "kU/L",
    "kiu/l": "kIU/L",
    "miu/ml": "mIU/mL",
    "iu/l": "IU/L",
    "u/l": "U/L",
    "mg/dl": "mg/dL",
    "g/dl": "g/dL",
    "g/l": "g/L",
    "nmol/l": "nmol/L",
}
_SERUM_RESULTS = frozenset({"high", "low", "normal", "not detected"})
# Genes tested in blood (germline) as well as in the tumour (somatic).
_GERMLINE_GENES = frozenset(
    {"BRCA", "BRCA1", "BRCA2", "PALB2", "ATM", "CHEK2", "MLH1", "MSH2", "MSH6", "PMS2", "CDK12"}
)

_AMINO_ACIDS = {
    "ala": "A", "arg": "R", "asn": "N", "asp": "D", "cys": "C", "gln": "Q", "glu": "E",
    "gly": "G", "his": "H", "ile": "I", "leu": "L", "lys": "K", "met": "M", "phe": "F",
    "pro": "P", "ser": "S", "thr": "T", "trp": "W", "tyr": "Y", "val": "V", "ter": "*",
}  # fmt: skip
_THREE = "|".join(_AMINO_ACIDS)
_VARIANT = re.compile(
    r"(?<![\w.*])(?:p\.\(?(?P<protein>(?:" + _THREE + r"|[a-z*])\d{1,4}"
    r"(?:_(?:" + _THREE + r"|[a-z])\d{1,4})?"
    r"(?:delins[a-z*]*|del[a-z]*|dup|ins[a-z]*|fs(?:\*|ter)?\d*|" + _THREE + r"|[a-z*]|=)?)\)?"
    r"|(?P<three>(?:" + _THREE + r")\d{1,4}(?:" + _THREE + r"|fs))"
    r"|(?P<bare>[acdefghiklmnpqrstvwy]\d{2,4}[acdefghiklmnpqrstvwy*])"
    r"|exon\s*(?P<exon>\d{1,2})(?:\s+(?P<exon_kind>deletions?|del|insertions?|ins|skipping"
    r"|duplications?|dup))?"
    r"|ex(?P<short_exon>\d{1,2})\s?(?P<short_kind>del|ins|skipping)"
    r"|del\s?(?P<del19>19))(?![\w])"
)
_PROTEIN_PARTS = re.compile(
    r"(?P<ref>" + _THREE + r"|[a-z*])(?P<pos>\d+)(?:_(?P<ref2>" + _THREE + r"|[a-z])(?P<pos2>\d+))?"
    r"(?P<rest>.*)"
)
_TERMINATION = re.compile(r"ter(?=\d)")
_CHANGE_KIND = re.compile(r"delins|del|dup|ins|fs")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_EXON_KIND = {"del": "deletion", "ins": "insertion", "dup": "duplication", "ski": "skipping"}
# The usual alteration of an exon when a report names only the exon (METex14, EGFR exon 19).
_EXON_DEFAULT = {("MET", "14"): "skipping", ("EGFR", "19"): "deletion", ("EGFR", "20"): "insertion"}
_FUSION_GENES = frozenset({"ALK", "ROS1", "RET", "NTRK", "NTRK1", "NTRK2", "NTRK3", "NRG1"})
_FUSION_NAME = re.compile(r"[a-z][a-z0-9]{1,9}(?:::|-)[a-z][a-z0-9]{1,9}")
_FUSION_LEFT = re.compile(r"[a-z][a-z0-9]{1,9}(?:::|-)$")
_FUSION_PAIR = re.compile(r"\b(?P<left>[a-z][a-z0-9]{1,9})(?:::|-)(?P<right>[a-z][a-z0-9]{1,9})\b")
_METHOD = re.compile(
    r"\b(?:(?P<ihc>ihc|immunohisto\w*|immunostain\w*|immunoperoxidase|herceptest)"
    r"|(?P<fish>fish|fluorescen\w*\s+in\s+situ\s+hybridi[sz]ation|pathvysion)"
    r"|(?P<ish>sish|cish|ddish|dual\s+ish|ish|in\s+situ\s+hybridi[sz]ation)"
    r"|(?P<sanger>sanger(?:\s+sequencing)?)"
    r"|(?P<pcr>(?:rt-|real[- ]time\s+|dd|q)?pcr|methylation[- ]specific\s+pcr|pyrosequencing"
    r"|cobas|therascreen|idylla)"
    r"|(?P<ngs>ngs|next[- ]generation\s+sequencing|sequencing|foundation\s?one\w*|guardant\w*"
    r"|tempus\s+x\w*|caris|oncomine|tso\s?500|msk-impact|liquid\s+biopsy|ctdna|cfdna))\b"
)
_METHOD_LABEL = {
    "ihc": "IHC",
    "fish": "FISH",
    "ish": "ISH",
    "sanger": "Sanger",
    "pcr": "PCR",
    "ngs": "NGS",
}
_CLONE = re.compile(r"\b(?P<clone>22c3|28-8|sp263|sp142|73-10|e1l3n|d5f3|5a4|d4d6|4b5)\b")
_TRIPLE_NEGATIVE = re.compile(r"\btriple[- ]negative\b")
_RESPECTIVELY = re.compile(r"\brespectively\b")


@functools.cache
def _entries() -> dict[str, vocab.BiomarkerEntry]:
    return {entry.key: entry for entry in vocab.biomarkers()}


@functools.cache
def _unlisted_labels() -> frozenset[str]:
    """Labels the vocabulary lists only in qualified forms ("met exon 14", not "met"): the term
    matcher finds every label, so the bare word is dropped here."""
    return frozenset(
        entry.label.lower()
        for entry in vocab.biomarkers()
        if entry.label.lower() not in entry.synonyms
    )


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    key: str


@dataclass(frozen=True, slots=True)
class _Found:
    """A word or value read for a mention, with where it was read."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class _Decisive:
    label: str | None
    aspect: str | None
    sign: int
    start: int
    end: int


@dataclass(slots=True)
class _Reading:
    result: str | None
    value: str | None
    variant: str | None
    method: str | None
    start: int
    end: int


def _tokens(text: str, offset: int) -> list[tuple[_Token, int, int]]:
    return [
        (_TOKEN_BY_GROUP[match.lastgroup or ""], offset + match.start(), offset + match.end())
        for match in _RESULT.finditer(text)
    ]


def _decisive(tokens: list[tuple[_Token, int, int]]) -> _Decisive | None:
    """Return the first token that decides a result, with the aspect read around it."""
    aspect = next((token.aspect for token, _, _ in tokens if token.aspect), None)
    for token, start, end in tokens:
        if token.pending:
            return _Decisive("pending", None, 0, start, end)
        if token.label or token.sign:
            return _Decisive(token.label, token.aspect or aspect, token.sign, start, end)
    return None


def _label(decisive: _Decisive, aspect: str | None) -> str | None:
    if decisive.label and decisive.label not in _POLAR_LABELS:
        return decisive.label  # "wild type", "not amplified", "lost", "equivocal" ...
    aspect = decisive.aspect or aspect
    if decisive.sign and aspect:
        positive, negative = _ASPECT_LABELS[aspect]
        return positive if decisive.sign > 0 else negative
    if decisive.label:
        return decisive.label
    return "negative" if decisive.sign < 0 else "positive"


def _mentions(page: AnalyzedPage) -> list[_Mention]:
    """Marker mentions, with an alias right after a marker folded into it ("ER (estrogen
    receptor)", "PD-L1 (22C3) tumor proportion score")."""
    text = page.text
    mentions: list[_Mention] = []
    unlisted = _unlisted_labels()
    for match in page.matches_of(TermCategory.biomarker):
        if match.term in unlisted or (_NOT_A_MARKER.match(text, match.end) and match.key == "HR"):
            continue
        if mentions:
            last = mentions[-1]
            # "HER2/CEP17 ratio", "average HER2 copy number", "(SP263)" belong to the result
            # of the mention before them.
            if (
                last.key == match.key
                and match.start - last.end <= WINDOW_AFTER
                and _belongs_to_previous(text, last, match)
            ):
                continue
            gap = text[last.end : match.start]
            same = (
                last.key == match.key
                and len(gap) <= _ALIAS_GAP_MAX
                and not _NO_MERGE.search(gap)
                and not _RESULT.search(gap)
            )
            parenthesised = _ALIAS_OPEN.fullmatch(gap) and _ALIAS_CLOSE.match(text, match.end)
            if same or parenthesised:
                mentions[-1] = _Mention(last.start, match.end, last.key)
                continue
        mentions.append(_Mention(match.start, match.end, match.key))
    return mentions


def _belongs_to_previous(text: str, last: _Mention, match: TermMatch) -> bool:
    """Whether a second mention of the same marker is part of the first one's result:
    "HER2/CEP17 ratio", "average HER2 copy number", "(SP263)", "fusion (CD74-ROS1)",
    "BRAF c.1799T>A p.V600E"."""
    if _VALUE_CONTEXT.match(text, match.end) or _CLONE.fullmatch(text, match.start, match.end):
        return True
    if match.key in _FUSION_GENES and (
        _FUSION_NAME.fullmatch(text, match.start, match.end)
        or _FUSION_LEFT.search(text, max(0, match.start - 12), match.start)
    ):
        return True
    if not _VARIANT.fullmatch(text[match.start : match.end]):
        return False
    gap_start = last.end
    return not (
        _LIST_GAP.fullmatch(text, gap_start, match.start)
        or _RESULT.search(text, gap_start, match.start)
        or _CLAUSE_END.search(text, gap_start, match.start)
    )


def _groups(mentions: list[_Mention], text: str) -> list[list[_Mention]]:
    groups: list[list[_Mention]] = []
    for mention in mentions:
        if groups and _LIST_GAP.fullmatch(text, groups[-1][-1].end, mention.start):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    return groups


def _has_line_break(page: AnalyzedPage, start: int, end: int) -> bool:
    original_start, original_end = page.norm.span_to_original(start, end)
    return "\n" in page.page.text[original_start:original_end]


def _tail_end(page: AnalyzedPage, start: int, next_start: int | None) -> int:
    """Where the words that may give a result after position `start` end."""
    text = page.text
    _, sentence_end = page.context.sentence(start)
    limit = min(sentence_end, start + WINDOW_AFTER, len(text))
    if next_start is not None:
        limit = min(limit, next_start)
    clause = _CLAUSE_END.search(text, start, limit)
    if clause:
        return clause.start()
    if next_start is not None and limit == next_start:
        # "..., negative for HER2": the phrase before the next marker is that marker's.
        lead = _LEAD.search(text, start, limit)
        if (
            lead
            and (
                lead.group("prep")
                or lead.group("cue") in _NEGATION_CUES
                or _JOINER_BEFORE.search(text, start, lead.start("cue"))
            )
            and not _has_line_break(page, lead.start("cue"), limit)
        ):
            return lead.start()
    return limit


def _variant_label(key: str, match: re.Match[str]) -> tuple[int, str | None]:
    if match.group("protein"):
        return 0, "p." + _protein_change(match.group("protein"))
    if match.group("three"):
        return 0, "p." + _protein_change(match.group("three"))
    if match.group("bare"):
        return 1, "p." + _protein_change(match.group("bare"))
    exon = match.group("exon") or match.group("short_exon") or match.group("del19")
    kind = (
        match.group("exon_kind")
        or match.group("short_kind")
        or ("del" if match.group("del19") else None)
    )
    name = _EXON_KIND.get(kind[:3]) if kind else _EXON_DEFAULT.get((key, exon))
    return 2, (f"exon {exon} {name}" if name else None)


def _protein_change(change: str) -> str:
    """Write a protein change the way reports do: one-letter codes, "p.V600E", "p.E746_A750del"."""
    parts = _PROTEIN_PARTS.fullmatch(change)
    if parts is None:
        return change.upper()
    out = _amino_acid(parts.group("ref")) + parts.group("pos")
    if parts.group("ref2"):
        out += "_" + _amino_acid(parts.group("ref2")) + parts.group("pos2")
    rest = parts.group("rest")
    if rest.startswith(("del", "dup", "ins", "fs")):
        rest = _TERMINATION.sub("*", rest)
        kind = _CHANGE_KIND.match(rest)
        head = kind.group(0) if kind else ""
        return out + head + rest[len(head) :].upper()
    return out + (_amino_acid(rest) if rest else "")


def _amino_acid(code: str) -> str:
    return _AMINO_ACIDS.get(code, code.upper())


def _methods(
    regions: list[tuple[str, int]],
) -> tuple[str | None, list[_Found]]:
    labels: list[str] = []
    found: list[_Found] = []
    clone: str | None = None
    for text, offset in regions:
        for match in _METHOD.finditer(text):
            label = _METHOD_LABEL[match.lastgroup or ""]
            if label not in labels:
                labels.append(label)
            found.append(_Found(offset + match.start(), offset + match.end(), label))
        clone_match = _CLONE.search(text)
        if clone_match and clone is None:
            clone = clone_match.group("clone").upper()
            found.append(_Found(offset + clone_match.start(), offset + clone_match.end(), clone))
    if clone:
        if "IHC" in labels:
            labels.remove("IHC")
        labels.insert(0, f"IHC {clone}")
    return ("/".join(labels) or None), found


def _percent(match: re.Match[str]) -> str:
    value = match.group("percent").replace("less than ", "<").replace("greater than ", ">")
    return _SPACES.sub("", value.replace("to", "-").replace("\u2013", "-")) + "%"


def _number(value: str) -> float | None:
    digits = _DIGITS.search(value)
    return float(digits.group(0)) if digits else None


class _Scope:
    """The matched term and the words after its group, searched as one text: "PD-L1 TPS" is a
    term and "50%" follows it."""

    def __init__(self, term: str, term_start: int, tail: str, tail_start: int) -> None:
        self.text = f"{term} {tail}"
        self._split = len(term) + 1
        self._term_start = term_start
        self._tail_start = tail_start

    def position(self, start: int, end: int) -> tuple[int, int]:
        def place(offset: int) -> int:
            if offset < self._split:
                return self._term_start + min(offset, self._split - 1)
            return self._tail_start + offset - self._split

        return place(start), max(place(start), place(end))

    def search(self, pattern: re.Pattern[str]) -> tuple[re.Match[str], _Found] | None:
        match = pattern.search(self.text)
        if match is None:
            return None
        return match, _Found(*self.position(match.start(), match.end()), match.group(0))

    def variant(self, key: str) -> _Found | None:
        best: tuple[int, _Found] | None = None
        for match in _VARIANT.finditer(self.text):
            rank, label = _variant_label(key, match)
            if label is not None and (best is None or rank < best[0]):
                best = (rank, _Found(*self.position(match.start(), match.end()), label))
        if best is not None:
            return best[1]
        if key in _FUSION_GENES:
            gene = key.lower()
            for match in _FUSION_PAIR.finditer(self.text):
                left, right = match.group("left"), match.group("right")
                if left.startswith(gene) or right.startswith(gene):
                    label = f"{left.upper()}::{right.upper()}"
                    return _Found(*self.position(match.start(), match.end()), label)
        return None


def _pd_l1(scope: _Scope, result: str | None, used: list[_Found]) -> tuple[str | None, str | None]:
    """Read a PD-L1 score (TPS, CPS, IC); a TPS without a stated result is read as negative
    (<1%), low (1-49%) or high (>=50%), the bands of the KEYNOTE trials."""
    found = scope.search(_PD_L1_SCORE)
    if found is None:
        percent = scope.search(_PERCENT)
        if percent is None:
            return None, result
        used.append(percent[1])
        value = _percent(percent[0])
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


class _Reader:
    """Read one group of markers that share a result, on one page."""

    def __init__(self, page: AnalyzedPage, group: list[_Mention], lead_start: int, tail_end: int):
        self.page = page
        self.group = group
        text = page.text
        self.lead_start = lead_start
        self.lead = text[lead_start : group[0].start]
        self.tail_start = group[-1].end
        self.tail = text[self.tail_start : tail_end]
        self.tail_tokens = _tokens(self.tail, self.tail_start)
        self.lead_match = _LEAD.search(self.lead)
        negation = _LEAD_NEGATION.search(self.lead)
        self.lead_negation = negation.start() if negation else None

    def read(self, mention: _Mention, index: int) -> _Reading | None:
        text = self.page.text
        key = mention.key
        entry = _entries()[key]
        term = text[mention.start : mention.end]
        term_tokens = _tokens(term, mention.start)
        term_aspect = next((token.aspect for token, _, _ in term_tokens if token.aspect), None)
        scope = _Scope(term, mention.start, self.tail, self.tail_start)
        variant = scope.variant(key)
        used: list[_Found] = []
        start = mention.start

        decisive = _decisive(self.tail_tokens)
        # "HER2 IHC 2+, FISH pending", "HER2 testing: IHC 3+": nothing more than the words
        # after the marker may give its result, but a value there still counts.
        only_after = False
        if decisive and decisive.label == "pending":
            decisive, only_after = None, True
        elif decisive is None:
            sign = _SIGN.match(text, mention.end, mention.end + 6)
            if sign:
                polarity = 1 if (sign.group("a") or sign.group("b")) == "+" else -1
                decisive = _Decisive(None, None, polarity, sign.start(), sign.end())
            else:
                only_after = not self.tail_tokens and bool(_TEST_NOUN.match(self.tail))
        if decisive is None and self.lead_match and not only_after:
            decisive = self._lead_decisive()
            if decisive:
                start = min(start, decisive.start)
        elif decisive and decisive.sign > 0 and self.lead_negation is not None:
            # "No EGFR mutation was identified."
            decisive = _Decisive(None, decisive.aspect, -1, decisive.start, decisive.end)
            start = min(start, self.lead_start + self.lead_negation)
        if decisive is None and not only_after:
            decisive = _decisive(term_tokens)
            if decisive and decisive.label is None and not decisive.sign:
                decisive = None
            if decisive is None and term_aspect:
                decisive = _Decisive(None, term_aspect, 1, mention.start, mention.end)
        if decisive is None and variant and not only_after:
            kind = _FUSION if "::" in variant.text else _MUTATION
            decisive = _Decisive(None, kind, 1, variant.start, variant.end)
        if _DEFINITION.search(self.tail) or len(set(_SCALE_ENTRY.findall(self.tail))) >= 2:
            return None
        if decisive and self._generic(decisive, mention):
            return None

        aspect = term_aspect
        if aspect is None and variant:
            aspect = _FUSION if "::" in variant.text else _MUTATION
        result = _label(decisive, aspect) if decisive else None
        if decisive:
            used.append(_Found(decisive.start, decisive.end, ""))
        if result and key in _RELABEL:
            result = _RELABEL[key].get(result, result)
        elif result and entry.kind == "protein":
            result = _PROTEIN_RESULTS.get(result, result)  # "receptors found in 75%"
        value, result = self._value(key, entry.kind, scope, result, used, index)
        if variant:
            used.append(variant)
        regions = [
            (self.lead, self.lead_start),
            (term, mention.start),
            (self.tail, self.tail_start),
        ]
        method, method_found = _methods(regions)
        used.extend(found for found in method_found if found.start >= mention.start)
        if value is None and key in _GERMLINE_GENES:
            origin = _ORIGIN.search(f"{self.lead} {term} {self.tail}")
            if origin:
                word = origin.group("origin")
                value = {"gbrca": "germline", "sbrca": "somatic"}.get(word, word)
        if result is None and value is None:
            return None
        if entry.kind == "serum" and value is None and result not in _SERUM_RESULTS:
            return None
        end = max([mention.end, *(found.end for found in used)])
        return _Reading(result, value, variant.text if variant else None, method, start, end)

    def _generic(self, decisive: _Decisive, mention: _Mention) -> bool:
        """Whether the words that give the result make a general statement, not a finding."""
        text = self.page.text
        if decisive.start >= mention.end:
            return bool(_GENERIC.search(text, mention.end, decisive.start))
        if _DEFINITION_BEFORE.search(self.lead):
            return True
        return bool(_GENERIC.search(text, decisive.end, mention.start))

    def _lead_decisive(self) -> _Decisive | None:
        match = self.lead_match
        if match is None:
            return None
        phrase_end = match.end("prep") if match.group("prep") else match.end()
        tokens = _tokens(self.lead[match.start() : phrase_end], self.lead_start + match.start())
        decisive = _decisive(tokens)
        if decisive and decisive.label != "pending":
            negation = any(token.sign < 0 and not token.label for token, _, _ in tokens)
            if negation and decisive.sign > 0:
                decisive = _Decisive(None, decisive.aspect, -1, decisive.start, decisive.end)
            return decisive
        if _PRESENCE_VERB.match(match.group("cue")):
            return _Decisive(
                None, None, 1, self.lead_start + match.start(), self.lead_start + match.end("cue")
            )
        return None

    def _value(
        self,
        key: str,
        kind: str,
        scope: _Scope,
        result: str | None,
        used: list[_Found],
        index: int,
    ) -> tuple[str | None, str | None]:
        """Return (value, result) for the marker; some results follow from the value."""
        if key == "HER2":
            return self._her2(scope, result, used)
        if kind == "serum":
            return self._serum(result, used)
        if key == "PD-L1":
            return _pd_l1(scope, result, used)
        if key == "TMB":
            found = scope.search(_TMB)
            if found is None:
                return None, result
            match, position = found
            used.append(position)
            tmb = match.group("tmb")
            return f"{tmb} mut/Mb", result or ("high" if float(tmb) >= 10 else "low")
        if key == "HRD":
            found = scope.search(_HRD_SCORE)
            if found is None:
                return None, result
            used.append(found[1])
            return f"score {found[0].group('score')}", result
        if kind in ("gene", "signature"):
            found = scope.search(_VAF)
            if found is None:
                return None, result
            used.append(found[1])
            return f"VAF {found[0].group('vaf') or found[0].group('vaf2')}%", result
        return self._protein(key, result, used, index)

    def _protein(
        self, key: str, result: str | None, used: list[_Found], index: int
    ) -> tuple[str | None, str | None]:
        tail, offset = self.tail, self.tail_start
        percents = list(_PERCENT.finditer(tail))
        percent: re.Match[str] | None = None
        if percents:
            if (
                len(self.group) > 1
                and len(percents) == len(self.group)
                and (
                    _RESPECTIVELY.search(tail)
                    or "/" in tail[percents[0].end() : percents[-1].start()]
                )
            ):
                percent = percents[index]  # "ER and PR 90% and 80%, respectively"
            elif len(self.group) == 1 or len(percents) == 1:
                percent = percents[0]
        parts: list[str] = []
        if percent:
            parts.append(_percent(percent))
            used.append(_Found(offset + percent.start(), offset + percent.end(), ""))
        allred = _ALLRED.search(tail)
        if allred and key in ("ER", "PR", "HR"):
            parts.append(f"Allred {allred.group('score') or allred.group('score2')}/8")
            used.append(_Found(offset + allred.start(), offset + allred.end(), ""))
        if not parts and key in ("ER", "PR", "HR"):
            intensity = _INTENSITY.search(tail)
            if intensity:
                parts.append(intensity.group("intensity").replace("ly", ""))
                used.append(_Found(offset + intensity.start(), offset + intensity.end(), ""))
        value = ", ".join(parts) or None
        if result is None and percent and key in ("ER", "PR", "HR", "AR"):
            number = _number(percent.group("percent"))
            if number is not None:
                below = "<" in percent.group("percent") or "less" in percent.group("percent")
                result = "negative" if number < 1 or (below and number <= 1) else "positive"
        return value, result

    def _her2(
        self, scope: _Scope, result: str | None, used: list[_Found]
    ) -> tuple[str | None, str | None]:
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
            for token, _, _ in self.tail_tokens:
                if token.aspect == _AMPLIFICATION and token.sign:
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
            result = "low"
        elif score == "0":
            result = "ultralow" if result == "ultralow" else "negative"
        return (", ".join(parts) or None), result

    def _serum(self, result: str | None, used: list[_Found]) -> tuple[str | None, str | None]:
        tail, offset = self.tail, self.tail_start
        if _SERUM_SKIP.match(tail):
            return None, None
        dates = find_dates(tail)
        number: re.Match[str] | None = None
        for match in _SERUM_VALUE.finditer(tail):
            if any(d.start < match.end("number") and match.start() < d.end for d in dates):
                continue  # a number inside "03/12/2024"
            if match.group("unit") or match.start() <= 25:
                number = match
            break
        if number is None:
            return None, result
        trend = _SERUM_TO.match(tail, number.end())
        later = _SERUM_VALUE.match(tail, trend.end()) if trend else None
        if later and later.group("number").strip():
            number = later  # "rose from 35 to 120 U/mL": the latest value
        used.append(_Found(offset + number.start(), offset + number.end(), ""))
        value = number.group("number").replace(" ", "")
        if number.group("unit"):
            value += " " + _SERUM_UNITS[number.group("unit")]
        when = min(
            dates,
            key=lambda d: min(abs(d.start - number.end()), abs(number.start() - d.end)),
            default=None,
        )
        if when is not None:
            used.append(_Found(offset + when.start, offset + when.end, ""))
        else:
            lead_dates = find_dates(self.lead)
            when = lead_dates[-1] if lead_dates else None
        if when is not None:
            value += f" on {when.date.isoformat()}"
        return value, result


def _confidence(page: AnalyzedPage, position: int, reading: _Reading) -> float:
    base = 0.85 if reading.result else 0.7
    section = page.section(position)
    if section is SectionKind.addendum:
        base += 0.05  # an addendum reports the final result of a test pending in the report
    elif section is SectionKind.comment:
        base -= 0.1  # comments quote method notes and scoring rules as well as results
    return base


def _fact(page: AnalyzedPage, key: str, reading: _Reading, start: int, end: int) -> BiomarkerFact:
    flags = page.flags(start, end, ignore=frozenset({"negated"}))
    return BiomarkerFact(
        marker=_entries()[key].label,
        result=reading.result,
        value=reading.value,
        method=reading.method,
        variant=reading.variant,
        evidence=page.evidence(reading.start, reading.end),
        confidence=page.confidence(_confidence(page, start, reading), flags),
        origin=page.origin,
        **flags.as_dict(),
    )


def _page_biomarkers(page: AnalyzedPage) -> list[BiomarkerFact]:
    text = page.text
    facts: list[BiomarkerFact] = []
    groups = _groups(_mentions(page), text)
    consumed = 0
    for number, group in enumerate(groups):
        next_start = groups[number + 1][0].start if number + 1 < len(groups) else None
        sentence_start, _ = page.context.sentence(group[0].start)
        lead_start = max(sentence_start, consumed, group[0].start - WINDOW_BEFORE)
        tail_end = _tail_end(page, group[-1].end, next_start)
        reader = _Reader(page, group, lead_start, tail_end)
        consumed = group[-1].end
        for index, mention in enumerate(group):
            reading = reader.read(mention, index)
            if reading is None:
                continue
            consumed = max(consumed, reading.end)
            facts.append(_fact(page, mention.key, reading, mention.start, mention.end))
    matches = _TRIPLE_NEGATIVE.finditer(text) if "triple" in text else ()
    for match in matches:
        # "Triple-negative" states three results at once.
        for key in ("ER", "PR", "HER2"):
            reading = _Reading("negative", None, None, None, match.start(), match.end())
            facts.append(_fact(page, key, reading, match.start(), match.end()))
    return facts


def extract_biomarkers(pages: list[AnalyzedPage]) -> list[BiomarkerFact]:
    """Return every biomarker result on the pages, asserted or not, each with its evidence."""
    facts: list[BiomarkerFact] = []
    for page in pages:
        facts.extend(_page_biomarkers(page))
    return facts
