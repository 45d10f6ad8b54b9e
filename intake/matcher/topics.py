"""The article topics, and the topics a treatment raises by its kind and its drug class.

The table is intake/matcher/topics.yaml, read once per process.
"""

from __future__ import annotations

import functools

from pydantic import BaseModel, ConfigDict, model_validator

from extractors.vocab.loader import load_file
from models.schemas import TreatmentFact, TreatmentKind


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TopicEntry(_Strict):
    key: str
    treatment_words: str | None = None
    medicines_only: bool = False


class DrugClassTopic(_Strict):
    drug_class: str
    topic: str | None


class TopicsFile(_Strict):
    """topics.yaml: the topics, and what raises each (see the file's header)."""

    source: str
    version: str
    topics: list[TopicEntry]
    treatment_kinds: dict[TreatmentKind, str]
    drug_classes: list[DrugClassTopic]
    unlisted_drug_class: str | None

    @model_validator(mode="after")
    def _check_references(self) -> TopicsFile:
        keys = [topic.key for topic in self.topics]
        if len(keys) != len(set(keys)):
            raise ValueError("a topic is listed twice")
        classes = [entry.drug_class for entry in self.drug_classes]
        if len(classes) != len(set(classes)):
            raise ValueError("a drug class is listed twice")
        worded = {topic.key for topic in self.topics if topic.treatment_words}
        raised = {
            *self.treatment_kinds.values(),
            *(entry.topic for entry in self.drug_classes if entry.topic),
            *([self.unlisted_drug_class] if self.unlisted_drug_class else []),
        }
        if unworded := raised - worded:
            raise ValueError(f"topics raised by a treatment need treatment_words: {unworded}")
        return self


@functools.cache
def _topics_file() -> TopicsFile:
    return load_file("intake.matcher", "topics.yaml", TopicsFile)


@functools.cache
def article_topics() -> frozenset[str]:
    """Return the subjects an article may name in its `topics` tag."""
    return frozenset(topic.key for topic in _topics_file().topics)


@functools.cache
def topic_words() -> dict[str, str]:
    """Return how a reason names each topic a treatment raises: 'a stem cell transplant'."""
    return {t.key: t.treatment_words for t in _topics_file().topics if t.treatment_words}


@functools.cache
def drug_class_topics() -> dict[str, str | None]:
    """Return each listed drug class's topic; None for a class that raises none."""
    return {entry.drug_class: entry.topic for entry in _topics_file().drug_classes}


@functools.cache
def _medicines_only() -> frozenset[str]:
    return frozenset(topic.key for topic in _topics_file().topics if topic.medicines_only)


def treatment_topics(treatment: TreatmentFact) -> list[str]:
    """Return the topics a treatment raises: its kind's, then its drug class's."""
    table = _topics_file()
    topics = []
    if treatment.kind in table.treatment_kinds:
        topics.append(table.treatment_kinds[treatment.kind])
    drug_class = treatment.drug_class
    if drug_class:
        topic = drug_class_topics().get(drug_class, table.unlisted_drug_class)
        medicine = treatment.kind is TreatmentKind.medication
        if topic and (medicine or topic not in _medicines_only()):
            topics.append(topic)
    return topics
