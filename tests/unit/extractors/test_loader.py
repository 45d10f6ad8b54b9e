"""The one loader of data files, and the compiled cache that spares later processes the YAML."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from extractors import vocab
from extractors.stage.group_tables import GroupingFile
from extractors.vocab import compiled_cache, loader
from extractors.vocab.loader import load_entries, load_file

PROCEDURES = """\
source: a test
version: "1"
entries:
  - name: mastectomy
    kind: surgery
    synonyms: [total mastectomy]
"""


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the cache at an empty folder of this test's own."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home / compiled_cache.CACHE_FOLDER_NAME / "data"


@pytest.fixture
def data_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path]:
    """An importable package holding `procedures.yaml`; its name is unique to the test."""
    name = f"data_probe_{uuid.uuid4().hex}"
    folder = tmp_path / "packages" / name
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "procedures.yaml").write_text(PROCEDURES)
    monkeypatch.syspath_prepend(str(tmp_path / "packages"))
    yield name, folder / "procedures.yaml"
    sys.modules.pop(name, None)


@pytest.fixture
def yaml_parses(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Record every YAML parse the loader makes."""
    parsed: list[bytes] = []
    parse = loader._parse_yaml

    def record(content: bytes) -> object:
        parsed.append(content)
        return parse(content)

    monkeypatch.setattr(loader, "_parse_yaml", record)
    return parsed


def _cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle"))


def test_a_second_load_comes_from_the_cache_without_parsing(cache_home, data_package, yaml_parses):
    package, _ = data_package
    first = load_entries(package, "procedures.yaml", vocab.ProcedureEntry)
    second = load_entries(package, "procedures.yaml", vocab.ProcedureEntry)
    assert len(yaml_parses) == 1
    assert second == first
    assert second[0].synonyms == ["total mastectomy"]
    assert len(_cache_files(cache_home)) == 1


def test_a_changed_file_is_parsed_again_not_answered_from_the_cache(
    cache_home, data_package, yaml_parses
):
    package, path = data_package
    load_entries(package, "procedures.yaml", vocab.ProcedureEntry)
    path.write_text(PROCEDURES.replace("total mastectomy", "simple mastectomy"))
    entries = load_entries(package, "procedures.yaml", vocab.ProcedureEntry)
    assert entries[0].synonyms == ["simple mastectomy"]
    assert len(yaml_parses) == 2
    # The stale contents were replaced, not kept beside the new.
    assert len(_cache_files(cache_home)) == 1


def test_a_changed_file_that_no_longer_validates_is_refused_despite_the_cache(
    cache_home, data_package
):
    package, path = data_package
    load_entries(package, "procedures.yaml", vocab.ProcedureEntry)
    path.write_text(PROCEDURES.replace("kind: surgery", "kind: surgery\n    unknown_key: 1"))
    with pytest.raises(ValidationError):
        load_entries(package, "procedures.yaml", vocab.ProcedureEntry)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[:32] + b"not a pickle at all", id="garbage"),
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: bytes(32) + data[32:], id="another key"),
    ],
)
def test_a_damaged_cache_file_is_ignored_and_rewritten(
    cache_home, data_package, yaml_parses, damage
):
    package, _ = data_package
    expected = load_entries(package, "procedures.yaml", vocab.ProcedureEntry)
    [cached] = _cache_files(cache_home)
    cached.write_bytes(damage(cached.read_bytes()))
    assert load_entries(package, "procedures.yaml", vocab.ProcedureEntry) == expected
    assert len(yaml_parses) == 2
    assert load_entries(package, "procedures.yaml", vocab.ProcedureEntry) == expected
    assert len(yaml_parses) == 2


