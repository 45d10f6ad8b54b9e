"""Match general educational articles to a profile, each with the reason it was chosen."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field

from models.schemas import ArticleMatchRead, Profile

GENERAL_LIMIT = 2


class ArticleTags(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    cancer_types: list[str] = Field(
        default_factory=list, description="OncoTree codes or main types"
    )
    stages: list[str] = Field(
        default_factory=list, description="stage groups by roman numeral: I..IV"
    )
    biomarkers: list[str] = Field(default_factory=list, description="'HER2:positive' or 'EGFR'")
    treatments: list[str] = Field(default_factory=list, description="drug classes or generic names")
    topics: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(
        default_factory=list, description="biomarker results or stages that contradict"
    )


class Article(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    slug: str
    title: str
    summary: str
    audience: str = "patients"
    tags: ArticleTags
    body: str


@dataclass
class _Score:
    value: float = 0.0
    reasons: list[str] = field(default_factory=list)


def parse_article(slug: str, text: str) -> Article:
    """Parse a Markdown article with YAML front matter between '---' lines."""
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    return Article(slug=slug, body=body.strip(), **meta)


@functools.cache
def library() -> tuple[Article, ...]:
    folder = resources.files("intake.articles")
    return tuple(
        parse_article(item.name.removesuffix(".md"), item.read_text(encoding="utf-8"))
        for item in sorted(folder.iterdir(), key=lambda i: i.name)
        if item.name.endswith(".md")
    )


def _profile_terms(profile: Profile) -> dict[str, set[str]]:
    stage_roman = None
    if profile.stage and profile.stage.group:
        stage_roman = profile.stage.group.rstrip("ABC123")
    return {
        "cancer_types": {d.oncotree_code for d in profile.diagnoses}
        | {d.main_type for d in profile.diagnoses if d.main_type},
        "stages": {stage_roman} if stage_roman else set(),
        "biomarkers": {b.marker for b in profile.biomarkers}
        | {f"{b.marker}:{b.result}" for b in profile.biomarkers if b.result},
        "treatments": {t.name for t in profile.treatments if t.status != "mentioned"}
        | {t.drug_class for t in profile.treatments if t.drug_class and t.status != "mentioned"},
    }


def _reason(kind: str, value: str) -> str:
    return {
        "cancer_types": f"Your record mentions {value}.",
        "stages": f"Your record shows stage {value}.",
        "biomarkers": f"Your record shows a {value.replace(':', ' ')} test result.",
        "treatments": f"Your record mentions {value}.",
    }[kind]


def _contradicts(article: Article, results: dict[str, str]) -> bool:
    """An article written for one result of a marker never goes to a profile with another."""
    for tag in article.tags.biomarkers:
        marker, _, wanted = tag.partition(":")
        if wanted and marker in results and results[marker] != wanted:
            return True
    return False


def match_articles(
    profile: Profile, articles: tuple[Article, ...] | None = None, limit: int = 6
) -> list[ArticleMatchRead]:
    """Rank articles by the profile's facts; never one the profile contradicts."""
    articles = library() if articles is None else articles
    terms = _profile_terms(profile)
    everything = set().union(*terms.values())
    scored: list[tuple[float, Article, str]] = []
    results = {b.marker: b.result for b in profile.biomarkers if b.result}
    for article in articles:
        if everything & set(article.tags.exclude) or _contradicts(article, results):
            continue
        score = _Score()
        for kind, weight in (
            ("cancer_types", 3.0),
            ("biomarkers", 2.5),
            ("stages", 2.0),
            ("treatments", 2.0),
        ):
            hits = terms[kind] & set(getattr(article.tags, kind))
            if hits:
                score.value += weight
                score.reasons.append(_reason(kind, sorted(hits)[0]))
        needs_specific = any(
            getattr(article.tags, kind)
            for kind in ("cancer_types", "biomarkers", "stages", "treatments")
        )
        if score.value == 0 and needs_specific:
            continue
        if score.value == 0:
            score.value = 0.5
            score.reasons.append("General information for anyone reading their records.")
        scored.append((score.value, article, " ".join(score.reasons)))
    scored.sort(key=lambda item: (-item[0], item[1].slug))
    return [
        ArticleMatchRead(slug=a.slug, title=a.title, summary=a.summary, reason=reason, score=value)
        for value, a, reason in scored[:limit]
    ]
