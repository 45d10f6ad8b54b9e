"""Match general educational articles to a profile, each with the reason it was chosen.

The profile's facts decide which articles may be shown: an article written for one cancer type,
stage or biomarker result never reaches a profile that says otherwise, and an article that
names facts reaches only profiles that match one of them. Among the articles that pass, the
score adds what the facts match, each weighed by how sure it is (a clinician's fact is
confirmed; a derived, OCR'd, uncertain or low-confidence one counts less), and how well the
article's text fits the profile's words (Okapi BM25). Articles with no tags of their own are
general: they fill the places no specific article takes.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from extractors import vocab
from intake.profile import fact_key
from models.schemas import (
    ArticleMatchRead,
    BiomarkerFact,
    DiagnosisFact,
    MetastasisFact,
    Origin,
    Profile,
    StageFact,
    TreatmentFact,
    TreatmentKind,
    TreatmentStatus,
)

TagKind = Literal["cancer_types", "stages", "biomarkers", "treatments", "topics"]
TAG_KINDS: tuple[TagKind, ...] = ("cancer_types", "stages", "biomarkers", "treatments", "topics")
STAGES = ("0", "I", "II", "III", "IV")
TOPICS = frozenset(
    {
        "biomarkers",
        "cell therapy",
        "chemotherapy",
        "clinical trials",
        "daily life",
        "decisions",
        "diagnosis",
        "emotional health",
        "family",
        "fertility",
        "genetics",
        "hormone therapy",
        "immunotherapy",
        "metastatic",
        "palliative care",
        "prognosis",
        "radiation",
        "side effects",
        "stage",
        "surgery",
        "survivorship",
        "targeted therapy",
        "tests",
        "transplant",
        "treatment",
    }
)

# What a matched fact of each kind adds, before the fact's own weight (0 to 1).
KIND_WEIGHTS: dict[TagKind, float] = {
    "cancer_types": 3.0,
    "biomarkers": 2.5,
    "stages": 2.0,
    "treatments": 2.5,
    "topics": 1.0,
}
EXTRA_HIT = 0.25  # each further fact of a kind already counted, up to two
ANY_RESULT = 0.6  # a tag for any result of a marker says less than one for this result
SINGLE_TYPE_BONUS = 0.5  # an article about one cancer type beats one covering several
TOPIC_CAP = 2.5
TEXT_WEIGHT = 1.0  # BM25, scaled so that the best fitting candidate gets 1

_ORIGIN_WEIGHTS = {Origin.clinician: 1.0, Origin.stated: 1.0, Origin.ocr: 0.8, Origin.derived: 0.7}
_STATUS_WEIGHTS = {
    TreatmentStatus.current: 1.0,
    TreatmentStatus.planned: 0.9,
    TreatmentStatus.stopped: 0.7,
    TreatmentStatus.past: 0.7,
}
_LOW_WEIGHT = 0.7  # below this a reason says "may show": confidence under 0.4, or OCR'd text

GENERAL_REASON = "General information for anyone reading their records."


class ArticleTags(BaseModel):
    """What an article is about: the facts a profile must have, or must not have, to get it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    cancer_types: tuple[str, ...] = Field(
        default=(), description="OncoTree codes or main types; the article goes to no other type"
    )
    stages: tuple[str, ...] = Field(
        default=(), description="stage groups by roman numeral (0, I..IV); no other known stage"
    )
    biomarkers: tuple[str, ...] = Field(
        default=(),
        description="'HER2:positive' (another result of the marker contradicts, unless another "
        "tag matches) or 'PD-L1' (any result)",
    )
    variants: tuple[str, ...] = Field(
        default=(), description="'KRAS p.G12C': only these variants of the marker match"
    )
    treatments: tuple[str, ...] = Field(default=(), description="drug classes or generic names")
    topics: tuple[str, ...] = Field(default=(), description="subjects, from TOPICS")
    exclude: tuple[str, ...] = Field(
        default=(),
        description="biomarker results ('HER2:negative') or stages ('IV') that contradict",
    )
    requires: tuple[str, ...] = Field(
        default=(), description="tag kinds or tags of this article, one of which must match"
    )


