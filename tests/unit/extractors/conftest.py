from __future__ import annotations

from collections.abc import Callable

import pytest

from models.schemas import Extraction, Page, ReadMethod


@pytest.fixture
def extract() -> Callable[..., Extraction]:
    def run(*texts: str) -> Extraction:
        from extractors.extract import extract_facts

        pages = [
            Page(number=i + 1, text=t, method=ReadMethod.plain_text) for i, t in enumerate(texts)
        ]
        return extract_facts(pages)

    return run