def test_contents_of_another_type_under_the_right_key_are_not_trusted(
    cache_home, data_package, yaml_parses
):
    package, path = data_package
    content = path.read_bytes()
    key = compiled_cache.CacheKey.of(
        package, "procedures.yaml", content, vocab.ProcedureEntry, part="entries"
    )
    compiled_cache.write(key, ["not an entry"])
    entries = load_entries(package, "procedures.yaml", vocab.ProcedureEntry)
    assert entries[0].name == "mastectomy"
    assert len(yaml_parses) == 1


def test_an_unwritable_cache_falls_back_to_parsing_silently(
    tmp_path, monkeypatch, data_package, yaml_parses
):
    # A file where the cache folder should be: creating the folder fails even for root.
    blocker = tmp_path / "read-only-home"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    package, _ = data_package
    first = load_entries(package, "procedures.yaml", vocab.ProcedureEntry)
    second = load_entries(package, "procedures.yaml", vocab.ProcedureEntry)
    assert first == second
    assert len(yaml_parses) == 2


def test_a_cache_folder_others_may_write_is_not_trusted(cache_home, data_package, yaml_parses):
    package, _ = data_package
    load_entries(package, "procedures.yaml", vocab.ProcedureEntry)
    cache_home.chmod(0o777)
    load_entries(package, "procedures.yaml", vocab.ProcedureEntry)
    assert len(yaml_parses) == 2


def test_a_relative_cache_home_is_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert compiled_cache.cache_folder() == tmp_path / ".cache" / "oncology-intake" / "data"


class _ProcedureWithNote(BaseModel):
    name: str
    kind: str
    synonyms: list[str]
    note: str = ""


def test_the_key_names_the_contents_the_model_and_the_part():
    def key(
        content: bytes = b"a", model: type[BaseModel] = vocab.ProcedureEntry, part: str = "entries"
    ) -> compiled_cache.CacheKey | None:
        return compiled_cache.CacheKey.of("pkg", "data.yaml", content, model, part=part)

    digests = {
        key().digest,
        key(content=b"b").digest,
        key(model=_ProcedureWithNote).digest,
        key(part="file").digest,
    }
    assert len(digests) == 4
    assert key() == key()


def test_the_key_covers_the_source_of_modules_whose_validators_shape_the_contents():
    modules = {item.__module__ for item in compiled_cache._schema_objects(GroupingFile)}
    assert "extractors.stage.group_tables" in modules


@pytest.mark.parametrize(
    ("package", "filename", "entry_type"),
    [
        ("extractors.vocab", "cancer_types.yaml", vocab.CancerTypeEntry),
        ("extractors.vocab", "sites.yaml", vocab.SiteEntry),
        ("extractors.vocab", "histologies.yaml", vocab.HistologyEntry),
        ("extractors.vocab", "drugs.yaml", vocab.DrugEntry),
        ("extractors.vocab", "regimens.yaml", vocab.RegimenEntry),
        ("extractors.vocab", "biomarkers.yaml", vocab.BiomarkerEntry),
        ("extractors.vocab", "procedures.yaml", vocab.ProcedureEntry),
        ("extractors.rules", "context.yaml", vocab.ContextRule),
    ],
)
def test_every_vocabulary_reads_back_from_the_cache_unchanged(
    cache_home, yaml_parses, package, filename, entry_type
):
    parsed = load_entries(package, filename, entry_type)
    cached = load_entries(package, filename, entry_type)
    assert len(yaml_parses) == 1
    assert [entry.model_dump() for entry in cached] == [entry.model_dump() for entry in parsed]
    assert [entry.model_fields_set for entry in cached] == [
        entry.model_fields_set for entry in parsed
    ]


def test_a_whole_file_model_reads_back_from_the_cache_unchanged(cache_home, yaml_parses):
    parsed = load_file("extractors.vocab", "ajcc_groups.yaml", GroupingFile)
    cached = load_file("extractors.vocab", "ajcc_groups.yaml", GroupingFile)
    assert len(yaml_parses) == 1
    assert cached == parsed
    assert cached.model_dump() == parsed.model_dump()
