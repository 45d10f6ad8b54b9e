"""Build test records: PDFs with a text layer, scanned-looking PDFs, users."""

from __future__ import annotations

import io

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont


def text_pdf(pages: list[str]) -> bytes:
    """Return a PDF with one page per string, each with a real text layer."""
    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(auto=False)
    for text in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        pdf.set_xy(20, 20)
        pdf.multi_cell(w=170, h=6, text=text)
    return bytes(pdf.output())


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def page_image(text: str, *, dpi: int = 200, width_inches: float = 8.5) -> Image.Image:
    """Render text as a page image, as a scanner would produce it."""
    width = int(width_inches * dpi)
    font = _font(int(dpi * 0.16))
    line_height = int(dpi * 0.26)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words, line = paragraph.split(), ""
        for word in words:
            candidate = f"{line} {word}".strip()
            if font.getlength(candidate) > width - 2 * dpi * 0.8:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    height = max(int(11 * dpi), int(dpi + line_height * (len(lines) + 2)))
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((int(dpi * 0.8), int(dpi * 0.8) + index * line_height), line, fill=0, font=font)
    return image


def scanned_pdf(pages: list[str], *, dpi: int = 200) -> bytes:
    """Return an image-only PDF: no text layer, as from a scanner."""
    images = [page_image(text, dpi=dpi) for text in pages]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return buffer.getvalue()


RECORD_PAGE_1 = """SURGICAL PATHOLOGY REPORT
Clinical history: 54 year old woman with a left breast mass.
Family history: mother had ovarian cancer.

FINAL DIAGNOSIS:
Left breast, lumpectomy: Invasive ductal carcinoma, Nottingham grade 2.
Tumor size 2.5 cm. Metastatic carcinoma in 2 of 12 axillary lymph nodes.
Pathologic stage: pT2 pN1a. No evidence of distant metastasis.
"""

RECORD_PAGE_2 = """BIOMARKERS
Estrogen receptor: positive (95%, strong).
Progesterone receptor: positive (40%).
HER2 by IHC: 1+, negative for HER2 amplification by FISH.
Ki-67: 20%.

PLAN:
She received doxorubicin and cyclophosphamide, then paclitaxel.
She will start letrozole. If it recurs, consider pembrolizumab.
"""


def raw_pdf(
    page_streams: list[bytes],
    *,
    extra_objects: dict[int, bytes] | None = None,
    page_resources: bytes = b"<< >>",
    catalog_extra: bytes = b"",
) -> bytes:
    """Write a PDF by hand, for files no well-behaved library would make."""
    objects: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>"}
    first_page = 3 + len(extra_objects or {})
    kids = []
    number = first_page
    for stream in page_streams:
        kids.append(f"{number} 0 R".encode())
        objects[number] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
            + page_resources
            + f" /Contents {number + 1} 0 R >>".encode()
        )
        objects[number + 1] = (
            f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream"
        )
        number += 2
    objects[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + f"] /Count {len(kids)} >>".encode()
    objects.update(extra_objects or {})
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for key in sorted(objects):
        offsets[key] = len(out)
        out += f"{key} 0 obj\n".encode() + objects[key] + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {max(objects) + 1}\n0000000000 65535 f \n".encode()
    for key in range(1, max(objects) + 1):
        out += f"{offsets.get(key, 0):010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {max(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def text_stream(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"BT /F1 10 Tf 40 740 Td ({escaped}) Tj ET".encode("latin-1")


FONT_RESOURCES = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"


# --- hostile structured records ------------------------------------------------------------


def billion_laughs_ccda(levels: int = 9) -> bytes:
    """A C-CDA whose entities would expand to 10**levels copies of a word (a billion at 9)."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, levels + 1)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE ClinicalDocument [\n'
        + "\n".join(entities)
        + f'\n]>\n<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&lol{levels};</title>'
        "</ClinicalDocument>\n"
    ).encode()


def external_entity_ccda(target: str = "file:///etc/passwd") -> bytes:
    """A C-CDA that asks the parser to read a file of the server into its title."""
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE ClinicalDocument [<!ENTITY x SYSTEM "{target}">]>\n'
        '<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&x;</title></ClinicalDocument>\n'
    ).encode()


def wide_bundle(entries: int) -> bytes:
    """A FHIR Bundle of `entries` small Observations."""
    import json

    observation = {"resourceType": "Observation", "status": "final", "code": {"text": "x"}}
    return json.dumps(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": observation}] * entries,
        }
    ).encode()


def deep_bundle(depth: int) -> bytes:
    """A FHIR Bundle with one extension nested `depth` levels deep."""
    return b'{"resourceType": "Bundle", "extension": ' + b"[" * depth + b"]" * depth + b"}"
