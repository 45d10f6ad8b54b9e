"""Indexes over the cancer-type, site and histology vocabularies, built once on first use."""

from __future__ import annotations

import functools
import re
from collections import defaultdict

from extractors import vocab


@functools.cache
def types_by_code() -> dict[str, vocab.CancerTypeEntry]:
    return {entry.code: entry for entry in vocab.cancer_types()}


@functools.cache
def ancestors() -> dict[str, tuple[str, ...]]:
    """Map each code to its ancestors in the vocabulary, nearest first."""
    by_code = types_by_code()
    chains: dict[str, tuple[str, ...]] = {}
    for code, entry in by_code.items():
        chain: list[str] = []
        parent = entry.parent
        while parent is not None and parent in by_code:
            chain.append(parent)
            parent = by_code[parent].parent
        chains[code] = tuple(chain)
    return chains


def is_descendant(code: str, ancestor: str) -> bool:
    return ancestor in ancestors().get(code, ())


def find_tissue(code: str) -> str:
    """Return the tissue-level code a type falls under (its most distant ancestor)."""
    chain = ancestors().get(code, ())
    return chain[-1] if chain else code


@functools.cache
def type_by_site_histology() -> dict[tuple[str, str], str]:
    return {
        (site, histology): entry.code
        for entry in vocab.cancer_types()
        for site, histology in entry.site_histology
    }


@functools.cache
def site_of_code() -> dict[str, str]:
    """Map each type that arises at one site only to that site ("prostate adenocarcinoma")."""
    sites: dict[str, set[str]] = defaultdict(set)
    for (site, _), code in type_by_site_histology().items():
        sites[code].add(site)
    return {code: next(iter(keys)) for code, keys in sites.items() if len(keys) == 1}


@functools.cache
def sites_by_procedure() -> dict[str, tuple[str, ...]]:
    """Map each operation to the organs it removes ("hysterectomy": cervix and uterus)."""
    sites: dict[str, tuple[str, ...]] = defaultdict(tuple)
    for site in vocab.sites():
        for procedure in site.procedures:
            sites[procedure] += (site.key,)
    return dict(sites)


@functools.cache
def removed_with() -> dict[str, list[str]]:
    return {site.key: site.removed_with for site in vocab.sites() if site.removed_with}


@functools.cache
def labels() -> tuple[dict[str, str], dict[str, str]]:
    """Return the labels of the sites and of the histologies, by key."""
    return (
        {site.key: site.label for site in vocab.sites()},
        {histology.key: histology.label for histology in vocab.histologies()},
    )


@functools.cache
def generic_histologies() -> dict[str, str]:
    """Map each broad histology to the class it names ("carcinoma")."""
    return {
        histology.key: histology.label.lower().removesuffix(", nos")
        for histology in vocab.histologies()
        if histology.broad
    }


@functools.cache
def in_situ_codes() -> frozenset[str]:
    return frozenset(
        code for code, entry in types_by_code().items() if "in situ" in entry.name.lower()
    )


@functools.cache
def benign_codes() -> frozenset[str]:
    """Return the types ICD-10 counts as benign neoplasms (D10-D36: an oncocytoma, D30.0)."""
    return frozenset(
        code
        for code, entry in types_by_code().items()
        if entry.icd10 is not None and re.fullmatch(r"D(?:1\d|2\d|3[0-6])(?:\..*)?", entry.icd10)
    )
