"""Read the stage facts of a text for a given diagnosis, as the stage tests do."""

from __future__ import annotations

from models.schemas import DiagnosisFact, Page, ReadMethod, StageFact


def read_stages(text: str, cancer: tuple[str, str, str] | None) -> list[StageFact]:
    """The stage facts of one page of `text`, read for a diagnosis of (code, name, main type)."""
    from extractors.document import analyze_page
    from extractors.stage import extract_stage

    page = analyze_page(Page(number=1, text=text, method=ReadMethod.plain_text))
    diagnosis = None
    if cancer is not None:
        code, name, main_type = cancer
        diagnosis = DiagnosisFact(
            oncotree_code=code,
            name=name,
            main_type=main_type,
            evidence=page.evidence(0, min(10, len(page.text))),
            confidence=0.9,
        )
    return extract_stage([page], diagnosis)
