"""OCR of one page image with tesseract, with a quality score from its word confidences."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from models.errors import TransientError, UnreadableDocument

if TYPE_CHECKING:
    from PIL.Image import Image

OCR_TIMEOUT_SECONDS = 120


def ocr_image(image: Image, *, language: str = "eng") -> tuple[str, float]:
    """Return the page's text and a quality in [0, 1] (mean word confidence)."""
    import pytesseract

    _limit_tesseract_threads()
    gray = image.convert("L")
    # pytesseract hands the page over as a file in the image's format, PNG by default; an
    # uncompressed BMP is written in 8 ms where PNG takes about 100 ms.
    gray.format = "BMP"
    try:
        data = pytesseract.image_to_data(
            gray,
            lang=language,
            output_type=pytesseract.Output.DICT,
            timeout=OCR_TIMEOUT_SECONDS,
        )
    except pytesseract.TesseractNotFoundError as error:
        raise UnreadableDocument(
            "This page is a scan and text recognition is not installed on the server.",
            reason="ocr_unavailable",
        ) from error
    except RuntimeError as error:  # pytesseract raises RuntimeError on its timeout
        raise TransientError("Text recognition timed out.", reason="ocr_timeout") from error
    return _assemble_lines(data)


def _limit_tesseract_threads() -> None:
    """Run tesseract single-threaded unless the environment already says otherwise."""
    # Tesseract's OpenMP threads fight over the cores when workers run in parallel: measured on
    # this 2-core machine, a 300-dpi page took 10.7 s with threads and 1.4 s without.
    # pytesseract starts tesseract with this process's environment, so it is set here, when a
    # page is recognised, rather than by importing this module.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _assemble_lines(data: dict[str, list[object]]) -> tuple[str, float]:
    lines: list[str] = []
    current: list[str] = []
    key: tuple[object, ...] | None = None
    confidences: list[float] = []
    for index, word in enumerate(data["text"]):
        word = str(word).strip()
        if not word:
            continue
        line_key = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
        if key is not None and line_key != key:
            lines.append(" ".join(current))
            current = []
        key = line_key
        current.append(word)
        confidence = float(str(data["conf"][index]))
        if confidence >= 0:
            confidences.append(confidence)
    if current:
        lines.append(" ".join(current))
    quality = sum(confidences) / len(confidences) / 100 if confidences else 0.0
    return "\n".join(lines), round(quality, 3)
