"""Glossary terms on pages: a word with its plain explanation, shown on hover, focus or tap.

A disclosure button (not a hover-only tooltip): hovering or focusing it shows the explanation,
and a tap or Enter keeps it open (api/static/terms.js sets aria-expanded); Escape closes it.
"""

from __future__ import annotations

import itertools

from jinja2 import Environment
from markupsafe import Markup, escape

from intake.glossary import explain
from intake.profile import fact_key
from intake.summary import reported_result
from models.schemas import FactCheck, ProfileRead, ReviewReason

_ids = itertools.count(1)


def term(value: object, key: str | None = None) -> Markup:
    """The value as a page shows it, with its glossary explanation when there is one."""
    shown = str(value)
    entry = explain(key or shown)
    if entry is None:
        return Markup(escape(shown))
    number = next(_ids)
    return Markup(
        '<span class="term"><button type="button" class="term-button" aria-expanded="false" '
        'aria-controls="term-{n}">{shown}<span class="visually-hidden"> (what this means)</span>'
        '</button><span class="term-text" id="term-{n}">{text} <a href="{url}" rel="noopener" '
        'target="_blank">Source: {source}</a></span></span>'
    ).format(n=number, shown=shown, text=entry.text, url=entry.source.url, source=entry.source.name)


_DISAGREEMENTS = (ReviewReason.conflicting_biomarker, ReviewReason.conflicting_stage)


def disputed_keys(view: ProfileRead) -> set[str]:
    """The keys of facts the records disagree on, which the care team will check."""
    return {
        "stage" if flag.reason == ReviewReason.conflicting_stage else fact_key(fact)
        for flag in view.review_flags
        if flag.reason in _DISAGREEMENTS
        for fact in flag.facts
    }


def checks_by_fact(view: ProfileRead) -> dict[str, FactCheck]:
    return {check.fact: check for check in view.checked}


def install(env: Environment) -> None:
    """Make the page helpers available to every template."""
    env.globals.update(
        term=term,
        fact_key=fact_key,
        reported_result=reported_result,
        disputed_keys=disputed_keys,
        checks_by_fact=checks_by_fact,
    )
