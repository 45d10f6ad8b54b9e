"""Read the tumour's greatest dimension, preferring labelled sizes ("Tumor size: 3.5 cm")."""

from __future__ import annotations

import re

_MEASURE = r"\d{1,2}(?:[.,]\d{1,2})?"
_DIMENSIONS = rf"(?P<dims>{_MEASURE}(?:\s?(?:x|by)\s?{_MEASURE}){{0,2}})\s?(?P<unit>cm|mm)\b"
# OCR misreads the m of "carcinoma" as n ("carcinona").
_TUMOUR = r"(?:tumou?r|mass|carcino[mn]a|neoplasm|lesion|nodule)"
_SIZES = (
    # "Tumor size: 3.5 x 2 cm", "greatest dimension: 4.2 cm"
    re.compile(
        rf"(?P<label>tumou?r\s(?:size|diameter)|size\sof\s(?:the\s)?tumou?r|(?:greatest|maximum|largest)\s"
        rf"(?:tumou?r\s)?(?:dimension|diameter)"
        # A synoptic field of its own among the tumour's fields, "Focality: unifocal. Size =
        # 2.2 cm" (not "Specimen size:", where a word before it names what was measured).
        rf"|size(?<=[.;]\ssize)(?=\s?[=:]))[^:0-9]{{0,30}}:?\s?"
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


def read_tumour_size(text: str) -> tuple[float, int, int] | None:
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
