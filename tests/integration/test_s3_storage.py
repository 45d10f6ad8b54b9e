"""The S3 backend over real HTTP, against moto's S3-compatible server on a loopback port.

One test runs a record through the embedded stack (API in-process, a real `intake
worker` process) with every file in the bucket and none in the storage folder.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from intake.settings import Settings
from intake.storage import storage_for
from intake.storage.s3 import S3Storage
from models.errors import UnreadableDocument
from tests.factories import text_pdf
from tests.integration.conftest import running_stack

pytestmark = pytest.mark.integration

# moto accepts any credentials; these only keep boto3 from looking for real ones.
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "NO_PROXY": "127.0.0.1,localhost",
}


@dataclass
class S3Endpoint:
    url: str
    client: Any  # a boto3 S3 client, for looking at the raw objects

    def raw(self, bucket: str, key: str) -> bytes:
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def keys(self, bucket: str) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=bucket)
        return sorted(o["Key"] for o in listing.get("Contents", []))

    def new_bucket(self, name: str) -> str:
        self.client.create_bucket(Bucket=name)
        return name


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Endpoint]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in FAKE_AWS.items():
            patch.setenv(name, value)
        patch.delenv("AWS_PROFILE", raising=False)
        port = _free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        url = f"http://127.0.0.1:{port}"
        try:
            yield S3Endpoint(url, boto3.client("s3", endpoint_url=url, region_name="us-east-1"))
        finally:
            server.stop()


def _storage(s3: S3Endpoint, bucket: str, secret: str, previous: tuple[str, ...] = ()) -> S3Storage:
    return S3Storage(
        bucket, secret, previous, prefix="intake", endpoint_url=s3.url, region="us-east-1"
    )


def test_files_are_stored_as_ciphertext_and_read_back(s3):
    bucket = s3.new_bucket("round-trip")
    storage = _storage(s3, bucket, "a-secret")
    assert not storage.exists("p/a")
    storage.put("p/a", b"Invasive ductal carcinoma, ER positive")
    assert storage.exists("p/a")
    assert s3.keys(bucket) == ["intake/p/a"]
    raw = s3.raw(bucket, "intake/p/a")
    assert b"ductal" not in raw and b"ER positive" not in raw
    assert storage.get("p/a") == b"Invasive ductal carcinoma, ER positive"
    storage.delete("p/a")
    assert not storage.exists("p/a")
    assert s3.keys(bucket) == []
    storage.delete("p/a")


def test_a_missing_object_is_reported_as_missing(s3):
    storage = _storage(s3, s3.new_bucket("missing"), "a-secret")
    with pytest.raises(UnreadableDocument) as caught:
        storage.get("p/never-stored")
    assert caught.value.reason == "file_missing"


def test_another_key_cannot_read_an_object(s3):
    bucket = s3.new_bucket("wrong-key")
    _storage(s3, bucket, "a-secret").put("p/a", b"x")
    with pytest.raises(UnreadableDocument) as caught:
        _storage(s3, bucket, "another-secret").get("p/a")
    assert caught.value.reason == "file_undecryptable"


def test_rotate_after_a_key_change_reseals_every_object(s3):
    bucket = s3.new_bucket("rotation")
    old = _storage(s3, bucket, "old-key")
    for number in range(3):
        old.put(f"p/{number}", f"report {number}".encode())
    before = {key: s3.raw(bucket, key) for key in s3.keys(bucket)}

    changed = _storage(s3, bucket, "new-key", ("old-key",))
    assert changed.get("p/0") == b"report 0", "old objects open during the change"
    assert changed.rotate() == 3

    after = {key: s3.raw(bucket, key) for key in s3.keys(bucket)}
    assert after.keys() == before.keys()
    assert all(after[key] != before[key] for key in after)
    new_only = _storage(s3, bucket, "new-key")
    assert [new_only.get(f"p/{n}") for n in range(3)] == [b"report 0", b"report 1", b"report 2"]
    with pytest.raises(UnreadableDocument):
        _storage(s3, bucket, "old-key").get("p/0")


def test_storage_for_reaches_the_endpoint_named_in_settings(s3, tmp_path):
    bucket = s3.new_bucket("from-settings")
    settings = Settings(
        home=tmp_path,
        secret_key="a-secret",
        storage_backend="s3",
        s3_bucket=bucket,
        s3_prefix="intake/",
        s3_endpoint_url=s3.url,
        s3_region="us-east-1",
    )
    storage_for(settings).put("p/a", b"x")
    assert s3.keys(bucket) == ["intake/p/a"]
    assert storage_for(settings).get("p/a") == b"x"


def test_a_record_is_processed_with_files_only_in_the_bucket(s3, tmp_path, record_pages):
    bucket = s3.new_bucket("pipeline")
    home = tmp_path / "home"
    home.mkdir()
    storage_env = {
        "INTAKE_STORAGE_BACKEND": "s3",
        "INTAKE_S3_BUCKET": bucket,
        "INTAKE_S3_PREFIX": "intake",
        "INTAKE_S3_ENDPOINT_URL": s3.url,
        "INTAKE_S3_REGION": "us-east-1",
    }
    settings = Settings(
        home=home,
        secret_key="integration-secret-key",
        broker_poll_seconds=0.05,
        storage_backend="s3",
        s3_bucket=bucket,
        s3_prefix="intake",
        s3_endpoint_url=s3.url,
        s3_region="us-east-1",
    )
    from models.migrate import upgrade

    upgrade(settings.resolved_database_url)
    env = {
        **os.environ,
        **FAKE_AWS,
        **storage_env,
        "INTAKE_HOME": str(home),
        "INTAKE_SECRET_KEY": settings.secret_key,
        "INTAKE_BROKER_POLL_SECONDS": "0.05",
    }
    with running_stack("s3", settings, env, concurrency=1) as stack:
        headers = stack.register("patient-s3@example.org")
        response = stack.client.post(
            "/api/documents",
            files={"file": ("record.pdf", text_pdf(record_pages), "application/pdf")},
            headers=headers,
        )
        assert response.status_code == 202, response.text
        document = stack.wait_for(response.json()["id"], headers)
        assert document["status"] == "done", document
        profile = stack.client.get("/api/profile", headers=headers).json()["profile"]
        assert profile["diagnoses"][0]["oncotree_code"] == "IDC"

    keys = s3.keys(bucket)
    pages_keys = [key for key in keys if key.endswith(".pages.json")]
    assert len(keys) == 2 and len(pages_keys) == 1, keys
    assert all(key.startswith("intake/") for key in keys)
    pages_key = pages_keys[0].removeprefix("intake/")
    assert b"ductal carcinoma" in storage_for(settings).get(pages_key)
    assert b"ductal carcinoma" not in s3.raw(bucket, pages_keys[0]), "the read pages are sealed"
    upload_key = next(key for key in keys if key not in pages_keys)
    assert not s3.raw(bucket, upload_key).startswith(b"%PDF"), "the upload is sealed"
    assert not settings.resolved_storage_dir.exists(), "nothing fell back to the folder"


def test_the_rotate_command_reseals_the_bucket(s3, tmp_path):
    bucket = s3.new_bucket("rotate-command")
    _storage(s3, bucket, "old-key").put("p/a", b"Pathology report")
    env = {
        **os.environ,
        "INTAKE_HOME": str(tmp_path),
        "INTAKE_SECRET_KEY": "new-key",
        "INTAKE_PREVIOUS_SECRET_KEYS": '["old-key"]',
        "INTAKE_STORAGE_BACKEND": "s3",
        "INTAKE_S3_BUCKET": bucket,
        "INTAKE_S3_PREFIX": "intake",
        "INTAKE_S3_ENDPOINT_URL": s3.url,
        "INTAKE_S3_REGION": "us-east-1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "intake.cli", "storage", "rotate"],
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout) == {"rotated": 1}
    assert _storage(s3, bucket, "new-key").get("p/a") == b"Pathology report"

    again = subprocess.run(
        [sys.executable, "-m", "intake.cli", "storage", "rotate"],
        env={**env, "INTAKE_PREVIOUS_SECRET_KEYS": "[]", "INTAKE_SECRET_KEY": "other-key"},
        capture_output=True,
        check=False,
    )
    assert again.returncode == 1
    assert "file_undecryptable" in again.stderr.decode()
