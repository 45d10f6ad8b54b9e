"""Checks on the biomarker data files: result words, units, exons, methods and amino acids."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable

import pytest
from pydantic import BaseModel

from extractors import vocab
from extractors.biomarkers import methods, results, serum, variants
from extractors.biomarkers.scope import Scope
from extractors.vocab.loader import load_file

FILES = [
    "biomarker_results.yaml",
    "serum_units.yaml",
    "exon_alterations.yaml",
    "assay_methods.yaml",
    "amino_acids.yaml",
    "gene_groups.yaml",
]
MARKER_KEYS = frozenset(entry.key for entry in vocab.biomarkers())


class _Header(BaseModel):
    source: str
    version: str


def _repeated(items: list[str]) -> list[str]:
    return [item for item, count in Counter(items).items() if count > 1]


@pytest.mark.parametrize("filename", FILES)
def test_file_names_its_source_and_version(filename: str) -> None:
    header = load_file("extractors.vocab", filename, _Header)
    assert header.source.strip()
    assert header.version.strip()


@pytest.mark.parametrize(
    "loader",
    [
        results.result_table,
        serum.serum_units,
        variants.exon_table,
        variants.amino_acids,
        methods.method_table,
        vocab.gene_groups,
    ],
)
def test_file_loads(loader: Callable[[], object]) -> None:
    assert loader()


class TestResultWords:
    def test_every_listed_result_is_given_by_some_word_or_table(self) -> None:
        table = results.result_table()
        given = {word.label for word in table.words if word.label}
        given |= {label for aspect in table.aspects for label in (aspect.positive, aspect.negative)}
        given |= {label for entry in table.relabel for label in entry.results.values()}
        assert set(table.results) - given == set()

    def test_no_pattern_in_two_words(self) -> None:
        patterns = [pattern for word in results.result_table().words for pattern in word.patterns]
        assert _repeated(patterns) == []

    def test_each_pattern_compiles_and_needs_a_word(self) -> None:
        for word in results.result_table().words:
            for pattern in word.patterns:
                assert re.fullmatch(pattern, "") is None, pattern

    def test_every_aspect_names_two_different_results(self) -> None:
        for aspect in results.result_table().aspects:
            assert aspect.positive != aspect.negative

    def test_relabelled_markers_are_known_and_relabelled_once(self) -> None:
        relabelled = [
            marker
            for entry in results.result_table().relabel
            for marker in (vocab.gene_group_members(entry.group) if entry.group else entry.markers)
        ]
        assert set(relabelled) <= MARKER_KEYS
        assert _repeated(relabelled) == []

    @pytest.mark.parametrize(
        ("text", "label", "aspect", "sign"),
        [
            ("not amplified", "not amplified", "amplification", -1),
            ("msi-h", "high", None, 0),
            ("no", None, None, -1),
            ("fusion", None, "fusion", 0),
            ("immunoreactive", "positive", None, 1),
        ],
    )
    def test_a_word_reads_as_its_entry(
        self, text: str, label: str | None, aspect: str | None, sign: int
    ) -> None:
        [(token, start, end)] = results.read_tokens(text, 10)
        assert (token.label, token.aspect, token.sign) == (label, aspect, sign)
        assert (start, end) == (10, 10 + len(text))

    def test_a_pending_word_decides_that_the_result_is_to_come(self) -> None:
        decisive = results.decide(results.read_tokens("her2 fish pending", 0))
        assert decisive is not None
        assert decisive.label == "pending"

    def test_mmr_proteins_read_stained_as_intact(self) -> None:
        for marker in vocab.gene_group(vocab.GeneGroup.mmr_proteins):
            assert results.relabel_result(marker, "protein", "positive") == "intact"
            assert results.relabel_result(marker, "protein", "negative") == "lost"


class TestTables:
    def test_serum_units_are_unique_and_display_what_is_written(self) -> None:
        units = serum.serum_units()
        written = load_file("extractors.vocab", "serum_units.yaml", _Entries).entries
        assert len(units) == len(written)
        for written, unit in units.items():
            assert unit.lower().replace("µ", "u") == written.replace("µ", "u"), written

    def test_exon_kinds_and_defaults_are_unique(self) -> None:
        table = variants.exon_table()
        assert _repeated([kind.written for kind in table.kinds]) == []
        assert _repeated([f"{d.gene} {d.exon}" for d in table.defaults]) == []

    def test_amino_acid_codes_and_letters_are_unique(self) -> None:
        entries = load_file("extractors.vocab", "amino_acids.yaml", _Entries).entries
        assert _repeated([entry["code"] for entry in entries]) == []
        assert _repeated([entry["letter"] for entry in entries]) == []
        assert len(variants.amino_acids()) == 21

    def test_methods_and_clones_are_unique_and_clones_name_known_markers(self) -> None:
        table = methods.method_table()
        assert _repeated([method.label for method in table.methods]) == []
        assert _repeated([clone.clone for clone in table.clones]) == []
        assert {clone.marker for clone in table.clones} <= MARKER_KEYS

    @pytest.mark.parametrize(
        ("written", "change"),
        [("p.val600glu", "p.V600E"), ("p.e746_a750del", "p.E746_A750del"), ("g12c", "p.G12C")],
    )
    def test_protein_changes_use_one_letter_codes(self, written: str, change: str) -> None:
        scope = Scope(written, 0, "", len(written) + 1)
        found = variants.find_variant(scope, "KRAS")
        assert found is not None
        assert found.text == change


class _Entries(BaseModel):
    source: str
    version: str
    entries: list[dict[str, str]]


def test_regular_expressions_from_data_are_not_compiled_at_import() -> None:
    probe = (
        "import extractors.extract\n"
        "from extractors.biomarkers import methods, results, serum, variants\n"
        "cached = [results.result_pattern, variants.variant_pattern, methods.clone_pattern,\n"
        "          serum.serum_units, results.result_table]\n"
        "print(sum(function.cache_info().currsize for function in cached))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd="."
    )
    assert run.stdout.strip() == "0"


def test_a_result_word_outside_the_listed_results_is_refused() -> None:
    table = results.result_table().model_dump()
    table["words"].append({"label": "so-so", "patterns": ["so-so"]})
    with pytest.raises(ValueError, match="so-so"):
        results.ResultTable.model_validate(table)


def test_an_unknown_key_in_a_word_is_refused() -> None:
    with pytest.raises(ValueError, match="colour"):
        results.ResultWord.model_validate({"label": "high", "colour": "red", "patterns": ["x"]})


def test_the_result_enum_of_the_contract_lists_exactly_the_results_of_the_data_file() -> None:
    from extractors.biomarkers.results import result_table
    from models.schemas import BiomarkerResult

    assert {member.value for member in BiomarkerResult} == set(result_table().results)
