"""The storage contract and the sealing layer in front of every backend.

Files are sealed with Fernet (AES-128-CBC + HMAC) before they reach a backend, so a folder or
a bucket only ever holds ciphertext. Backends move opaque bytes; keys are checked here, once.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Protocol

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from models.errors import UnreadableDocument


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...


class BlobMissing(Exception):
    """A backend holds nothing under the key it was asked to read."""


class BlobStore(Protocol):
    """Where sealed bytes are kept: a backend never sees plaintext."""

    def write(self, key: str, blob: bytes) -> None: ...
    def read(self, key: str) -> bytes: ...  # raises BlobMissing
    def remove(self, key: str) -> None: ...  # a missing key is not an error
    def contains(self, key: str) -> bool: ...
    def list_keys(self) -> Iterator[str]: ...


def _file_fernet(secret_key: str) -> Fernet:
    # A key for files only, derived from the one secret, so tokens and files never share a key.
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"intake-storage-v1"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


class Sealer:
    """Seal with the current key; open with the current key or any of `previous_keys`."""

    def __init__(self, secret_key: str, previous_keys: tuple[str, ...] = ()) -> None:
        self._fernet = MultiFernet(
            [_file_fernet(secret_key), *(_file_fernet(k) for k in previous_keys)]
        )

    def seal(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def open(self, sealed: bytes) -> bytes:
        try:
            return self._fernet.decrypt(sealed)
        except InvalidToken as error:
            raise _undecryptable() from error

    def reseal(self, sealed: bytes) -> bytes:
        """Return the same plaintext sealed with the current key."""
        try:
            return self._fernet.rotate(sealed)
        except InvalidToken as error:
            raise _undecryptable() from error


def _undecryptable() -> UnreadableDocument:
    return UnreadableDocument(
        "The stored file could not be decrypted.", reason="file_undecryptable"
    )


def check_key(key: str) -> str:
    """Return `key` if it names a file inside the store; raise ValueError otherwise."""
    if not key or ".." in key or key.startswith("/"):
        raise ValueError("invalid storage key")
    return key


class SealedStorage:
    """Storage that seals every file before handing it to a backend.

    Files are sealed with the current key; keys named in `previous_keys` still open older
    files until `rotate()` has re-sealed them with the current one.
    """

    def __init__(self, blobs: BlobStore, sealer: Sealer) -> None:
        self.blobs = blobs
        self._sealer = sealer

    def put(self, key: str, data: bytes) -> None:
        self.blobs.write(check_key(key), self._sealer.seal(data))

    def get(self, key: str) -> bytes:
        try:
            sealed = self.blobs.read(check_key(key))
        except BlobMissing as error:
            raise UnreadableDocument(
                "The stored file is missing.", reason="file_missing"
            ) from error
        return self._sealer.open(sealed)

    def delete(self, key: str) -> None:
        self.blobs.remove(check_key(key))

    def exists(self, key: str) -> bool:
        return self.blobs.contains(check_key(key))

    def rotate(self) -> int:
        """Re-seal every file with the current key; return how many files were rewritten."""
        count = 0
        # Listed in full before any write: rewriting a file in a folder adds a temporary one.
        for key in sorted(self.blobs.list_keys()):
            try:
                sealed = self.blobs.read(key)
            except BlobMissing:
                continue  # deleted since it was listed
            try:
                resealed = self._sealer.reseal(sealed)
            except UnreadableDocument as error:
                raise UnreadableDocument(
                    f"The stored file {key} could not be decrypted with any key given.",
                    reason=error.reason,
                ) from error
            self.blobs.write(key, resealed)
            count += 1
        return count
