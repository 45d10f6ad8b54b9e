"""Property-based tests: whatever bytes or text come in, only the project's typed errors leave."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.extract import extract_facts
from extractors.reader import read_pages
from models.errors import IntakeError
from models.schemas import Page, ReadMethod
from tests.factories import text_pdf

RECORD_WORDS = [
    "invasive",
    "ductal",
    "carcinoma",
    "pT2",
    "pN1a",
    "M0",
    "stage",
    "IIB",
    "ER",
    "PR",
    "HER2",
    "positive",
    "negative",
    "3+",
    "95%",
    "no",
    "not",
    "if",
    "mother",
    "history",
    "of",
    "FOLFOX",
    "pembrolizumab",
    "lung",
    "adenocarcinoma",
    "EGFR",
    "L858R",
    "exon",
    "19",
    "deletion",
    ".",
    ",",
    ":",
    "(",
    ")",
    "\n",
    "grade",
    "Gleason",
    "4+3",
    "PD-L1",
    "TPS",
    "50%",
    "received",
    "plan",
]
_PDF = text_pdf(["Invasive ductal carcinoma, pT2 N0. ER positive."])
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read(data: bytes) -> None:
    try:
        pages = read_pages(data, max_pages=20, ocr_dpi=50)
    except IntakeError as error:
        assert error.reason  # noqa: PT017 (the error is the property under test)
        return
    for page in pages:
        assert page.number >= 1 and isinstance(page.text, str)


@FAST
@given(st.binary(max_size=4096))
def test_any_bytes_are_read_or_refused_with_a_reason(data):
    _read(data)


@FAST
@given(st.lists(st.tuples(st.integers(0, len(_PDF) - 1), st.integers(0, 255)), max_size=20))
def test_a_damaged_pdf_is_read_or_refused_with_a_reason(flips):
    damaged = bytearray(_PDF)
    for position, value in flips:
        damaged[position] = value
    _read(bytes(damaged))


@FAST
@given(st.integers(0, len(_PDF)))
def test_a_truncated_pdf_is_read_or_refused_with_a_reason(length):
    _read(_PDF[:length])


@FAST
@given(st.text(max_size=3000))
def test_any_text_gives_facts_whose_evidence_lies_in_the_page(text):
    _check_extraction(text)


@FAST
@given(st.lists(st.sampled_from(RECORD_WORDS), max_size=120).map(" ".join))
def test_record_like_text_gives_facts_whose_evidence_lies_in_the_page(text):
    _check_extraction(text)


def _check_extraction(text: str) -> None:
    page = Page(number=1, text=text, method=ReadMethod.plain_text)
    for fact in extract_facts([page]).facts:
        evidence = fact.evidence
        assert 0 <= evidence.start <= evidence.end <= len(text)
        assert 0 <= fact.confidence <= 1


@pytest.mark.parametrize("text", ["", " ", "\x00", "ﬁ" * 10, "İ" * 5 + "stage IV"])
def test_odd_text_does_not_break_extraction(text):
    _check_extraction(text)
