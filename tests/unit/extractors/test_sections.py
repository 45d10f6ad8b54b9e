"""Section headings: the data file, and how headings are found in a page's text."""

from __future__ import annotations

from collections import Counter

import pytest

from extractors.sections import (
    Section,
    SectionHeaders,
    SectionKind,
    find_sections,
    section_headers,
)
from extractors.vocab.loader import VocabularyFile, load_file


class TestSectionHeadersFile:
    def test_file_names_its_source_and_version(self) -> None:
        raw = load_file("extractors.vocab", "section_headers.yaml", VocabularyFile[SectionHeaders])
        assert raw.source.strip()
        assert raw.version.strip()

    def test_each_kind_is_listed_once(self) -> None:
        kinds = [entry.kind for entry in section_headers()]
        assert [kind for kind, count in Counter(kinds).items() if count > 1] == []
        assert SectionKind.other not in kinds, "other is what no heading opens"

    def test_a_heading_opens_one_kind_only(self) -> None:
        headers = [header for entry in section_headers() for header in entry.headers]
        assert [header for header, count in Counter(headers).items() if count > 1] == []

    def test_headings_are_lower_case_and_single_spaced(self) -> None:
        headers = [header for entry in section_headers() for header in entry.headers]
        assert [h for h in headers if h != " ".join(h.lower().split())] == []


class TestFindSections:
    def test_heading_with_a_colon_opens_a_section(self) -> None:
        text = "FINAL DIAGNOSIS: Lung: adenocarcinoma.\nComment: see note."
        assert find_sections(text) == [
            Section(0, SectionKind.diagnosis),
            Section(39, SectionKind.comment),
        ]

    def test_capitalised_heading_ended_by_a_full_stop_opens_a_section(self) -> None:
        text = "Clinical history. x\nDiagnosis. Carcinoma."
        assert [section.kind for section in find_sections(text)] == [
            SectionKind.clinical_history,
            SectionKind.diagnosis,
        ]

    def test_heading_after_a_flattened_field_opens_a_section(self) -> None:
        text = "Report date: 1/1/20. FINAL DIAGNOSIS. Lung."
        assert find_sections(text) == [Section(21, SectionKind.diagnosis)]

    def test_capitalised_heading_alone_on_its_line_opens_a_section(self) -> None:
        text = "Family history: aunt with glioma.\n\nIMPRESSION\nCarcinoma.\nPlan\nStart drug."
        assert [section.kind for section in find_sections(text)] == [
            SectionKind.family_history,
            SectionKind.diagnosis,
            SectionKind.plan,
        ]

    def test_lower_case_heading_word_alone_on_a_line_is_no_heading(self) -> None:
        assert find_sections("We will review the\nplan\nnext week.") == []

    def test_lower_case_word_inside_a_sentence_is_no_heading(self) -> None:
        assert find_sections("The final diagnosis. was made") == []

    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            ("Frozen section diagnosis: glioma.", SectionKind.preliminary),
            ("Pre-operative diagnosis: mass.", SectionKind.clinical_history),
            ("Test description: a panel.", SectionKind.methods),
        ],
    )
    def test_longest_heading_decides_the_kind(self, text: str, kind: SectionKind) -> None:
        assert [section.kind for section in find_sections(text)] == [kind]


def test_run_in_family_history_ends_with_its_paragraph() -> None:
    text = "Family history: brother with colon cancer at 50.\n\nLABS: CEA 12 ng/mL (high)."
    kinds = [section.kind for section in find_sections(text)]
    assert kinds == [SectionKind.family_history, SectionKind.other]
