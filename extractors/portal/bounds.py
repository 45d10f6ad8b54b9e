"""How much of a structured record is read: a portal export is large, a hostile one unbounded.

The upload size limit bounds the bytes; these bound what the bytes may unfold into.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from models.errors import UnreadableDocument
from models.schemas import RecordRefusal

# A patient-access export of many years holds a few thousand resources; past this it is not
# one patient's record.
MAX_ENTRIES = 10_000
# FHIR resources nest a dozen levels, C-CDA entries about twenty; far deeper is hostile.
MAX_NESTING = 100
# Elements of a C-CDA document: about fifty per entry, with room for long narrative tables.
MAX_XML_ELEMENTS = 1_000_000
# Documents attached to one record (notes, reports) that are read as its pages.
MAX_ATTACHMENTS = 100


def too_many_entries(count: int) -> UnreadableDocument:
    return UnreadableDocument(
        f"This record holds {count:,} entries; the limit is {MAX_ENTRIES:,}. "
        "Please export a shorter period.",
        reason=RecordRefusal.too_many_entries,
    )


def too_deeply_nested() -> UnreadableDocument:
    return UnreadableDocument(
        "This record is nested far deeper than a medical record is. It may be damaged.",
        reason=RecordRefusal.too_deeply_nested,
    )


def check_json_nesting(value: Any) -> None:
    """Refuse JSON nested deeper than `MAX_NESTING`, walking it without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            raise too_deeply_nested()
        children: Iterable[Any]
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
