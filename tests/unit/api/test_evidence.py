"""The text around a piece of evidence: a page the document lacks is not found."""

from __future__ import annotations

import pytest

from api.evidence import evidence_context
from models.errors import NotFound
from models.schemas import Page, ReadMethod
from models.tables import Document

PAGES = [
    Page(number=1, text="Invasive ductal carcinoma.", method=ReadMethod.plain_text),
    Page(number=2, text="ER positive.", method=ReadMethod.plain_text),
]


def test_the_evidence_is_split_from_the_text_around_it() -> None:
    context = evidence_context(Document(), PAGES, 1, 9, 15)
    assert (context["before"], context["highlight"], context["after"]) == (
        "Invasive ",
        "ductal",
        " carcinoma.",
    )
    assert context["page_count"] == 2


@pytest.mark.parametrize("page_number", [-1, 0, 3, 10**30])
def test_a_page_the_document_lacks_is_not_found(page_number: int) -> None:
    with pytest.raises(NotFound) as missing:
        evidence_context(Document(), PAGES, page_number, 0, 5)
    assert missing.value.reason == "page_not_found"


def test_no_page_of_a_document_not_read_yet_is_found() -> None:
    with pytest.raises(NotFound):
        evidence_context(Document(), [], 1, 0, 0)
