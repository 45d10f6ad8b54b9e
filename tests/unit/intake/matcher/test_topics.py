"""The topics table (intake/matcher/topics.yaml): it loads, names every drug class of the
vocabulary, and gives each treatment the topic it gave before the table was data."""

from __future__ import annotations

import pytest

from extractors import vocab
from extractors.vocab.loader import load_file
from intake.matcher.topics import (
    TopicsFile,
    article_topics,
    drug_class_topics,
    topic_words,
    treatment_topics,
)
from models.schemas import Evidence, Origin, TreatmentFact, TreatmentKind

# Some of the classes that had no entry and became targeted therapy by default; the table now
# names that topic for them explicitly.
_TARGETED_BEFORE = {"EGFR TKI", "anti-CD20 antibody", "gene therapy", "retinoid"}


def _treatment(
    drug_class: str | None, kind: TreatmentKind = TreatmentKind.medication
) -> TreatmentFact:
    return TreatmentFact(
        name="a drug",
        kind=kind,
        drug_class=drug_class,
        origin=Origin.stated,
        confidence=0.9,
        evidence=Evidence(page=1, start=0, end=1, snippet="x"),
    )


def test_the_file_loads_and_names_its_source_and_version() -> None:
    table = load_file("intake.matcher", "topics.yaml", TopicsFile)
    assert table.source.strip()
    assert table.version.strip()
    assert len(article_topics()) == len(table.topics)


def test_every_drug_class_of_the_vocabulary_has_an_entry() -> None:
    classes = {drug.drug_class for drug in vocab.drugs()}
    missing = sorted(classes - drug_class_topics().keys())
    assert missing == []


def test_the_table_lists_no_class_the_vocabulary_lacks() -> None:
    classes = {drug.drug_class for drug in vocab.drugs()}
    assert sorted(drug_class_topics().keys() - classes) == []


def test_every_class_topic_is_an_article_topic_with_words() -> None:
    for drug_class, topic in drug_class_topics().items():
        if topic is not None:
            assert topic in article_topics(), drug_class
            assert topic in topic_words(), drug_class


def test_a_duplicate_drug_class_is_rejected() -> None:
    entry = {"drug_class": "taxane", "topic": "chemotherapy"}
    with pytest.raises(ValueError, match="listed twice"):
        TopicsFile.model_validate(
            {
                "source": "s",
                "version": "1",
                "topics": [{"key": "chemotherapy", "treatment_words": "chemotherapy"}],
                "treatment_kinds": {},
                "drug_classes": [entry, entry],
                "unlisted_drug_class": None,
            }
        )


def test_a_topic_raised_by_a_treatment_needs_words() -> None:
    with pytest.raises(ValueError, match="treatment_words"):
        TopicsFile.model_validate(
            {
                "source": "s",
                "version": "1",
                "topics": [{"key": "chemotherapy"}],
                "treatment_kinds": {},
                "drug_classes": [{"drug_class": "taxane", "topic": "chemotherapy"}],
                "unlisted_drug_class": None,
            }
        )


def test_an_unknown_key_is_rejected() -> None:
    with pytest.raises(ValueError, match="Extra inputs"):
        TopicsFile.model_validate(
            {
                "source": "s",
                "version": "1",
                "topics": [{"key": "stage", "words": "stage"}],
                "treatment_kinds": {},
                "drug_classes": [],
                "unlisted_drug_class": None,
            }
        )


@pytest.mark.parametrize(
    ("drug_class", "topic"),
    [
        ("taxane", "chemotherapy"),
        ("checkpoint inhibitor (PD-1)", "immunotherapy"),
        ("aromatase inhibitor", "hormone therapy"),
        ("radiopharmaceutical", "radiation"),
        *((drug_class, "targeted therapy") for drug_class in sorted(_TARGETED_BEFORE)),
    ],
)
def test_a_drug_class_raises_its_topic(drug_class: str, topic: str) -> None:
    assert treatment_topics(_treatment(drug_class)) == [topic]


@pytest.mark.parametrize("drug_class", ["supportive", "corticosteroid", "bone-modifying agent"])
def test_a_supportive_medicine_raises_no_topic(drug_class: str) -> None:
    assert treatment_topics(_treatment(drug_class)) == []


def test_a_class_outside_the_vocabulary_is_targeted_therapy_for_a_medicine_only() -> None:
    assert treatment_topics(_treatment("kinase blocker")) == ["targeted therapy"]
    assert treatment_topics(_treatment("kinase blocker", TreatmentKind.cell_therapy)) == [
        "cell therapy"
    ]


def test_a_cell_product_keeps_its_immunotherapy_topic() -> None:
    fact = _treatment("CAR T-cell therapy", TreatmentKind.cell_therapy)
    assert treatment_topics(fact) == ["cell therapy", "immunotherapy"]


def test_a_procedure_raises_its_kind_topic() -> None:
    assert treatment_topics(_treatment(None, TreatmentKind.surgery)) == ["surgery"]
    assert topic_words()["transplant"] == "a stem cell transplant"
