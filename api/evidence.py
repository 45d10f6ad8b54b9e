"""The text of a document page around a piece of evidence, and the page as an image."""

from __future__ import annotations

import io
from typing import Any

from models.errors import NotFound
from models.schemas import Page, ReadMethod
from models.tables import Document


def evidence_context(
    document: Document, pages: list[Page], page_number: int, start: int, end: int
) -> dict[str, Any]:
    """Split a page's text into the part before the evidence, the evidence and the rest.

    A page the document does not have (0, -1, past its end, or any page of a document not
    read yet) is not found rather than shown empty.
    """
    page = next((p for p in pages if p.number == page_number), None)
    if page is None:
        raise NotFound("This document has no such page.", reason="page_not_found")
    text = page.text
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    start = min(start, end)
    return {
        "document": document,
        "page_number": page_number,
        "page_count": len(pages),
        "scanned": page.method is ReadMethod.ocr,
        "quality": page.quality,
        "before": text[:start],
        "highlight": text[start:end],
        "after": text[end:],
    }


def render_page_png(data: bytes, page_number: int, *, dpi: int = 110) -> bytes:
    """Render one PDF page as a PNG for reviewing scanned pages beside their OCR text."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        if not 1 <= page_number <= len(pdf):
            raise ValueError("no such page")
        image = pdf[page_number - 1].render(scale=dpi / 72).to_pil()
    finally:
        pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
