"""Match one article's tags against a profile's facts, and score what they match.

An article written for one cancer type, stage or biomarker result never reaches a profile that
says otherwise, and an article that names facts reaches only profiles that match one of them.
The score adds what the facts match, each weighed by how sure it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from intake.matcher.articles import STAGES, TAG_KINDS, Article, TagKind
from intake.matcher.facts import Diagnosis, Facts, Marker, Stage, Topic, TopicSource, Treatment
from intake.matcher.family import FamilyRisk
from intake.matcher.oncotree import main_type
from intake.matcher.results import NO_RESULT, canonical, split_tag
from intake.matcher.weights import (
    ANY_RESULT,
    EXTRA_HIT,
    KIND_WEIGHTS,
    SINGLE_TYPE_BONUS,
    TOPIC_CAP,
)


@dataclass(frozen=True, slots=True)
class Hit:
    kind: TagKind
    tag: str
    weight: float
    subject: Diagnosis | Stage | Marker | Treatment | FamilyRisk | Topic  # what it rests on
    partial: bool = False  # the marker matches, but the variant is not known


@dataclass
class Match:
    article: Article
    hits: list[Hit] = field(default_factory=list)
    score: float = 0.0

    def of(self, kind: TagKind) -> list[Hit]:
        return [hit for hit in self.hits if hit.kind == kind]


def _biomarker_hits(article: Article, markers: Sequence[Marker]) -> tuple[list[Hit], bool]:
    """Return the article's biomarker tags the profile matches, and whether the profile gives
    a marker a result the article is not written for (and matches none of its results)."""
    variants: dict[str, set[str]] = {}
    for tag in article.tags.variants:
        marker, _, variant = tag.partition(" ")
        variants.setdefault(marker.casefold(), set()).add(variant.strip())
    wanted = [(tag, *split_tag(tag)) for tag in article.tags.biomarkers]
    with_results = {marker for _, marker, result in wanted if result}
    hits: list[Hit] = []
    mismatched = False
    for item in markers:
        name = item.fact.marker.casefold()
        result = canonical(item.fact.result)
        matched = False
        for tag, marker, wanted_result in wanted:
            if marker != name:
                continue
            if wanted_result is None:
                known = 0.5 if result in NO_RESULT else 1.0
                hits.append(Hit("biomarkers", tag, item.weight * ANY_RESULT * known, item))
                matched = True
                continue
            if result != wanted_result:
                continue
            allowed = variants.get(name)
            if allowed and item.fact.variant and item.fact.variant not in allowed:
                continue  # KRAS G12D for a KRAS G12C article
            partial = bool(allowed) and not item.fact.variant
            weight = item.weight * (0.5 if partial else 1.0)
            hits.append(Hit("biomarkers", tag, weight, item, partial=partial))
            matched = True
        if name in with_results and not matched and result not in NO_RESULT:
            mismatched = True
    matched_a_result = any(split_tag(hit.tag)[1] for hit in hits)
    return hits, mismatched and not matched_a_result


def _excluded(article: Article, facts: Facts) -> bool:
    for tag in article.tags.exclude:
        if tag in STAGES:
            if facts.stage and facts.stage.numeral == tag:
                return True
            continue
        marker, result = split_tag(tag)
        if any(
            m.fact.marker.casefold() == marker and canonical(m.fact.result) == result
            for m in facts.markers
        ):
            return True
    return False


def match_article(article: Article, facts: Facts) -> Match | None:
    """Return the article's hits on the profile, or None when the article contradicts the
    profile or lacks what it requires."""
    tags = article.tags
    if _excluded(article, facts):
        return None
    match = Match(article)
    if tags.cancer_types:
        wanted = set(tags.cancer_types)
        match.hits += [
            Hit("cancer_types", min(wanted & d.names), d.weight, d)
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
        match.hits.append(Hit("stages", facts.stage.numeral, facts.stage.weight, facts.stage))
    marker_hits, contradicted = _biomarker_hits(article, facts.markers)
    if contradicted:
        return None
    match.hits += marker_hits
    wanted_treatments = {t.casefold() for t in tags.treatments}
    for treatment in facts.treatments:
        names = {treatment.fact.name.casefold(), (treatment.fact.drug_class or "").casefold()}
        if found := wanted_treatments & names:
            match.hits.append(Hit("treatments", min(found), treatment.weight, treatment))
    match.hits += [
        Hit("family_history", risk.key, risk.weight, risk)
        for risk in facts.family_risks
        if risk.key in tags.family_history
    ]
    match.hits += [
        Hit("topics", topic, facts.topics[topic].weight, facts.topics[topic])
        for topic in tags.topics
        if topic in facts.topics
    ]
    if tags.requires and not any(_satisfied(required, match) for required in tags.requires):
        return None
    specific = any(
        (tags.cancer_types, tags.stages, tags.biomarkers, tags.treatments, tags.family_history)
    )
    if specific and not any(hit.kind != "topics" for hit in match.hits):
        return None
    match.score = _fact_score(match)
    return match


def _is_past(hit: Hit) -> bool:
    return isinstance(hit.subject, Diagnosis) and hit.subject.fact.historical


def _has_current(facts: Facts) -> bool:
    return any(not d.fact.historical for d in facts.diagnoses)


def _satisfied(required: str, match: Match) -> bool:
    """A required tag kind is satisfied by any hit of that kind, a required tag by its hit."""
    for kind in TAG_KINDS:
        if required == kind:
            return bool(match.of(kind))
    return any(hit.tag == required for hit in match.hits)


def _fact_score(match: Match) -> float:
    score = 0.0
    for kind in TAG_KINDS:
        if kind == "topics":
            weights = [hit.weight for hit in counted_topics(match)]
            score += min(TOPIC_CAP, KIND_WEIGHTS[kind] * sum(weights))
            continue
        hits = match.of(kind)
        if hits:
            distinct = len({id(hit.subject) for hit in hits})
            best = max(hit.weight for hit in hits)
            score += KIND_WEIGHTS[kind] * best + EXTRA_HIT * min(2, distinct - 1)
    main_types = {main_type(tag) or tag for tag in match.article.tags.cancer_types}
    if match.of("cancer_types") and len(main_types) == 1:
        score += SINGLE_TYPE_BONUS
    return score


_REPEATS: dict[TopicSource, TagKind] = {"treatment": "treatments", "stage": "stages"}


def counted_topics(match: Match) -> list[Hit]:
    """Return the topic hits that add something: one that repeats a matched treatment or
    stage does not, and "information" topics only order the general articles."""
    specific = any(hit.kind != "topics" for hit in match.hits)
    counted = []
    for hit in match.of("topics"):
        assert isinstance(hit.subject, Topic)
        source = hit.subject.source
        if source in _REPEATS and match.of(_REPEATS[source]):
            continue
        if source == "information" and specific:
            continue
        counted.append(hit)
    return counted
