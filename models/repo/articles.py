from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, func, select
from sqlalchemy.orm import Session

from models.errors import NotFound
from models.tables import Article


def list_all(session: Session, *, include_retired: bool = False) -> list[Article]:
    query = select(Article).order_by(Article.slug)
    if not include_retired:
        query = query.where(Article.retired.is_(False))
    return list(session.scalars(query))


def get_by_slug(session: Session, slug: str) -> Article:
    article = session.scalars(select(Article).where(Article.slug == slug)).first()
    if article is None:
        raise NotFound("No such article.", reason="article_not_found")
    return article


def find_by_slug(session: Session, slug: str) -> Article | None:
    return session.scalars(select(Article).where(Article.slug == slug)).first()


def upsert(
    session: Session, *, slug: str, title: str, summary: str, body: str, tags: dict[str, Any]
) -> Article:
    """Create the article or replace its text and tags; a retired article comes back."""
    article = session.scalars(select(Article).where(Article.slug == slug)).first()
    if article is None:
        article = Article(slug=slug)
        session.add(article)
    article.title, article.summary, article.body, article.tags = title, summary, body, tags
    article.retired = False
    session.flush()
    return article


def slugs(session: Session) -> set[str]:
    return set(session.scalars(select(Article.slug)))


def version(session: Session) -> tuple[int, object, int]:
    """Changes whenever an article is added, edited or retired."""
    count, latest, retired = session.execute(
        select(
            func.count(),
            func.max(Article.updated_at),
            func.sum(func.cast(Article.retired, Integer)),
        )
    ).one()
    return int(count), latest, int(retired or 0)
