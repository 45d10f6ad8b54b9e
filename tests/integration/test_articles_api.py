"""Articles for signed-in readers: the JSON and the page, on the embedded default."""

from __future__ import annotations

import pytest

from intake.articles_library import seed_library
from models.db import session_scope
from models.schemas import Role

ARTICLE_FIELDS = {
    "slug",
    "title",
    "summary",
    "body_html",
    "reading_level",
    "updated_at",
    "sources",
    "related",
}


@pytest.fixture(autouse=True)
def _seeded(api):
    # As `intake migrate` does: the shipped articles are in the database beside admins' ones.
    with session_scope(api.settings.resolved_database_url) as session:
        seed_library(session)


def test_an_article_needs_a_signed_in_reader(api):
    assert api.client.get("/api/articles/her2-low-breast-cancer").status_code == 401


def test_a_shipped_article_has_its_sections_sources_and_related(api):
    headers = api.user(Role.patient)
    response = api.client.get("/api/articles/her2-low-breast-cancer", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= ARTICLE_FIELDS
    assert "<h2>" in body["body_html"]
    assert "Questions to ask" not in body["body_html"]
    assert body["questions"]
    assert body["sources"]
    assert all(source["url"].startswith("https://") for source in body["sources"])
    assert body["related"]
    assert 3 <= body["reading_level"] <= 9


def test_every_role_may_read_an_article(api):
    for role in (Role.clinician, Role.admin):
        headers = api.user(role)
        assert api.client.get("/api/articles/chemotherapy", headers=headers).status_code == 200


def test_an_unknown_article_is_not_found(api):
    headers = api.user(Role.patient)
    response = api.client.get("/api/articles/no-such-article", headers=headers)
    assert response.status_code == 404
    assert response.json()["reason"] == "article_not_found"


def test_a_retired_article_is_not_found(api):
    admin = api.user(Role.admin)
    article = {
        "title": "A short-lived article",
        "summary": "Soon retired.",
        "body": "Plain words.",
        "sources": [{"name": "National Cancer Institute", "url": "https://www.cancer.gov"}],
    }
    assert api.client.put("/api/admin/articles/short-lived", json=article, headers=admin).is_success
    patient = api.user(Role.patient)
    assert api.client.get("/api/articles/short-lived", headers=patient).status_code == 200
    assert api.client.delete("/api/admin/articles/short-lived", headers=admin).is_success
    assert api.client.get("/api/articles/short-lived", headers=patient).status_code == 404


def test_an_admin_written_script_is_shown_as_text_never_run(api):
    admin = api.user(Role.admin)
    article = {
        "title": "An article with markup",
        "summary": "Checks the rendering.",
        "body": "Hello <script>alert(1)</script>\n\n[click](javascript:alert(2))\n\n"
        '<img src="x" onerror="alert(3)">',
    }
    assert api.client.put("/api/admin/articles/with-markup", json=article, headers=admin).is_success
    patient = api.user(Role.patient)
    html = api.client.get("/api/articles/with-markup", headers=patient).json()["body_html"]
    assert "<script" not in html
    assert "<img" not in html
    assert "javascript:" not in html.replace("[click](javascript:", "")
    page = api.client.get("/articles/with-markup", headers=patient)
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text


def test_the_article_page_answers_first_then_questions_sources_and_the_notice(api):
    headers = api.user(Role.patient)
    page = api.client.get("/articles/her2-low-breast-cancer", headers=headers)
    assert page.status_code == 200
    text = page.text
    order = [
        text.index("In short:"),
        text.index("Questions to ask your oncologist"),
        text.index("Related questions"),
        text.index("Sources"),
        text.index("not medical advice", text.index("Sources")),
    ]
    assert order == sorted(order)
    assert 'class="term-button"' not in text or "aria-expanded" in text
    assert "Words used on this page" in text
