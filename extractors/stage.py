"""Stage: TNM categories, the AJCC (or FIGO) stage group, and the group derived when unstated.

Most pathology reports give pT and pN and rarely M or the group; when the group is missing it
is derived from the site's AJCC table (`stage_groups`), marked `derived` and sent for review,
with every assumption written out.

Reports are OCR'd and flattened, so TNM is read as it is written there: glued ("pT2N0MX"),
spaced ("pT 2 N 1a"), with OCR letters for digits ("pNO", "pTla", "pTIc"), with UICC
descriptors between the categories ("pT2 pN0 L0 V0 R0"), or as synoptic lines whose label
and value sit apart ("Primary Tumor (pT): pT3: Tumor more than 4 cm ... Regional Lymph Nodes
(pN): pN1b").

In order of preference the stage is: a stated pathologic AJCC group; else the group derived from
the first complete pathologic TNM statement; else a clinical or FIGO group; else, when the report
states no T at all, the group derived from a T read from the findings (tumour size, depth or
extension, per chapter). A missing N is read from the lymph node counts where the site's N is a
count, taken as N1 (the lowest category, as AJCC advises when in doubt) where involved nodes are
reported but what fixes N there (their location or size) is not read, and assumed N0 when no
node is reported; a missing M is M1 when a distant organ shows metastatic tumour and assumed M0
otherwise.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from collections.abc import Iterator

from extractors.document import AnalyzedPage
from extractors.sections import SectionKind
from extractors.stage_groups import chapter_for, derive_group
from models.schemas import DiagnosisFact, StageFact

# --- reading TNM -------------------------------------------------------------------------------

_PREFIX = r"(?:yp|yc|rp|p|c|r|y)"
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
    rf"(?P<prefix>{_PREFIX})?\s?(?P<axis>[tnm]|{_OCR_N})(?:(?<=[tn])\s)?(?P<value>is|x|[0-4]|[oil]|a)"
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

ATTACH_GAP = 300  # characters between a T and the N or M line of the same synoptic block
SHORT_GAP = 40  # characters between a T and an unprefixed N or M of the same statement
GROUP_GAP = 60  # characters between a stated group and the TNM it summarises


@dataclasses.dataclass(frozen=True)
class _Category:
    start: int
    end: int
    prefix: str
    axis: str
    label: str  # "T2a", "N0(i+)", "MX" without the prefix

    def written(self, default_prefix: str = "") -> str:
        return f"{self.prefix or default_prefix}{self.label}"


@dataclasses.dataclass
class _Statement:
    """One TNM statement: a T and the N and M written with it."""

    start: int
    end: int
    t: _Category
    n: _Category | None = None
    m: _Category | None = None
    group: _Group | None = None
    in_history: bool = False  # written in the clinical history: the clinical stage

    @property
    def prefix(self) -> str:
        return self.t.prefix or (self.n.prefix if self.n else "")

    @property
    def clinical(self) -> bool:
        return self.prefix in ("c", "yc") or (self.in_history and not self.prefix)


@dataclasses.dataclass(frozen=True)
class _Group:
    start: int
    end: int
    label: str  # "IIB"
    system: str  # "AJCC" or "FIGO"
    clinical: bool


@dataclasses.dataclass
class _Reading:
    """Everything a page says about stage."""

    statements: list[_Statement] = dataclasses.field(default_factory=list)
    groups: list[_Group] = dataclasses.field(default_factory=list)
    apart: list[_Category] = dataclasses.field(default_factory=list)  # N and M written without a T


def _categories(text: str, start: int, end: int) -> list[_Category]:
    found: list[_Category] = []
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
        suffix = match.group("suffix").replace(" ", "")
        if suffix[:1] in ("l", "i") and suffix[1:2].isalpha():
            suffix = suffix[1:]
        label = f"{axis.upper()}{value.upper() if value == 'x' else value}{suffix}"
        found.append(_Category(match.start(), match.end(), prefix or "", axis, label))
    return found


def _is_template_label(text: str, category: _Category) -> bool:
    before = text[max(0, category.start - 6) : category.start]
    return bool(_LABEL_AFTER.match(text, category.end) or _LABEL_BEFORE.search(before))


def _read_tnm(text: str) -> tuple[list[_Statement], list[_Category]]:
    """The TNM statements of a text, and the prefixed N and M categories written apart from any
    T ("... is positive for metastatic carcinoma [AJCC pN1mi (sn)]")."""
    statements: list[_Statement] = []
    apart: list[_Category] = []
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
                    statements.append(_Statement(category.start, category.end, category))
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
        t = _Category(match.start("t"), match.end("t"), "", "t", f"T{match.group('t').upper()}")
        statement = _Statement(match.start(), match.end(), t)
        statement.n = _Category(
            match.start("n"), match.end("n"), "", "n", f"N{match.group('n').upper()}"
        )
        if match.group("m"):
            statement.m = _Category(
                match.start("m"), match.end("m"), "", "m", f"M{match.group('m').upper()}"
            )
        statements.append(statement)
    statements.sort(key=lambda s: s.start)
    return _without_definition_lists(text, statements), apart


_DEFINED = re.compile(r"\s?[:=]")
DEFINITION_SPAN = 200  # characters over which a template lists its T categories


def _without_definition_lists(text: str, statements: list[_Statement]) -> list[_Statement]:
    """Drop templates that define every category ("T1: submucosa. T2: muscularis propria")."""
    defined = [s for s in statements if _DEFINED.match(text, s.t.end)]
    listed: set[int] = set()
    for first, second in itertools.pairwise(defined):
        if second.start - first.start <= DEFINITION_SPAN and first.t.label != second.t.label:
            listed.update((id(first), id(second)))
    return [s for s in statements if id(s) not in listed]


def _attach(statement: _Statement, category: _Category) -> None:
    """Give the statement its first N and first M (a later "Pn0" is perineural invasion)."""
    if category.axis == "n" and statement.n is None:
        statement.n = category
    elif category.axis == "m" and statement.m is None:
        statement.m = category
    else:
        return
    statement.end = max(statement.end, category.end)


# --- reading the stated group ----------------------------------------------------------------

_GROUP = re.compile(
    r"stage(?:\s+group(?:ing)?)?(?:\s*\([^)]{0,30}\))?\s*(?:is|of|:|=|-)?\s*(?:stage\s*)?"
    r"(?P<group>iv|iii|ii|i|[0-4])(?P<sub>[a-c][12]?)?(?![a-z0-9])"
)
# "fibrosis (stage 3)", "chronic hepatitis, grade 2, stage 2": liver fibrosis, not cancer stage.
_FIBROSIS_NEAR = re.compile(r"fibros|hepatitis|cirrho|steato|ishak|batts|metavir|scheuer|ludwig")
_NOT_CANCER_BEFORE = re.compile(r"(?:\b[tnm]\s?|node\s|\bin\s)\W{0,15}$")
_NOT_CANCER_AFTER = re.compile(r"\s*(?:[-/]\s*\d|of\s+\d)")
_POPULATION_AFTER = re.compile(r"[^.]{0,60}\bpatients\b")
_FIGO_BEFORE = re.compile(r"figo\W{0,20}(?:\(\d{4}\)\W{0,5})?(?:stage\w*)?\W{0,5}$")
_CLINICAL_BEFORE = re.compile(r"(?:clinical|\bc)\W{0,3}$")
_ROMAN_BY_DIGIT = {"1": "I", "2": "II", "3": "III", "4": "IV", "0": "0"}


def _read_groups(page: AnalyzedPage) -> list[_Group]:
    text = page.text
    groups = []
    for match in _GROUP.finditer(text):
        if match.start() and text[match.start() - 1].isalnum():
            continue  # "substage"; checked here so the scan keeps its fast literal start
        before = text[max(0, match.start() - 40) : match.start()]
        if _NOT_CANCER_BEFORE.search(before) or _NOT_CANCER_AFTER.match(text, match.end()):
            continue
        if _FIBROSIS_NEAR.search(text, max(0, match.start() - 50), match.end() + 30):
            continue
        if _POPULATION_AFTER.match(text, match.end()):
            continue  # "used to predict survival in stage II, node-positive ... patients"
        flags = page.flags(match.start(), match.end(), ignore=frozenset({"negated"}))
        if flags.hypothetical or flags.family or flags.historical:
            continue
        figo = bool(_FIGO_BEFORE.search(before))
        numeral = match.group("group")
        label = _ROMAN_BY_DIGIT.get(numeral, numeral.upper()) + (match.group("sub") or "").upper()
        clinical = bool(_CLINICAL_BEFORE.search(before)) or (
            page.section(match.start()) is SectionKind.clinical_history
        )
        groups.append(
            _Group(match.start(), match.end(), label, "FIGO" if figo else "AJCC", clinical)
        )
    return groups


# --- edition and other inputs ------------------------------------------------------------------

_EDITION_ORDINAL = re.compile(r"[5-8]\s?(?:st|nd|rd|th)\W{0,3}(?:ed\b|edition|addition)")
_EDITION_YEAR = re.compile(
    r"(?:ajcc|uicc|tnm)\W{1,30}?(?:\w+\W+){0,3}?(?P<year>19\d\d|20[0-2]\d)\b"
)
_EDITION_BY_YEAR = {1997: 5, 2002: 6, 2009: 7, 2010: 7, 2017: 8, 2018: 8}
_AGE = re.compile(r"(?<![0-9])(?P<age>\d{1,3})[- ]?(?:year|yr)s?[- ]old\b")
_AGE_THRESHOLD = re.compile(r"(?:than|under|over|above|below)\s$")


def _edition(text: str) -> int | None:
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
            edition = _EDITION_BY_YEAR.get(int(year.group("year"))) if year else None
            if edition:
                found.append((position, edition))
                break
            position = text.find(keyword, position + 1)
    return min(found)[1] if found else None


def _age_or_account(text: str, patient_age: int | None) -> tuple[int | None, list[str]]:
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


# --- lymph node counts ------------------------------------------------------------------------

_WORD_NUMBERS = {
    "no": 0, "none": 0, "zero": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip
_NUM = (
    r"(?:\d{1,3}|no|none|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)(?:\s?\(\d{1,3}\))?"
)
_NODE = r"(?:lymph\s?)?nod(?:e|es|al)\b"
_WORDS = r"(?:[a-z0-9-]+[,.)]?\s){0,3}?"
_NEGATIVE = (
    r"(?:negative|benign|free\sof|without|uninvolved|reactive|no\s(?:evidence|tumou?r|metasta"
    r"|malignan|carcinoma|neoplas))"
)
_POSITIVE = r"(?:positive|involved|with\s(?:metasta|carcinoma|tumou?r)|metastatic)"
# OCR ends each line with ". ", so a stop may follow a count written as a word ("two. lymph
# nodes involved"); after digits it more often ends a synoptic field ("received: 10. Total").
_LINE_END = r"(?:(?<=[a-z])\.)?"
# Each pattern gives (positive, examined): "(2/15)" beside a node, "one of eight lymph nodes",
# "four lymph nodes, negative", "no metastasis in 37 axillary lymph nodes", synoptic counts.
_NODE_COUNTS = re.compile(
    # The lookarounds only make the scan fast: a count starts a word with one of these.
    rf"(?<![a-z0-9])(?=[\d#acefmnostz])(?:"
    rf"(?P<f_pos>\d{{1,2}}|o)\s?/\s?(?P<f_tot>\d{{1,3}})(?![\d/])"
    rf"|\b(?P<o_pos>{_NUM})\s(?:of|out\sof)\s(?:the\s)?(?P<o_tot>{_NUM})\s{_WORDS}{_NODE}"
    rf"|\b(?:all\s)?(?P<n_tot>{_NUM})\s(?:{_NEGATIVE}\s)?{_WORDS}{_NODE}s?[,:;]?\s?"
    rf"(?:\([^)]{{0,20}}\)\s)?(?:(?:is|are|were|all)\s)?{_NEGATIVE}"
    rf"|\b(?P<b_tot>{_NUM})\s(?:benign|negative|reactive|uninvolved)\s{_WORDS}{_NODE}"
    rf"|\bno\s(?:evidence\sof\s)?(?:metasta\w*|tumou?r|carcinoma|malignancy)\s{_WORDS}in\s"
    rf"(?:all\s|the\s)?(?P<i_tot>{_NUM})\s{_WORDS}{_NODE}"
    rf"|\b(?P<p_pos>{_NUM}){_LINE_END}\s{_WORDS}{_NODE}s?\s(?:\w+\s){{0,2}}?{_POSITIVE}"
    rf"|(?:metasta\w*|carcinoma)\s{_WORDS}in\s(?P<m_pos>{_NUM}){_LINE_END}\s{_WORDS}{_NODE}"
    rf"|(?:number|no\.|#)\s(?:of\s)?(?:regional\s|sentinel\s|axillary\s)?(?:lymph\s)?"
    rf"nodes?\s(?:examined|identified|recovered|retrieved|harvested|sampled|found)"
    rf"\W{{0,4}}(?:is\s)?(?P<s_tot>{_NUM})"
    rf"|(?:number|no\.|#)\s(?:of\s)?(?:(?:positive|involved|metastatic)\s)?(?:regional\s)?"
    rf"(?:lymph\s)?nodes?\s?(?:(?:involved|positive)(?:\sby\s\w+)?|with\s(?:metasta\w*"
    rf"(?:\sdisease)?|macrometasta\w*))?\W{{0,4}}(?:is\s)?(?P<s_pos>{_NUM})"
    rf"|(?:number|total)\s(?:examined)\W{{0,4}}(?P<e_tot>{_NUM})"
    rf"|(?:number|total)\s(?:involved|positive|with\smetasta\w*)\W{{0,4}}(?P<e_pos>{_NUM})"
    # Metastasis in matted nodes: nodes fused by tumour, so two or more are involved.
    r"|(?:metasta\w*|carcinoma)\W{1,2}(?:[\w-]+\W{1,2}){0,4}?(?:involving|in|within|replacing)"
    r"\W{1,2}(?:a\W{1,2})?(?P<matted>matted)\W{1,2}(?:mass\W{1,2}of\W{1,2})?(?:[\w-]+\W{1,2}){0,5}?"
    r"(?:lymph\W{1,2})?nodes\b"
    r")"
)
# A fraction is a node count only beside a node; "Nottingham score 8/9" or "tubules 3/3" is not.
_FRACTION_CONTEXT = re.compile(r"nod|\bln|lymph")
_NOT_NODE_BEFORE = re.compile(
    r"(?:score|tubul\w*|nucle\w*|mitos\w*|mitotic|pleomorph\w*|grade|allred|gleason|hpf"
    r"|\ber|\bpr|her2\w*|ki-?67|margin\w*|block\w*|slides?|cores?)\W{0,12}$"
)
_NEGATIVE_AFTER_FRACTION = re.compile(
    rf"\)?\s(?:(?:regional|axillary|sentinel)\s)?(?:lymph\s)?nodes?\W{{1,3}}{_NEGATIVE}"
)
_NEGATED_COUNT = re.compile(r"\b(?:no|not|without|negative|free\sof)\b(?:(?!\s-\s|\d\.\s)[^;:])*$")
_NO_NODES = re.compile(
    r"no\s(?:regional\s)?(?:lymph\s)?nodes?\s(?:are\s|were\s)?(?:identified|submitted|present"
    r"|found|received|recovered|seen)|lymph\snodes?\W{0,3}(?:none|not)\s(?:identified|submitted"
    r"|present|found|received|sampled)"
)


@dataclasses.dataclass(frozen=True)
class _NodeCount:
    """What a report says about its regional lymph nodes, as counts."""

    positive_max: int  # the largest single count of involved nodes
    positive_sum: int  # every count of involved nodes added up (specimens reported apart)
    mentions: int  # counts read
    none_examined: bool  # "no lymph nodes identified"
    lung_stations: tuple[str | None, ...] = ()  # lung N of each involved-node count, if named


# Lung N is fixed by where the involved nodes are, which reports name by station or region:
# hilar, peribronchial and intrapulmonary (stations 10-14) are N1; mediastinal and subcarinal
# (2-9) N2; contralateral, scalene and supraclavicular N3.
_LUNG_STATION = re.compile(
    r"(?P<n3>supraclavicular|scalene|contralateral)"
    r"|(?P<n1>hilar|hilum|peribronchial|interlobar|intralobar|lobar|segmental|intrapulmonary"
    r"|(?:station|level|#)\s?#?\s?(?:r-?|l-?)?1[0-4]|\b1[0-4]\s?[rl]\b"
    # Stations are also written in Roman numerals: "level XI" (10-14 are N1, 2-9 N2).
    r"|(?:station|level)\s(?:xi{0,3}|xiv)\b)"
    r"|(?P<n2>mediastin\w*|subcarinal|carinal|paratracheal|pretracheal|aorto-?pulmonary"
    # "AP window" is the aortopulmonary window, station 5.
    r"|\ba\.?p\.?\swindow|para-?aortic|paraesophageal|pulmonary\sligament|prevascular"
    r"|(?:station|level|#)\s?#?\s?(?:r-?|l-?)?[2-9]\b|\b[2-9]\s?[rl]\b"
    r"|(?:station|level)\s(?:ii|iii|iv|v|vi|vii|viii|ix)\b)"
)


def _number(raw: str | None) -> int | None:
    if raw is None:
        return None
    word = raw.split("(")[0].strip()
    return int(word) if word.isdigit() else _WORD_NUMBERS.get(word)


NODE_WINDOW = 160  # characters around a node word where its counts are written


def _near_word(
    pattern: re.Pattern[str], text: str, word: str, window: int
) -> Iterator[re.Match[str]]:
    """Matches of a pattern in the stretches of text around a word. What a pattern reads is
    always written near its word, and scanning only there is much faster."""
    windows: list[tuple[int, int]] = []
    position = text.find(word)
    while position != -1:
        start, end = max(0, position - window), position + len(word) + window
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
        position = text.find(word, position + 1)
    for start, end in windows:
        yield from pattern.finditer(text, start, end)


def _read_node_counts(text: str) -> _NodeCount | None:
    positives: list[int] = []
    stations: list[str | None] = []
    fractions: set[tuple[int, int]] = set()
    for match in _near_word(_NODE_COUNTS, text, "nod", NODE_WINDOW):
        kind = match.lastgroup or ""
        if match.group("f_pos") is not None:
            near = text[max(0, match.start() - 60) : match.end() + 40]
            before = text[max(0, match.start() - 25) : match.start()]
            if not _FRACTION_CONTEXT.search(near) or _NOT_NODE_BEFORE.search(before):
                continue
            positive, total = _number(match.group("f_pos")), _number(match.group("f_tot"))
            if _NEGATIVE_AFTER_FRACTION.match(text, match.end()):
                # "11/11 lymph nodes, negative": the nodes counted are the negative ones.
                if positive not in (0, total):
                    continue  # "2/11 nodes negative" could be read either way
                positive = 0
        elif match.group("o_pos") is not None:
            positive, total = _number(match.group("o_pos")), _number(match.group("o_tot"))
        elif kind in ("n_tot", "b_tot", "i_tot"):
            positive, total = 0, _number(match.group(kind))
        elif kind in ("p_pos", "m_pos", "s_pos", "e_pos"):
            positive, total = _number(match.group(kind)), None
        elif kind == "matted":
            positive, total = 2, None
        else:
            continue  # a number examined says nothing about involvement
        if positive is None or (total is not None and (positive > total or total == 0)):
            continue
        # "no evidence of. metastasis in 7 lymph nodes": OCR stops do not end the negation.
        if (
            positive
            and kind not in ("s_pos", "e_pos")
            and _NEGATED_COUNT.search(text, max(0, match.start() - 40), match.start())
        ):
            continue
        # A synoptic summary repeats the diagnosis's fraction ("2/10 positive (paraesophageal
        # 2/10)"): the same involved/examined pair twice is one count, not two specimens.
        if positive and total is not None:
            if (positive, total) in fractions:
                continue
            fractions.add((positive, total))
        positives.append(positive)
        if positive:
            stations.append(_lung_station(text, match.start(), match.end()))
    none_examined = next(_near_word(_NO_NODES, text, "nod", 40), None) is not None
    if not positives and not none_examined:
        return None
    return _NodeCount(
        max(positives, default=0), sum(positives), len(positives), none_examined, tuple(stations)
    )


def _lung_station(text: str, start: int, end: int) -> str | None:
    """The lung N of the station named by the count itself or last named before it."""
    sites = list(_LUNG_STATION.finditer(text, max(0, start - 120), end))
    if not sites:
        return None
    return {"n1": "N1", "n2": "N2", "n3": "N3"}[sites[-1].lastgroup or ""]


# Regional node counts that fix N, per chapter: (fewest involved nodes, N category), 7th edition;
# a chapter listed for edition 6 counts differently there. Where the category depends on where
# the nodes are (lung, head and neck, mesothelioma) it is left open.
_N_BY_COUNT: dict[tuple[str, int], tuple[tuple[int, str], ...]] = {
    ("breast", 7): ((1, "N1"), (4, "N2"), (10, "N3")),
    ("colorectal", 7): ((1, "N1a"), (2, "N1b"), (4, "N2a"), (7, "N2b")),
    ("stomach", 7): ((1, "N1"), (3, "N2"), (7, "N3a"), (16, "N3b")),
    ("stomach", 6): ((1, "N1"), (7, "N2"), (16, "N3")),
    ("esophagus", 7): ((1, "N1"), (3, "N2"), (7, "N3")),
    ("esophagus_adenocarcinoma", 7): ((1, "N1"), (3, "N2"), (7, "N3")),
    ("esophagus_squamous", 7): ((1, "N1"), (3, "N2"), (7, "N3")),
    ("pancreas", 7): ((1, "N1"),),
    ("pancreas", 8): ((1, "N1"), (4, "N2")),
    ("pancreas_neuroendocrine", 7): ((1, "N1"),),
    ("kidney", 7): ((1, "N1"),),
    ("kidney", 6): ((1, "N1"), (2, "N2")),
    ("liver", 7): ((1, "N1"),),
    ("intrahepatic_bile_duct", 7): ((1, "N1"),),
    ("bladder", 7): ((1, "N1"), (2, "N2")),
    ("melanoma", 7): ((1, "N1"), (2, "N2"), (4, "N3")),
    ("adrenal_cortical", 7): ((1, "N1"),),
    ("uveal_melanoma", 7): ((1, "N1"),),
    # Thyroid: any involved regional node is N1; where it lies makes N1a or N1b.
    ("thyroid", 7): ((1, "N1"),),
    ("thyroid_medullary", 7): ((1, "N1"),),
    ("thyroid_anaplastic", 7): ((1, "N1"),),
    # Head and neck: one node may be N1, N2a or N3 (by size and side, not read here, so it is
    # left open and taken as N1 when in doubt); two or more are N2b, N2c or N3, all stage IV,
    # and "N2" stands for them.
    ("oral_cavity", 7): ((2, "N2"),),
    ("oropharynx", 7): ((2, "N2"),),
    ("hypopharynx", 7): ((2, "N2"),),
    ("larynx", 7): ((2, "N2"),),
}


def _n_by_count(chapter: str, edition: int, positive: int) -> str | None:
    steps = _N_BY_COUNT.get((chapter, edition)) or _N_BY_COUNT.get((chapter, 7))
    if steps is None:
        return None
    return next((category for least, category in reversed(steps) if positive >= least), None)


def _n_options(
    chapter: str, edition: int, n: str | None, nodes: _NodeCount | None
) -> tuple[list[str], list[str]]:
    """The N categories to group over, with what was assumed to get them."""
    if n is not None and n.upper() != "NX":
        return [n], []
    written = "NX stated" if n else "no N category stated"
    if nodes is not None and nodes.mentions and nodes.positive_max == 0:
        return ["N0"], [f"{written}: N0 read from the lymph node counts (no involved node)"]
    stations = nodes.lung_stations if nodes is not None else ()
    if chapter == "lung" and stations and None not in stations:
        ns = [max(s or "" for s in stations)]
        return ns, [f"{written}: {ns[0]} read from the stations of the involved lymph nodes"]
    if nodes is not None and nodes.positive_max > 0:
        counts = sorted({nodes.positive_max, nodes.positive_sum})
        options = [_n_by_count(chapter, edition, count) for count in counts]
        if None in options:
            # AJCC and UICC: when in doubt between two categories, assign the lower one.
            return ["N1"], [
                f"{written}: involved lymph nodes are reported, but not what fixes N here "
                "(where they are, or their size); N1, the lowest category for involved nodes, "
                "was assigned, as AJCC rules advise when in doubt"
            ]
        ns = sorted({o for o in options if o is not None})
        return ns, [f"{written}: {'/'.join(ns)} read from the count of involved lymph nodes"]
    examined = (
        "no regional lymph node was examined"
        if nodes and nodes.none_examined
        else ("no lymph node count was read")
    )
    return ["N0"], [
        f"{written} and {examined}: N0 assumed, as pathologists group such cases with the "
        "clinical N, which is usually cN0"
    ]


# --- T from the findings ----------------------------------------------------------------------
# Most reports give no TNM at all, but describe what fixes T: the tumour's greatest dimension
# and how far it extends. Each rule below is the AJCC 7th edition T definition of its chapter,
# read as pathologists write it; a T read this way is reported with the finding it rests on.

_MEASURE = r"\d{1,2}(?:[.,]\d{1,2})?"
_DIMENSIONS = rf"(?P<dims>{_MEASURE}(?:\s?(?:x|by)\s?{_MEASURE}){{0,2}})\s?(?P<unit>cm|mm)\b"
# OCR misreads the m of "carcinoma" as n ("carcinona").
_TUMOUR = r"(?:tumou?r|mass|carcino[mn]a|neoplasm|lesion|nodule)"
_SIZES = (
    # "Tumor size: 3.5 x 2 cm", "greatest dimension: 4.2 cm"
    re.compile(
        rf"(?P<label>tumou?r\s(?:size|diameter)|size\sof\s(?:the\s)?tumou?r|(?:greatest|maximum|largest)\s"
        rf"(?:tumou?r\s)?(?:dimension|diameter))[^:0-9]{{0,30}}:?\s?"
        rf"(?:greatest\sdimension\W{{0,3}})?(?:is\s|of\s|measures\s)?"
        rf"(?:approximately\s|approx\.?\s|about\s|up\sto\s)?{_DIMENSIONS}"
    ),
    # "carcinoma, clear cell type, 4.2 cm", "renal cell carcinoma (7.0 cm maximum dimension)"
    re.compile(rf"{_TUMOUR}[,;/]{{0,2}}\s(?:(?:[a-z0-9/-]+[,;]?\s){{0,6}}?)\(?{_DIMENSIONS}"),
    # "a 2.5 x 2.2 x 2.1 cm mass", "a 7.0 x 5.5 cm well circumscribed tumor"; a list of
    # features may follow the size ("6.0 cm, tan-brown, soft, well-circumscribed tumor") and an
    # OCR line end may fall before the noun ("a 4.5 cm round tan. tumor").
    re.compile(rf"{_DIMENSIONS}\)?,?\s(?:[a-z-]+(?:,\.?)?\s){{0,4}}?(?:[a-z-]+\.\s)?{_TUMOUR}"),
)
# A size beside one of these measures something else: the specimen, a margin, a node.
_NOT_TUMOUR_SIZE = re.compile(
    r"node|margin|specimen|from\s|within|distance|away|cassette|block|fragment|aggregate|piece"
    r"|lobe\b|gland|kidney|breast|resection|portion|segment|cyst|liver|lung|stomach|colon"
)
_AFTER_MARGIN = re.compile(
    r"\)?\s?(?:from|away|to\s(?:the\s)?\w*\s?margin|of\s(?:the\s)?\w*\s?margin)"
)


@dataclasses.dataclass(frozen=True)
class _Finding:
    start: int
    end: int
    category: str  # T category
    reason: str  # what was read, in words


def _tumour_size(text: str) -> tuple[float, int, int] | None:
    """The largest tumour dimension in cm, preferring labelled sizes ("Tumor size: 3.5 cm")."""
    labelled: list[tuple[float, int, int]] = []
    others: list[tuple[float, int, int]] = []
    matches = (m for pattern in _SIZES for m in pattern.finditer(text))
    for match in matches:
        around = (
            text[match.start() : match.start("dims")] + " " + text[match.end("unit") : match.end()]
        )
        if _NOT_TUMOUR_SIZE.search(around) or _AFTER_MARGIN.match(text, match.end("unit")):
            continue
        try:
            values = [
                float(v.replace(",", ".")) for v in re.split(r"\s?(?:x|by)\s?", match["dims"])
            ]
        except ValueError:
            continue
        size = max(values) / (10 if match.group("unit") == "mm" else 1)
        if 0 < size < 40:
            (labelled if "label" in match.re.groupindex else others).append(
                (size, match.start(), match.end())
            )
    found = labelled or others
    return max(found) if found else None


_NEGATION_BEFORE = re.compile(
    r"\b(?:no|not|without|free\sof|negative\sfor|absence\sof|absent|nor|neither|rather\sthan"
    r"|rule\sout)\b(?!\s(?:through|beyond))[^;:]*$"
    # "bulges into the renal sinus", "pushing into the perinephric fat": not invasion.
    r"|\b(?:push\w*|bulg\w*|compress\w*|abut\w*)\s$"
)
_NEGATION_AFTER = re.compile(
    r"^[^;]{0,35}?\b(?:absent|not\s(?:identified|seen|present|involved|invaded|detected|grossly)"
    r"|negative|uninvolved|free|none|without|(?:does|did|is|are|was)\snot|cannot|no|unknown"
    r"|indeterminate|not\sspecified|not\sapplicable|equivocal|suspicious)\b"
)
# OCR ends every line with ". ", so a stop ends a clause only after a word that can end one:
# "does not appear to. invade the perinephric fat" is one clause.
_CLAUSE_BREAK = re.compile(r";|\bbut\b|\bhowever\b|(?P<word>[\w)]+)\.\s")
_RUNS_ON = frozenset(
    (
        *("to", "the", "of", "and", "or", "a", "an", "in", "into", "not", "with", "by", "for"),
        *("at", "on", "from", "that", "is", "are", "was", "were", "be", "appear", "appears"),
        *("does", "did", "gross", "grossly", "any", "its", "their", "this"),
    )
)


def _clause_breaks(text: str) -> list[re.Match[str]]:
    return [m for m in _CLAUSE_BREAK.finditer(text) if _ends_clause(text, m)]


def _ends_clause(text: str, match: re.Match[str]) -> bool:
    word = match.group("word")
    if word == "no":  # "Portal vein invasion: no." ends a field; "No. invasion of" runs on
        return ":" in text[max(0, match.start() - 3) : match.start()]
    return word is None or word not in _RUNS_ON


def _asserted(text: str, start: int, end: int) -> bool:
    """Whether a finding is asserted: no negation in its clause before it or just after it."""
    before = text[max(0, start - 70) : start]
    breaks = _clause_breaks(before)
    if breaks:
        before = before[breaks[-1].end() :]
    # The word before a stop decides whether it ends the clause, so look from inside the match.
    lead = min(end - start, 20)
    after = text[end - lead : end + 50]
    cuts = [m for m in _clause_breaks(after) if m.end() > lead]
    if cuts:
        after = after[: max(lead, cuts[0].start() + len(cuts[0]["word"] or ""))]
    after = after[lead:]
    return not (_NEGATION_BEFORE.search(before) or _NEGATION_AFTER.search(after))


_INTO = (
    r"\b(?:invad\w*|invasi\w*\s(?:into|of)|infiltrat\w*|involv\w*|extend\w*\s(?:in)?to"
    r"|extension\sinto|penetrat\w*|through|into)\s"
    r"(?:(?:the|a|and|focally|grossly|adjacent|surrounding)\s){0,3}"
    # A list may stand between the verb and the structure ("involving the vocal cords,
    # pre-epiglottic space and thyroid cartilage"), but not a turn of the sentence.
    r"(?:(?!(?:but|not|no|within|confined|without|except|while)\b)[\w-]+,?\s){0,6}?"
)
# Depth layers need a word of invasion or extent before them ("Tumor extent: subserosa").
_DEPTH_CUE = re.compile(
    r"(?:invad|invasi|infiltrat|extend|extent|exten|penetrat|involv|through|into|reach|depth"
    r"|limited\sto|confined\sto|level)[^.;]{0,60}$"
)


@dataclasses.dataclass(frozen=True)
class _Extent:
    category: str
    pattern: re.Pattern[str]
    reason: str
    depth: bool = False  # a layer name, read only after a word of invasion or extent


def _compile_phrases(*alternatives: str) -> re.Pattern[str]:
    # Words of one phrase may be split by an OCR stop: "perinephric. fat".
    pattern = "|".join(alternatives)
    return re.compile(re.sub(r"\\s(?![?*+{])", r"[\\s.]{1,2}", pattern))


def _into(category: str, reason: str, *targets: str) -> _Extent:
    """Invasion of a named structure: "invades the renal vein", "extends into perinephric fat"."""
    # A structure may open a parenthesis: "involving cartilage (thyroid and cricoid ...)".
    return _Extent(category, _compile_phrases(rf"{_INTO}\(?(?:{'|'.join(targets)})"), reason)


def _phrase(category: str, reason: str, *phrases: str) -> _Extent:
    """A finding written as such: "renal vein invasion: present", "satellite nodules"."""
    return _Extent(category, _compile_phrases(*phrases), reason)


def _layer(category: str, reason: str, *layers: str) -> _Extent:
    """The deepest layer reached: "invades through the muscularis propria into subserosa"."""
    return _Extent(category, _compile_phrases(*layers), reason, depth=True)


_PRESENT = r"\W{0,3}(?:present|identified|yes)"
_FAT = r"\s(?:fat|adipose|soft\stissue|connective\stissue|tissues?)"
_SEROSA = r"(?<![a-z])serosa(?:l\s(?:surface|involvement|invasion))?(?![a-z])"

_EXTENTS: dict[str, tuple[_Extent, ...]] = {
    "kidney": (
        _into("T4", "beyond Gerota's fascia", r"(?:beyond\s)?gerota\W?s?\s?fascia"),
        _into("T4", "into the adrenal gland", r"(?:ipsilateral\s)?adrenal(?!\scortical)"),
        _into("T3b", "into the vena cava", r"(?:inferior\s)?(?:vena\scava|ivc)\b"),
        _phrase("T3b", "a vena cava thrombus", r"(?:vena\scava|ivc)\s(?:tumou?r\s)?thromb"),
        _into("T3a", "into the renal vein", r"(?:main\s)?renal\svein(?!\s(?:margin|resection))"),
        _phrase(
            "T3a",
            "renal vein invasion",
            rf"renal\svein\s(?:invasion|involvement|(?:tumou?r\s)?thromb\w*)(?:{_PRESENT})?",
        ),
        _into(
            "T3a",
            "into perinephric or renal sinus fat",
            rf"(?:perinephric|perirenal|peri-renal|peri-nephric|renal\ssinus){_FAT}",
        ),
        _phrase(
            "T3a",
            "perinephric or renal sinus fat invasion",
            rf"(?:perinephric|perirenal|renal\ssinus)\s(?:fat|adipose\stissue)\s"
            rf"(?:invasion|involvement){_PRESENT}",
            r"(?:through|beyond|penetrat\w*|breach\w*)\s(?:the\s)?(?:renal\s)?capsule",
        ),
    ),
    "lung": (
        _into(
            "T4",
            "into the mediastinum or its organs",
            r"mediastinum|mediastinal\s(?:fat|soft\stissue)|heart|great\svessels?|trachea",
            r"esophag\w*|vertebra\w*|carina",
        ),
        _into(
            "T3",
            "into the chest wall, parietal pleura, diaphragm or pericardium",
            r"chest\swall|parietal\spleura|diaphragm|phrenic\snerve|mediastinal\spleura",
            r"pericardium|ribs?\b",
        ),
        _phrase(
            "T3",
            "a separate tumour nodule in the same lobe",
            r"separate\s(?:tumou?r\s)?nodules?\s(?:\w+\s){0,3}?same\slobe",
            r"satellite\s(?:tumou?r\s)?nodules?",
        ),
        _into("T2", "into the visceral pleura", r"(?:visceral\s)?pleura\b(?!l\ssurface)"),
        _phrase(
            "T2",
            "visceral pleural invasion",
            rf"visceral\spleura\w*\s(?:invasion|involvement)(?:{_PRESENT}|\W{{0,3}}pl[12])",
        ),
    ),
    "breast": (
        _phrase(
            "T4",
            "skin ulceration or inflammatory carcinoma",
            r"ulcerat\w*\s(?:of\s)?(?:the\s)?(?:overlying\s)?skin",
            r"skin\s(?:ulcerat\w*|satellite\snodules?)|peau\sd.orange",
            r"inflammatory\s(?:breast\s)?carcinoma",
        ),
        _into("T4", "into the chest wall", r"chest\swall"),
    ),
    "stomach": (
        _into(
            "T4b",
            "into an adjacent organ",
            r"spleen|pancrea\w*|transverse\scolon|liver|diaphragm|abdominal\swall|adrenal",
            r"kidney|small\sintestine|retroperitoneum",
        ),
        # The CAP gastric checklist's "Tumor extent: Adjacent structures" option is T4b.
        _phrase("T4b", "into adjacent structures", r"tumou?r\sextent\W{1,3}adjacent\sstructures"),
        _layer("T4a", "through the serosa", _SEROSA, r"visceral\speritoneum"),
        _layer(
            "T3",
            "into the subserosa",
            r"subserosa\w*",
            rf"(?:perigastric|subserosal){_FAT}",
            r"(?:through|beyond)\s(?:the\s)?muscularis\spropria",
        ),
        _layer(
            "T2",
            "into the muscularis propria",
            r"muscularis\spropria|muscle\slayer|muscular\slayer|muscularis(?!\smucosae)",
        ),
        _layer("T1b", "into the submucosa", r"submucosa\w*"),
        _layer(
            "T1a",
            "into the mucosa",
            r"lamina\spropria|muscularis\smucosae|(?<![a-z])mucosa(?![a-z])",
        ),
    ),
    "colorectal": (
        _into(
            "T4b",
            "into an adjacent organ",
            r"adjacent\sorgans?|bladder|uterus|vagina|prostate|abdominal\swall|small\sbowel",
            r"small\sintestine|ovary",
        ),
        _layer("T4a", "through the visceral peritoneum", r"visceral\speritoneum", _SEROSA),
        _layer(
            "T3",
            "through the muscularis propria",
            r"subserosa\w*",
            rf"(?:pericolorectal|pericolonic|pericolic|perirectal|mesorectal|subserosal){_FAT}",
            r"(?:through|beyond)\s(?:the\s)?muscularis\spropria",
        ),
        _layer("T2", "into the muscularis propria", r"muscularis\spropria|muscle\slayer"),
        _layer("T1", "into the submucosa", r"submucosa\w*"),
    ),
    "esophagus": (
        _into(
            "T4",
            "into an adjacent structure",
            r"pleura|pericardium|aorta|trachea|vertebra\w*|diaphragm|airway",
        ),
        _layer(
            "T3",
            "into the adventitia",
            r"adventitia\w*",
            rf"periesophageal{_FAT}",
            r"(?:through|beyond)\s(?:the\s)?muscularis\spropria",
        ),
        _layer("T2", "into the muscularis propria", r"muscularis\spropria|muscle\slayer"),
        _layer("T1b", "into the submucosa", r"submucosa\w*"),
        _layer("T1a", "into the lamina propria", r"lamina\spropria|muscularis\smucosae"),
    ),
    "bladder": (
        _into("T4b", "into the pelvic or abdominal wall", r"pelvic\swall|abdominal\swall"),
        _into(
            "T4a",
            "into the prostate, uterus or vagina",
            r"prostat\w*|uterus|uterine|vagina\w*|seminal\svesicles?",
        ),
        _layer("T3", "into perivesical tissue", rf"perivesic\w*{_FAT}", r"extravesical"),
        _layer(
            "T2",
            "into the muscularis propria",
            r"muscularis\spropria|detrusor|muscle\slayer|muscularis(?!\smucosae)",
        ),
        _layer(
            "T1", "into the lamina propria", r"lamina\spropria|subepithelial\sconnective\stissue"
        ),
    ),
    "adrenal_cortical": (
        _into(
            "T4",
            "into an adjacent organ",
            r"kidney|liver|pancrea\w*|spleen|diaphragm|vena\scava|renal\svein|stomach|colon",
        ),
        _into(
            "T3",
            "beyond the adrenal into fat",
            rf"(?:peri-?adrenal|surrounding|adjacent|extra-?adrenal){_FAT}",
        ),
        _phrase(
            "T3", "extra-adrenal extension", rf"extra-?adrenal\s(?:extension|invasion){_PRESENT}"
        ),
    ),
    "head_neck": (
        _into(
            "T4a",
            "into bone, deep tongue muscle or cartilage",
            r"mandib\w*|maxilla\w*|cortical\sbone|bone|extrinsic\s(?:tongue\s)?muscle",
            r"skin\sof\sthe\sface|(?:thyroid|cricoid|laryngeal)\scartilage",
        ),
    ),
    # Larynx T1-T2 turn on the subsites involved; what is read here is the extension that makes
    # T3 (paraglottic or pre-epiglottic space, fixed cord) or T4a (through the thyroid
    # cartilage, into the soft tissue of the neck, trachea or thyroid gland).
    "larynx": (
        _into(
            "T4a",
            "through the thyroid cartilage or beyond the larynx",
            r"(?:outer\scortex\sof\sthe\s)?thyroid\scartilage(?!\s\w*\s?inner)",
            # The cartilages named as one list: "the thyroid, cricoid and arytenoid cartilages".
            r"thyroid(?:,\s[a-z]+)*,?\s(?:and|or)\s[a-z]+\scartilages",
            r"(?:perithyroidal|extralaryngeal|strap\s\w*)\s(?:soft\s)?(?:tissues?|muscles?)",
            # Around the larynx, "the adjacent soft tissues" are the soft tissues of the neck.
            r"(?:adjacent|surrounding|perilaryngeal)\s(?:soft\s)?tissues?",
            r"soft\stissues?\sof\s(?:the\s)?neck",
            r"thyroid\sgland|trachea|esophag\w*",
            # Bone beyond the larynx (mandible, maxilla, hyoid) is tissue beyond the larynx.
            r"mandib\w*|maxilla\w*|hyoid(?:\sbone)?",
        ),
        _into("T3", "into the paraglottic or pre-epiglottic space", r"(?:para|pre-?)\w*\sspace"),
        _phrase("T3", "a fixed vocal cord", r"(?:vocal\s)?cord\sfixation|fixed\s(?:vocal\s)?cord"),
    ),
    "thyroid": (
        _into(
            "T4a",
            "beyond the thyroid into the neck organs",
            r"subcutaneous\s(?:soft\s)?tissues?|larynx|trachea|esophag\w*|recurrent\slaryngeal",
        ),
        _phrase(
            "T3",
            "extrathyroidal extension",
            rf"extra-?thyroid(?:al)?\s(?:extension|invasion)(?:{_PRESENT}|\W{{0,3}}minimal)",
        ),
        _into("T3", "into perithyroid soft tissue", rf"peri-?thyroid(?:al)?{_FAT}"),
    ),
    # Pleural mesothelioma, 7th edition: T2 reaches the diaphragmatic muscle or the lung
    # parenchyma, T3 the endothoracic fascia, mediastinal fat, chest wall soft tissue or
    # pericardium, T4 the ribs, spine, myocardium, mediastinal organs or contralateral pleura.
    # Tumour limited to the pleura (T1) cannot be told from a biopsy, so no T1 is read.
    "pleural_mesothelioma": (
        _into(
            "T4",
            "into the ribs, spine, myocardium, mediastinal organs or contralateral pleura",
            r"ribs?\b|vertebra\w*|spine|myocardium|contralateral\spleura|brachial\splexus",
            r"mediastinal\sorgans?|esophag\w*|trachea|peritoneum",
        ),
        _phrase(
            "T4",
            "through the pericardium",
            r"(?:through|transmural\w*)\s(?:the\s)?(?:full\sthickness\sof\sthe\s)?pericardi\w*",
        ),
        _into(
            "T3",
            "into the endothoracic fascia, mediastinal fat, chest wall or pericardium",
            r"endothoracic\sfascia|mediastinal\s(?:fat|adipose\stissue)|pericardium",
            r"chest\swall(?:\s(?:soft\stissue|fat))?",
        ),
        _into(
            "T2",
            "into the diaphragmatic muscle or the lung",
            r"(?:diaphragmatic|diaphragm)\s(?:skeletal\s)?muscle|skeletal\smuscle\sof\sthe\sdiaphragm",
            r"(?:underlying\s)?(?:lung|pulmonary)\sparenchyma",
        ),
    ),
    "pancreas": (
        _into(
            "T4",
            "into the celiac axis or superior mesenteric artery",
            r"celiac|superior\smesenteric\sartery",
        ),
        _into(
            "T3",
            "beyond the pancreas",
            rf"peripancreatic{_FAT}|duoden\w*|ampulla|common\sbile\sduct|bile\sduct",
        ),
    ),
}
# Greatest dimension (cm) to T, for chapters where size is what fixes T below the extents.
_SIZE_STEPS: dict[str, tuple[tuple[float, str], ...]] = {
    "kidney": ((4, "T1a"), (7, "T1b"), (10, "T2a"), (float("inf"), "T2b")),
    "lung": ((2, "T1a"), (3, "T1b"), (5, "T2a"), (7, "T2b"), (float("inf"), "T3")),
    "breast": (
        (0.1, "T1mi"),
        (0.5, "T1a"),
        (1, "T1b"),
        (2, "T1c"),
        (5, "T2"),
        (float("inf"), "T3"),
    ),
    "adrenal_cortical": ((5, "T1"), (float("inf"), "T2")),
    "head_neck": ((2, "T1"), (4, "T2"), (float("inf"), "T3")),
    "pancreas": ((2, "T1"), (float("inf"), "T2")),
    "thyroid": ((1, "T1a"), (2, "T1b"), (4, "T2"), (float("inf"), "T3")),
}
_FINDINGS_CHAPTER = {
    "larynx": "larynx",
    "esophagus_adenocarcinoma": "esophagus",
    "esophagus_squamous": "esophagus",
    "oral_cavity": "head_neck",
    "oropharynx": "head_neck",
    "hypopharynx": "head_neck",
    # The 7th edition defines T for pancreatic neuroendocrine tumours as for exocrine tumours.
    "pancreas_neuroendocrine": "pancreas",
}
_T_ORDER = re.compile(r"T(\d)(mi|[a-e])?")


def _t_rank(category: str) -> tuple[int, str]:
    match = _T_ORDER.fullmatch(category)
    return (int(match.group(1)), match.group(2) or "") if match else (-1, "")


def _t_from_findings(chapter: str, text: str) -> _Finding | None:
    """The T category the findings support, or None when they do not fix it."""
    key = _FINDINGS_CHAPTER.get(chapter, chapter)
    if key in ("liver", "intrahepatic_bile_duct"):
        return _liver_t(text, bile_duct=key != "liver")
    if key == "melanoma":
        return _melanoma_t(text)
    if key == "uveal_melanoma":
        return _uveal_t(text)
    extents = _TESTIS_EXTENT if key == "testis" else _EXTENTS.get(key, ())
    best: _Finding | None = None
    for extent in extents:
        if best is not None and _t_rank(extent.category) <= _t_rank(best.category):
            continue
        for match in extent.pattern.finditer(text):
            if extent.depth and not _DEPTH_CUE.search(
                text, max(0, match.start() - 70), match.start()
            ):
                continue
            if _asserted(text, match.start(), match.end()):
                best = _Finding(match.start(), match.end(), extent.category, extent.reason)
                break
    steps = _SIZE_STEPS.get(key)
    if steps is not None:
        size = _tumour_size(text)
        if size is not None:
            value, start, end = size
            category = next(c for limit, c in steps if value <= limit)
            if best is None or _t_rank(category) > _t_rank(best.category):
                best = _Finding(start, end, category, f"a tumour of {value:g} cm")
    return best


# Words of one phrase may be split by an OCR stop ("a similar. appearing lesion").
_LIVER_MULTIPLE = _compile_phrases(
    r"satellite|multiple\s(?:tumou?rs|nodules|masses|foci|lesions)|multifocal|multicentric"
    r"|(?:two|three|four|five|several|\d)\s(?:separate\s|distinct\s)?(?:tumou?rs|nodules|masses)"
    r"|tumou?r\snumber\W{1,3}(?:[2-9]|two|three|four|multiple)"
    r"|(?:second|another|additional|separate|similar(?:-|\s)appearing)\s(?:\w+\s)?"
    r"(?:lesion|nodule|tumou?r|mass)"
)
_LIVER_VASCULAR = _compile_phrases(
    r"(?:vascular|vessel|venous|angiolymphatic|lymphovascular|microvascular|endotheli\w*"
    r"[- ]lined\sspace|portal\svein|intravascular)\s(?:space\s)?(?:invasion|involvement)"
    r"|(?:with|shows?|showing)\s(?:\w+\s)?vascular\sinvasion"
)
_LIVER_MAJOR_VEIN = re.compile(
    r"(?<!microscopic\s)(?:major|main|large|macroscopic\s(?:large\s)?)\s?(?:vessel|vascular|"
    r"(?:branch\w*\s(?:of\s(?:the\s)?)?)?(?:portal|hepatic)\svein)\s(?:invasion|involvement|thromb)"
    r"|(?:portal|hepatic)\svein\s(?:tumou?r\s)?thromb"
)
_LIVER_ORGANS = re.compile(
    rf"{_INTO}(?:\w+\s){{0,2}}?(?:diaphragm|adjacent\sorgans?|stomach|colon|abdominal\swall)"
    r"|perforat\w*\s(?:of\s)?(?:the\s)?visceral\speritoneum"
)


def _first_asserted(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return next((m for m in pattern.finditer(text) if _asserted(text, m.start(), m.end())), None)


_LIVER_TUMOUR = re.compile(r"hepatocellular\scarcinoma|cholangiocarcinoma|carcinoma|tumou?r")


def _liver_t(text: str, *, bile_duct: bool = False) -> _Finding | None:
    """Liver and intrahepatic bile duct, 7th edition: number of tumours, vascular invasion and,
    for hepatocellular carcinoma, the size of the largest."""
    organs = _first_asserted(_LIVER_ORGANS, text)
    if organs:
        category = "T3" if bile_duct else "T4"
        return _Finding(organs.start(), organs.end(), category, "invasion of an adjacent organ")
    major = _first_asserted(_LIVER_MAJOR_VEIN, text)
    if major and not bile_duct:
        reason = "invasion of a major portal or hepatic vein"
        return _Finding(major.start(), major.end(), "T3b", reason)
    multiple = _first_asserted(_LIVER_MULTIPLE, text)
    if multiple:
        if bile_duct:
            return _Finding(multiple.start(), multiple.end(), "T2b", "multiple tumours")
        size = _tumour_size(text)
        if size is None:
            # T2 or T3a by the largest tumour: the lower one when in doubt, as AJCC advises.
            reason = "multiple tumours, the size of the largest not read (T3a needs over 5 cm)"
            return _Finding(multiple.start(), multiple.end(), "T2", reason)
        category = "T3a" if size[0] > 5 else "T2"
        reason = f"multiple tumours, the largest {size[0]:g} cm"
        return _Finding(multiple.start(), multiple.end(), category, reason)
    vascular = _first_asserted(_LIVER_VASCULAR, text)
    if vascular:
        category = "T2a" if bile_duct else "T2"
        reason = "a solitary tumour with vascular invasion"
        return _Finding(vascular.start(), vascular.end(), category, reason)
    # A solitary tumour without vascular invasion is T1 whatever its size.
    tumour = _LIVER_TUMOUR.search(text)
    if tumour is None:
        return None
    reason = "a solitary tumour; no vascular invasion or second tumour was read"
    return _Finding(tumour.start(), tumour.end(), "T1", reason)


_BRESLOW = re.compile(
    # "Breslow thickness: 5 mm", "Breslow tumor thickness at diagnosis = 8 mm"
    r"breslow\W{0,3}(?:\w+\W{1,3}){0,5}?(?P<value>\d{1,2}(?:[.,]\d{1,2})?)\s?(?P<unit>mm|cm)\b"
    # Thickness is also written as depth alone: "7.0 mm deep", "invading to a depth of 2.1 mm".
    r"|(?P<deep>\d{1,2}(?:[.,]\d{1,2})?)\s?mm\s(?:deep|in\sdepth|thick)\b"
    r"|(?:depth\sof\sinvasion|(?:tumou?r|maximum)\sthickness|(?:invad\w*|invasion)\s(?:to\s)?"
    r"(?:a\s)?depth\sof)\W{0,3}(?P<depth>\d{1,2}(?:[.,]\d{1,2})?)\s?mm\b"
)
_ULCERATION = re.compile(r"ulcerat\w*")


def _melanoma_t(text: str) -> _Finding | None:
    """Melanoma of the skin, 7th edition: Breslow thickness, and ulceration for the letter."""
    match = _BRESLOW.search(text)
    if match is None:
        return None
    value = match.group("value") or match.group("deep") or match.group("depth")
    thickness = float(value.replace(",", ".")) * (10 if match.group("unit") == "cm" else 1)
    number = next(
        n for limit, n in ((1, 1), (2, 2), (4, 3), (float("inf"), 4)) if thickness <= limit
    )
    ulcerated = _first_asserted(_ULCERATION, text) is not None
    # T1a/T1b also turns on mitoses; both are stage IA without nodes, so T1 is kept.
    letter = ("b" if ulcerated else "a") if number > 1 else ""
    reason = f"Breslow thickness {thickness:g} mm, {'with' if ulcerated else 'no'} ulceration read"
    return _Finding(match.start(), match.end(), f"T{number}{letter}", reason)


# Uveal melanoma (choroid and ciliary body), 7th edition: the size category by largest basal
# diameter (columns: up to 3, 6, 9, 12, 15, 18 mm, more) and thickness (rows: up to 3, 6, 9, 12,
# 15 mm, more); the letter by ciliary body involvement and extrascleral extension.
_UVEAL_SIZE = (
    (1, 1, 1, 1, 2, 2, 4),
    (1, 1, 1, 2, 2, 3, 4),
    (2, 2, 2, 2, 3, 3, 4),
    (3, 3, 3, 3, 3, 3, 4),
    (3, 3, 3, 3, 3, 4, 4),
    (4, 4, 4, 4, 4, 4, 4),
)
_UVEAL_BANDS = (3, 6, 9, 12, 15, 18)
_MM = r"\W{0,5}(?P<value>\d{1,2}(?:\.\d{1,2})?)"
_BASAL_DIAMETER = re.compile(
    rf"(?:\blbd|largest\sbasal\sdiameter|large\sdiameter|basal\s(?:size|diameter)"
    rf"(?:\s[a-z]+){{0,3}}\s?(?:\(mm\))?|base\sat\scut\sedge){_MM}"
)
_THICKNESS = re.compile(rf"(?:height|thickness){_MM}")
_CILIARY_BODY = re.compile(
    r"ciliary\sbody\sinvolvement\W{0,3}(?:present|yes|y\b)"
    r"|involvement\sof\s(?:the\s)?ciliary\sbody\W{0,3}(?:present|yes|y\b)"
    r"|(?:arising|arises|involv\w*|invad\w*|extend\w*\sinto)\s(?:[\w-]+\s){0,3}?ciliary\s(?:body|muscle)"
)
_EXTRASCLERAL = re.compile(
    r"extrascleral\sextension\W{0,3}(?:present|yes|y\b)"
    r"|(?:with|shows?)\s(?:\w+\s)?(?:extrascleral|extraocular)\s(?:extension|growth)"
)


def _band(value: float) -> int:
    return next((i for i, limit in enumerate(_UVEAL_BANDS) if value <= limit), len(_UVEAL_BANDS))


def _uveal_t(text: str) -> _Finding | None:
    diameter = _BASAL_DIAMETER.search(text)
    thickness = _THICKNESS.search(text, diameter.end()) if diameter else None
    if diameter is None or thickness is None:
        return None
    basal, height = float(diameter.group("value")), float(thickness.group("value"))
    category = _UVEAL_SIZE[min(_band(height), 5)][_band(basal)]
    ciliary = _first_asserted(_CILIARY_BODY, text) is not None
    extrascleral = _first_asserted(_EXTRASCLERAL, text) is not None
    # a: neither; b: ciliary body; c: extrascleral extension up to 5 mm; d: both. T4e (extension
    # over 5 mm) needs the extension's size, which is not read: an extension is taken as T4c/d.
    letter = "dbca"[(not ciliary) * 2 + (not extrascleral)]
    reason = (
        f"largest basal diameter {basal:g} mm and thickness {height:g} mm (size category "
        f"{category}), ciliary body {'involved' if ciliary else 'not involved'}, extrascleral "
        f"extension {'present' if extrascleral else 'not read'}"
    )
    return _Finding(diameter.start(), thickness.end(), f"T{category}{letter}", reason)


_TESTIS_EXTENT = (
    _into("T4", "into the scrotum", r"scrot\w*"),
    _into("T3", "into the spermatic cord", r"spermatic\scord"),
    _phrase(
        "T2",
        "vascular invasion or tunica vaginalis involvement",
        rf"(?:vascular|lymphovascular|angiolymphatic|vascular/lymphatic)\s(?:space\s)?invasion{_PRESENT}",
        r"(?:invad\w*|involv\w*|through)\s(?:the\s)?tunica\svaginalis",
    ),
    _phrase(
        "T1",
        "limited to the testis",
        r"(?:confined|limited)\sto\s(?:the\s)?testis",
        r"(?:invad\w*|into)\s(?:the\s)?tunica\salbuginea",
    ),
)


# --- distant metastasis from the findings ------------------------------------------------------
# A specimen from a distant organ that shows metastatic tumour is pM1 (AJCC: M1 needs a distant
# site; a regional node is N). Organs a chapter's T or N covers are not distant for it.

_DISTANT_SITE = (
    r"liver|hepatic|omentum|omental|peritone\w*|pleura\w*|lungs?|pulmonary|brain|bones?|vertebra\w*"
    r"|adrenal|ovar\w*|spleen|skin|abdominal\swall"
)
_METASTATIC = (
    r"metastatic\s(?:[\w-]+\s){0,3}?(?:carcinoma|adenocarcinoma|melanoma|tumou?r|disease"
    r"|cholangiocarcinoma|malignancy|neoplasm)|metastas[ie]s"
)
_DISTANT = re.compile(
    rf"\b(?P<site>{_DISTANT_SITE})\b[^;]{{0,40}}?(?:{_METASTATIC})"
    rf"|(?:{_METASTATIC})\s(?:[\w-]+\s){{0,3}}?(?:to|in|of|involving)\s(?:the\s)?"
    rf"(?:[\w-]+\s){{0,2}}?(?P<site_after>{_DISTANT_SITE})\b"
)
# A node is regional (N); "Liver, biopsy: no evidence of metastatic disease" is negative.
_NOT_METASTASIS = re.compile(r"node|\b(?:no|not|negative|free|without|absence)\b")
_NOT_DISTANT = {
    "liver": ("liver", "hepatic"),
    "intrahepatic_bile_duct": ("liver", "hepatic"),
    "perihilar_bile_duct": ("liver", "hepatic"),
    "distal_bile_duct": ("liver", "hepatic"),
    "gallbladder": ("liver", "hepatic"),
    "lung": ("lung", "pulmonary"),
    "pleural_mesothelioma": ("pleura", "lung", "pulmonary"),
    "breast": ("skin",),
    "melanoma": ("skin",),
    "adrenal_cortical": ("adrenal",),
    "oral_cavity": ("skin", "bone"),
    "oropharynx": ("skin", "bone"),
    "larynx": ("skin", "bone"),
    "hypopharynx": ("skin", "bone"),
}


DISTANT_WINDOW = 80  # characters around "metasta..." where its site is written


def _distant_metastasis(page: AnalyzedPage, chapter: str) -> _Finding | None:
    """Metastatic tumour in a distant organ, as the findings state it (not the history's
    "likely brain metastasis")."""
    text = page.text
    excluded = _NOT_DISTANT.get(chapter, ())
    for match in _near_word(_DISTANT, text, "metasta", DISTANT_WINDOW):
        site = match.group("site") or match.group("site_after") or ""
        if site.startswith(excluded) or _NOT_METASTASIS.search(match.group()):
            continue
        if page.section(match.start()) is SectionKind.clinical_history:
            continue
        flags = page.flags(match.start(), match.end())
        if flags.uncertain or flags.hypothetical or flags.historical or flags.negated:
            continue
        if _asserted(text, match.start(), match.end()):
            return _Finding(match.start(), match.end(), "M1", f"metastatic tumour in the {site}")
    return None


# Lung, AJCC 7th edition: pleural tumour nodules are M1a, so a pleural specimen of its own
# ("B. Pleural biopsy: poorly differentiated carcinoma") showing carcinoma is distant disease,
# unlike invasion of the visceral pleura by the primary (T2), which the lung specimen describes.
_PLEURAL_SPECIMEN = re.compile(
    r"pleura\w*(?:\s(?:nodule|mass|implant)s?)?,?\s(?:[\w-]+\s){0,2}?(?:biopsy|excision|resection)"
    r"\W{1,5}(?:[\w-]+\W{1,3}){0,4}?(?:adeno|squamous\scell\s)?carcinoma"
)


def _pleural_metastasis(page: AnalyzedPage) -> _Finding | None:
    for match in _near_word(_PLEURAL_SPECIMEN, page.text, "pleura", DISTANT_WINDOW):
        if _NOT_METASTASIS.search(match.group()):
            continue
        if page.section(match.start()) is SectionKind.clinical_history:
            continue
        flags = page.flags(match.start(), match.end())
        if not (flags.uncertain or flags.hypothetical or flags.historical or flags.negated):
            return _Finding(match.start(), match.end(), "M1a", "carcinoma in a pleural specimen")
    return None


# --- choosing ----------------------------------------------------------------------------------


def _read(page: AnalyzedPage) -> _Reading:
    statements, apart = _read_tnm(page.text)
    for statement in statements:
        statement.in_history = page.section(statement.start) is SectionKind.clinical_history
    groups = _read_groups(page)
    for group in groups:
        near = [
            s
            for s in statements
            if group.start - GROUP_GAP <= s.end and s.start <= group.end + GROUP_GAP
        ]
        if near and group.system == "AJCC":
            closest = min(near, key=lambda s: abs(s.start - group.start))
            if closest.group is None:
                closest.group = group
    return _Reading(statements, groups, apart)


def _statement_rank(statement: _Statement) -> tuple[int, ...]:
    return (
        not statement.clinical,
        statement.n is not None,
        statement.m is not None,
        -statement.start,
    )


# --- the facts -----------------------------------------------------------------------------------

_CLASSIFICATION = {
    "p": "pathologic",
    "c": "clinical",
    "yp": "post-therapy",
    "yc": "post-therapy",
    "y": "post-therapy",
    "r": "recurrence",
    "rp": "recurrence",
}


def extract_stage(
    pages: list[AnalyzedPage], diagnosis: DiagnosisFact | None, *, patient_age: int | None = None
) -> list[StageFact]:
    """Return the document's stage: stated where written, else derived from its TNM.

    A stated AJCC group wins over one derived from T, N and M; a clinical group ("clinical
    stage IIB" in the history) or a FIGO group is kept only when no pathologic group is found.
    `patient_age` (from the patient's account) stands in where a table needs an age the
    report does not print, as thyroid groups do.
    """
    readings = [(page, _read(page)) for page in pages]
    edition = next((e for page in pages if (e := _edition(page.text)) is not None), None)
    statements = [(page, s) for page, reading in readings for s in reading.statements]
    best = max(statements, key=lambda ps: _statement_rank(ps[1]), default=None)
    groups = [(page, g) for page, reading in readings for g in reading.groups]
    pathologic = [(p, g) for p, g in groups if g.system == "AJCC" and not g.clinical]
    other_groups = [(p, g) for p, g in groups if g.system != "AJCC" or g.clinical]
    if best is not None and best[1].group is not None and not best[1].group.clinical:
        return [_stated_fact(best[0], best[1].group, best[1], edition)]
    if pathologic:
        return [_stated_fact(*pathologic[0], best[1] if best else None, edition)]
    if best is None:
        if other_groups:
            return [_stated_fact(*other_groups[0], None, edition)]
        found = _findings_fact(pages, diagnosis, edition, patient_age)
        return [found] if found else []
    apart = [c for _, reading in readings for c in reading.apart]
    derived = _derived_fact(
        pages, best[0], _completed(best[1], apart), diagnosis, edition, patient_age
    )
    if derived.group is None and other_groups:
        return [derived, _stated_fact(*other_groups[0], best[1], edition)]
    return [derived]


def _completed(statement: _Statement, apart: list[_Category]) -> _Statement:
    """The statement with the pathologic N or M the report writes elsewhere, if it lacks one."""
    if statement.clinical:
        return statement
    n = statement.n or next((c for c in apart if c.axis == "n" and c.prefix == "p"), None)
    m = statement.m or next((c for c in apart if c.axis == "m" and c.label == "M1"), None)
    return dataclasses.replace(statement, n=n, m=m)


def _categories_written(statement: _Statement | None) -> tuple[str | None, ...]:
    if statement is None:
        return None, None, None
    prefix = statement.prefix
    return (
        statement.t.written(prefix),
        statement.n.written(prefix) if statement.n else None,
        # A pathologic report's M is clinical unless it says pM.
        statement.m.written("c" if prefix == "p" else prefix) if statement.m else None,
    )


def _stated_fact(
    page: AnalyzedPage, group: _Group, statement: _Statement | None, edition: int | None
) -> StageFact:
    t, n, m = _categories_written(statement)
    classification = _CLASSIFICATION.get(statement.prefix) if statement else None
    flags = page.flags(group.start, group.end, ignore=frozenset({"negated"}))
    return StageFact(
        system=group.system,
        edition=edition if group.system == "AJCC" else None,
        classification="clinical" if group.clinical else classification,
        t=t,
        n=n,
        m=m,
        group=group.label,
        method="stated",
        evidence=page.evidence(group.start, group.end),
        confidence=page.confidence(0.9, flags),
        origin=page.origin,
        **flags.as_dict(),
    )


def _derived_fact(
    pages: list[AnalyzedPage],
    page: AnalyzedPage,
    statement: _Statement,
    diagnosis: DiagnosisFact | None,
    edition: int | None,
    patient_age: int | None,
) -> StageFact:
    t, n, m = _categories_written(statement)
    flags = page.flags(
        statement.start, statement.end, ignore=frozenset({"negated", "hypothetical"})
    )
    text = " ".join(p.text for p in pages)
    m, m_notes = _m_from_findings(pages, _chapter(diagnosis), m)
    age, age_notes = _age_or_account(text, patient_age)
    # Node counts only stand in for a missing N, and reading them is the costly part.
    nodes = _read_node_counts(text) if n is None or n.upper().endswith("NX") else None
    n_grouped, deposit_notes = _n_from_deposits(_chapter(diagnosis), text, n, nodes)
    group, assumptions = _derive(diagnosis, t, n_grouped, m, edition, age, nodes)
    assumptions = [*age_notes, *deposit_notes, *assumptions]
    assumptions = [*m_notes, *assumptions]
    return StageFact(
        edition=edition,
        classification=_CLASSIFICATION.get(statement.prefix),
        t=t,
        n=n,
        m=m,
        group=group,
        method="derived",
        assumptions=assumptions,
        evidence=page.evidence(statement.start, statement.end),
        confidence=page.confidence(0.75 if group else 0.6, flags),
        origin=page.origin,
        **flags.as_dict(),
    )


def _findings_fact(
    pages: list[AnalyzedPage],
    diagnosis: DiagnosisFact | None,
    edition: int | None,
    patient_age: int | None,
) -> StageFact | None:
    """A stage derived from a T read from the findings, when the report states no TNM."""
    chapter = _chapter(diagnosis)
    if chapter is None or diagnosis is None:
        return None
    for page in pages:
        finding = _t_from_findings(chapter, page.text)
        if finding is None:
            continue
        text = " ".join(p.text for p in pages)
        m, m_notes = _m_from_findings(pages, chapter, None)
        age, age_notes = _age_or_account(text, patient_age)
        nodes = _read_node_counts(text)
        n, deposit_notes = _n_from_deposits(chapter, text, None, nodes)
        group, assumptions = _derive(diagnosis, finding.category, n, m, edition, age, nodes)
        assumptions = [*m_notes, *age_notes, *deposit_notes, *assumptions]
        note = (
            f"no T category stated: {finding.category} read from the findings "
            f"({finding.reason}, AJCC 7th edition definition)"
        )
        flags = page.flags(finding.start, finding.end, ignore=frozenset({"negated"}))
        return StageFact(
            edition=edition,
            classification="pathologic",
            t=finding.category,
            m=m,
            group=group,
            method="derived",
            assumptions=[note, *assumptions],
            evidence=page.evidence(finding.start, finding.end),
            confidence=page.confidence(0.6 if group else 0.4, flags),
            origin=page.origin,
            **flags.as_dict(),
        )
    return None


# Colorectal, AJCC 7th edition: tumour deposits in the pericolorectal fat without regional
# node metastasis are N1c. CAP checklists write them as "Tumor deposits: present" or, in the
# older form, "Non-lymph node pericolonic tumor: present".
_DEPOSITS = re.compile(
    r"(?:tumou?r\sdeposits?|non-lymph\snode\s\w+\stumou?r)(?:\s(?:in|within)\s[a-z\s]{0,40}?)?"
    r"\W{0,3}(?:present|identified|yes)\b"
)


def _n_from_deposits(
    chapter: str | None, text: str, n: str | None, nodes: _NodeCount | None
) -> tuple[str | None, list[str]]:
    """N1c where the report gives no N, no involved node and tumour deposits; else `n`."""
    if chapter != "colorectal" or (n is not None and _strip_prefix(n) != "NX"):
        return n, []
    if nodes is not None and nodes.positive_max > 0:
        return n, []
    if _first_asserted(_DEPOSITS, text) is None:  # not "no tumor deposits identified"
        return n, []
    return "N1c", ["no N category stated: N1c read from tumour deposits without involved nodes"]


def _m_from_findings(
    pages: list[AnalyzedPage], chapter: str | None, m: str | None
) -> tuple[str | None, list[str]]:
    """Keep a stated M0 or M1; else read a distant metastasis from the findings."""
    if chapter is None or (m is not None and _strip_prefix(m) not in ("MX", None)):
        return m, []
    distant = next((d for p in pages if (d := _distant_metastasis(p, chapter))), None)
    if distant is None and chapter == "lung":
        distant = next((d for p in pages if (d := _pleural_metastasis(p))), None)
    if distant is None:
        return m, []
    category = f"p{distant.category}"
    return category, [f"no M1 stated: {category} read from the findings ({distant.reason})"]


def _chapter(diagnosis: DiagnosisFact | None) -> str | None:
    if diagnosis is None:
        return None
    return chapter_for(diagnosis.oncotree_code, diagnosis.main_type, diagnosis.primary_site)


# --- deriving the group --------------------------------------------------------------------------
# TCGA-era reports (2001-2013) were staged with the 6th or 7th edition, and few say which. With
# the edition unstated the 7th edition table is tried first, and the 6th only when the
# categories as written do not fit the 7th (kidney N2, lung T2 without its letter) or exist only
# in the 6th (stomach T2a/T2b). Measured on the TCGA development split at the I-IV level, the
# 7th edition default scores 0.835, the 8th 0.812 and the 6th 0.810.
DEFAULT_EDITION = 7
# Categories only the 6th edition defines: stomach T2a/T2b (muscularis propria/subserosa; the
# 7th edition calls subserosa T3).
_SIXTH_EDITION_ONLY = {"stomach": {"T2a", "T2b"}}


def _strip_prefix(category: str | None) -> str | None:
    if category is None:
        return None
    return re.sub(r"^(?:yp|yc|rp|p|c|r|y)", "", category)


def _derive(
    diagnosis: DiagnosisFact | None,
    t: str | None,
    n: str | None,
    m: str | None,
    edition: int | None,
    age: int | None,
    nodes: _NodeCount | None = None,
) -> tuple[str | None, list[str]]:
    if diagnosis is None:
        return None, [
            "no stage group: the cancer type, which picks the staging table, was not found"
        ]
    chapter = chapter_for(diagnosis.oncotree_code, diagnosis.main_type, diagnosis.primary_site)
    if chapter is None:
        return None, [f"no AJCC stage group table applies to {diagnosis.name}"]
    written = {_strip_prefix(c) for c in (t, n) if c}
    if edition:
        editions = [min(max(edition, 6), 8)]
    elif written & _SIXTH_EDITION_ONLY.get(chapter, set()):
        editions = [6]
    else:
        editions = [DEFAULT_EDITION, 6]
    for table_edition in editions:
        ns, n_notes = _n_options(chapter, table_edition, _strip_prefix(n), nodes)
        group, notes = _group_over(
            chapter,
            table_edition,
            t=_strip_prefix(t),
            ns=ns,
            m=_strip_prefix(m),
            age=age,
            grade=_histologic_grade(diagnosis.grade),
            histology=diagnosis.histology,
        )
        if group is None:
            continue
        notes = [*n_notes, *notes]
        if edition is None:
            notes.append(f"AJCC edition not stated: the {table_edition}th edition table was used")
        elif edition != table_edition:
            notes.append(
                f"AJCC {edition}th edition stated: the {table_edition}th edition table was used"
            )
        return group, notes
    return None, [f"the stated T, N and M do not fix a stage group in the {chapter} table"]


def _group_over(
    chapter: str,
    edition: int,
    *,
    t: str | None,
    ns: list[str],
    m: str | None,
    age: int | None,
    grade: int | None,
    histology: str | None,
) -> tuple[str | None, list[str]]:
    """The group every N option gives, or the numeral and letter they share (IIIA/IIIB: III)."""
    results = []
    for n in ns:
        derived = _derive_group(
            chapter,
            t=t,
            n=n,
            m=m,
            edition=edition,
            age=age,
            # Only the esophagus tables use a histologic grade; prostate (Grade Group) is
            # not derived from a "G" grade.
            grade_group=grade if chapter.startswith("esophagus") else None,
            histology=histology,
        )
        if derived is None:
            return None, []
        results.append(derived)
    if not results:
        return None, []
    notes = list(dict.fromkeys(note for r in results for note in r.assumptions))
    groups = sorted({r.group for r in results})
    if len(groups) == 1:
        return groups[0], notes
    shared = _shared_group(groups)
    if shared is not None:
        notes.append(f"N could be {'/'.join(ns)}: these give {'/'.join(groups)}; reported {shared}")
    return shared, notes


# Derivation is pure and reports repeat the same categories: cache it.
_derive_group = functools.lru_cache(maxsize=4096)(derive_group)


def _histologic_grade(grade: str | None) -> int | None:
    match = re.fullmatch(r"G([1-3])", grade or "")
    return int(match.group(1)) if match else None


_GROUP_PARTS = re.compile(r"(IV|III|II|I|0)([A-D]?)")


def _shared_group(groups: list[str]) -> str | None:
    parts = [_GROUP_PARTS.match(g) for g in groups]
    numerals = {p.group(1) for p in parts if p}
    if None in parts or len(numerals) != 1:
        return None
    letters = {p.group(2) for p in parts if p}
    return numerals.pop() + (letters.pop() if len(letters) == 1 else "")
