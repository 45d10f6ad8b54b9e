"""What only the S3 backend does: the prefix, listing in pages, outages, and its settings."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws
from pydantic import ValidationError

from intake.settings import Settings
from intake.storage import LocalStorage, storage_for
from intake.storage.s3 import S3Storage, make_s3_client
from models.errors import TransientError

BUCKET = "intake-unit"


@pytest.fixture
def client(aws_credentials) -> Iterator[object]:
    """A client of an in-process S3 (moto) holding one empty bucket."""
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        yield s3


def _object_keys(client) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


class TestPrefix:
    @pytest.mark.parametrize(
        ("prefix", "object_key"),
        [
            ("records", "records/p/a"),
            ("/records/", "records/p/a"),
            ("team/records", "team/records/p/a"),
            ("", "p/a"),
        ],
    )
    def test_objects_are_named_under_the_prefix(self, client, prefix, object_key):
        S3Storage(BUCKET, "s", prefix=prefix, region="us-east-1").put("p/a", b"x")
        assert _object_keys(client) == [object_key]

    def test_rotate_touches_only_objects_under_the_prefix(self, client):
        client.put_object(Bucket=BUCKET, Key="elsewhere/p/a", Body=b"not ours")
        client.put_object(Bucket=BUCKET, Key="recordsX/p/a", Body=b"not ours either")
        S3Storage(BUCKET, "old-key", prefix="records", region="us-east-1").put("p/a", b"x")
        rotated = S3Storage(
            BUCKET, "new-key", ("old-key",), prefix="records", region="us-east-1"
        ).rotate()
        assert rotated == 1
        assert client.get_object(Bucket=BUCKET, Key="elsewhere/p/a")["Body"].read() == b"not ours"

    def test_rotate_skips_folder_placeholders(self, client):
        client.put_object(Bucket=BUCKET, Key="records/p/", Body=b"")
        storage = S3Storage(BUCKET, "k", prefix="records", region="us-east-1")
        storage.put("p/a", b"x")
        assert storage.rotate() == 1


def test_rotate_follows_every_page_of_the_listing(client):
    storage = S3Storage(BUCKET, "old-key", region="us-east-1", list_page_size=2)
    for number in range(5):
        storage.put(f"p/{number}", b"x")
    rotated = S3Storage(BUCKET, "new-key", ("old-key",), region="us-east-1", list_page_size=2)
    assert rotated.rotate() == 5
    assert [S3Storage(BUCKET, "new-key").get(f"p/{n}") for n in range(5)] == [b"x"] * 5


class TestOutages:
    @pytest.fixture
    def stubbed(self, aws_credentials) -> Iterator[tuple[S3Storage, Stubber]]:
        s3 = make_s3_client(region="us-east-1")
        with Stubber(s3) as stubber:
            yield S3Storage(BUCKET, "s", client=s3), stubber

    @pytest.mark.parametrize(
        ("status", "code"), [(503, "SlowDown"), (500, "InternalError"), (400, "RequestTimeout")]
    )
    def test_an_unavailable_store_is_a_transient_error(self, stubbed, status, code):
        storage, stubber = stubbed
        stubber.add_client_error("get_object", service_error_code=code, http_status_code=status)
        with pytest.raises(TransientError) as caught:
            storage.get("p/a")
        assert caught.value.reason == "storage_unavailable"

    def test_a_refused_permission_is_not_retried_as_an_outage(self, stubbed):
        storage, stubber = stubbed
        stubber.add_client_error(
            "put_object", service_error_code="AccessDenied", http_status_code=403
        )
        with pytest.raises(ClientError, match="AccessDenied"):
            storage.put("p/a", b"x")

    def test_an_unreachable_endpoint_is_a_transient_error(self, aws_credentials):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        s3 = boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{port}",
            config=Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=1),
        )
        storage = S3Storage(BUCKET, "s", client=s3)
        for operation in (lambda: storage.put("p/a", b"x"), lambda: storage.exists("p/a")):
            with pytest.raises(TransientError):
                operation()


class TestClient:
    def test_a_custom_endpoint_uses_path_style_names_and_bounded_retries(self, aws_credentials):
        s3 = make_s3_client(endpoint_url="http://127.0.0.1:9000", region="eu-west-1")
        config = s3.meta.config
        assert s3.meta.endpoint_url == "http://127.0.0.1:9000"
        assert s3.meta.region_name == "eu-west-1"
        assert config.s3 == {"addressing_style": "path"}
        assert config.retries == {"mode": "standard", "total_max_attempts": 5}
        assert (config.connect_timeout, config.read_timeout) == (5, 60)

    def test_aws_keeps_the_default_addressing(self, aws_credentials):
        assert (make_s3_client(region="us-east-1").meta.config.s3 or {}).get(
            "addressing_style"
        ) in (None, "auto")


class TestSettings:
    def test_the_s3_backend_needs_a_bucket(self):
        with pytest.raises(ValidationError, match="INTAKE_S3_BUCKET must be set"):
            Settings(storage_backend="s3", secret_key="s")

    def test_an_unknown_backend_is_refused(self):
        with pytest.raises(ValidationError, match="storage_backend"):
            Settings(storage_backend="ftp", secret_key="s")  # type: ignore[arg-type]

    def test_the_settings_are_read_from_intake_variables(self, monkeypatch):
        monkeypatch.setenv("INTAKE_STORAGE_BACKEND", "s3")
        monkeypatch.setenv("INTAKE_S3_BUCKET", "records-bucket")
        monkeypatch.setenv("INTAKE_S3_PREFIX", "intake")
        monkeypatch.setenv("INTAKE_S3_ENDPOINT_URL", "http://minio:9000")
        monkeypatch.setenv("INTAKE_S3_REGION", "eu-central-1")
        settings = Settings(secret_key="s")
        assert (
            settings.storage_backend,
            settings.s3_bucket,
            settings.s3_prefix,
            settings.s3_endpoint_url,
            settings.s3_region,
        ) == ("s3", "records-bucket", "intake", "http://minio:9000", "eu-central-1")

    def test_storage_for_builds_one_s3_storage_per_settings(self, client, tmp_path):
        settings = Settings(
            home=tmp_path,
            secret_key="s",
            storage_backend="s3",
            s3_bucket=BUCKET,
            s3_prefix="records",
            s3_region="us-east-1",
        )
        storage = storage_for(settings)
        assert isinstance(storage, S3Storage)
        assert storage is storage_for(settings), "one client, not one per request"
        storage.put("p/a", b"Invasive ductal carcinoma")
        assert _object_keys(client) == ["records/p/a"]
        assert not (tmp_path / "storage").exists()
        assert isinstance(
            storage_for(settings.model_copy(update={"storage_backend": "local"})), LocalStorage
        )

    def test_a_forked_process_builds_its_own_client(self, aws_credentials, tmp_path):
        settings = Settings(home=tmp_path, secret_key="s", storage_backend="s3", s3_bucket=BUCKET)
        parent = storage_for(settings)
        assert storage_for(settings) is parent
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report, then leave without running pytest's teardown
            try:
                os.write(write_end, b"own" if storage_for(settings) is not parent else b"shared")
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        assert os.read(read_end, 16) == b"own"
