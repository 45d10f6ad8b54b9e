"""Checks on the data files the diagnosis reads: each loads, its keys are unique and every
code, histology and site it names is in the vocabularies."""

from __future__ import annotations

import re
from collections import Counter

from extractors import vocab
from extractors.diagnosis import tables


def _repeated(items: list[str]) -> list[str]:
    return [item for item, count in Counter(items).items() if count > 1]


class TestTumourDescriptors:
    def test_file_names_its_source_and_version(self) -> None:
        descriptors = tables.tumour_descriptors()
        assert descriptors.source.strip()
        assert descriptors.version.strip()

    def test_words_are_unique_lower_case_single_words(self) -> None:
        descriptors = tables.tumour_descriptors()
        differentiation = [entry.word for entry in descriptors.differentiation]
        for words in (descriptors.grading_systems, differentiation, descriptors.laterality):
            assert words
            assert _repeated(words) == []
            assert [w for w in words if not re.fullmatch(r"[a-z]+", w)] == []

    def test_a_grading_system_is_not_also_a_differentiation_word(self) -> None:
        descriptors = tables.tumour_descriptors()
        differentiation = {entry.word for entry in descriptors.differentiation}
        assert differentiation.isdisjoint(descriptors.grading_systems)

    def test_each_grade_is_given_by_one_wording(self) -> None:
        grades = [entry.grade for entry in tables.tumour_descriptors().differentiation]
        assert sorted(grades) == ["G1", "G2", "G3", "G4"]


class TestImpliedTypes:
    def test_measures_are_unique(self) -> None:
        entries = tables.implied_types()
        assert entries
        assert _repeated([entry.measure for entry in entries]) == []

    def test_each_names_a_type_or_histology_of_the_vocabularies(self) -> None:
        codes = {entry.code for entry in vocab.cancer_types()}
        histologies = {entry.key for entry in vocab.histologies()}
        for entry in tables.implied_types():
            assert (entry.code in codes) or (entry.histology in histologies), entry.measure

    def test_patterns_compile_and_match_lower_case_text(self) -> None:
        for pattern, _, _ in tables.implied_type_patterns():
            assert pattern.pattern == pattern.pattern.lower()


class TestSpecimenSites:
    def test_pairs_are_unique_and_of_two_organs(self) -> None:
        pairs = tables.taken_for()
        assert pairs
        assert len(set(pairs)) == len(pairs)
        assert all(organ != other for organ, other in pairs)

    def test_sites_are_in_the_site_vocabulary(self) -> None:
        keys = {site.key for site in vocab.sites()}
        assert {key for pair in tables.taken_for() for key in pair} <= keys


class TestResolvedTypes:
    def test_every_code_is_in_the_vocabulary_and_resolves_to_a_descendant_of_its_tissue(
        self,
    ) -> None:
        from extractors.diagnosis.type_index import find_tissue, types_by_code

        known = types_by_code()
        for entry in tables.resolved_types().values():
            assert entry.code in known
            for code in [*entry.by_grade.values(), *filter(None, [entry.otherwise])]:
                assert code in known
                assert find_tissue(code) == find_tissue(entry.code)


class TestMixedTypes:
    def test_a_mixed_type_and_its_components_are_types_of_one_tissue(self) -> None:
        from extractors.diagnosis.type_index import find_tissue, types_by_code

        known = types_by_code()
        mixed = tables.mixed_types()
        assert mixed
        for code, components in mixed.items():
            assert code in known
            assert components and components <= known.keys()
            assert {find_tissue(part) for part in components} == {find_tissue(code)}


class TestCodedTypes:
    def test_every_code_reads_as_a_type_of_the_vocabulary(self) -> None:
        from extractors.diagnosis.type_index import types_by_code

        coded = tables.coded_types()
        assert coded
        assert set(coded.values()) <= types_by_code().keys()
