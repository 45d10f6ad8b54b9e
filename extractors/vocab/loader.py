"""Read every data file of the project (vocabularies, rules, tables) through one door.

A data file is YAML naming its `source` and `version`; it is validated once per process by the
pydantic model the caller names, which rejects unknown keys.
"""

from __future__ import annotations

from importlib import resources
from typing import Generic, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict

E = TypeVar("E", bound=BaseModel)
M = TypeVar("M", bound=BaseModel)
# libyaml's safe loader is four times faster than the pure-Python one, where it is built in.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class VocabularyFile(BaseModel, Generic[E]):
    """The usual shape: where the entries come from, and the entries."""

    model_config = ConfigDict(extra="forbid")
    source: str
    version: str
    entries: list[E]


def load_file(package: str, filename: str, file_type: type[M]) -> M:
    """Return the data file `package/filename`, validated as `file_type`."""
    text = resources.files(package).joinpath(filename).read_text(encoding="utf-8")
    return file_type.model_validate(yaml.load(text, Loader=_SAFE_LOADER))


def load_entries(package: str, filename: str, entry_type: type[E]) -> list[E]:
    """Return the entries of a data file of the usual shape (`VocabularyFile`)."""
    return load_file(package, filename, VocabularyFile[entry_type]).entries  # type: ignore[valid-type]