class Article(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    slug: str
    title: str
    summary: str
    audience: str = "patients"
    tags: ArticleTags
    body: str


def parse_article(slug: str, text: str) -> Article:
    """Parse a Markdown article with YAML front matter between '---' lines."""
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    return Article(slug=slug, body=body.strip(), **meta)


@functools.cache
def library() -> tuple[Article, ...]:
    """Load the articles shipped in intake/articles, once per process."""
    folder = resources.files("intake.articles")
    return tuple(
        parse_article(item.name.removesuffix(".md"), item.read_text(encoding="utf-8"))
        for item in sorted(folder.iterdir(), key=lambda i: i.name)
        if item.name.endswith(".md")
    )


# --- the profile's facts, weighed ----------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class _Diagnosis:
    fact: DiagnosisFact
    weight: float
    names: frozenset[str]  # its code, the codes above it, its main type


@dataclass(frozen=True, slots=True, eq=False)
class _Stage:
    numeral: str
    weight: float
    group: str | None = None  # as written: "IIA"
    derived: bool = False  # worked out from T, N and M rather than written by a doctor
    spread_to: tuple[str, ...] = ()  # the distant sites that make it stage IV

    @property
    def phrase(self) -> str:
        if self.spread_to:
            return f"the cancer has spread to the {_join(list(self.spread_to))} (stage IV)"
        if self.group is None:
            return "the cancer has spread to distant parts of the body (M1, stage IV)"
        if self.derived:
            return (
                f"stage {self.group}, worked out from the tumor details rather than written "
                "by your doctor"
            )
        return f"stage {self.group}"


@dataclass(frozen=True, slots=True, eq=False)
class _Marker:
    fact: BiomarkerFact
    weight: float


@dataclass(frozen=True, slots=True, eq=False)
class _Treatment:
    fact: TreatmentFact
    weight: float


TopicSource = Literal["treatment", "stage", "genetics", "information"]


@dataclass(frozen=True, slots=True, eq=False)
class _Topic:
    weight: float
    sentence: str  # the reason, when the topic is all an article matches
    source: TopicSource  # "information" topics only order the general articles


@dataclass(frozen=True, slots=True)
class _Facts:
    diagnoses: tuple[_Diagnosis, ...]
    stage: _Stage | None
    markers: tuple[_Marker, ...]
    treatments: tuple[_Treatment, ...]
    topics: dict[str, _Topic]
    query: tuple[str, ...]


def _fact_weight(origin: Origin, confidence: float, *, uncertain: bool, historical: bool) -> float:
    """Weigh a fact from 0 to 1: a clinician's is confirmed; derived, OCR'd, uncertain, past
    and low-confidence facts count less."""
    if origin is Origin.clinician:
        return 1.0
    weight = _ORIGIN_WEIGHTS[origin] * (0.5 + 0.5 * confidence)
    if uncertain:
        weight *= 0.6
    if historical:
        weight *= 0.5
    return weight


def _weight_of(
    fact: DiagnosisFact | BiomarkerFact | TreatmentFact | MetastasisFact | StageFact,
) -> float:
    return _fact_weight(
        fact.origin, fact.confidence, uncertain=fact.uncertain, historical=fact.historical
    )


@functools.cache
def _cancer_types() -> dict[str, vocab.CancerTypeEntry]:
    return {entry.code: entry for entry in vocab.cancer_types()}


def _lineage(code: str) -> list[str]:
    """Return the code and the codes above it. Their main types are left out: SCLC sits under
    a lung neuroendocrine code whose main type is non-small cell lung cancer."""
    entries = _cancer_types()
    chain: list[str] = []
    while code and code not in chain:
        chain.append(code)
        entry = entries.get(code)
        code = entry.parent if entry and entry.parent else ""
    return chain


def _main_type(code: str) -> str | None:
    entry = _cancer_types().get(code)
    return entry.main_type if entry else None


_NUMERAL = re.compile(r"(IV|III|II|I|0)(?![IV])")


def _stage_numeral(group: str | None) -> str | None:
    """'IIIA' -> 'III', 'IB1' -> 'I', '0is' -> '0'."""
    match = _NUMERAL.match((group or "").upper())
    return match.group(1) if match else None


def _read_stage(stage: StageFact | None, metastases: Sequence[MetastasisFact]) -> _Stage | None:
    """Return the profile's stage. Distant spread means stage IV now, whatever the stage at
    diagnosis was, so an "early stage" article would contradict it."""
    if metastases:
        sites = tuple(sorted({m.site.lower() for m in metastases}))[:3]
        if stage and _stage_numeral(stage.group) == "IV":
            return _Stage("IV", _stage_weight(stage), spread_to=sites)
        return _Stage("IV", 0.8 * max(_weight_of(m) for m in metastases), spread_to=sites)
    if stage is None:
        return None
    numeral = _stage_numeral(stage.group)
    if numeral:
        derived = stage.method == "derived" and stage.origin is not Origin.clinician
        return _Stage(numeral, _stage_weight(stage), stage.group, derived)
    if stage.m and stage.m.upper().startswith("M1"):
        return _Stage("IV", 0.7 * _stage_weight(stage))
    return None


def _stage_weight(stage: StageFact) -> float:
    derived = stage.method == "derived" and stage.origin is not Origin.clinician
    return _weight_of(stage) * (0.7 if derived else 1.0)


# Drug classes as the kinds of treatment a patient would name; every other class of medicine
# (inhibitors, antibodies, conjugates) is targeted therapy.
_CLASS_TOPICS: dict[str, frozenset[str]] = {
    "chemotherapy": frozenset(
        {
            "platinum chemotherapy",
            "taxane",
            "anthracycline",
            "antimetabolite",
            "hypomethylating agent",
            "alkylating agent",
            "topoisomerase inhibitor",
            "vinca alkaloid",
            "microtubule inhibitor",
            "antitumor antibiotic",
        }
    ),
    "immunotherapy": frozenset(
        {
            "checkpoint inhibitor (PD-1)",
            "checkpoint inhibitor (PD-L1)",
            "checkpoint inhibitor (CTLA-4)",
            "checkpoint inhibitor (PD-1/LAG-3)",
            "bispecific antibody",
            "CAR T-cell therapy",
            "cellular therapy",
            "oncolytic virus",
            "intravesical immunotherapy",
            "cytokine",
        }
    ),
    "hormone therapy": frozenset(
        {
            "aromatase inhibitor",
            "SERM",
            "SERD",
            "antiandrogen",
            "androgen synthesis inhibitor",
            "GnRH agonist",
            "GnRH antagonist",
            "hormone therapy",
            "somatostatin analog",
        }
    ),
    "radiation": frozenset({"radiopharmaceutical"}),
}
_NOT_TARGETED = frozenset().union(*_CLASS_TOPICS.values()) | {
    "corticosteroid",
    "supportive",
    "bone-modifying agent",
    "platelet-reducing agent",
}
_KIND_TOPICS = {
    TreatmentKind.surgery: "surgery",
    TreatmentKind.radiation: "radiation",
    TreatmentKind.cell_therapy: "cell therapy",
    TreatmentKind.transplant: "transplant",
}
_TOPIC_WORDS = {
    "surgery": "surgery",
    "radiation": "radiation treatment",
    "chemotherapy": "chemotherapy",
    "immunotherapy": "immunotherapy",
    "targeted therapy": "targeted therapy",
    "hormone therapy": "hormone therapy",
    "cell therapy": "cell therapy",
    "transplant": "a stem cell transplant",
}
# Genes whose changes are often inherited, so a change in one raises genetic counselling.
_GERMLINE_GENES = frozenset(
    {"BRCA1", "BRCA2", "BRCA1/2", "PALB2", "ATM", "CHEK2", "MLH1", "MSH2", "MSH6", "PMS2"}
)
_ACTIVE = frozenset({TreatmentStatus.current, TreatmentStatus.planned})


def _treatment_topics(treatment: TreatmentFact) -> list[str]:
    topics = []
    if treatment.kind in _KIND_TOPICS:
        topics.append(_KIND_TOPICS[treatment.kind])
    drug_class = treatment.drug_class
    if drug_class:
        topics += [topic for topic, classes in _CLASS_TOPICS.items() if drug_class in classes]
        if treatment.kind is TreatmentKind.medication and drug_class not in _NOT_TARGETED:
            topics.append("targeted therapy")
    return topics


def _read_topics(
    diagnoses: Sequence[_Diagnosis],
    stage: _Stage | None,
    markers: Sequence[_Marker],
    treatments: Sequence[_Treatment],
) -> dict[str, _Topic]:
    """Return the subjects a profile raises, each with a weight and the sentence saying why."""
    topics: dict[str, _Topic] = {}

    def add(topic: str, weight: float, sentence: str, source: TopicSource) -> None:
        if topic not in topics or topics[topic].weight < weight:
            topics[topic] = _Topic(weight, sentence, source)

    for treatment in treatments:
        for topic in _treatment_topics(treatment.fact):
            sentence = f"Your record mentions {_TOPIC_WORDS[topic]} ({treatment.fact.name})."
            add(topic, 1.5 * treatment.weight, sentence, "treatment")
        if treatment.fact.status in _ACTIVE:
            sentence = "Your record shows treatment that is planned or under way."
            add("treatment", 0.5 * treatment.weight, sentence, "information")
            add("side effects", 0.5 * treatment.weight, sentence, "information")
    if stage:
        sentence = f"{_opening(stage.weight, None)} {stage.phrase}."
        if stage.numeral == "IV":
            add("metastatic", 1.5 * stage.weight, sentence, "stage")
        add("stage", 0.5 * stage.weight, sentence, "information")
    if diagnoses:
        best = max(d.weight for d in diagnoses)
        sentence = "It helps in reading the reports in your record."
        add("diagnosis", 0.5 * best, sentence, "information")
        if any(m.fact.result in _NO_RESULT for m in markers) or not (markers or stage):
            sentence = "Some results in your record are not complete yet."
            add("tests", 0.5 * best, sentence, "information")
    else:
        # Nothing read yet: a person is reading their first reports.
        sentence = "Nothing has been read from your records yet; this helps with the first reports."
        add("diagnosis", 0.5, sentence, "information")
        add("tests", 0.5, sentence, "information")
    if markers:
        sentence = "Your record includes biomarker test results."
        add("biomarkers", 0.5 * max(m.weight for m in markers), sentence, "information")
    for marker in markers:
        if marker.fact.marker in _GERMLINE_GENES and _canonical(marker.fact.result) == "positive":
            sentence = f"Your record shows a change in the {marker.fact.marker} gene."
            add("genetics", marker.weight, sentence, "genetics")
    return topics


def _read_facts(profile: Profile) -> _Facts:
    diagnoses = tuple(
        _Diagnosis(
            fact=d,
            weight=_weight_of(d),
            names=frozenset(
                {*_lineage(d.oncotree_code), d.main_type or _main_type(d.oncotree_code) or ""}
                - {""}
            ),
        )
        for d in profile.diagnoses
    )
    stage = _read_stage(profile.stage, profile.metastases)
    markers = tuple(_Marker(b, _weight_of(b)) for b in profile.biomarkers)
    treatments = tuple(
        _Treatment(t, _weight_of(t) * _STATUS_WEIGHTS[t.status])
        for t in profile.treatments
        if t.status is not TreatmentStatus.mentioned
    )
    return _Facts(
        diagnoses=diagnoses,
        stage=stage,
        markers=markers,
        treatments=treatments,
        topics=_read_topics(diagnoses, stage, markers, treatments),
        query=_query_terms(profile, stage, treatments),
    )


# --- biomarker results ---------------------------------------------------------------------

# The extractor's result words (extractors/biomarkers.py) on one scale.
_POSITIVE = frozenset({"positive", "detected", "mutated", "amplified"})
_NEGATIVE = frozenset({"negative", "not detected", "wild type", "not amplified"})
_NO_RESULT = frozenset({None, "pending"})


def _canonical(result: str | None) -> str | None:
    if result is None:
        return None
    result = result.strip().lower()
    if result in _POSITIVE:
        return "positive"
    if result in _NEGATIVE:
        return "negative"
    return result


def _split_tag(tag: str) -> tuple[str, str | None]:
    """'HER2:positive' -> ('her2', 'positive'); 'PD-L1' -> ('pd-l1', None)."""
    marker, _, result = tag.partition(":")
    return marker.strip().casefold(), (_canonical(result) if result else None)


@dataclass(frozen=True, slots=True)
class _Hit:
    kind: TagKind
    tag: str
    weight: float
    subject: _Diagnosis | _Stage | _Marker | _Treatment | _Topic  # what the hit rests on
    partial: bool = False  # the marker matches, but the variant is not known


def _biomarker_hits(article: Article, markers: Sequence[_Marker]) -> tuple[list[_Hit], bool]:
    """Return the article's biomarker tags the profile matches, and whether the profile gives
    a marker a result the article is not written for (and matches none of its results)."""
    variants: dict[str, set[str]] = {}
    for tag in article.tags.variants:
        marker, _, variant = tag.partition(" ")
        variants.setdefault(marker.casefold(), set()).add(variant.strip())
    wanted = [(tag, *_split_tag(tag)) for tag in article.tags.biomarkers]
    with_results = {marker for _, marker, result in wanted if result}
    hits: list[_Hit] = []
    mismatched = False
    for item in markers:
        name = item.fact.marker.casefold()
        result = _canonical(item.fact.result)
        matched = False
        for tag, marker, wanted_result in wanted:
            if marker != name:
                continue
            if wanted_result is None:
                known = 0.5 if result in _NO_RESULT else 1.0
                hits.append(_Hit("biomarkers", tag, item.weight * ANY_RESULT * known, item))
                matched = True
                continue
            if result != wanted_result:
                continue
            allowed = variants.get(name)
            if allowed and item.fact.variant and item.fact.variant not in allowed:
                continue  # KRAS G12D for a KRAS G12C article
            partial = bool(allowed) and not item.fact.variant
            weight = item.weight * (0.5 if partial else 1.0)
            hits.append(_Hit("biomarkers", tag, weight, item, partial=partial))
            matched = True
        if name in with_results and not matched and result not in _NO_RESULT:
            mismatched = True
    matched_a_result = any(_split_tag(hit.tag)[1] for hit in hits)
    return hits, mismatched and not matched_a_result


def _excluded(article: Article, facts: _Facts) -> bool:
    for tag in article.tags.exclude:
        if tag in STAGES:
            if facts.stage and facts.stage.numeral == tag:
                return True
            continue
        marker, result = _split_tag(tag)
        if any(
            m.fact.marker.casefold() == marker and _canonical(m.fact.result) == result
            for m in facts.markers
        ):
            return True
    return False


# --- matching one article ------------------------------------------------------------------


@dataclass
class _Match:
    article: Article
    hits: list[_Hit] = field(default_factory=list)
    score: float = 0.0

    def of(self, kind: TagKind) -> list[_Hit]:
        return [hit for hit in self.hits if hit.kind == kind]


def _match(article: Article, facts: _Facts) -> _Match | None:
    """Return the article's hits on the profile, or None when the article contradicts the
    profile or lacks what it requires."""
    tags = article.tags
    if _excluded(article, facts):
        return None
    match = _Match(article)
    if tags.cancer_types:
        wanted = set(tags.cancer_types)
        match.hits += [
            _Hit("cancer_types", min(wanted & d.names), d.weight, d)
            for d in facts.diagnoses
            if wanted & d.names
        ]
        if not match.hits:
            return None  # written for another cancer type, or the type is not known
    if tags.stages and facts.stage:
        if facts.stage.numeral not in tags.stages:
            return None
        if match.hits and all(_is_past(hit) for hit in match.hits) and _has_current(facts):
            return None  # the stage is the current cancer's, not a past one's
        match.hits.append(_Hit("stages", facts.stage.numeral, facts.stage.weight, facts.stage))
    marker_hits, contradicted = _biomarker_hits(article, facts.markers)
    if contradicted:
        return None
    match.hits += marker_hits
    wanted_treatments = {t.casefold() for t in tags.treatments}
    for treatment in facts.treatments:
        names = {treatment.fact.name.casefold(), (treatment.fact.drug_class or "").casefold()}
        if found := wanted_treatments & names:
            match.hits.append(_Hit("treatments", min(found), treatment.weight, treatment))
    match.hits += [
        _Hit("topics", topic, facts.topics[topic].weight, facts.topics[topic])
        for topic in tags.topics
        if topic in facts.topics
    ]
    if tags.requires and not any(_satisfied(required, match) for required in tags.requires):
        return None
    specific = any((tags.cancer_types, tags.stages, tags.biomarkers, tags.treatments))
    if specific and not any(hit.kind != "topics" for hit in match.hits):
        return None
    match.score = _fact_score(match)
    return match


def _is_past(hit: _Hit) -> bool:
    return isinstance(hit.subject, _Diagnosis) and hit.subject.fact.historical


def _has_current(facts: _Facts) -> bool:
    return any(not d.fact.historical for d in facts.diagnoses)


def _satisfied(required: str, match: _Match) -> bool:
    """A required tag kind is satisfied by any hit of that kind, a required tag by its hit."""
    for kind in TAG_KINDS:
        if required == kind:
            return bool(match.of(kind))
    return any(hit.tag == required for hit in match.hits)


def _fact_score(match: _Match) -> float:
    score = 0.0
    for kind in TAG_KINDS:
        if kind == "topics":
            weights = [hit.weight for hit in _counted_topics(match)]
            score += min(TOPIC_CAP, KIND_WEIGHTS[kind] * sum(weights))
            continue
        hits = match.of(kind)
        if hits:
            distinct = len({id(hit.subject) for hit in hits})
            best = max(hit.weight for hit in hits)
            score += KIND_WEIGHTS[kind] * best + EXTRA_HIT * min(2, distinct - 1)
    main_types = {_main_type(tag) or tag for tag in match.article.tags.cancer_types}
    if match.of("cancer_types") and len(main_types) == 1:
        score += SINGLE_TYPE_BONUS
    return score


_REPEATS: dict[TopicSource, TagKind] = {"treatment": "treatments", "stage": "stages"}


def _counted_topics(match: _Match) -> list[_Hit]:
    """Return the topic hits that add something: one that repeats a matched treatment or
    stage does not, and "information" topics only order the general articles."""
    specific = any(hit.kind != "topics" for hit in match.hits)
    counted = []
    for hit in match.of("topics"):
        assert isinstance(hit.subject, _Topic)
        source = hit.subject.source
        if source in _REPEATS and match.of(_REPEATS[source]):
            continue
        if source == "information" and specific:
            continue
        counted.append(hit)
    return counted


# --- text relevance: Okapi BM25 ------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    {
        *("a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "has", "have"),
        *("in", "is", "it", "its", "no", "nos", "not", "of", "on", "or", "that", "the", "their"),
        *("this", "to", "was", "were", "will", "with", "you", "your"),
    }
)
# Robertson and Zaragoza's usual parameters.
_BM25_K1 = 1.5
_BM25_B = 0.75


