"""Match general educational articles to a profile, each with the reason it was chosen.

The profile's facts decide which articles may be shown: an article written for one cancer type,
stage or biomarker result never reaches a profile that says otherwise, and an article that
names facts reaches only profiles that match one of them. Among the articles that pass, the
score adds what the facts match, each weighed by how sure it is (a clinician's fact is
confirmed; a derived, OCR'd, uncertain or low-confidence one counts less), and how well the
article's text fits the profile's words (Okapi BM25). Articles with no tags of their own are
general: they fill the places no specific article takes.

Modules, in the order a match runs: `articles` (the model and the shipped library),
`profile_facts` and `profile_topics` (the profile read into weighed facts and topics, with
`weights`, `topics`, `oncotree` and `results`), `tags` (one article's hits and score),
`text_index` (BM25), `reasons` (the sentences, with `wording`) and `ranking` (`match_articles`).
"""

from intake.matcher.articles import (
    STAGES,
    TAG_KINDS,
    Article,
    ArticleTags,
    TagKind,
    library,
    parse_article,
)
from intake.matcher.ranking import match_articles
from intake.matcher.reasons import GENERAL_REASON
from intake.matcher.topics import article_topics
from intake.matcher.weights import (
    ANY_RESULT,
    EXTRA_HIT,
    KIND_WEIGHTS,
    SINGLE_TYPE_BONUS,
    TEXT_WEIGHT,
    TOPIC_CAP,
)

__all__ = [
    "ANY_RESULT",
    "EXTRA_HIT",
    "GENERAL_REASON",
    "KIND_WEIGHTS",
    "SINGLE_TYPE_BONUS",
    "STAGES",
    "TAG_KINDS",
    "TEXT_WEIGHT",
    "TOPIC_CAP",
    "Article",
    "ArticleTags",
    "TagKind",
    "article_topics",
    "library",
    "match_articles",
    "parse_article",
]
