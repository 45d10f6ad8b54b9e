"""Stage: TNM categories, the AJCC (or FIGO) stage group, and the group derived when unstated.

Most pathology reports give pT and pN and rarely M or the group; when the group is missing it
is derived from the site's AJCC table (`stage_groups`), marked `derived` and sent for review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.document import AnalyzedPage
from extractors.sections import SectionKind
from extractors.stage_groups import chapter_for, derive_group
from models.schemas import DiagnosisFact, StageFact

CLUSTER_GAP = 40  # characters allowed between the T, N and M of one statement

_PREFIX = r"(?:yp|yc|rp|p|c|r|a)"
_SUFFIX = r"(?:mi|[a-d][0-3]?|\((?:i|mol|sn|m|f)[+-]?\))*"
_ONE = rf"{_PREFIX}?[tnm](?:is|x|[0-4o]){_SUFFIX}"
# Components may be glued ("pt2n0mx", as OCR and synoptic lines write them) or spaced.
_SEQUENCE = re.compile(rf"(?<![a-z0-9])(?:{_ONE})(?:[\s,;/]{{0,3}}(?:{_ONE}))*(?![a-z0-9])")
_COMPONENT = re.compile(
    rf"(?P<prefix>{_PREFIX})?(?P<cat>[tnm])(?P<value>is|x|[0-4o])(?P<suffix>{_SUFFIX})"
)
_GROUP = re.compile(
    r"\b(?P<system>figo\s+|ajcc\s+|anatomic\s+|prognostic\s+|overall\s+)?stage"
    r"(?:\s+group(?:ing)?)?(?:\s*\((?:ajcc|figo)[^)]{0,20}\))?\s*(?:is|of|:|=|-)?\s*"
    r"(?P<group>iv|iii|ii|i|0|[1-4])(?P<sub>[a-c][12]?)?(?![a-z0-9])"
)
_EDITION = re.compile(r"\b(?:ajcc\s*)?\(?(?P<n>[5-9])(?:st|nd|rd|th)\s+ed(?:ition|\.)?")
_AGE = re.compile(r"\b(?P<age>\d{1,3})[- ]?(?:year|yr)s?[- ]old\b")
_ROMAN_BY_DIGIT = {"1": "I", "2": "II", "3": "III", "4": "IV", "0": "0"}
_CLASSIFICATION = {
    "p": "pathologic",
    "c": "clinical",
    "yp": "post-therapy",
    "yc": "post-therapy",
    "r": "recurrence",
    "rp": "recurrence",
    "a": "pathologic",
}
_VALID_VALUES = {"t": set("01234") | {"is", "x"}, "n": set("0123") | {"x"}, "m": {"0", "1", "x"}}


@dataclass(frozen=True)
class _Component:
    start: int
    end: int
    prefix: str
    category: str
    label: str  # "T2a", "N0(i+)", "MX" without the prefix


def _components(page: AnalyzedPage) -> list[_Component]:
    found = []
    for sequence in _SEQUENCE.finditer(page.text):
        parts = list(_COMPONENT.finditer(page.text, sequence.start(), sequence.end()))
        for index, match in enumerate(parts):
            category, value = match.group("cat"), match.group("value")
            # OCR writes N0 as "NO"; a bare "no" is only staging inside a sequence.
            glued = index > 0 and parts[index - 1].end() == match.start()
            if value == "o" and not (match.group("prefix") or glued or index + 1 < len(parts)):
                continue
            value = value.replace("o", "0")
            if value not in _VALID_VALUES[category]:
                continue
            found.append(
                _Component(
                    match.start(),
                    match.end(),
                    match.group("prefix") or "",
                    category,
                    f"{category.upper()}{value.upper() if value == 'x' else value}"
                    f"{match.group('suffix')}",
                )
            )
    return found


def _clusters(components: list[_Component]) -> list[list[_Component]]:
    """Group components that sit close together; keep those that can be a real statement."""
    clusters: list[list[_Component]] = []
    for component in components:
        if clusters and component.start - clusters[-1][-1].end <= CLUSTER_GAP:
            clusters[-1].append(component)
        else:
            clusters.append([component])
    kept = []
    for cluster in clusters:
        categories = {c.category for c in cluster}
        # A lone "t2" or "n0" is too ambiguous (MRI weighting, vertebrae); one with a p/c
        # prefix, or a statement naming two categories, is staging.
        if "t" in categories and (len(categories) > 1 or cluster[0].prefix):
            kept.append(cluster)
    return kept


def _first(cluster: list[_Component], category: str) -> _Component | None:
    return next((c for c in cluster if c.category == category), None)


def _with_prefix(component: _Component | None, default_prefix: str) -> str | None:
    if component is None:
        return None
    prefix = component.prefix or default_prefix
    return f"{prefix}{component.label}"


def _stated_group(pages: list[AnalyzedPage]) -> tuple[AnalyzedPage, re.Match[str]] | None:
    for page in pages:
        for match in _GROUP.finditer(page.text):
            if page.flags(match.start(), match.end()).hypothetical:
                continue
            return page, match
    return None


def _edition(pages: list[AnalyzedPage]) -> int | None:
    for page in pages:
        match = _EDITION.search(page.text)
        if match:
            return int(match.group("n"))
    return None


def _age(pages: list[AnalyzedPage]) -> int | None:
    for page in pages:
        match = _AGE.search(page.text)
        if match and 0 < int(match.group("age")) < 120:
            return int(match.group("age"))
    return None


def _best_cluster(pages: list[AnalyzedPage]) -> tuple[AnalyzedPage, list[_Component]] | None:
    best: tuple[tuple[int, int, float], AnalyzedPage, list[_Component]] | None = None
    for page in pages:
        for cluster in _clusters(_components(page)):
            section_bonus = (
                1
                if page.section(cluster[0].start)
                in (
                    SectionKind.diagnosis,
                    SectionKind.synoptic,
                )
                else 0
            )
            rank = (len({c.category for c in cluster}), section_bonus, -cluster[0].start)
            if best is None or rank > best[0]:
                best = (rank, page, cluster)
    return (best[1], best[2]) if best else None


def _group_label(match: re.Match[str]) -> str:
    group = match.group("group")
    return _ROMAN_BY_DIGIT.get(group, group.upper()) + (match.group("sub") or "").upper()


def extract_stage(pages: list[AnalyzedPage], diagnosis: DiagnosisFact | None) -> list[StageFact]:
    """Return the document's stage: stated where written, else derived from its TNM."""
    stated = _stated_group(pages)
    tnm = _best_cluster(pages)
    if stated is None and tnm is None:
        return []
    edition = _edition(pages)
    t = n = m = None
    classification = None
    if tnm is not None:
        cluster = tnm[1]
        t_component = _first(cluster, "t")
        prefix = t_component.prefix if t_component else ""
        t = _with_prefix(t_component, prefix)
        n = _with_prefix(_first(cluster, "n"), prefix)
        m = _with_prefix(_first(cluster, "m"), prefix if prefix != "p" else "c")
        classification = _CLASSIFICATION.get(prefix)
    if stated is not None:
        page, match = stated
        system = "FIGO" if (match.group("system") or "").strip() == "figo" else "AJCC"
        flags = page.flags(match.start(), match.end())
        return [
            StageFact(
                system=system,
                edition=edition if system == "AJCC" else None,
                classification=classification,
                t=t,
                n=n,
                m=m,
                group=_group_label(match),
                method="stated",
                evidence=page.evidence(match.start(), match.end()),
                confidence=page.confidence(0.9, flags),
                origin=page.origin,
                **flags.as_dict(),
            )
        ]
    assert tnm is not None
    page, cluster = tnm
    start, end = cluster[0].start, cluster[-1].end
    flags = page.flags(start, end, ignore=frozenset({"negated"}))
    group, assumptions = _derive(diagnosis, t, n, m, edition, _age(pages))
    return [
        StageFact(
            edition=edition,
            classification=classification,
            t=t,
            n=n,
            m=m,
            group=group,
            method="derived",
            assumptions=assumptions,
            evidence=page.evidence(start, end),
            confidence=page.confidence(0.75 if group else 0.6, flags),
            origin=page.origin,
            **flags.as_dict(),
        )
    ]


