"""Checks on gene_groups.yaml: every named group is there, with markers the vocabulary knows."""

from __future__ import annotations

from collections import Counter

import pytest

from extractors import vocab
from extractors.vocab import GeneGroup
from extractors.vocab.loader import load_entries

MARKER_KEYS = frozenset(entry.key for entry in vocab.biomarkers())


def _entries() -> list[vocab.GeneGroupEntry]:
    return load_entries("extractors.vocab", "gene_groups.yaml", vocab.GeneGroupEntry)


def test_every_group_is_listed_once() -> None:
    names = Counter(entry.name for entry in _entries())
    assert set(names) == set(GeneGroup)
    assert max(names.values()) == 1


@pytest.mark.parametrize("name", list(GeneGroup))
def test_group_members_are_vocabulary_keys_listed_once(name: GeneGroup) -> None:
    members = vocab.gene_group_members(name)
    assert members
    assert set(members) <= MARKER_KEYS
    assert len(members) == len(set(members))
    assert vocab.gene_group(name) == frozenset(members)


def test_a_group_lists_no_marker_it_already_includes() -> None:
    for entry in _entries():
        included = {m for name in entry.includes for m in vocab.gene_group_members(name)}
        assert included.isdisjoint(entry.markers), entry.name


def test_every_germline_risk_gene_is_read_with_its_origin() -> None:
    assert vocab.gene_group(GeneGroup.hereditary_risk_genes) < vocab.gene_group(
        GeneGroup.germline_tested_genes
    )


def test_labels_are_what_facts_name_the_markers() -> None:
    labels = vocab.gene_group_labels(GeneGroup.hereditary_risk_genes)
    assert "BRCA1/2" in labels
    assert "BRCA" not in labels


def test_triple_negative_keeps_reporting_order() -> None:
    assert vocab.gene_group_members(GeneGroup.triple_negative) == ("ER", "PR", "HER2")
