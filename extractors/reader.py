"""Turn the bytes of a record into pages of text.

The fast path is PDFium's text layer (pypdfium2, about 100x faster than pdfplumber's
`extract_text`). pdfplumber is used for pages whose drawn rules suggest a table, where its
layout analysis keeps a row's cells together; pages with no text layer are read by OCR.
Structured records from patient portals (FHIR R4 bundles, C-CDA documents) are read by
`extractors.portal` into a page of their coded entries and pages of their narrative.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING

from extractors.ocr import ocr_image
from extractors.portal import RecordPages, read_ccda, read_fhir_bundle, render_record
from models.errors import UnreadableDocument
from models.schemas import Page, ReadMethod

if TYPE_CHECKING:
    import pypdfium2 as pdfium

# pypdfium2, pdfplumber and Pillow are imported inside the functions that read PDFs and images:
# a plain-text record never needs them, and importing them costs more than reading it.

log = logging.getLogger(__name__)

# A page with fewer visible characters than this is treated as scanned.
MIN_TEXT_LAYER_CHARS = 20
# Drawn line segments on a page above which its text is probably a ruled table.
TABLE_PATH_OBJECTS = 12
# A letter page at 300 dpi is 8.4 million pixels; a page asking for far more is hostile or
# absurd, so it is rendered smaller rather than filling memory.
MAX_RENDER_PIXELS = 40_000_000
# Dense small print fills about 10,000 characters a page; far beyond is not a record.
MAX_PAGE_CHARS = 200_000
# Images larger than this are refused before they are decoded (Pillow's decompression guard).
MAX_IMAGE_PIXELS = 60_000_000


class FileKind(StrEnum):
    pdf = "pdf"
    text = "text"
    image = "image"
    fhir = "fhir"  # a FHIR R4 Bundle in JSON
    ccda = "ccda"  # a C-CDA document (HL7 CDA R2 XML)


class ReadMode(StrEnum):
    auto = "auto"  # text layer; pdfplumber for ruled tables; OCR for scanned pages
    fast = "fast"  # text layer, OCR for scanned pages
    layout = "layout"  # pdfplumber on every page with a text layer


_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
# Characters that count as text although `str.isprintable` says no.
_TEXT_CONTROLS = "\r\n\t"
# Share of a text file's first characters that must be printable.
_SNIFF_CHARS = 4096
_MIN_PRINTABLE_SHARE = 0.95
# A FHIR Bundle names its type in JSON; a C-CDA document's root element is ClinicalDocument,
# after any prolog or DTD (which the C-CDA reader then refuses).
_FHIR_BUNDLE = re.compile(rb'"resourceType"\s*:\s*"Bundle"')
_CCDA_ROOT = re.compile(rb"<(?:[\w.-]+:)?ClinicalDocument[\s>/]")
_BYTE_ORDER_MARK = b"\xef\xbb\xbf"


def detect_kind(data: bytes) -> FileKind:
    """Name the file's real type from its content; the filename and declared type may lie."""
    if not data.strip():
        raise UnreadableDocument("The file is empty.", reason="empty_file")
    head = data[:1024]
    if b"%PDF-" in head:
        return FileKind.pdf
    if head.startswith(_IMAGE_SIGNATURES):
        return FileKind.image
    structured = _structured_kind(data)
    if structured is not None:
        return structured
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = ""
    head_text = text[:_SNIFF_CHARS]
    if text and _printable_count(head_text) / len(head_text) > _MIN_PRINTABLE_SHARE:
        return FileKind.text
    raise UnreadableDocument(
        "This is not a PDF, an image or a text file. Please upload a PDF, a scan or a text file.",
        reason="unsupported_type",
    )


def _structured_kind(data: bytes) -> FileKind | None:
    """Tell a FHIR Bundle or a C-CDA document by its content; any other JSON or XML is text."""
    start = data.lstrip().removeprefix(_BYTE_ORDER_MARK).lstrip()[:1]
    if start == b"{" and _FHIR_BUNDLE.search(data):
        return FileKind.fhir
    if start == b"<" and _CCDA_ROOT.search(data):
        return FileKind.ccda
    return None


