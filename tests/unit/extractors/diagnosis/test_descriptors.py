"""A tumour's grade and side, read from the lower-case words near it."""

from __future__ import annotations

import pytest

from extractors.diagnosis.descriptors import find_laterality, read_grade


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("nottingham grade 2 of 3", "G2"),
        ("fnclcc grade 3", "G3"),
        ("tumour grade: 2", "G2"),
        ("who grade iv", "G4"),
        ("grade iii/iv", "G3"),
        ("moderately-differentiated adenocarcinoma", "G2"),
        ("poorly differentiated", "G3"),
        ("undifferentiated carcinoma", "G4"),
        ("gleason score 3 + 4", "Gleason 3+4=7"),
        ("gleason 4+5 carcinoma", "Gleason 4+5=9"),
    ],
)
def test_grade_is_read_in_each_wording(text: str, grade: str) -> None:
    assert read_grade(text) == grade


def test_first_grade_statement_wins() -> None:
    assert read_grade("well differentiated, grade 3") == "G1"


def test_text_without_a_grade_has_none() -> None:
    assert read_grade("no grade given") is None


def test_side_is_read_near_the_tumour() -> None:
    text = "carcinoma of the left breast"
    assert find_laterality(text, 0, len("carcinoma")) == "left"


def test_side_far_from_the_tumour_is_not_its_side() -> None:
    text = f"{'x' * 100}carcinoma{'y' * 50} right"
    assert find_laterality(text, 100, 109) is None


@pytest.mark.parametrize(
    "text",
    [
        "week 4 review: grade 2 esophagitis, managed with sucralfate",
        "radiation dermatitis grade 1 over the left neck",
        "ctcae v5 grade 3 neutropenia after cycle 2",
    ],
)
def test_a_side_effect_grade_is_not_the_tumour_grade(text: str) -> None:
    assert read_grade(text) is None


def test_tumour_grade_after_a_side_effect_grade_is_read() -> None:
    assert read_grade("grade 1 fatigue. biopsy: adenocarcinoma, histologic grade 3") == "G3"
