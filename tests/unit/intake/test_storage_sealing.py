"""The sealing layer on its own: keys, key rotation, and what it asks of a backend."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet, InvalidToken

from intake.storage.sealing import BlobMissing, SealedStorage, Sealer, check_key
from models.errors import UnreadableDocument


class DictBlobs:
    """A backend in a dictionary, recording every write."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.writes: list[str] = []

    def write(self, key: str, blob: bytes) -> None:
        self.blobs[key] = blob
        self.writes.append(key)

    def read(self, key: str) -> bytes:
        try:
            return self.blobs[key]
        except KeyError as error:
            raise BlobMissing(key) from error

    def remove(self, key: str) -> None:
        self.blobs.pop(key, None)

    def contains(self, key: str) -> bool:
        return key in self.blobs

    def list_keys(self) -> Iterator[str]:
        yield from list(self.blobs)


class TestSealer:
    def test_sealed_bytes_hide_the_plaintext_and_open_again(self):
        sealer = Sealer("a-secret")
        sealed = sealer.seal(b"Invasive ductal carcinoma")
        assert b"ductal" not in sealed
        assert sealer.open(sealed) == b"Invasive ductal carcinoma"

    def test_the_same_plaintext_seals_differently_each_time(self):
        sealer = Sealer("a-secret")
        assert sealer.seal(b"ER positive") != sealer.seal(b"ER positive")

    def test_another_secret_cannot_open(self):
        sealed = Sealer("a-secret").seal(b"data")
        with pytest.raises(UnreadableDocument) as caught:
            Sealer("another-secret").open(sealed)
        assert caught.value.reason == "file_undecryptable"

    def test_garbage_is_undecryptable_not_a_crash(self):
        with pytest.raises(UnreadableDocument) as caught:
            Sealer("a-secret").open(b"not a fernet token")
        assert caught.value.reason == "file_undecryptable"

    def test_a_previous_key_opens_and_reseal_moves_to_the_current_key(self):
        old = Sealer("old-key").seal(b"Pathology report")
        both = Sealer("new-key", previous_keys=("old-key",))
        assert both.open(old) == b"Pathology report"
        resealed = both.reseal(old)
        assert Sealer("new-key").open(resealed) == b"Pathology report"
        with pytest.raises(UnreadableDocument):
            Sealer("old-key").open(resealed)

    def test_reseal_refuses_what_no_key_opens(self):
        with pytest.raises(UnreadableDocument) as caught:
            Sealer("new-key", previous_keys=("old-key",)).reseal(Sealer("other").seal(b"x"))
        assert caught.value.reason == "file_undecryptable"

    def test_the_file_key_is_not_the_secret_itself(self):
        # Files use a key derived from the secret, so the secret itself never opens them.
        secret = base64.urlsafe_b64encode(b"k" * 32).decode()
        sealed = Sealer(secret).seal(b"data")
        with pytest.raises(InvalidToken):
            Fernet(secret.encode()).decrypt(sealed)


class TestCheckKey:
    @pytest.mark.parametrize("key", ["p/abc", "abc", "p/abc.pages.json", "a/b/c"])
    def test_keys_inside_the_store_pass(self, key):
        assert check_key(key) == key

    @pytest.mark.parametrize("key", ["", "../outside", "p/../../etc", "/etc/passwd", "p/.."])
    def test_keys_that_could_leave_the_store_are_refused(self, key):
        with pytest.raises(ValueError, match="invalid storage key"):
            check_key(key)


class TestSealedStorage:
    def test_the_backend_receives_only_ciphertext(self):
        blobs = DictBlobs()
        SealedStorage(blobs, Sealer("s")).put("p/a", b"Invasive ductal carcinoma")
        assert b"ductal" not in blobs.blobs["p/a"]

    @pytest.mark.parametrize("method", ["put", "get", "delete", "exists"])
    def test_every_operation_checks_the_key_before_the_backend_sees_it(self, method):
        blobs = DictBlobs()
        storage = SealedStorage(blobs, Sealer("s"))
        arguments: tuple[object, ...] = ("../x", b"data") if method == "put" else ("../x",)
        with pytest.raises(ValueError, match="invalid"):
            getattr(storage, method)(*arguments)
        assert blobs.writes == []

    def test_rotate_names_the_file_no_key_opens(self):
        blobs = DictBlobs()
        SealedStorage(blobs, Sealer("lost-key")).put("p/lost", b"x")
        with pytest.raises(UnreadableDocument, match="p/lost") as caught:
            SealedStorage(blobs, Sealer("new-key")).rotate()
        assert caught.value.reason == "file_undecryptable"

    def test_rotate_skips_a_file_deleted_after_it_was_listed(self):
        class VanishingBlobs(DictBlobs):
            def list_keys(self) -> Iterator[str]:
                yield from ["p/gone", *self.blobs]

        blobs = VanishingBlobs()
        SealedStorage(blobs, Sealer("old-key")).put("p/kept", b"kept")
        blobs.writes.clear()
        rotated = SealedStorage(blobs, Sealer("new-key", previous_keys=("old-key",)))
        assert rotated.rotate() == 1
        assert blobs.writes == ["p/kept"], "a deleted file is not written back"
        assert SealedStorage(blobs, Sealer("new-key")).get("p/kept") == b"kept"