def _tokens(text: str) -> list[str]:
    words = []
    for word in _WORD.findall(text.lower()):
        if word in _STOPWORDS:
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
class _Index:
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
def _index(articles: tuple[Article, ...]) -> _Index:
    frequencies = {a.slug: Counter(_tokens(_article_text(a))) for a in articles}
    lengths = {slug: sum(counts.values()) for slug, counts in frequencies.items()}
    document_frequency: Counter[str] = Counter()
    for counts in frequencies.values():
        document_frequency.update(counts.keys())
    mean_length = sum(lengths.values()) / max(1, len(lengths))
    return _Index(frequencies, lengths, document_frequency, mean_length or 1.0)


def _query_terms(
    profile: Profile, stage: _Stage | None, treatments: Sequence[_Treatment]
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
    return tuple(dict.fromkeys(_tokens(" ".join(words))))


# --- reasons in plain words ----------------------------------------------------------------

_PLAIN_TYPES = {
    "Non-Small Cell Lung Cancer": "non-small cell lung cancer",
    "Small Cell Lung Cancer": "small cell lung cancer",
    "CNS/Brain Cancer": "a brain tumor",
    "CNS Cancer": "a tumor of the brain or spinal cord",
    "Glioma": "a glioma (a kind of brain tumor)",
    "Mature B-Cell Neoplasms": "a B-cell blood cancer",
    "Mature T and NK Neoplasms": "a T-cell lymphoma",
    "Hepatobiliary Cancer": "liver or bile duct cancer",
    "Esophagogastric Cancer": "stomach or esophagus cancer",
    "Esophageal/Stomach Cancer": "stomach or esophagus cancer",
    "Renal Cell Carcinoma": "kidney cancer (renal cell carcinoma)",
    "Non-Hodgkin Lymphoma": "non-Hodgkin lymphoma",
    "Hodgkin Lymphoma": "Hodgkin lymphoma",
    "B-Lymphoblastic Leukemia/Lymphoma": "B-cell acute lymphoblastic leukemia",
    "T-Lymphoblastic Leukemia/Lymphoma": "T-cell acute lymphoblastic leukemia",
    "Ovarian/Fallopian Tube Cancer": "ovarian or fallopian tube cancer",
    "Bladder/Urinary Tract Cancer": "bladder or urinary tract cancer",
}
# Words kept as written when an OncoTree name is put in lower case.
_PROPER = frozenset({"hodgkin", "burkitt", "waldenstrom", "paget", "hurthle", "wilms", "ewing"})
# Symbols read as words, not letter by letter: "a ROS1 fusion", not "an ROS1 fusion".
_READ_AS_WORDS = frozenset({"HER2", "ROS1", "RET", "KRAS", "NRAS", "KIT", "MET", "MYC"})
_FUSION_GENES = frozenset({"ALK", "ROS1", "RET", "NTRK", "NTRK1", "NTRK2", "NTRK3", "NRG1"})
_MMR_PROTEINS = frozenset({"MLH1", "MSH2", "MSH6", "PMS2"})


def _plain(name: str) -> str:
    """'Diffuse Large B-Cell Lymphoma, NOS' -> 'diffuse large B-cell lymphoma'."""

    def word(w: str) -> str:
        if re.fullmatch(r"[A-Z]-Cell", w):
            return f"{w[0]}-cell"
        if w.lower() in _PROPER or sum(c.isupper() for c in w) >= 2:
            return w  # "Hodgkin", "NK", "IDH-Wildtype"
        return w.lower()

    return " ".join(word(w) for w in re.sub(r",?\s+NOS\b", "", name).split())


def _cancer_name(diagnosis: DiagnosisFact) -> str:
    """Name the cancer by its main type, or by its own name where the main type is a vague
    grouping ("a B-cell blood cancer" says less than "follicular lymphoma")."""
    main_type = diagnosis.main_type or _main_type(diagnosis.oncotree_code)
    plain = (_PLAIN_TYPES.get(main_type) or _plain(main_type)) if main_type else None
    entry = _cancer_types().get(diagnosis.oncotree_code)
    if plain and not (plain.startswith("a ") and entry):
        return plain
    return _plain(entry.name if entry else diagnosis.name)


@functools.cache
def _marker_kinds() -> dict[str, str]:
    return {entry.label: entry.kind for entry in vocab.biomarkers()}


def _a(words: str) -> str:
    """Put 'a' or 'an' before words; abbreviations are read letter by letter ("an MSI")."""
    head = words.split()[0] if words else ""
    spelled = head not in _READ_AS_WORDS and (head.isupper() or any(c.isdigit() for c in head))
    vowel_sound = head[:1] in ("AEFHILMNORSX" if spelled else "aeiouAEIOU")
    return f"{'an' if vowel_sound else 'a'} {words}"


def _marker_words(fact: BiomarkerFact, *, alone: bool) -> tuple[str, bool]:
    """Name a result in plain words; True when they follow "that is" ("HER2 positive").
    `alone`: no cancer name comes before them."""
    marker, result = fact.marker, (fact.result or "").lower()
    canonical = _canonical(result)
    variant = (fact.variant or "").removeprefix("p.")
    kind = _marker_kinds().get(marker, "gene")
    value = f" ({fact.value})" if fact.value else ""
    if marker == "MSI":
        if result == "high":
            return "MSI-high (microsatellite instability-high)", False
        return f"MSI {result} (microsatellite {result})", False
    if marker == "MMR":
        if result == "deficient":
            return "mismatch repair deficiency (dMMR)", False
        return f"mismatch repair that is {result}", False
    if marker in _MMR_PROTEINS and result in ("lost", "intact"):
        return f"{'loss' if result == 'lost' else 'normal staining'} of the {marker} protein", False
    if marker == "HRD":
        return f"an HRD (homologous recombination deficiency) result that is {result}", False
    if kind == "serum":
        return f"{_a(marker)} blood test{value}", False
    if marker == "PD-L1":
        return f"a PD-L1 result{value}", False
    if result in ("methylated", "unmethylated"):
        return f"{'' if result == 'methylated' else 'no '}{marker} methylation", False
    if result in ("codeleted", "not codeleted"):
        return f"{'a' if result == 'codeleted' else 'no'} {marker}", False
    if marker.endswith(" status"):
        return f"{marker}: {result}", False
    if kind in ("gene", "signature") or variant:
        if canonical == "positive" and marker in _FUSION_GENES:
            return f"{_a(marker)} gene fusion", False
        if canonical == "positive" and variant:
            return f"the {marker} {variant} change", False
        if canonical == "positive":
            return f"a change (mutation) in the {marker} gene", False
        if canonical == "negative":
            return f"no {marker} change found", False
        return f"{_a(marker)} result that is {result}", False
    words = f"{marker} {'positive' if canonical == 'positive' else result}"
    return (f"{_a(words)} result", False) if alone else (words, True)


def _opening(weight: float, origin: Origin | None) -> str:
    if origin is Origin.clinician:
        return "Your care team confirmed"
    return "Your record may show" if weight < _LOW_WEIGHT else "Your record shows"


def _subject_sentence(match: _Match) -> tuple[str | None, bool]:
    """Return the sentence on the cancer, its markers and its stage; True when it says the
    stage too."""
    cancers = sorted(match.of("cancer_types"), key=lambda h: -h.weight)
    marker_hits = sorted(match.of("biomarkers"), key=lambda h: (h.partial, -h.weight))
    markers = [m for m in dict.fromkeys(h.subject for h in marker_hits) if isinstance(m, _Marker)]
    markers = markers[:3]
    diagnosis = cancers[0].subject if cancers else None
    if not isinstance(diagnosis, _Diagnosis):
        if not markers:
            return None, False
        words = [_marker_words(m.fact, alone=True)[0] for m in markers]
        confirmed = all(m.fact.origin is Origin.clinician for m in markers)
        opening = _opening(min(m.weight for m in markers), Origin.clinician if confirmed else None)
        return f"{opening} {_join(words)}.", False
    name = _cancer_name(diagnosis.fact)
    weights = [diagnosis.weight, *(m.weight for m in markers)]
    confirmed = diagnosis.fact.origin is Origin.clinician and all(
        m.fact.origin is Origin.clinician for m in markers
    )
    stages = [h.subject for h in match.of("stages") if isinstance(h.subject, _Stage)]
    said_stage = False
    if diagnosis.fact.historical:
        name = f"a past {name.removeprefix('a ')}"
    elif stages and stages[0].group and not (stages[0].derived or stages[0].spread_to):
        name = f"stage {stages[0].group} {name.removeprefix('a ')}"
        weights.append(stages[0].weight)
        confirmed = False  # a stage is not a clinician's fact here
        said_stage = True
    described = [_marker_words(m.fact, alone=False) for m in markers]
    adjectives = [words for words, after_that_is in described if after_that_is]
    nouns = [words for words, after_that_is in described if not after_that_is]
    clause = name
    if adjectives:
        clause += f" that is {_join(adjectives)}"
    if nouns:
        clause += f" with {_join(nouns)}"
    opening = _opening(min(weights), Origin.clinician if confirmed else None)
    return f"{opening} {clause}.", said_stage


def _treatment_sentence(treatments: Sequence[_Treatment]) -> str:
    """Say "Your record shows you are getting X; Y is planned; you have had Z."."""
    by_status: dict[str, list[str]] = {}
    for treatment in sorted(treatments, key=lambda t: -t.weight):
        name = treatment.fact.name
        if any(name in names for names in by_status.values()):
            continue
        if sum(len(names) for names in by_status.values()) == 3:
            break
        status = treatment.fact.status
        group = "past" if status in (TreatmentStatus.past, TreatmentStatus.stopped) else status
        by_status.setdefault(group, []).append(name)
    clauses = []
    if "current" in by_status:
        clauses.append(f"you are getting {_join(by_status['current'])}")
    if "planned" in by_status:
        planned = by_status["planned"]
        clauses.append(f"{_join(planned)} {'is' if len(planned) == 1 else 'are'} planned")
    if "past" in by_status:
        clauses.append(f"you have had {_join(by_status['past'])}")
    return f"Your record shows {'; '.join(clauses)}."


def _reason(match: _Match) -> str:
    """Say in plain words which facts the match rests on, the most telling first."""
    sentences: list[str] = []
    subject, said_stage = _subject_sentence(match)
    if subject:
        sentences.append(subject)
    if any(hit.partial for hit in match.of("biomarkers")):
        changes = [v.partition(" ")[2].removeprefix("p.") for v in match.article.tags.variants]
        sentences.append(
            f"This article is about the {_join(changes)} change; ask your care team which "
            "change you have."
        )
    stages = [h.subject for h in match.of("stages") if isinstance(h.subject, _Stage)]
    if stages and not said_stage:
        sentences.append(f"{_opening(stages[0].weight, None)} {stages[0].phrase}.")
    treatments = [h.subject for h in match.of("treatments") if isinstance(h.subject, _Treatment)]
    if treatments:
        sentences.append(_treatment_sentence(treatments))
    if not sentences:
        topics = sorted(_counted_topics(match) or match.of("topics"), key=lambda h: -h.weight)
        if topics and isinstance(topics[0].subject, _Topic):
            sentences.append(topics[0].subject.sentence)
    return " ".join(sentences[:3]) or GENERAL_REASON


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


# --- ranking -------------------------------------------------------------------------------


def _rests_on(match: _Match) -> list[str]:
    """The keys of the profile's facts behind a match, in the order the hits were found."""
    keys: list[str] = []
    for hit in match.hits:
        subject = hit.subject
        if isinstance(subject, _Stage):
            key = "stage"
        elif isinstance(subject, _Diagnosis | _Marker | _Treatment):
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
    facts = _read_facts(profile)
    matches = [m for m in (_match(article, facts) for article in articles) if m is not None]
    index = _index(articles)
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
            reason=_reason(m),
            score=round(m.score, 3),
            facts=_rests_on(m),
        )
        for m in matches[:limit]
    ]
