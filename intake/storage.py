"""Encrypted file storage: files are sealed with Fernet (AES-128-CBC + HMAC) before any write."""

from __future__ import annotations

import base64
import os
import tempfile
from pathlib import Path
from typing import Protocol

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from intake.errors import UnreadableDocument
from intake.settings import Settings


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...


def _fernet(secret_key: str) -> Fernet:
    # A key for files only, derived from the one secret, so tokens and files never share a key.
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"intake-storage-v1"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


class LocalStorage:
    """A folder of encrypted blobs; writes are atomic (write to a temporary file, then rename).

    Files are sealed with the current key; keys named in `previous_keys` still open older
    files until `rotate()` has re-sealed them with the current one.
    """

    def __init__(self, root: Path, secret_key: str, previous_keys: tuple[str, ...] = ()) -> None:
        self.root = root
        self._fernet = MultiFernet([_fernet(secret_key), *(_fernet(k) for k in previous_keys)])

    def _path(self, key: str) -> Path:
        if ".." in key or key.startswith("/"):
            raise ValueError("invalid storage key")
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        sealed = self._fernet.encrypt(data)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(sealed)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)

    def get(self, key: str) -> bytes:
        try:
            return self._fernet.decrypt(self._path(key).read_bytes())
        except FileNotFoundError as error:
            raise UnreadableDocument(
                "The stored file is missing.", reason="file_missing"
            ) from error
        except InvalidToken as error:
            raise UnreadableDocument(
                "The stored file could not be decrypted.", reason="file_undecryptable"
            ) from error

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def rotate(self) -> int:
        """Re-seal every file with the current key; return how many files were rewritten."""
        count = 0
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.name.startswith("tmp"):
                sealed = self._fernet.rotate(path.read_bytes())
                key = str(path.relative_to(self.root))
                with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
                    handle.write(sealed)
                os.replace(handle.name, self._path(key))
                count += 1
        return count


def storage_for(settings: Settings) -> LocalStorage:
    return LocalStorage(
        settings.resolved_storage_dir, settings.secret_key, settings.previous_secret_keys
    )
