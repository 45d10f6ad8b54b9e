from __future__ import annotations

import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.reader import FileKind, ReadMode, detect_kind, read_pages
from models.errors import UnreadableDocument
from models.schemas import ReadMethod
from tests.factories import scanned_pdf, text_pdf


def test_pdf_pages_are_numbered_from_one_with_their_text():
    pages = read_pages(
        text_pdf(["First page: invasive ductal carcinoma.", "Second page: ER positive."])
    )
    assert [p.number for p in pages] == [1, 2]
    assert "invasive ductal carcinoma" in pages[0].text
    assert "ER positive" in pages[1].text
    assert all(p.method is ReadMethod.text_layer for p in pages)


def test_layout_mode_reads_with_pdfplumber():
    pages = read_pages(text_pdf(["Estrogen receptor: positive"]), mode=ReadMode.layout)
    assert pages[0].method is ReadMethod.layout
    assert "Estrogen receptor: positive" in pages[0].text


def test_plain_text_is_one_page_with_normalised_line_ends():
    pages = read_pages(b"line one\r\nline two\r\n")
    assert len(pages) == 1
    assert pages[0].text == "line one\nline two\n"
    assert pages[0].method is ReadMethod.plain_text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty_file"),
        (b"   \n", "empty_file"),
        (b"%PDF-1.4\nthis is not really a pdf", "broken_pdf"),
        (b"PK\x03\x04" + bytes(range(256)) * 4, "unsupported_type"),
    ],
)
def test_bad_files_raise_a_reason(data, reason):
    with pytest.raises(UnreadableDocument) as caught:
        read_pages(data)
    assert caught.value.reason == reason
    assert caught.value.message


def test_encrypted_pdf_is_refused_with_its_reason():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="user")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="secret")
    with pytest.raises(UnreadableDocument) as caught:
        read_pages(bytes(pdf.output()))
    assert caught.value.reason == "encrypted_pdf"


def test_page_limit_is_enforced():
    with pytest.raises(UnreadableDocument) as caught:
        read_pages(text_pdf(["a page of text here"] * 3), max_pages=2)
    assert caught.value.reason == "too_many_pages"


def test_detect_kind_trusts_content_not_names():
    assert detect_kind(text_pdf(["hello world, a pdf"])) is FileKind.pdf
    assert detect_kind(b"\x89PNG\r\n\x1a\n0000") is FileKind.image
    assert detect_kind(b"Pathologie: carcinome canalaire infiltrant") is FileKind.text


@pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="tesseract is not installed (apt-get install tesseract-ocr)",
)
def test_scanned_pages_are_read_by_ocr_with_a_quality():
    pages = read_pages(scanned_pdf(["Invasive ductal carcinoma of the left breast"]), ocr_dpi=200)
    assert pages[0].method is ReadMethod.ocr
    assert "ductal carcinoma" in pages[0].text.lower()
    assert 0.5 < pages[0].quality <= 1


def test_scans_are_told_from_text_pdfs_without_reading_them():
    from extractors.reader import needs_ocr

    assert needs_ocr(scanned_pdf(["Invasive ductal carcinoma"], dpi=50))
    assert not needs_ocr(text_pdf(["Invasive ductal carcinoma of the breast, grade 2."]))
    assert not needs_ocr(b"%PDF-1.4 broken")


@pytest.mark.parametrize(
    ("controls", "kind"),
    [(0, FileKind.text), (4, FileKind.text), (6, None)],
)
def test_text_is_told_by_its_share_of_printable_characters(controls, kind):
    # 100 characters, line breaks and tabs among them; `controls` of them are not printable.
    data = (("ab\tcd\r\n" * 15)[: 100 - controls] + "\x07" * controls).encode()
    if kind is None:
        with pytest.raises(UnreadableDocument):
            detect_kind(data)
    else:
        assert detect_kind(data) is kind


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_printable_count_agrees_with_counting_one_character_at_a_time(text):
    from extractors.reader import _printable_count

    expected = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    assert _printable_count(text) == expected
