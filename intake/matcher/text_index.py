"""How well an article's text fits a profile's words: Okapi BM25 over titles, summaries, tags
and bodies, with stop words (intake/matcher/stopwords.yaml) dropped and plurals folded."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, field_validator

from extractors.vocab.loader import load_file
from intake.matcher.articles import Article
from intake.matcher.facts import Stage, Treatment
from models.schemas import Profile

_WORD = re.compile(r"[a-z0-9]+")
# Robertson and Zaragoza's usual parameters.
_BM25_K1 = 1.5
_BM25_B = 0.75


class StopwordsFile(BaseModel):
    """stopwords.yaml: the words, lower case, each once."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    version: str
    words: list[str]

    @field_validator("words")
    @classmethod
    def _check_words(cls, words: list[str]) -> list[str]:
        if len(words) != len(set(words)):
            raise ValueError("a stop word is listed twice")
        if any(not _WORD.fullmatch(word) for word in words):
            raise ValueError("stop words are single lower-case words, as the tokenizer cuts them")
        return words


@functools.cache
def stopwords() -> frozenset[str]:
    return frozenset(load_file("intake.matcher", "stopwords.yaml", StopwordsFile).words)


def tokens(text: str) -> list[str]:
    """Cut text into lower-case words, stop words dropped and plurals folded."""
    dropped = stopwords()
    words = []
    for word in _WORD.findall(text.lower()):
        if word in dropped:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]  # plurals mostly meet their singulars
        words.append(word)
    return words


def _article_text(article: Article) -> str:
    tags = article.tags
    return " ".join(
        [
            article.title,
            article.title,  # a title says what the article is about twice as surely
            article.summary,
            *tags.cancer_types,
            *tags.biomarkers,
            *tags.variants,
            *tags.treatments,
            *tags.topics,
            article.body,
        ]
    )


@dataclass(frozen=True)
class TextIndex:
    frequencies: dict[str, Counter[str]]
    lengths: dict[str, int]
    document_frequency: Counter[str]
    mean_length: float

    def score(self, slug: str, query: Iterable[str]) -> float:
        count = len(self.lengths)
        frequencies = self.frequencies[slug]
        norm = _BM25_K1 * (1 - _BM25_B + _BM25_B * self.lengths[slug] / self.mean_length)
        total = 0.0
        for term in query:
            tf = frequencies.get(term, 0)
            if tf:
                df = self.document_frequency[term]
                idf = math.log((count - df + 0.5) / (df + 0.5) + 1)
                total += idf * tf * (_BM25_K1 + 1) / (tf + norm)
        return total


@functools.lru_cache(maxsize=8)
def index_articles(articles: tuple[Article, ...]) -> TextIndex:
    """Count each article's words, once per set of articles."""
    frequencies = {a.slug: Counter(tokens(_article_text(a))) for a in articles}
    lengths = {slug: sum(counts.values()) for slug, counts in frequencies.items()}
    document_frequency: Counter[str] = Counter()
    for counts in frequencies.values():
        document_frequency.update(counts.keys())
    mean_length = sum(lengths.values()) / max(1, len(lengths))
    return TextIndex(frequencies, lengths, document_frequency, mean_length or 1.0)


def query_terms(
    profile: Profile, stage: Stage | None, treatments: Sequence[Treatment]
) -> tuple[str, ...]:
    """Return the profile's words, each once: names, results, drugs, sites and stage."""
    words: list[str] = []
    for d in profile.diagnoses:
        words += [d.name, d.main_type or "", d.histology or "", d.primary_site or ""]
    for b in profile.biomarkers:
        words += [b.marker, b.result or "", (b.variant or "").removeprefix("p.")]
    for t in treatments:
        words += [t.fact.name, t.fact.drug_class or ""]
    for m in profile.metastases:
        words += [m.site, "metastatic"]
    if stage:
        words += ["stage", stage.numeral, "metastatic" if stage.numeral == "IV" else ""]
    return tuple(dict.fromkeys(tokens(" ".join(words))))
