"""Render an article's Markdown for a page, safely, and measure how easy it is to read.

Markdown goes through markdown-it-py's CommonMark preset with raw HTML turned off, so an
admin-written `<script>` shows as text and never runs; markdown-it also refuses `javascript:`
and other unsafe link targets. A paragraph that is bold and nothing else ("**Why it matters**")
is a section heading. The "Questions to ask your oncologist" list is taken out of the body to be
shown as its own section, and the closing not-medical-advice line too, since every page says it.

Reading level is a US school grade: the mean of two formulas that count letters, words and
sentences (Coleman-Liau and the Automated Readability Index, from textstat). Formulas that count
syllables need a pronouncing dictionary that textstat downloads on first use; these need none.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import textstat
from markdown_it import MarkdownIt
from markdown_it.token import Token

_QUESTIONS = re.compile(r"^questions to ask( your (oncologist|doctor|care team))?:?$", re.I)
_NOTICE = re.compile(r"^this is general information, not medical advice", re.I)


@dataclass(frozen=True)
class ArticleText:
    """An article's body split for its page: the sections, then the questions."""

    body_html: str
    questions: tuple[str, ...]
    plain_text: str


@functools.cache
def _markdown() -> MarkdownIt:
    # "commonmark" with html=False: raw HTML blocks and inline tags are escaped as text.
    return MarkdownIt("commonmark", {"html": False}).disable("image")


def render_article(markdown: str) -> ArticleText:
    """Render the body's sections to HTML and pull out its questions to ask."""
    tokens = _markdown().parse(markdown)
    kept: list[Token] = []
    questions: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        heading = _bold_paragraph(tokens, index)
        if heading is not None and _QUESTIONS.match(heading):
            index, questions = _read_list(tokens, index + 3)
            continue
        if token.type == "paragraph_open" and _NOTICE.match(tokens[index + 1].content):
            index += 3
            continue
        if heading is not None:
            kept.extend(_as_heading(tokens[index : index + 3], heading))
            index += 3
            continue
        kept.append(token)
        index += 1
    renderer = _markdown().renderer
    body_html = renderer.render(kept, _markdown().options, {})
    return ArticleText(body_html, tuple(questions), _plain_text(kept, questions))


def _bold_paragraph(tokens: list[Token], index: int) -> str | None:
    """The text of a paragraph that is one bold span and nothing else, else None."""
    if tokens[index].type != "paragraph_open" or index + 2 >= len(tokens):
        return None
    children = [
        child
        for child in tokens[index + 1].children or []
        if not (child.type == "text" and not child.content.strip())
    ]
    if [child.type for child in children] != ["strong_open", "text", "strong_close"]:
        return None
    return children[1].content.strip()


def _as_heading(paragraph: list[Token], text: str) -> list[Token]:
    """Turn a bold paragraph's three tokens into an h2 heading with its words."""
    words = text.rstrip(":").strip()
    inline = Token("inline", "", 0, content=words, block=True)
    inline.children = [Token("text", "", 0, content=words)]
    return [
        Token("heading_open", "h2", 1, block=True, map=paragraph[0].map),
        inline,
        Token("heading_close", "h2", -1, block=True),
    ]


def _read_list(tokens: list[Token], index: int) -> tuple[int, list[str]]:
    """Read the list after a heading: each item's text; return where the list ends."""
    items: list[str] = []
    if index >= len(tokens) or tokens[index].type not in ("bullet_list_open", "ordered_list_open"):
        return index, items
    depth = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                return index + 1, items
        elif token.type == "inline" and depth == 1:
            items.append(_inline_text(token))
        index += 1
    return index, items


def _inline_text(token: Token) -> str:
    return (
        "".join(
            child.content for child in token.children or [] if child.type in ("text", "code_inline")
        )
        or token.content
    )


def _plain_text(tokens: list[Token], questions: list[str]) -> str:
    """The words a reader reads, each block ending a sentence, for the readability formulas."""
    blocks = [_inline_text(token) for token in tokens if token.type == "inline"]
    blocks += questions
    return " ".join(
        block if block.rstrip().endswith((".", "?", "!", ":")) else f"{block}."
        for block in (b.strip() for b in blocks)
        if block
    )


def reading_grade(text: str) -> float:
    """The US school grade a text reads at; plain patient material aims at grades 6 to 8."""
    if not text.strip():
        return 0.0
    grade = (textstat.coleman_liau_index(text) + textstat.automated_readability_index(text)) / 2
    return round(float(grade), 1)
