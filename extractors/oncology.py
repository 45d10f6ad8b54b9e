"""Whether a document is about cancer at all, to notice one whose diagnosis was not found."""

from __future__ import annotations

import re

from models.schemas import Page

_ONCOLOGIC = re.compile(
    r"(?i)\b(?:carcinoma|malignan\w*|neoplasm|cancer|tumou?r|lymphoma|leuka?emia|sarcoma|"
    r"melanoma|myeloma|glioma|blastoma|metasta\w+|oncolog\w+|chemotherapy)\b"
)


def looks_oncologic(pages: list[Page]) -> bool:
    """True when a record uses the words of cancer care at least twice."""
    found = 0
    for page in pages:
        found += len(_ONCOLOGIC.findall(page.text, 0, 200_000))
        if found >= 2:
            return True
    return False
