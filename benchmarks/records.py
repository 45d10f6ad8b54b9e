"""Make record-like files for the benchmarks: two-page text PDFs and 300-dpi scans.

Every record differs (values drawn from a seeded generator), so no two files share a SHA-256
and uploads are never deduplicated. The wording follows real pathology and oncology notes so
the extractors do their usual amount of work on each page.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont


@dataclass(frozen=True)
class _Cancer:
    site: str
    procedure: str
    histology: str
    markers: tuple[str, ...]
    drugs: tuple[str, ...]


_CANCERS = (
    _Cancer(
        "{side} breast",
        "lumpectomy with sentinel lymph node biopsy",
        "Invasive ductal carcinoma, Nottingham grade {grade}",
        (
            "Estrogen receptor: positive ({pct}%, strong).",
            "Progesterone receptor: positive ({pct2}%).",
            "HER2 by IHC: 1+, negative for HER2 amplification by FISH.",
            "Ki-67: {ki}%.",
        ),
        ("doxorubicin and cyclophosphamide, then paclitaxel", "letrozole", "tamoxifen"),
    ),
    _Cancer(
        "{side} upper lobe of lung",
        "lobectomy with mediastinal lymph node dissection",
        "Adenocarcinoma, acinar predominant, moderately differentiated",
        (
            "EGFR exon 19 deletion: detected.",
            "ALK rearrangement by FISH: not detected.",
            "PD-L1 (22C3) tumor proportion score: {pct}%.",
            "KRAS G12C: not detected.",
        ),
        ("carboplatin and pemetrexed", "osimertinib", "pembrolizumab"),
    ),
    _Cancer(
        "sigmoid colon",
        "sigmoid colectomy",
        "Adenocarcinoma, moderately differentiated, invading through the muscularis propria",
        (
            "Mismatch repair proteins (MLH1, MSH2, MSH6, PMS2): intact expression.",
            "KRAS: G12D mutation detected.",
            "BRAF V600E: not detected.",
            "Microsatellite status: stable.",
        ),
        ("FOLFOX", "capecitabine", "bevacizumab"),
    ),
    _Cancer(
        "prostate",
        "radical prostatectomy",
        "Prostatic adenocarcinoma, Gleason score 3+4=7 (Grade Group 2)",
        (
            "PSA before surgery: {psa} ng/mL.",
            "Perineural invasion: present.",
            "Extraprostatic extension: not identified.",
            "Seminal vesicles: not involved.",
        ),
        ("leuprolide", "enzalutamide", "docetaxel"),
    ),
)

_FILLER = (
    "The specimen is received fresh, labeled with the patient's name and medical record number.",
    "Sections are submitted in cassettes A1 through A{cassettes}; representative sections.",
    "The surgical margins are inked and the closest margin is {margin} mm from the tumor.",
    "Lymphovascular invasion is {lvi}. No perineural invasion is identified in these sections.",
    "Background tissue shows fibrocystic changes and focal chronic inflammation.",
    "Immunohistochemical controls performed appropriately for all stains reported.",
    "The findings were discussed with the treating surgeon on the day of sign out.",
    "Tumor is present at {margin} mm from the deep margin; all other margins are widely free.",
    "Treatment effect: not applicable, no neoadjuvant therapy was given before this procedure.",
    "The tissue was fixed in formalin for {cassettes} hours, within the recommended window.",
    "Additional levels were examined and show no change in the diagnosis given above.",
    "Microcalcifications are present in benign ducts adjacent to the tumor bed.",
    "The non-neoplastic parenchyma shows no significant pathologic abnormality.",
)


def record_pages(index: int, *, seed: int = 7) -> list[str]:
    """Return the two pages of record number `index`; the same arguments give the same text."""
    rng = random.Random(seed * 1_000_003 + index)
    cancer = _CANCERS[index % len(_CANCERS)]
    values = {
        "side": rng.choice(("left", "right")),
        "grade": rng.randint(1, 3),
        "pct": rng.randint(1, 99),
        "pct2": rng.randint(1, 99),
        "ki": rng.randint(2, 60),
        "psa": round(rng.uniform(2, 30), 1),
        "cassettes": rng.randint(6, 24),
        "margin": rng.randint(1, 15),
        "lvi": rng.choice(("present", "not identified")),
    }
    size = round(rng.uniform(0.6, 6.5), 1)
    nodes_total = rng.randint(3, 24)
    nodes_positive = rng.randint(0, min(6, nodes_total))
    t_stage = 1 if size <= 2 else 2 if size <= 5 else 3
    n_stage = 0 if nodes_positive == 0 else 1 if nodes_positive <= 3 else 2
    site = cancer.site.format(**values)
    filler = [line.format(**values) for line in _FILLER]
    rng.shuffle(filler)
    page_1 = "\n".join(
        [
            "SURGICAL PATHOLOGY REPORT",
            f"Accession: SP-{rng.randint(10, 99)}-{index:06d}    "
            f"Received: 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            f"Clinical history: {rng.randint(35, 85)} year old patient with a mass of the {site}.",
            "Family history: " + rng.choice(("noncontributory.", "mother had ovarian cancer.")),
            "",
            "FINAL DIAGNOSIS:",
            f"{site.capitalize()}, {cancer.procedure}:",
            f"  {cancer.histology.format(**values)}.",
            f"  Tumor size {size} cm in greatest dimension.",
            f"  Metastatic carcinoma in {nodes_positive} of {nodes_total} lymph nodes.",
            f"  Pathologic stage: pT{t_stage} pN{n_stage}. No evidence of distant metastasis.",
            "",
            "GROSS DESCRIPTION:",
            *filler[:4],
            "",
            "MICROSCOPIC DESCRIPTION:",
            *filler[4:],
            "",
            "COMMENT:",
            "The case was reviewed at the intradepartmental consensus conference, which agrees.",
            "Synoptic reporting follows the College of American Pathologists protocol.",
            "Electronically signed by the attending pathologist.",
        ]
    )
    drugs = list(cancer.drugs)
    rng.shuffle(drugs)
    page_2 = "\n".join(
        [
            "BIOMARKERS",
            *(marker.format(**values) for marker in cancer.markers),
            "",
            "ONCOLOGY CLINIC NOTE",
            f"Seen in clinic to discuss the pathology of the {site}.",
            f"Performance status: ECOG {rng.randint(0, 2)}. Weight stable. No new pain.",
            "Imaging: CT of the chest, abdomen and pelvis shows no distant disease.",
            "Laboratory studies: blood counts, kidney and liver function within normal limits.",
            "Medications reviewed and reconciled. Allergies: none known.",
            "We reviewed the pathology report together, including the lymph node findings, and",
            "discussed the role of systemic therapy, its expected benefits and its side effects.",
            "Questions were answered; written material was given to take home.",
            "",
            "PLAN:",
            f"She received {drugs[0]}. Tolerated treatment with mild fatigue.",
            f"Will start {drugs[1]} next month.",
            f"If the disease recurs, consider {drugs[2]}. No evidence of recurrence today.",
            f"Follow up in {rng.randint(2, 6)} months with laboratory studies.",
            "This note is for the patient's record; questions go to the care team.",
        ]
    )
    return [page_1, page_2]


def text_pdf(pages: list[str], *, ruled_table: bool = False) -> bytes:
    """Return a letter-size PDF with one page per string, each with a real text layer.

    With `ruled_table`, every page also gets a ruled grid below its text, the kind of drawing
    that makes the reader's auto mode re-read the page with pdfplumber's layout analysis.
    """
    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(auto=False)
    for text in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=10)
        pdf.set_xy(20, 20)
        pdf.multi_cell(w=175, h=5, text=text)
        if ruled_table:
            top, rows, height, left, widths = 200.0, 8, 7.0, 20.0, (60.0, 55.0, 60.0)
            for row in range(rows + 1):
                pdf.line(left, top + row * height, left + sum(widths), top + row * height)
            x = left
            for width in (0.0, *widths):
                x += width
                pdf.line(x, top, x, top + rows * height)
            for row in range(rows):
                pdf.set_xy(left + 1, top + row * height + 1)
                pdf.cell(w=widths[0] - 2, h=5, text=f"Marker {row + 1}")
                pdf.set_xy(left + widths[0] + 1, top + row * height + 1)
                pdf.cell(w=widths[1] - 2, h=5, text="IHC")
                pdf.set_xy(left + widths[0] + widths[1] + 1, top + row * height + 1)
                pdf.cell(w=widths[2] - 2, h=5, text="negative" if row % 2 else "positive")
    return bytes(pdf.output())


def record_pdfs(count: int, *, seed: int = 7, ruled_table: bool = False) -> list[bytes]:
    """Return `count` distinct two-page record PDFs."""
    return [
        text_pdf(record_pages(index, seed=seed), ruled_table=ruled_table) for index in range(count)
    ]


def _font(size: int, *, mono: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    face = "DejaVuSansMono.ttf" if mono else "DejaVuSans.ttf"
    for name in (face, f"/usr/share/fonts/truetype/dejavu/{face}"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def page_image(text: str, *, dpi: int = 300) -> Image.Image:
    """Render text as a letter-size grey page image, as a scanner would produce it."""
    width, height = int(8.5 * dpi), int(11 * dpi)
    font = _font(int(dpi * 0.14))
    margin, line_height = int(dpi * 0.8), int(dpi * 0.22)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    y = margin
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if font.getlength(candidate) > width - 2 * margin:
                draw.text((margin, y), line, fill=0, font=font)
                y += line_height
                line = word
            else:
                line = candidate
        draw.text((margin, y), line, fill=0, font=font)
        y += line_height
    return image


def laid_out_page_image(text: str, *, dpi: int = 300) -> Image.Image:
    """Render text line for line in a fixed-width font, keeping columns as a printout has them."""
    width, height = int(8.5 * dpi), int(11 * dpi)
    margin = int(dpi * 0.5)
    lines = text.splitlines() or [""]
    longest = max(len(line) for line in lines) or 1
    # A character of DejaVu Sans Mono is 0.6 em wide; fit the longest line, at most 11 points.
    size = min(int(dpi * 11 / 72), int((width - 2 * margin) / (0.6 * longest)))
    font = _font(size, mono=True)
    line_height = int(size * 1.35)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((margin, margin + row * line_height), line, fill=0, font=font)
    return image


def scanned_layout_pdf(text: str, *, dpi: int = 300) -> bytes:
    """Return a one-page image-only PDF of `text` laid out as printed (see laid_out_page_image)."""
    buffer = io.BytesIO()
    laid_out_page_image(text, dpi=dpi).save(buffer, format="PDF", resolution=dpi)
    return buffer.getvalue()


def scanned_pdf(pages: list[str], *, dpi: int = 300) -> bytes:
    """Return an image-only PDF (no text layer) of the pages scanned at `dpi`."""
    images = [page_image(text, dpi=dpi) for text in pages]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return buffer.getvalue()
