"""Checks on the staging knowledge kept as data: every file loads, names its source, has no key
twice, and names only chapters and categories the grouping tables know."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from extractors.stage import tables
from extractors.stage.categories import parse_category
from extractors.stage.group_tables import grouping_file
from extractors.stage.t_extents import read_extent_t
from extractors.vocab.loader import load_file

FILES = {
    "stage_t_extents.yaml": tables.ExtentFile,
    "stage_t_sizes.yaml": tables.SizeFile,
    "stage_node_counts.yaml": tables.NodeCountFile,
    "stage_editions.yaml": tables.EditionFile,
    "stage_findings_chapters.yaml": tables.FindingsChapterFile,
    "stage_regional_sites.yaml": tables.RegionalSitesFile,
}


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a mapping key written twice (PyYAML keeps the last)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    keys = [loader.construct_object(key) for key, _ in node.value]
    repeated = {k for k in keys if keys.count(k) > 1}
    if repeated:
        raise ValueError(f"keys written twice at line {node.start_mark.line + 1}: {repeated}")
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _raw(filename: str) -> Any:
    text = resources.files("extractors.vocab").joinpath(filename).read_text("utf-8")
    return yaml.load(text, Loader=_UniqueKeyLoader)


@pytest.mark.parametrize("filename", sorted(FILES))
def test_file_loads_and_names_its_source(filename: str) -> None:
    data = load_file("extractors.vocab", filename, FILES[filename])
    assert "AJCC" in data.source
    assert data.version


@pytest.mark.parametrize("filename", sorted(FILES))
def test_no_mapping_key_is_written_twice(filename: str) -> None:
    assert _raw(filename)


@pytest.mark.parametrize("filename", sorted(FILES))
def test_unknown_keys_are_refused(filename: str) -> None:
    raw = _raw(filename)
    raw["unknown"] = 1
    with pytest.raises(ValidationError):
        FILES[filename].model_validate(raw)


@pytest.mark.parametrize(
    ("filename", "key"),
    [
        ("stage_t_extents.yaml", "entries"),
        ("stage_t_sizes.yaml", "greatest_dimension"),
        ("stage_node_counts.yaml", "entries"),
        ("stage_editions.yaml", "by_year"),
        ("stage_editions.yaml", "sixth_edition_only"),
        ("stage_findings_chapters.yaml", "entries"),
        ("stage_regional_sites.yaml", "entries"),
    ],
)
def test_an_entry_listed_twice_is_refused(filename: str, key: str) -> None:
    raw = _raw(filename)
    raw[key] = [*raw[key], raw[key][0]]
    with pytest.raises(ValidationError, match="listed twice"):
        FILES[filename].model_validate(raw)


def _findings_keys() -> set[str]:
    return set(grouping_file().chapters) | set(tables.findings_chapters().values())


def test_every_chapter_named_is_a_staging_chapter() -> None:
    chapters = set(grouping_file().chapters)
    assert set(tables.findings_chapters()) <= chapters
    assert {chapter for chapter, _ in tables.n_by_count()} <= chapters
    assert set(tables.regional_organs()) <= chapters
    assert set(tables.sixth_edition_only()) <= chapters


def test_every_findings_rule_set_is_a_chapter_or_shared_by_chapters() -> None:
    keys = _findings_keys()
    assert {entry.chapter for entry in tables.extent_file().entries} <= keys
    assert set(tables.size_steps()) <= keys


def test_categories_are_written_as_the_grouping_tables_write_them() -> None:
    t_categories = [
        *(e.category for c in tables.extent_file().entries for e in c.extents),
        *(t for steps in tables.size_steps().values() for _, t in steps),
        *(t for _, t in tables.breslow_steps()),
        *(t for chapter in tables.sixth_edition_only().values() for t in chapter),
    ]
    assert [t for t in t_categories if parse_category(t, "T") != t] == []
    n_categories = [n for steps in tables.n_by_count().values() for _, n in steps]
    assert [n for n in n_categories if parse_category(n, "N") != n] == []


def test_extents_are_listed_highest_first() -> None:
    for chapter in tables.extent_file().entries:
        ranks = [_t_rank(e.category) for e in chapter.extents]
        assert ranks == sorted(ranks, reverse=True), chapter.chapter


def _t_rank(category: str) -> tuple[int, str]:
    match = re.fullmatch(r"T(\d)([a-e]?)", category)
    assert match, category
    return int(match.group(1)), match.group(2)


@pytest.mark.parametrize("chapter", sorted({e.chapter for e in tables.extent_file().entries}))
def test_every_extent_pattern_compiles(chapter: str) -> None:
    assert read_extent_t(chapter, "") is None


def test_editions_by_year_are_known_editions() -> None:
    assert set(tables.edition_by_year().values()) <= {5, 6, 7, 8}
