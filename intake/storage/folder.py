"""The default backend: a folder of sealed files, one file per key."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from intake.storage.sealing import BlobMissing, SealedStorage, Sealer

# NamedTemporaryFile's default prefix: a write that never reached its rename leaves one behind.
_TEMPORARY_PREFIX = "tmp"


class FolderBlobs:
    """Files under `root`; writes are atomic (write to a temporary file, then rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, key: str, blob: bytes) -> None:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=_TEMPORARY_PREFIX, delete=False
        ) as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)

    def read(self, key: str) -> bytes:
        try:
            return (self.root / key).read_bytes()
        except FileNotFoundError as error:
            raise BlobMissing(key) from error

    def remove(self, key: str) -> None:
        (self.root / key).unlink(missing_ok=True)

    def contains(self, key: str) -> bool:
        return (self.root / key).is_file()

    def list_keys(self) -> Iterator[str]:
        for path in self.root.rglob("*"):
            if path.is_file() and not path.name.startswith(_TEMPORARY_PREFIX):
                yield path.relative_to(self.root).as_posix()


class LocalStorage(SealedStorage):
    """A folder of sealed files: the embedded default, or a volume shared over NFS."""

    def __init__(self, root: Path, secret_key: str, previous_keys: tuple[str, ...] = ()) -> None:
        super().__init__(FolderBlobs(root), Sealer(secret_key, previous_keys))
        self.root = root
