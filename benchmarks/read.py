"""Measure reading: text PDFs through the project's reader beside raw PDFium and pdfplumber,
and OCR of scanned 300-dpi pages.

    .venv/bin/python benchmarks/read.py [--quick] [--json PATH]

Text reading is timed in CPU seconds of this one process (best of several passes), so other
work on the machine slows it less than it would slow wall time. OCR runs tesseract in a child
process and is timed on the wall clock.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable

# Tesseract's OpenMP threads fight over the cores (see extractors/ocr.py); one per process.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import pdfplumber
import pypdfium2 as pdfium
from records import record_pages, record_pdfs, scanned_pdf
from results import Floor, Row, add_common_options, report

from extractors.reader import ReadMode, read_pages

GROUP = "read"
READER_RATIO_FLOOR = Floor("<=", 2.0)
OCR_SECONDS_FLOOR = Floor("<=", 1.6)
OCR_WORDS = ("carcinoma", "lymph", "pathologic")


def _raw_pdfium(data: bytes) -> int:
    pdf = pdfium.PdfDocument(data)
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        return len(pdf)
    finally:
        pdf.close()


def _plain_pdfplumber(data: bytes) -> int:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
        return len(pdf.pages)


def _reader(mode: ReadMode) -> Callable[[bytes], int]:
    def read(data: bytes) -> int:
        return len(read_pages(data, mode=mode))

    return read


def pages_per_cpu_second(
    readers: dict[str, Callable[[bytes], int]], files: list[bytes], passes: int
) -> dict[str, float]:
    """Return each reader's pages per CPU second over all files, from its fastest pass.

    The readers take turns pass by pass, so a spell of load elsewhere on the machine slows
    them alike instead of one of them.
    """
    for read in readers.values():
        for data in files[:5]:
            read(data)  # first-call costs (imports, font caches) are not part of the rate
    best = dict.fromkeys(readers, float("inf"))
    pages = 0
    for _ in range(passes):
        for name, read in readers.items():
            started = time.process_time()
            pages = sum(read(data) for data in files)
            best[name] = min(best[name], time.process_time() - started)
    return {name: pages / seconds for name, seconds in best.items()}


def measure_text(files: int, plumber_files: int, passes: int) -> list[Row]:
    print(f"read: making {files} two-page record PDFs", file=sys.stderr, flush=True)
    pdfs = record_pdfs(files)
    tables = record_pdfs(max(plumber_files // 2, 4), seed=11, ruled_table=True)
    rates = pages_per_cpu_second(
        {"raw": _raw_pdfium, "auto": _reader(ReadMode.auto), "fast": _reader(ReadMode.fast)},
        pdfs,
        passes,
    )
    raw, reader, fast = rates["raw"], rates["auto"], rates["fast"]
    plumber = pages_per_cpu_second({"plumber": _plain_pdfplumber}, pdfs[:plumber_files], 1)
    ruled = pages_per_cpu_second({"auto": _reader(ReadMode.auto)}, tables, 1)
    note = f"{files * 2} pages, one core"
    return [
        Row(GROUP, "raw pypdfium2 text, pages/s (the practical limit)", raw, "/s", note=note),
        Row(GROUP, "reader (read_pages, auto), pages/s", reader, "/s", note=note),
        Row(GROUP, "reader (read_pages, fast), pages/s", fast, "/s", note=note),
        Row(
            GROUP,
            "reader auto: times slower than raw pypdfium2",
            raw / reader,
            "x",
            floor=READER_RATIO_FLOOR,
        ),
        Row(
            GROUP,
            "plain pdfplumber extract_text(), pages/s",
            plumber["plumber"],
            "/s",
            note=f"{plumber_files * 2} pages",
        ),
        Row(
            GROUP,
            "reader auto, pages with a ruled table (pdfplumber path), pages/s",
            ruled["auto"],
            "/s",
            note=f"{len(tables) * 2} pages",
        ),
    ]


def measure_ocr(pages: int) -> list[Row]:
    print(f"read: OCR of {pages} scanned 300-dpi pages", file=sys.stderr, flush=True)
    texts = [text for index in range(pages) for text in record_pages(index, seed=3)][:pages]
    scans = [scanned_pdf([text], dpi=300) for text in texts]
    read_pages(scanned_pdf(["warm up the tesseract binary and its language data"], dpi=300))
    before = os.times()
    started = time.perf_counter()
    results = [read_pages(scan) for scan in scans]
    wall = (time.perf_counter() - started) / pages
    after = os.times()
    reader_cpu = (after.user + after.system - before.user - before.system) / pages
    tesseract_cpu = (
        after.children_user + after.children_system - before.children_user - before.children_system
    ) / pages
    text = " ".join(page.text.lower() for result in results for page in result)
    missing = [word for word in OCR_WORDS if word not in text]
    quality = sum(page.quality or 0 for result in results for page in result) / pages
    return [
        Row(
            GROUP,
            "OCR, seconds per scanned 300-dpi page (wall)",
            wall,
            "s",
            floor=OCR_SECONDS_FLOOR,
            note=f"{pages} pages; mean quality {quality:.2f}"
            + (f"; words not recognised: {', '.join(missing)}" if missing else ""),
        ),
        Row(GROUP, "OCR, CPU seconds per page in tesseract", tesseract_cpu, "s"),
        Row(
            GROUP,
            "OCR, CPU seconds per page in the reader (render, image hand-off)",
            reader_cpu,
            "s",
        ),
    ]


def measure(*, quick: bool, skip_ocr: bool = False) -> list[Row]:
    # A pass over the text PDFs takes a fraction of a second, so even a quick run takes the
    # best of several: on a busy machine one pass can be slowed by half.
    files, plumber_files, passes, ocr_pages = (50, 10, 5, 2) if quick else (200, 50, 7, 6)
    rows = measure_text(files, plumber_files, passes)
    if not skip_ocr:
        rows += measure_ocr(ocr_pages)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_common_options(parser)
    parser.add_argument("--skip-ocr", action="store_true")
    args = parser.parse_args()
    return report(measure(quick=args.quick, skip_ocr=args.skip_ocr), args)


if __name__ == "__main__":
    sys.exit(main())
