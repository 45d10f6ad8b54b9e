"""Evaluate the article matcher against a nurse's graded choices.

    .venv/bin/python benchmarks/eval_matcher.py [--fixture PATH] [--limit N] [--verbose]

Each case in the fixture is a profile with articles graded 2 (relevant) or 1 (partly relevant);
unlisted articles are 0. Prints nDCG@5, precision@3 (share of the first three graded 1 or 2) and
the number of contradicting matches among the first N shown (default 6, what a patient sees).

A match contradicts when the case lists it under "never", or when, checked here without the
matcher's code, the article is tagged for another cancer type, for stages that leave out the
profile's stage, or excludes a result or stage the profile has.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from extractors import vocab
from intake.matcher import Article, library, match_articles
from models.schemas import Profile

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "matcher_profiles.json"
NDCG_AT = 5
PRECISION_AT = 3


@dataclass(frozen=True)
class Case:
    id: str
    profile: Profile
    grades: dict[str, int]
    never: frozenset[str]


@dataclass(frozen=True)
class CaseResult:
    id: str
    ranked: list[str]
    ndcg: float
    precision: float
    contradictions: list[str]


def load_cases(path: Path) -> list[Case]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return [
        Case(
            id=item["id"],
            profile=Profile.model_validate(item["profile"]),
            grades={slug: int(grade) for slug, grade in item["grades"].items()},
            never=frozenset(item.get("never", [])),
        )
        for item in document["cases"]
    ]


def ndcg(ranked: list[str], grades: dict[str, int], k: int = NDCG_AT) -> float:
    """Normalised discounted cumulative gain with gains 2**grade - 1."""

    def dcg(values: list[int]) -> float:
        return sum((2.0**g - 1) / math.log2(i + 2) for i, g in enumerate(values[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(slug, 0) for slug in ranked]) / ideal if ideal else 1.0


def precision(ranked: list[str], grades: dict[str, int], k: int = PRECISION_AT) -> float:
    top = ranked[:k]
    return sum(grades.get(slug, 0) > 0 for slug in top) / k


def _main_types() -> dict[str, str]:
    return {entry.code: entry.main_type for entry in vocab.cancer_types()}


def _numeral(profile: Profile) -> str | None:
    if profile.metastases:
        return "IV"
    group = (profile.stage.group if profile.stage else None) or ""
    match = re.match(r"(IV|III|II|I|0)(?![IV])", group.upper())
    return match.group(1) if match else None


def contradicts(article: Article, profile: Profile, main_types: dict[str, str]) -> bool:
    """Check an article against a profile with rules kept apart from the matcher's."""
    tags = article.tags
    if tags.cancer_types:
        wanted = {main_types.get(tag, tag) for tag in tags.cancer_types}
        have = {d.main_type or main_types.get(d.oncotree_code, "") for d in profile.diagnoses}
        if not wanted & have:
            return True
    numeral = _numeral(profile)
    if tags.stages and numeral and numeral not in tags.stages:
        return True
    results = {f"{b.marker}:{b.result}" for b in profile.biomarkers if b.result}
    return bool(set(tags.exclude) & (results | {numeral}))


def evaluate(cases: list[Case], limit: int) -> list[CaseResult]:
    articles = {article.slug: article for article in library()}
    main_types = _main_types()
    results = []
    for case in cases:
        ranked = [m.slug for m in match_articles(case.profile, limit=max(limit, NDCG_AT))]
        shown = ranked[:limit]
        wrong = [
            slug
            for slug in shown
            if slug in case.never or contradicts(articles[slug], case.profile, main_types)
        ]
        results.append(
            CaseResult(
                case.id, ranked, ndcg(ranked, case.grades), precision(ranked, case.grades), wrong
            )
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", type=Path, default=FIXTURE)
    parser.add_argument("--limit", type=int, default=6, help="matches shown to a patient")
    parser.add_argument("--verbose", action="store_true", help="print every case")
    args = parser.parse_args(argv)
    cases = load_cases(args.fixture)
    results = evaluate(cases, args.limit)
    for result, case in zip(results, cases, strict=True):
        if args.verbose or result.contradictions or result.ndcg < 0.7:
            marks = [f"{slug}({case.grades.get(slug, 0)})" for slug in result.ranked[:NDCG_AT]]
            print(f"{result.id:40} nDCG={result.ndcg:.2f} P@3={result.precision:.2f}", *marks)
            if result.contradictions:
                print("   contradicting:", ", ".join(result.contradictions))
    count = len(results)
    mean_ndcg = sum(r.ndcg for r in results) / count
    mean_precision = sum(r.precision for r in results) / count
    contradictions = sum(len(r.contradictions) for r in results)
    print(f"cases: {count}")
    print(f"nDCG@{NDCG_AT}: {mean_ndcg:.3f}")
    print(f"precision@{PRECISION_AT}: {mean_precision:.3f}")
    print(f"contradicting matches (first {args.limit} shown): {contradictions}")
    return 0 if contradictions == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
