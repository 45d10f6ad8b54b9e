"""Read every data file of the project (vocabularies, rules, tables) through one door.

A data file is YAML naming its `source` and `version`; it is validated by the pydantic model the
caller names, which rejects unknown keys. Parsing the YAML costs far more than anything else at
start-up, so the validated contents are kept on disk (see `extractors.vocab.compiled_cache`) and
read back in a fraction of the time while the file and its model are unchanged.
"""

from __future__ import annotations

from importlib import resources
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from extractors.vocab import compiled_cache

E = TypeVar("E", bound=BaseModel)
M = TypeVar("M", bound=BaseModel)


class VocabularyFile(BaseModel, Generic[E]):
    """The usual shape: where the entries come from, and the entries."""

    model_config = ConfigDict(extra="forbid")
    source: str
    version: str
    entries: list[E]


def load_file(package: str, filename: str, file_type: type[M]) -> M:
    """Return the data file `package/filename`, validated as `file_type`."""
    content = _read_bytes(package, filename)
    key = compiled_cache.CacheKey.of(package, filename, content, file_type, part="file")
    cached = compiled_cache.read(key)
    if isinstance(cached, file_type):
        return cached
    validated = file_type.model_validate(_parse_yaml(content))
    compiled_cache.write(key, validated)
    return validated


def load_entries(package: str, filename: str, entry_type: type[E]) -> list[E]:
    """Return the entries of a data file of the usual shape (`VocabularyFile`)."""
    content = _read_bytes(package, filename)
    # The entries, not the file, are kept: a parametrised generic model made inside a function
    # cannot be found again by pickle, while each entry's class can.
    key = compiled_cache.CacheKey.of(package, filename, content, entry_type, part="entries")
    cached = compiled_cache.read(key)
    if isinstance(cached, list) and all(isinstance(entry, entry_type) for entry in cached):
        return cached
    file_type = VocabularyFile[entry_type]  # type: ignore[valid-type]
    entries: list[E] = file_type.model_validate(_parse_yaml(content)).entries
    compiled_cache.write(key, entries)
    return entries


def _read_bytes(package: str, filename: str) -> bytes:
    return resources.files(package).joinpath(filename).read_bytes()


def _parse_yaml(content: bytes) -> Any:
    # Imported here: when every file comes from the cache, YAML is never needed.
    import yaml

    # libyaml's safe loader is four times faster than the pure-Python one, where it is built in.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    # Line ends as text mode reads them, the way these files were always read.
    text = content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    return yaml.load(text, Loader=loader)
