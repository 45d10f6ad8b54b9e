"""Find the staging chapter for a cancer type (OncoTree code, mainType or site)."""

from __future__ import annotations

import functools

from extractors.stage.group_tables import NO_CHAPTER, grouping_file, name_key


@functools.cache
def _chapter_index() -> dict[str, dict[str, str | None]]:
    index: dict[str, dict[str, str | None]] = {}
    for namespace, mapping in grouping_file().chapter_for:
        index[namespace] = {
            name_key(namespace, name): None if chapter == NO_CHAPTER else chapter
            for chapter, names in mapping.items()
            for name in names
        }
    return index


def chapter_for(
    oncotree_code: str | None, main_type: str | None = None, site: str | None = None
) -> str | None:
    """Return the staging chapter key for a cancer type (OncoTree code / OncoTree mainType /
    site key), or None when no AJCC table applies (e.g. brain tumours, lymphoma, leukemia).

    The code is tried first, then the mainType, then the site; the first one the data file knows
    decides, including a known "no table" answer (a gastric lymphoma never reaches the stomach
    table). Names that could belong to several chapters are unknown on purpose, so the next key
    decides; when none decides the answer is None.
    """
    index = _chapter_index()
    keys = (("oncotree_code", oncotree_code), ("main_type", main_type), ("site", site))
    for namespace, name in keys:
        key = name_key(namespace, name) if name else None
        if key and key in index[namespace]:
            return index[namespace][key]
    return None
