"""The storage contract, held by every backend: the local folder and an S3 bucket."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import boto3
import pytest
from moto import mock_aws

from intake.storage import LocalStorage, SealedStorage
from intake.storage.s3 import S3Storage
from models.errors import UnreadableDocument

BUCKET = "intake-unit"
PREFIX = "records"


@dataclass
class Backend:
    name: str
    open: Callable[..., SealedStorage]  # (secret_key, previous_keys=()) -> storage
    raw: Callable[[str], bytes]  # the stored bytes of a key, as the backend holds them


def _local(tmp_path) -> Backend:
    def open_storage(secret_key: str, previous_keys: tuple[str, ...] = ()) -> SealedStorage:
        return LocalStorage(tmp_path, secret_key, previous_keys)

    return Backend("local", open_storage, lambda key: (tmp_path / key).read_bytes())


def _s3() -> Backend:
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)

    def open_storage(secret_key: str, previous_keys: tuple[str, ...] = ()) -> SealedStorage:
        return S3Storage(BUCKET, secret_key, previous_keys, prefix=PREFIX, region="us-east-1")

    def raw(key: str) -> bytes:
        return client.get_object(Bucket=BUCKET, Key=f"{PREFIX}/{key}")["Body"].read()

    return Backend("s3", open_storage, raw)


@pytest.fixture
def fake_aws(aws_credentials) -> Iterator[None]:
    """S3 answered in-process by moto, with credentials that open nothing real."""
    with mock_aws():
        yield


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path) -> Backend:
    if request.param == "local":
        return _local(tmp_path)
    request.getfixturevalue("fake_aws")
    return _s3()


def test_files_are_encrypted_at_rest_and_read_back(backend):
    storage = backend.open("a-secret")
    storage.put("patient/abc", b"Invasive ductal carcinoma")
    assert b"ductal" not in backend.raw("patient/abc")
    assert storage.get("patient/abc") == b"Invasive ductal carcinoma"


def test_a_different_key_cannot_read_the_file(backend):
    backend.open("a-secret").put("k", b"data")
    with pytest.raises(UnreadableDocument) as caught:
        backend.open("another-secret").get("k")
    assert caught.value.reason == "file_undecryptable"


def test_a_missing_file_is_reported_as_missing(backend):
    with pytest.raises(UnreadableDocument) as caught:
        backend.open("s").get("patient/never-stored")
    assert caught.value.reason == "file_missing"


def test_exists_follows_put_and_delete(backend):
    storage = backend.open("s")
    assert not storage.exists("p/a")
    storage.put("p/a", b"x")
    assert storage.exists("p/a")
    storage.delete("p/a")
    assert not storage.exists("p/a")
    with pytest.raises(UnreadableDocument, match="missing"):
        storage.get("p/a")


def test_deleting_a_missing_file_is_not_an_error(backend):
    storage = backend.open("s")
    storage.delete("p/never-stored")
    assert not storage.exists("p/never-stored")


def test_put_replaces_the_file(backend):
    storage = backend.open("s")
    storage.put("p/a", b"first")
    storage.put("p/a", b"second")
    assert storage.get("p/a") == b"second"


def test_a_file_is_not_found_under_a_longer_or_shorter_key(backend):
    storage = backend.open("s")
    storage.put("p/abc", b"x")
    assert not storage.exists("p/ab")
    assert not storage.exists("p/abc.pages.json")


@pytest.mark.parametrize("key", ["../outside", "/etc/passwd", "p/../../x"])
def test_keys_cannot_escape_the_store(backend, key):
    with pytest.raises(ValueError, match="invalid"):
        backend.open("s").put(key, b"x")


def test_keys_rotate_without_losing_files(backend):
    old = backend.open("old-key")
    old.put("p/a", b"Pathology report")
    old.put("p/b/c.pages.json", b"[]")
    rotated = backend.open("new-key", ("old-key",))
    assert rotated.get("p/a") == b"Pathology report", "old files open during the change"
    assert rotated.rotate() == 2
    assert backend.open("new-key").get("p/a") == b"Pathology report"
    assert backend.open("new-key").get("p/b/c.pages.json") == b"[]"
    with pytest.raises(UnreadableDocument):
        backend.open("old-key").get("p/a")


def test_rotating_an_empty_store_rewrites_nothing(backend):
    assert backend.open("new-key", ("old-key",)).rotate() == 0


def test_rotating_twice_rewrites_the_same_files_again(backend):
    storage = backend.open("k")
    storage.put("p/a", b"x")
    first = backend.raw("p/a")
    assert storage.rotate() == 1
    assert storage.rotate() == 1
    assert backend.raw("p/a") != first, "each rotation writes a fresh token"
    assert storage.get("p/a") == b"x"
