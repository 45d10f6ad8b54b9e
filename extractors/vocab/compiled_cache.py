"""Keep validated data files on disk, so that later processes need not parse their YAML again.

Each (data file, model) pair has one file in the cache folder, `$XDG_CACHE_HOME/oncology-intake/
data` (by default `~/.cache/oncology-intake/data`): the 32-byte key digest, then a pickle of the
validated contents. The key covers everything the contents depend on: this cache's format, the
Python and pydantic versions, the data file's bytes, the model's name, and the source of every
module that defines a class or validator in the model's schema, so that a changed field or
validator is never answered from an old cache. A file whose digest differs is stale and is not
unpickled at all.

The cache is only a shortcut: a folder that is missing, unreadable, unwritable (a read-only
home) or not private to this user, and a file that is stale or damaged, all mean "parse the data
file again", silently.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import re
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType, MethodType, ModuleType

import pydantic
import pydantic_core
from pydantic import BaseModel

# Raise when what is pickled, or how the loader builds what it pickles, changes.
FORMAT_VERSION = 1
CACHE_FOLDER_NAME = "oncology-intake"
_UNSAFE_NAME_CHARACTERS = re.compile(r"[^\w.\-\[\]]")


@dataclass(frozen=True)
class CacheKey:
    filename: str  # of the cache file, the same for every version of one data file and model
    digest: bytes

    @classmethod
    def of(
        cls, package: str, filename: str, content: bytes, model: type[BaseModel], *, part: str
    ) -> CacheKey | None:
        """Key the `part` ("file" or "entries") of `package/filename` validated as `model`.

        None when the model's code cannot be read, and so a change to it could not be seen.
        """
        code_digest = _model_code_digest(model)
        if code_digest is None:
            return None
        model_name = f"{model.__module__}.{model.__qualname__}"
        fields = (
            f"format {FORMAT_VERSION}",
            f"python {sys.version}",
            f"pydantic {pydantic.VERSION} core {pydantic_core.__version__}",
            f"data {package}/{filename} {hashlib.sha256(content).hexdigest()}",
            f"model {model_name} {part}",
            f"code {code_digest}",
        )
        digest = hashlib.sha256("\n".join(fields).encode()).digest()
        name = _UNSAFE_NAME_CHARACTERS.sub("_", f"{package}.{filename}.{model.__qualname__}")
        return cls(filename=f"{name}.{part}.pickle", digest=digest)


def cache_folder() -> Path | None:
    """Return the folder of cached data files, or None when there is no home to put it in."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG base directory specification: a relative path is invalid and must be ignored.
    if not os.path.isabs(base):
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory can be determined
            return None
    return Path(base) / CACHE_FOLDER_NAME / "data"


def read(key: CacheKey | None) -> object | None:
    """Return the cached contents under `key`, or None if there are none to trust."""
    folder = cache_folder()
    if key is None or folder is None:
        return None
    try:
        if not _is_private(os.stat(folder)):
            return None
        with open(folder / key.filename, "rb") as file:
            if not _is_private(os.fstat(file.fileno())):
                return None
            if file.read(len(key.digest)) != key.digest:
                return None
            contents: object = pickle.load(file)
            return contents
    # Unpickling damaged data may raise "other exceptions ... including (but not necessarily
    # limited to) AttributeError, EOFError, ImportError, and IndexError" (the pickle module's
    # documentation); any of them means only that the file must be parsed again.
    except Exception:
        return None


def write(key: CacheKey | None, contents: object) -> None:
    """Keep `contents` under `key` if the cache folder can be written; never fail."""
    folder = cache_folder()
    if key is None or folder is None:
        return
    try:
        payload = pickle.dumps(contents, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    # Written aside and renamed into place, so that a process reading at the same moment sees
    # the old file or the new one, never half of one.
    partial = folder / f"{key.filename}.{os.getpid()}.partial"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(key.digest)
            file.write(payload)
        os.replace(partial, folder / key.filename)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def _is_private(status: os.stat_result) -> bool:
    """Tell whether only this user could have written the file: a pickle can run code."""
    if not hasattr(os, "getuid"):  # Windows: the user's profile folder is private already
        return True
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


@functools.cache
def _model_code_digest(model: type[BaseModel]) -> str | None:
    """Digest the source of every module whose classes or functions shape `model`'s contents."""
    names = {model.__module__} | {
        getattr(item, "__module__", None) or "" for item in _schema_objects(model)
    }
    digests = []
    for name in sorted(names - {""}):
        digest = _module_source_digest(name)
        if digest is None:
            return None
        digests.append(f"{name} {digest}")
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


def _schema_objects(model: type[BaseModel]) -> Iterator[object]:
    """Yield the classes and functions named anywhere in `model`'s pydantic-core schema."""
    pending: list[object] = [model.__pydantic_core_schema__]
    seen: set[int] = set()
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            pending.extend(node.values())
        elif isinstance(node, list | tuple):
            pending.extend(node)
        elif isinstance(node, type):
            # A parametrised generic model is made wherever it is first used; its code lives in
            # the module of the generic class itself.
            metadata = getattr(node, "__pydantic_generic_metadata__", None)
            yield (metadata or {}).get("origin") or node
        elif isinstance(node, FunctionType | MethodType):
            yield node


@functools.cache
def _module_source_digest(name: str) -> str | None:
    """Digest a module's source; "built in" for Python's own compiled modules, None if unknown."""
    if name in sys.builtin_module_names:
        return "built in"  # changes only with Python, whose version is part of the key
    module: ModuleType | None = sys.modules.get(name)
    path = getattr(module, "__file__", None)
    if path is None:
        return None
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None
