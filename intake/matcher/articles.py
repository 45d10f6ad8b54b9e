"""The article model, its tags, and the library of articles shipped in intake/articles.

An article is Markdown with YAML front matter between '---' lines: its title, summary, audience,
tags, the sources it draws on and the articles related to it. The tags name the facts a profile
must have, or must not have, to be shown it.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from models.schemas import ArticleSource

TagKind = Literal["cancer_types", "stages", "biomarkers", "treatments", "family_history", "topics"]
TAG_KINDS: tuple[TagKind, ...] = (
    "cancer_types",
    "stages",
    "biomarkers",
    "treatments",
    "family_history",
    "topics",
)
STAGES = ("0", "I", "II", "III", "IV")


class ArticleTags(BaseModel):
    """What an article is about: the facts a profile must have, or must not have, to get it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    cancer_types: tuple[str, ...] = Field(
        default=(), description="OncoTree codes or main types; the article goes to no other type"
    )
    stages: tuple[str, ...] = Field(
        default=(), description="stage groups by roman numeral (0, I..IV); no other known stage"
    )
    biomarkers: tuple[str, ...] = Field(
        default=(),
        description="'HER2:positive' (another result of the marker contradicts, unless another "
        "tag matches) or 'PD-L1' (any result)",
    )
    variants: tuple[str, ...] = Field(
        default=(), description="'KRAS p.G12C': only these variants of the marker match"
    )
    treatments: tuple[str, ...] = Field(default=(), description="drug classes or generic names")
    family_history: tuple[str, ...] = Field(
        default=(),
        description="patterns of cancer in the family, from intake/matcher/hereditary.yaml",
    )
    topics: tuple[str, ...] = Field(
        default=(), description="subjects, from intake/matcher/topics.yaml"
    )
    exclude: tuple[str, ...] = Field(
        default=(),
        description="biomarker results ('HER2:negative') or stages ('IV') that contradict",
    )
    requires: tuple[str, ...] = Field(
        default=(), description="tag kinds or tags of this article, one of which must match"
    )


class Article(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    slug: str
    title: str
    summary: str
    audience: str = "patients"
    tags: ArticleTags
    body: str
    sources: tuple[ArticleSource, ...] = ()
    related: tuple[str, ...] = Field(default=(), description="slugs of related articles")


def parse_article(slug: str, text: str) -> Article:
    """Parse a Markdown article with YAML front matter between '---' lines."""
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    return Article(slug=slug, body=body.strip(), **meta)


@functools.cache
def library() -> tuple[Article, ...]:
    """Load the articles shipped in intake/articles, once per process."""
    folder = resources.files("intake.articles")
    return tuple(
        parse_article(item.name.removesuffix(".md"), item.read_text(encoding="utf-8"))
        for item in sorted(folder.iterdir(), key=lambda i: i.name)
        if item.name.endswith(".md")
    )