def _printable_count(text: str) -> int:
    """Count the characters of `text` that are printable or a line break or tab."""
    # The usual record is all printable, which a few passes in C tell in a tenth of the time
    # that counting character by character in Python takes.
    if text.replace("\r", "").replace("\n", "").replace("\t", "").isprintable():
        return len(text)
    return sum(ch.isprintable() or ch in _TEXT_CONTROLS for ch in text)


def read_pages(
    data: bytes,
    *,
    mode: ReadMode = ReadMode.auto,
    max_pages: int = 500,
    ocr_dpi: int = 300,
    ocr_language: str = "eng",
    on_page: Callable[[int, int], None] | None = None,
) -> list[Page]:
    """Read every page of a PDF, image or text file; raise `UnreadableDocument` on bad input."""
    return read_document(
        data,
        mode=mode,
        max_pages=max_pages,
        ocr_dpi=ocr_dpi,
        ocr_language=ocr_language,
        on_page=on_page,
    ).pages


def read_document(
    data: bytes,
    *,
    mode: ReadMode = ReadMode.auto,
    max_pages: int = 500,
    ocr_dpi: int = 300,
    ocr_language: str = "eng",
    on_page: Callable[[int, int], None] | None = None,
) -> RecordPages:
    """Read a file's pages and, for a structured record, its coded entries placed on them."""
    kind = detect_kind(data)
    if kind is FileKind.text:
        return RecordPages([_read_text(data)])
    if kind is FileKind.image:
        return RecordPages([_read_image(data, ocr_language)])
    if kind in (FileKind.fhir, FileKind.ccda):
        return _read_structured(data, kind, mode, max_pages, ocr_dpi, ocr_language)
    return RecordPages(_read_any_pdf(data, mode, max_pages, ocr_dpi, ocr_language, on_page))


def _read_structured(
    data: bytes, kind: FileKind, mode: ReadMode, max_pages: int, ocr_dpi: int, ocr_language: str
) -> RecordPages:
    def read_attachment(attachment: bytes) -> list[Page]:
        # Only a PDF is read inside a record: a record attached to a record is not unfolded.
        if detect_kind(attachment) is not FileKind.pdf:
            raise UnreadableDocument("Not a PDF.", reason="unsupported_type")
        return _read_any_pdf(attachment, mode, max_pages, ocr_dpi, ocr_language, None)

    record = read_fhir_bundle(data) if kind is FileKind.fhir else read_ccda(data)
    read = render_record(record, read_attachment)
    if len(read.pages) > max_pages:
        raise UnreadableDocument(
            f"This record has {len(read.pages)} pages of text; the limit is {max_pages}. "
            "Please export a shorter period.",
            reason="too_many_pages",
        )
    return read


def _read_any_pdf(
    data: bytes,
    mode: ReadMode,
    max_pages: int,
    ocr_dpi: int,
    ocr_language: str,
    on_page: Callable[[int, int], None] | None,
) -> list[Page]:
    import pypdfium2 as pdfium

    try:
        return _read_pdf(data, mode, max_pages, ocr_dpi, ocr_language, on_page)
    except pdfium.PdfiumError as error:  # a damaged page that PDFium opened but cannot render
        raise UnreadableDocument(
            "Part of this PDF is damaged and cannot be read. Please try exporting it again.",
            reason="broken_pdf",
        ) from error


def _read_text(data: bytes) -> Page:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    # Normalise line ends so offsets mean the same on every platform.
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return Page(number=1, text=text, method=ReadMethod.plain_text)


def _read_image(data: bytes, language: str) -> Page:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Image.DecompressionBombError as error:
        raise UnreadableDocument(
            "This image is far larger than a scanned page. Please scan at a normal resolution.",
            reason="image_too_large",
        ) from error
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise UnreadableDocument(
            "This image file is damaged and cannot be opened.", reason="broken_image"
        ) from error
    text, quality = ocr_image(image, language=language)
    return Page(number=1, text=text, method=ReadMethod.ocr, quality=quality)


