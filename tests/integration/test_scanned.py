"""A scanned record gives the same facts as its text version, with lower confidence."""

from __future__ import annotations

import shutil

import pytest

from extractors.extract import extract_facts
from extractors.reader import read_pages
from intake.profile import assemble_profile
from models.schemas import Profile, ReadMethod
from tests.factories import RECORD_PAGE_1, RECORD_PAGE_2, scanned_pdf, text_pdf

pytestmark = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="tesseract is not installed (apt-get install tesseract-ocr)",
)


def _summary(profile: Profile) -> dict[str, object]:
    stage = profile.stage
    return {
        "diagnoses": [d.oncotree_code for d in profile.diagnoses],
        "stage": (stage.t, stage.n, stage.group) if stage else None,
        "biomarkers": sorted((b.marker, b.result, b.value) for b in profile.biomarkers),
        "treatments": sorted((t.name, t.status) for t in profile.treatments),
    }


def test_a_scanned_record_gives_the_facts_of_its_text_version():
    pages = [RECORD_PAGE_1, RECORD_PAGE_2]
    text_profile = assemble_profile(extract_facts(read_pages(text_pdf(pages))).facts)
    scanned_pages = read_pages(scanned_pdf(pages, dpi=300))
    assert all(page.method is ReadMethod.ocr for page in scanned_pages)
    scanned_profile = assemble_profile(extract_facts(scanned_pages).facts)
    assert _summary(scanned_profile) == _summary(text_profile)
    assert all(d.origin == "ocr" for d in scanned_profile.diagnoses)
    assert scanned_profile.diagnoses[0].confidence <= text_profile.diagnoses[0].confidence
