"""OCR limits tesseract to one thread when it runs, not when the module is imported."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def test_importing_the_ocr_module_leaves_the_environment_alone():
    environment = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    probe = "import os, extractors.ocr; print(os.environ.get('OMP_THREAD_LIMIT'))"
    result = subprocess.run(
        [sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "None"


@pytest.mark.parametrize(("already", "expected"), [(None, "1"), ("4", "4")])
def test_tesseract_runs_single_threaded_unless_told_otherwise(monkeypatch, already, expected):
    pytesseract = pytest.importorskip("pytesseract")
    from PIL import Image

    from extractors.ocr import ocr_image

    # Set first so that the test's end restores the variable whatever ocr_image did to it.
    monkeypatch.setenv("OMP_THREAD_LIMIT", already or "unset")
    if already is None:
        monkeypatch.delenv("OMP_THREAD_LIMIT")
    seen: list[str | None] = []

    def image_to_data(*args: object, **kwargs: object) -> dict[str, list[object]]:
        seen.append(os.environ.get("OMP_THREAD_LIMIT"))
        return {"text": [], "block_num": [], "par_num": [], "line_num": [], "conf": []}

    monkeypatch.setattr(pytesseract, "image_to_data", image_to_data)
    assert ocr_image(Image.new("RGB", (8, 8), "white")) == ("", 0.0)
    assert seen == [expected]
