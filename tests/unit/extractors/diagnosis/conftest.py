from __future__ import annotations

from collections.abc import Callable

import pytest

from extractors.diagnosis import extract_diagnoses
from extractors.document import analyze_page
from models.schemas import DiagnosisFact, Page, ReadMethod

ReadDiagnoses = Callable[[str], list[DiagnosisFact]]
ReadPrimary = Callable[[str], str | None]


def _diagnoses(text: str) -> list[DiagnosisFact]:
    page = analyze_page(Page(number=1, text=text, method=ReadMethod.plain_text))
    return extract_diagnoses([page])


@pytest.fixture
def read_diagnoses() -> ReadDiagnoses:
    """Return the diagnoses of a one-page plain-text report."""
    return _diagnoses


@pytest.fixture
def read_primary() -> ReadPrimary:
    """Return the code of the first asserted diagnosis of a one-page report, if any."""

    def read(text: str) -> str | None:
        asserted = [d for d in _diagnoses(text) if d.asserted]
        return asserted[0].oncotree_code if asserted else None

    return read
