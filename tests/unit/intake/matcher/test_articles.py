"""The article library: every article parses, is complete, and tags only what the extractors
emit."""

from __future__ import annotations

import re
from collections import Counter
from importlib import resources

import pytest

from extractors import vocab
from extractors.biomarkers.results import result_table
from intake.matcher import STAGES, TAG_KINDS, Article, article_topics, library, parse_article

NOTICE = (
    "This is general information, not medical advice. Your care team knows your situation best."
)
QUESTIONS = "**Questions to ask your oncologist:**"
WATCH = "**What to watch for:**"
ARTICLES = library()


def _ids(articles: tuple[Article, ...]) -> list[str]:
    return [article.slug for article in articles]


def _result_words() -> frozenset[str]:
    """Every result the biomarker extractor can emit: its result words, the pairs of aspect
    and polarity, and the relabelling per marker."""
    table = result_table()
    words = {word.label for word in table.words if word.label}
    words |= {label for aspect in table.aspects for label in (aspect.positive, aspect.negative)}
    words |= {label for relabel in table.relabel for label in relabel.results.values()}
    return frozenset(words)


MARKERS = frozenset(entry.label for entry in vocab.biomarkers())
RESULTS = _result_words()
CANCER_TYPES = frozenset(
    name for entry in vocab.cancer_types() for name in (entry.code, entry.main_type)
)
TREATMENTS = frozenset(
    name for entry in vocab.drugs() for name in (entry.generic, entry.drug_class)
)


def test_the_library_has_at_least_sixty_articles():
    assert len(ARTICLES) >= 60


def test_every_markdown_file_is_an_article_with_a_unique_slug_and_title():
    files = [
        item.name
        for item in resources.files("intake.articles").iterdir()
        if item.name.endswith(".md")
    ]
    assert len(files) == len(ARTICLES)
    assert not [slug for slug, n in Counter(_ids(ARTICLES)).items() if n > 1]
    assert not [title for title, n in Counter(a.title for a in ARTICLES).items() if n > 1]
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) for slug in _ids(ARTICLES))


def test_front_matter_that_is_not_known_is_rejected():
    text = "---\ntitle: T\nsummary: S\nauthor: me\ntags: {}\n---\nBody\n"
    with pytest.raises(ValueError, match="author"):
        parse_article("t", text)


@pytest.mark.parametrize("article", ARTICLES, ids=_ids(ARTICLES))
class TestEachArticle:
    def test_has_a_title_a_one_line_summary_and_an_audience(self, article: Article):
        assert article.title.strip()
        assert article.summary.strip() and "\n" not in article.summary
        assert article.audience in ("patients", "caregivers")

    def test_explains_names_what_to_watch_for_and_ends_with_questions_and_the_notice(
        self, article: Article
    ):
        body = article.body
        assert len(body.split()) >= 200, "an article explains, in a few paragraphs"
        assert body.count(WATCH) == 1
        assert body.count(QUESTIONS) == 1
        assert body.index(WATCH) < body.index(QUESTIONS)
        assert body.endswith(NOTICE)
        questions = body[body.index(QUESTIONS) + len(QUESTIONS) : -len(NOTICE)].strip()
        lines = questions.splitlines()
        assert len(lines) >= 3
        assert all(line.startswith("- ") and line.endswith("?") for line in lines), lines

    def test_tags_name_only_what_the_vocabularies_and_extractors_use(self, article: Article):
        tags = article.tags
        assert set(tags.cancer_types) <= CANCER_TYPES
        assert set(tags.stages) <= set(STAGES)
        assert set(tags.topics) <= article_topics()
        assert {t for t in tags.treatments if t not in TREATMENTS} == set()
        for tag in tags.biomarkers:
            marker, _, result = tag.partition(":")
            assert marker in MARKERS, tag
            assert not result or result in RESULTS, tag
        for tag in tags.variants:
            marker, _, variant = tag.partition(" ")
            assert marker in MARKERS, tag
            assert re.fullmatch(r"p\.[A-Z]\d+[A-Z*]|exon \d+ \w+", variant), tag
        for tag in tags.exclude:
            marker, _, result = tag.partition(":")
            assert tag in STAGES or (marker in MARKERS and result in RESULTS), tag

    def test_requires_only_tag_kinds_or_its_own_tags(self, article: Article):
        tags = article.tags
        own = {
            *tags.cancer_types,
            *tags.stages,
            *tags.biomarkers,
            *tags.treatments,
            *tags.topics,
        }
        assert set(tags.requires) <= set(TAG_KINDS) | own

    def test_an_article_for_a_result_does_not_also_exclude_it(self, article: Article):
        assert not set(article.tags.exclude) & set(article.tags.biomarkers)
        assert not set(article.tags.exclude) & set(article.tags.stages)

    def test_reads_at_about_an_eighth_grade_level(self, article: Article):
        # A rough Flesch-Kincaid grade; list items count as sentences. It guards against
        # drifting into clinical prose, not a precise measure.
        assert _grade(article.body) <= 10


