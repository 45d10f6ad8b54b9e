"""Read what a report says about its regional lymph nodes, as counts.

Counts are written as fractions beside a node ("(2/15)"), in words ("one of eight lymph
nodes", "four lymph nodes, negative", "no metastasis in 37 axillary lymph nodes") or as
synoptic fields ("Number of lymph nodes involved: 2"). For lung, the station each involved
count names is kept too, since there N depends on where the nodes are.
"""

from __future__ import annotations

import dataclasses
import re

from extractors.stage.scanning import finditer_near_word

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
class NodeCount:
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


def read_node_counts(text: str) -> NodeCount | None:
    positives: list[int] = []
    stations: list[str | None] = []
    fractions: set[tuple[int, int]] = set()
    for match in finditer_near_word(_NODE_COUNTS, text, "nod", NODE_WINDOW):
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
    none_examined = next(finditer_near_word(_NO_NODES, text, "nod", 40), None) is not None
    if not positives and not none_examined:
        return None
    return NodeCount(
        max(positives, default=0), sum(positives), len(positives), none_examined, tuple(stations)
    )


def _lung_station(text: str, start: int, end: int) -> str | None:
    """The lung N of the station named by the count itself or last named before it."""
    sites = list(_LUNG_STATION.finditer(text, max(0, start - 120), end))
    if not sites:
        return None
    return {"n1": "N1", "n2": "N2", "n3": "N3"}[sites[-1].lastgroup or ""]
