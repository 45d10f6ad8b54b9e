"""Articles rendered safely for their pages, and measured for how easy they are to read."""

from __future__ import annotations

import pytest

from intake.article_text import reading_grade, render_article
from intake.matcher import library

# "About grade 6 to 8": the mean of Coleman-Liau and ARI, with a rounding margin above 8.
GRADE_CEILING = 9.0


def test_raw_html_is_escaped_and_unsafe_links_are_refused() -> None:
    html = render_article(
        'Hi <script>alert(1)</script>\n\n<img src="x" onerror="alert(2)">\n\n'
        "[click](javascript:alert(3))"
    ).body_html
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert "<img" not in html
    assert 'href="javascript:' not in html


def test_a_bold_paragraph_is_a_section_heading() -> None:
    html = render_article("Intro.\n\n**Why it matters**\n\nBecause.").body_html
    assert "<h2>Why it matters</h2>" in html


def test_the_questions_are_taken_out_for_their_own_section() -> None:
    text = render_article(
        "Intro.\n\n**Questions to ask your oncologist:**\n- What is my stage?\n- What next?\n\n"
        "This is general information, not medical advice. Your care team knows best."
    )
    assert text.questions == ("What is my stage?", "What next?")
    assert "Questions" not in text.body_html
    assert "not medical advice" not in text.body_html


def test_short_plain_sentences_read_at_a_low_grade() -> None:
    assert reading_grade("The cat sat on the mat. It was a good day.") < 3
    assert reading_grade("") == 0.0


@pytest.mark.parametrize("article", library(), ids=lambda a: a.slug)
def test_every_shipped_article_reads_at_about_grade_6_to_8(article) -> None:  # type: ignore[no-untyped-def]
    grade = reading_grade(render_article(article.body).plain_text)
    assert grade <= GRADE_CEILING, f"{article.slug} reads at grade {grade}"


@pytest.mark.parametrize("article", library(), ids=lambda a: a.slug)
def test_every_shipped_article_has_questions_sources_and_related(article) -> None:  # type: ignore[no-untyped-def]
    slugs = {a.slug for a in library()}
    assert render_article(article.body).questions
    assert article.sources
    assert article.related
    assert set(article.related) <= slugs - {article.slug}