def _strip_prefix(category: str | None) -> str | None:
    if category is None:
        return None
    return re.sub(r"^(?:yp|yc|rp|p|c|r|a)", "", category)


def _derive(
    diagnosis: DiagnosisFact | None,
    t: str | None,
    n: str | None,
    m: str | None,
    edition: int | None,
    age: int | None,
) -> tuple[str | None, list[str]]:
    if diagnosis is None:
        return None, [
            "no stage group: the cancer type, which picks the staging table, was not found"
        ]
    chapter = chapter_for(diagnosis.oncotree_code, diagnosis.main_type, None)
    if chapter is None:
        return None, [f"no AJCC stage group table applies to {diagnosis.name}"]
    table_edition = 8 if edition is None or edition >= 8 else 7
    derived = derive_group(
        chapter,
        t=_strip_prefix(t),
        n=_strip_prefix(n),
        m=_strip_prefix(m),
        edition=table_edition,
        age=age,
        histology=diagnosis.histology,
    )
    if derived is None:
        return None, [f"the stated T, N and M do not fix a stage group in the {chapter} table"]
    notes = list(derived.assumptions)
    if edition is None:
        notes.append(f"AJCC edition not stated: the {table_edition}th edition table was used")
    elif edition != table_edition:
        notes.append(
            f"AJCC {edition}th edition stated: the {table_edition}th edition table was used"
        )
    return derived.group, notes
