"""Read T from how far the tumour extends, by the chapter's phrases in `stage_t_extents.yaml`.

Each chapter lists its extents highest T first: a structure invaded ("invades the renal vein"),
a finding written as such ("renal vein invasion: present"), or the deepest layer reached, read
only after a word of invasion or extent ("invades through the muscularis propria into
subserosa"). A finding counts only when it is asserted in its clause.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from extractors.stage.findings import Finding, is_asserted
from extractors.stage.tables import extent_file
from extractors.tnm import rank_t_category

INTO = (
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
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclasses.dataclass(frozen=True)
class _Extent:
    category: str
    pattern: re.Pattern[str]
    reason: str
    depth: bool = False  # a layer name, read only after a word of invasion or extent


def compile_phrases(*alternatives: str) -> re.Pattern[str]:
    """Compile alternatives into one pattern whose words may be split by an OCR stop."""
    # Words of one phrase may be split by an OCR stop: "perinephric. fat".
    pattern = "|".join(alternatives)
    return re.compile(re.sub(r"\\s(?![?*+{])", r"[\\s.]{1,2}", pattern))


@functools.cache
def _extents(key: str) -> tuple[_Extent, ...]:
    data = extent_file()
    fragments = data.fragments
    chapter = next((c for c in data.entries if c.chapter == key), None)
    if chapter is None:
        return ()
    compiled = []
    for extent in chapter.extents:
        patterns = [_PLACEHOLDER.sub(lambda m: fragments[m.group(1)], p) for p in extent.patterns]
        if extent.kind == "into":
            # A structure may open a parenthesis: "involving cartilage (thyroid and cricoid ...)".
            pattern = compile_phrases(rf"{INTO}\(?(?:{'|'.join(patterns)})")
        else:
            pattern = compile_phrases(*patterns)
        compiled.append(_Extent(extent.category, pattern, extent.reason, extent.kind == "layer"))
    return tuple(compiled)


def read_extent_t(key: str, text: str) -> Finding | None:
    """The highest T the findings chapter's extents assert in the text, or None."""
    best: Finding | None = None
    for extent in _extents(key):
        if best is not None and rank_t_category(extent.category) <= rank_t_category(best.category):
            continue
        for match in extent.pattern.finditer(text):
            if extent.depth and not _DEPTH_CUE.search(
                text, max(0, match.start() - 70), match.start()
            ):
                continue
            if is_asserted(text, match.start(), match.end()):
                best = Finding(match.start(), match.end(), extent.category, extent.reason)
                break
    return best
