"""The article library in the database: seeded from the files shipped in intake/articles,
then added to, edited and retired by admins. Matching reads it on every profile view, so a
changed article is matched again at once."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.orm import Session

from intake.article_text import reading_grade, render_article
from intake.glossary import terms_in
from intake.matcher import Article, ArticleTags, library, parse_article
from models.errors import NotFound
from models.repo import articles, audit
from models.schemas import ArticleLink, ArticlePageRead, ArticleSource, AuditAction, AuditSubject
from models.tables import Article as ArticleRow


def seed_library(session: Session) -> int:
    """Add the shipped articles the database does not have yet; return how many were added."""
    present = articles.slugs(session)
    added = 0
    for article in library():
        if article.slug not in present:
            save_article(session, article)
            added += 1
    return added


def save_article(session: Session, article: Article, *, actor_id: UUID | None = None) -> ArticleRow:
    """Add or replace an article; an admin's edit (`actor_id`) is audited, the seeding is not."""
    row = articles.upsert(
        session,
        slug=article.slug,
        title=article.title,
        summary=article.summary,
        body=article.body,
        # Audience, sources and related articles are kept beside the tags proper.
        tags={
            "audience": article.audience,
            **article.tags.model_dump(mode="json"),
            "sources": [source.model_dump(mode="json") for source in article.sources],
            "related": list(article.related),
        },
    )
    if actor_id is not None:
        _record(session, actor_id, AuditAction.save, article.slug)
    return row


def article_from_markdown(slug: str, text: str) -> Article:
    """Validate an article written as Markdown with front matter, as the shipped ones are."""
    return parse_article(slug, text)


_loaded: dict[str, tuple[object, tuple[Article, ...]]] = {}


def active_library(session: Session) -> tuple[object, tuple[Article, ...]]:
    """The library as matching sees it, with its version; the shipped files until seeded.

    Kept per process and reloaded when an article is saved or retired, which one small
    query notices, so a profile view does not parse the whole library each time.
    """
    url = str(session.get_bind().engine.url)
    version = (url, articles.version(session))
    cached = _loaded.get(url)
    if cached is not None and cached[0] == version:
        return cached
    rows = articles.list_all(session)
    loaded = (version, tuple(_article(row) for row in rows) if rows else library())
    _loaded[url] = loaded
    return loaded


def _article(row: ArticleRow) -> Article:
    tags = dict(row.tags)
    audience = str(tags.pop("audience", "patients"))
    sources = tags.pop("sources", [])
    related = tags.pop("related", [])
    return Article(
        slug=row.slug,
        title=row.title,
        summary=row.summary,
        audience=audience,
        tags=ArticleTags.model_validate(tags),
        body=row.body,
        sources=tuple(ArticleSource.model_validate(source) for source in sources),
        related=tuple(related),
    )


def read_article(session: Session, slug: str) -> ArticlePageRead:
    """An article for its page; an unknown or retired one is not found."""
    _, active = active_library(session)
    by_slug = {article.slug: article for article in active}
    article = by_slug.get(slug)
    if article is None:
        raise NotFound("No such article.", reason="article_not_found")
    row = articles.find_by_slug(session, slug)
    text = render_article(article.body)
    return ArticlePageRead(
        slug=article.slug,
        title=article.title,
        summary=article.summary,
        body_html=text.body_html,
        reading_level=reading_grade(text.plain_text),
        updated_at=row.updated_at if row is not None else None,
        sources=list(article.sources),
        related=[
            ArticleLink(slug=other, title=by_slug[other].title)
            for other in article.related
            if other in by_slug and other != slug
        ],
        questions=list(text.questions),
        glossary=terms_in(f"{article.summary} {text.plain_text}"),
    )


def retire_article(session: Session, slug: str, *, actor_id: UUID | None = None) -> ArticleRow:
    """Match an article to no one from now on, keeping it for the record."""
    row = articles.get_by_slug(session, slug)
    row.retired = True
    session.flush()
    if actor_id is not None:
        _record(session, actor_id, AuditAction.retire, slug)
    return row


def _record(session: Session, actor_id: UUID, action: AuditAction, slug: str) -> None:
    audit.record(
        session,
        actor_id=actor_id,
        action=action,
        subject_type=AuditSubject.article,
        subject_id=slug,
    )
