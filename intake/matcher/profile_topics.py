"""Read the subjects a profile raises (treatments, spread, inherited genes, first reports), each
with a weight and the sentence that says why."""

from __future__ import annotations

from collections.abc import Sequence

from extractors import vocab
from intake.matcher.facts import Diagnosis, Marker, Stage, Topic, TopicSource, Treatment
from intake.matcher.results import NO_RESULT, canonical
from intake.matcher.topics import topic_words, treatment_topics
from intake.matcher.wording import opening
from models.schemas import TreatmentStatus

_ACTIVE = frozenset({TreatmentStatus.current, TreatmentStatus.planned})


def read_topics(
    diagnoses: Sequence[Diagnosis],
    stage: Stage | None,
    markers: Sequence[Marker],
    treatments: Sequence[Treatment],
) -> dict[str, Topic]:
    """Return the subjects a profile raises, each with a weight and the sentence saying why."""
    topics: dict[str, Topic] = {}

    def add(topic: str, weight: float, sentence: str, source: TopicSource) -> None:
        if topic not in topics or topics[topic].weight < weight:
            topics[topic] = Topic(weight, sentence, source)

    for treatment in treatments:
        for topic in treatment_topics(treatment.fact):
            sentence = f"Your record mentions {topic_words()[topic]} ({treatment.fact.name})."
            add(topic, 1.5 * treatment.weight, sentence, "treatment")
        if treatment.fact.status in _ACTIVE:
            sentence = "Your record shows treatment that is planned or under way."
            add("treatment", 0.5 * treatment.weight, sentence, "information")
            add("side effects", 0.5 * treatment.weight, sentence, "information")
    if stage:
        sentence = f"{opening(stage.weight, None)} {stage.phrase}."
        if stage.numeral == "IV":
            add("metastatic", 1.5 * stage.weight, sentence, "stage")
        add("stage", 0.5 * stage.weight, sentence, "information")
    if diagnoses:
        best = max(d.weight for d in diagnoses)
        sentence = "It helps in reading the reports in your record."
        add("diagnosis", 0.5 * best, sentence, "information")
        if any(m.fact.result in NO_RESULT for m in markers) or not (markers or stage):
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
    # Genes whose changes are often inherited, so a change in one raises genetic counselling.
    hereditary = vocab.gene_group_labels(vocab.GeneGroup.hereditary_risk_genes)
    for marker in markers:
        if marker.fact.marker in hereditary and canonical(marker.fact.result) == "positive":
            sentence = f"Your record shows a change in the {marker.fact.marker} gene."
            add("genetics", marker.weight, sentence, "genetics")
    return topics