def _syllables(word: str) -> int:
    word = word.lower()
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", word)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", word.removeprefix("y"))))


def _grade(text: str) -> float:
    text = re.sub(r"[*#`]", "", text)
    lines = [line.strip("- ").strip() for line in text.splitlines() if line.strip()]
    sentences = [
        part for line in lines for part in re.split(r"(?<=[.!?:;])\s+", line) if part.strip()
    ]
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
    syllables = sum(_syllables(word) for word in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * syllables / len(words) - 15.59


def test_the_library_as_a_whole_is_plain():
    grades = [_grade(article.body) for article in ARTICLES]
    assert sum(grades) / len(grades) <= 8.5


def test_the_topics_the_brief_asks_for_are_covered():
    slugs = set(_ids(ARTICLES))
    for needed in (
        "how-immunotherapy-works",
        "checkpoint-inhibitors",
        "antibodies-and-bispecifics",
        "car-t-cell-therapy",
        "cancer-vaccines",
        "targeted-therapy",
        "chemotherapy",
        "radiation-therapy",
        "surgery-for-cancer",
        "hormone-therapy",
        "what-your-stage-means",
        "stage-4-cancer-is-it-curable",
        "treatable-versus-curable",
        "understanding-prognosis",
        "tests-after-a-diagnosis",
        "biomarker-testing",
        "clinical-trials",
        "off-label-drugs",
        "second-opinions",
        "side-effects-when-to-call",
        "nutrition-and-activity",
        "cancer-related-fatigue",
        "fertility-and-cancer-treatment",
        "mental-health-and-cancer",
        "for-caregivers",
        "palliative-care",
        "life-after-treatment-survivorship",
    ):
        assert needed in slugs
    cancer_types = {tag for article in ARTICLES for tag in article.tags.cancer_types}
    for main_type in (
        "Breast Cancer",
        "Non-Small Cell Lung Cancer",
        "Colorectal Cancer",
        "Prostate Cancer",
        "Melanoma",
        "Ovarian Cancer",
        "Pancreatic Cancer",
        "Hodgkin Lymphoma",
        "Leukemia",
        "Bladder Cancer",
        "Renal Cell Carcinoma",
        "Glioma",
        "Head and Neck Cancer",
        "Hepatobiliary Cancer",
        "Esophagogastric Cancer",
        "Thyroid Cancer",
        "Endometrial Cancer",
    ):
        assert main_type in cancer_types
    markers = {tag for article in ARTICLES for tag in article.tags.biomarkers}
    for marker in (
        "HR:positive",
        "HER2:positive",
        "HER2:low",
        "ER:negative",
        "EGFR:mutated",
        "ALK:positive",
        "ROS1:positive",
        "KRAS:mutated",
        "BRAF:mutated",
        "MSI:high",
        "MMR:deficient",
        "PD-L1",
        "BRCA2:mutated",
        "HRD:positive",
        "PIK3CA:mutated",
        "IDH1:mutated",
    ):
        assert marker in markers
