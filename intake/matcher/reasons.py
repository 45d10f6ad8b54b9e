"""Say in plain words why an article was chosen: the cancer, its markers and stage, the
treatments, or the topic the profile raises, the most telling first."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from extractors import vocab
from intake.matcher.facts import Diagnosis, Marker, Stage, Topic, Treatment
from intake.matcher.family import FamilyRisk
from intake.matcher.oncotree import cancer_types, main_type
from intake.matcher.results import canonical
from intake.matcher.tags import Match, counted_topics
from intake.matcher.wording import join, opening, plain, plain_cancer_types, with_article
from models.schemas import BiomarkerFact, DiagnosisFact, Origin, TreatmentStatus

GENERAL_REASON = "General information for anyone reading their records."


def _cancer_name(diagnosis: DiagnosisFact) -> str:
    """Name the cancer by its main type, or by its own name where the main type is a vague
    grouping ("a B-cell blood cancer" says less than "follicular lymphoma")."""
    main = diagnosis.main_type or main_type(diagnosis.oncotree_code)
    plain_main = (plain_cancer_types().get(main) or plain(main)) if main else None
    entry = cancer_types().get(diagnosis.oncotree_code)
    if plain_main and not (plain_main.startswith("a ") and entry):
        return plain_main
    return plain(entry.name if entry else diagnosis.name)


@functools.cache
def _marker_kinds() -> dict[str, str]:
    return {entry.label: entry.kind for entry in vocab.biomarkers()}


def _marker_words(fact: BiomarkerFact, *, alone: bool) -> tuple[str, bool]:
    """Name a result in plain words; True when they follow "that is" ("HER2 positive").
    `alone`: no cancer name comes before them."""
    marker, result = fact.marker, (fact.result or "").lower()
    canonical_result = canonical(result)
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
    if marker in vocab.gene_group_labels(vocab.GeneGroup.mmr_proteins) and result in (
        "lost",
        "intact",
    ):
        return f"{'loss' if result == 'lost' else 'normal staining'} of the {marker} protein", False
    if marker == "HRD":
        return f"an HRD (homologous recombination deficiency) result that is {result}", False
    if kind == "serum":
        return f"{with_article(marker)} blood test{value}", False
    if marker == "PD-L1":
        return f"a PD-L1 result{value}", False
    if result in ("methylated", "unmethylated"):
        return f"{'' if result == 'methylated' else 'no '}{marker} methylation", False
    if result in ("codeleted", "not codeleted"):
        return f"{'a' if result == 'codeleted' else 'no'} {marker}", False
    if marker.endswith(" status"):
        return f"{marker}: {result}", False
    if kind in ("gene", "signature") or variant:
        if canonical_result == "positive" and marker in vocab.gene_group_labels(
            vocab.GeneGroup.fusion_genes
        ):
            return f"{with_article(marker)} gene fusion", False
        if canonical_result == "positive" and variant:
            return f"the {marker} {variant} change", False
        if canonical_result == "positive":
            return f"a change (mutation) in the {marker} gene", False
        if canonical_result == "negative":
            return f"no {marker} change found", False
        return f"{with_article(marker)} result that is {result}", False
    words = f"{marker} {'positive' if canonical_result == 'positive' else result}"
    return (f"{with_article(words)} result", False) if alone else (words, True)


def _subject_sentence(match: Match) -> tuple[str | None, bool]:
    """Return the sentence on the cancer, its markers and its stage; True when it says the
    stage too."""
    cancers = sorted(match.of("cancer_types"), key=lambda h: -h.weight)
    marker_hits = sorted(match.of("biomarkers"), key=lambda h: (h.partial, -h.weight))
    markers = [m for m in dict.fromkeys(h.subject for h in marker_hits) if isinstance(m, Marker)]
    markers = markers[:3]
    diagnosis = cancers[0].subject if cancers else None
    if not isinstance(diagnosis, Diagnosis):
        if not markers:
            return None, False
        words = [_marker_words(m.fact, alone=True)[0] for m in markers]
        confirmed = all(m.fact.origin is Origin.clinician for m in markers)
        start = opening(min(m.weight for m in markers), Origin.clinician if confirmed else None)
        return f"{start} {join(words)}.", False
    name = _cancer_name(diagnosis.fact)
    weights = [diagnosis.weight, *(m.weight for m in markers)]
    confirmed = diagnosis.fact.origin is Origin.clinician and all(
        m.fact.origin is Origin.clinician for m in markers
    )
    stages = [h.subject for h in match.of("stages") if isinstance(h.subject, Stage)]
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
        clause += f" that is {join(adjectives)}"
    if nouns:
        clause += f" with {join(nouns)}"
    start = opening(min(weights), Origin.clinician if confirmed else None)
    return f"{start} {clause}.", said_stage


def _treatment_sentence(treatments: Sequence[Treatment]) -> str:
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
        clauses.append(f"you are getting {join(by_status['current'])}")
    if "planned" in by_status:
        planned = by_status["planned"]
        clauses.append(f"{join(planned)} {'is' if len(planned) == 1 else 'are'} planned")
    if "past" in by_status:
        clauses.append(f"you have had {join(by_status['past'])}")
    return f"Your record shows {'; '.join(clauses)}."


def explain_match(match: Match) -> str:
    """Say in plain words which facts the match rests on, the most telling first."""
    sentences: list[str] = []
    subject, said_stage = _subject_sentence(match)
    if subject:
        sentences.append(subject)
    if any(hit.partial for hit in match.of("biomarkers")):
        changes = [v.partition(" ")[2].removeprefix("p.") for v in match.article.tags.variants]
        sentences.append(
            f"This article is about the {join(changes)} change; ask your care team which "
            "change you have."
        )
    stages = [h.subject for h in match.of("stages") if isinstance(h.subject, Stage)]
    if stages and not said_stage:
        sentences.append(f"{opening(stages[0].weight, None)} {stages[0].phrase}.")
    treatments = [h.subject for h in match.of("treatments") if isinstance(h.subject, Treatment)]
    if treatments:
        sentences.append(_treatment_sentence(treatments))
    risks = [h.subject for h in match.of("family_history") if isinstance(h.subject, FamilyRisk)]
    if risks and len(sentences) < 2:
        sentences.append(risks[0].sentence)
    if not sentences:
        topics = sorted(counted_topics(match) or match.of("topics"), key=lambda h: -h.weight)
        if topics and isinstance(topics[0].subject, Topic):
            sentences.append(topics[0].subject.sentence)
    return " ".join(sentences[:3]) or GENERAL_REASON