def _open_pdf(data: bytes) -> pdfium.PdfDocument:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise UnreadableDocument(
                "This PDF is protected by a password. Please upload a copy without one.",
                reason="encrypted_pdf",
            ) from error
        raise UnreadableDocument(
            "This PDF is damaged and cannot be opened. Please try exporting it again.",
            reason="broken_pdf",
        ) from error


def _read_pdf(
    data: bytes,
    mode: ReadMode,
    max_pages: int,
    ocr_dpi: int,
    ocr_language: str,
    on_page: Callable[[int, int], None] | None,
) -> list[Page]:
    import pypdfium2 as pdfium

    pdf = _open_pdf(data)
    try:
        count = len(pdf)
        if count == 0:
            raise UnreadableDocument("This PDF has no pages.", reason="empty_pdf")
        if count > max_pages:
            raise UnreadableDocument(
                f"This PDF has {count} pages; the limit is {max_pages}. Please split it.",
                reason="too_many_pages",
            )
        pages: list[Page] = []
        layout_pages: list[int] = []
        for index in range(count):
            try:
                page = pdf[index]
            except pdfium.PdfiumError as error:
                raise UnreadableDocument(
                    f"Page {index + 1} of this PDF is damaged and cannot be read. "
                    "Please try exporting it again.",
                    reason="broken_pdf",
                ) from error
            try:
                text = _text_layer(page)
                if len(text) > MAX_PAGE_CHARS:
                    raise UnreadableDocument(
                        f"Page {index + 1} holds over {MAX_PAGE_CHARS:,} characters, more than "
                        "any medical record page. The file may be damaged or generated in error.",
                        reason="page_too_long",
                    )
                if len(text.strip()) < MIN_TEXT_LAYER_CHARS:
                    image = page.render(scale=_render_scale(page, ocr_dpi)).to_pil()
                    ocr_text, quality = ocr_image(image, language=ocr_language)
                    pages.append(
                        Page(
                            number=index + 1, text=ocr_text, method=ReadMethod.ocr, quality=quality
                        )
                    )
                else:
                    pages.append(Page(number=index + 1, text=text, method=ReadMethod.text_layer))
                    if mode is ReadMode.layout or (
                        mode is ReadMode.auto and _looks_like_table(page)
                    ):
                        layout_pages.append(index)
            finally:
                page.close()
            if on_page is not None:
                on_page(index + 1, count)
    finally:
        pdf.close()
    if layout_pages:
        _reread_with_layout(data, pages, layout_pages)
    return pages


def needs_ocr(data: bytes, *, pages_to_check: int = 3) -> bool:
    """Tell cheaply whether a PDF's first pages lack a text layer (a scan); False if unsure."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return False
    try:
        for index in range(min(len(pdf), pages_to_check)):
            page = pdf[index]
            try:
                if len(_text_layer(page).strip()) < MIN_TEXT_LAYER_CHARS:
                    return True
            finally:
                page.close()
    except pdfium.PdfiumError:
        return False
    finally:
        pdf.close()
    return False


def _render_scale(page: pdfium.PdfPage, dpi: int) -> float:
    width, height = page.get_size()  # in points, 1/72 inch
    scale = dpi / 72
    pixels = width * height * scale * scale
    if pixels > MAX_RENDER_PIXELS:
        scale *= (MAX_RENDER_PIXELS / pixels) ** 0.5
    return scale


def _text_layer(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        text: str = textpage.get_text_range()
    finally:
        textpage.close()
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_like_table(page: pdfium.PdfPage) -> bool:
    import pypdfium2.raw as pdfium_c

    objects = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=2)
    return any(count >= TABLE_PATH_OBJECTS for count, _ in enumerate(objects, start=1))


def _reread_with_layout(data: bytes, pages: list[Page], indexes: list[int]) -> None:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for index in indexes:
                text = pdf.pages[index].extract_text() or ""
                if text.strip():
                    pages[index] = Page(number=index + 1, text=text, method=ReadMethod.layout)
    except (PDFSyntaxError, ValueError, KeyError) as error:
        # pdfminer is stricter than PDFium on some files; the text layer already read stands.
        log.warning("layout reading skipped: %s", type(error).__name__)
