"""Read T for melanoma from the findings: Breslow thickness for the skin, the size category and
its letter for the uvea (AJCC 7th edition; the steps are in `stage_t_sizes.yaml`)."""

from __future__ import annotations

import re

from extractors.stage.findings import Finding, first_asserted
from extractors.stage.tables import breslow_steps, size_file

_BRESLOW = re.compile(
    # "Breslow thickness: 5 mm", "Breslow tumor thickness at diagnosis = 8 mm"
    r"breslow\W{0,3}(?:\w+\W{1,3}){0,5}?(?P<value>\d{1,2}(?:[.,]\d{1,2})?)\s?(?P<unit>mm|cm)\b"
    # Thickness is also written as depth alone: "7.0 mm deep", "invading to a depth of 2.1 mm".
    r"|(?P<deep>\d{1,2}(?:[.,]\d{1,2})?)\s?mm\s(?:deep|in\sdepth|thick)\b"
    r"|(?:depth\sof\sinvasion|(?:tumou?r|maximum)\sthickness|(?:invad\w*|invasion)\s(?:to\s)?"
    r"(?:a\s)?depth\sof)\W{0,3}(?P<depth>\d{1,2}(?:[.,]\d{1,2})?)\s?mm\b"
)
_ULCERATION = re.compile(r"ulcerat\w*")


def read_melanoma_t(text: str) -> Finding | None:
    """Melanoma of the skin, 7th edition: Breslow thickness, and ulceration for the letter."""
    match = _BRESLOW.search(text)
    if match is None:
        return None
    value = match.group("value") or match.group("deep") or match.group("depth")
    thickness = float(value.replace(",", ".")) * (10 if match.group("unit") == "cm" else 1)
    t = next(category for limit, category in breslow_steps() if thickness <= limit)
    ulcerated = first_asserted(_ULCERATION, text) is not None
    # T1a/T1b also turns on mitoses; both are stage IA without nodes, so T1 is kept.
    letter = ("b" if ulcerated else "a") if t != "T1" else ""
    reason = f"Breslow thickness {thickness:g} mm, {'with' if ulcerated else 'no'} ulceration read"
    return Finding(match.start(), match.end(), f"{t}{letter}", reason)


# Uveal melanoma (choroid and ciliary body), 7th edition: the size category by largest basal
# diameter and thickness (the table is in stage_t_sizes.yaml); the letter by ciliary body
# involvement and extrascleral extension.
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
    bands = size_file().uveal_melanoma.bands_mm
    return next((i for i, limit in enumerate(bands) if value <= limit), len(bands))


def read_uveal_t(text: str) -> Finding | None:
    diameter = _BASAL_DIAMETER.search(text)
    thickness = _THICKNESS.search(text, diameter.end()) if diameter else None
    if diameter is None or thickness is None:
        return None
    basal, height = float(diameter.group("value")), float(thickness.group("value"))
    sizes = size_file().uveal_melanoma.size_categories
    category = sizes[min(_band(height), len(sizes) - 1)][_band(basal)]
    ciliary = first_asserted(_CILIARY_BODY, text) is not None
    extrascleral = first_asserted(_EXTRASCLERAL, text) is not None
    # a: neither; b: ciliary body; c: extrascleral extension up to 5 mm; d: both. T4e (extension
    # over 5 mm) needs the extension's size, which is not read: an extension is taken as T4c/d.
    letter = "dbca"[(not ciliary) * 2 + (not extrascleral)]
    reason = (
        f"largest basal diameter {basal:g} mm and thickness {height:g} mm (size category "
        f"{category}), ciliary body {'involved' if ciliary else 'not involved'}, extrascleral "
        f"extension {'present' if extrascleral else 'not read'}"
    )
    return Finding(diameter.start(), thickness.end(), f"T{category}{letter}", reason)
