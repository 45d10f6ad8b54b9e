"""Rank the articles a profile may be shown: the score of the facts their tags match, plus how
well their text fits the profile's words (Okapi BM25, scaled so the best fit adds TEXT_WEIGHT).
"""

from __future__ import annotations

from intake.matcher.articles import Article, library
from intake.matcher.facts import Diagnosis, Marker, Stage, Treatment
from intake.matcher.family import FamilyRisk
from intake.matcher.profile_facts import read_facts
from intake.matcher.reasons import explain_match
from intake.matcher.tags import Match, match_article
from intake.matcher.text_index import index_articles
from intake.matcher.weights import TEXT_WEIGHT
from intake.profile import fact_key
from models.schemas import ArticleMatchRead, Profile


def _rests_on(match: Match) -> list[str]:
    """The keys of the profile's facts behind a match, in the order the hits were found."""
    keys: list[str] = []
    for hit in match.hits:
        subject = hit.subject
        if isinstance(subject, FamilyRisk):
            keys.extend(k for k in map(fact_key, subject.facts) if k not in keys)
            continue
        if isinstance(subject, Stage):
            key = "stage"
        elif isinstance(subject, Diagnosis | Marker | Treatment):
            key = fact_key(subject.fact)
        else:
            continue
        if key not in keys:
            keys.append(key)
    return keys


def match_articles(
    profile: Profile, articles: tuple[Article, ...] | None = None, limit: int = 6
) -> list[ArticleMatchRead]:
    """Rank articles by the profile's facts and words; never one the profile contradicts."""
    articles = library() if articles is None else tuple(articles)
    if limit <= 0 or not articles:
        return []
    facts = read_facts(profile)
    matches = [m for m in (match_article(article, facts) for article in articles) if m is not None]
    index = index_articles(articles)
    text = {m.article.slug: index.score(m.article.slug, facts.query) for m in matches}
    best = max(text.values(), default=0.0) or 1.0
    for m in matches:
        m.score += TEXT_WEIGHT * text[m.article.slug] / best
    matches.sort(key=lambda m: (-m.score, m.article.slug))
    return [
        ArticleMatchRead(
            slug=m.article.slug,
            title=m.article.title,
            summary=m.article.summary,
            reason=explain_match(m),
            score=round(m.score, 3),
            facts=_rests_on(m),
        )
        for m in matches[:limit]
    ]
