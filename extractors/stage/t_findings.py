"""Read T from the findings, for reports that state no TNM.

Most reports give no TNM at all, but describe what fixes T: the tumour's greatest dimension and
how far it extends. The rules are the AJCC 7th edition T definitions of each chapter, read as
pathologists write them; a T read this way is reported with the finding it rests on. Chapters
that share T definitions share rules (`stage_findings_chapters.yaml`).
"""

from __future__ import annotations

from extractors.stage.findings import Finding
from extractors.stage.t_extents import read_extent_t
from extractors.stage.t_liver import read_liver_t
from extractors.stage.t_melanoma import read_melanoma_t, read_uveal_t
from extractors.stage.tables import findings_chapters, size_steps
from extractors.stage.tumour_size import read_tumour_size
from extractors.tnm import rank_t_category


def read_t_from_findings(chapter: str, text: str) -> Finding | None:
    """The T category the findings support, or None when they do not fix it."""
    key = findings_chapters().get(chapter, chapter)
    if key in ("liver", "intrahepatic_bile_duct"):
        return read_liver_t(text, bile_duct=key != "liver")
    if key == "melanoma":
        return read_melanoma_t(text)
    if key == "uveal_melanoma":
        return read_uveal_t(text)
    best = read_extent_t(key, text)
    steps = size_steps().get(key)
    if steps is not None:
        size = read_tumour_size(text)
        if size is not None:
            value, start, end = size
            category = next(c for limit, c in steps if value <= limit)
            if best is None or rank_t_category(category) > rank_t_category(best.category):
                best = Finding(start, end, category, f"a tumour of {value:g} cm")
    return best
