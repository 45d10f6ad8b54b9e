"""Articles for every signed-in reader: one article's JSON and its page."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.pages import render
from intake.articles_library import read_article
from models.schemas import ArticlePageRead

router = APIRouter(prefix="/api", tags=["articles"], responses=ERROR_RESPONSES)
pages = APIRouter(include_in_schema=False)


@router.get("/articles/{slug}", response_model=ArticlePageRead)
def get_article(slug: str, session: SessionDep, _user: CurrentUser) -> ArticlePageRead:
    """One article: a short answer, the sections as HTML, questions, sources and related."""
    return read_article(session, slug)


@pages.get("/articles/{slug}", response_class=HTMLResponse)
def article_page(
    slug: str, request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> Response:
    article = read_article(session, slug)
    # body_html comes from Markdown rendered with raw HTML escaped (intake/article_text.py).
    return render(
        request,
        "article.html",
        settings,
        article=article,
        body=Markup(article.body_html),
        home="/me",
        role=user.role,
    )
