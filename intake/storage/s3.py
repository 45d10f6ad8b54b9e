"""An S3-compatible bucket as the backend, so API and workers on several machines share files.

Credentials come from boto3's own chain (`AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, a
shared credentials file, an instance or task role), never from `INTAKE_*` settings.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError

from intake.settings import Settings
from intake.storage.sealing import BlobMissing, SealedStorage, Sealer
from models.errors import TransientError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# HeadObject has no body, so a missing object comes back as a bare status code.
_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NotFound", "404"})
# What the standard retry mode retries itself; still failing after its attempts is an outage.
_UNAVAILABLE_CODES = frozenset(
    {"SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "ServiceUnavailable"}
)


def make_s3_client(*, endpoint_url: str | None = None, region: str | None = None) -> S3Client:
    """Build one S3 client: thread-safe, with bounded retries and timeouts."""
    config = Config(
        connect_timeout=5,
        read_timeout=60,
        retries={"mode": "standard", "total_max_attempts": 5},
        # FastAPI runs sync handlers on a thread pool; the default pool of 10 would be shared.
        max_pool_connections=32,
    )
    if endpoint_url:
        config = config.merge(
            Config(
                # Virtual-hosted names need wildcard DNS, which self-hosted stores rarely have.
                s3={"addressing_style": "path"},
                # botocore 1.36 began sending CRC checksums that several S3-compatible stores
                # refuse; Fernet's HMAC already rejects a file altered on the way.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            )
        )
    # A session of its own: boto3's default session is not safe to share between threads.
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint_url, region_name=region, config=config
    )


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@contextmanager
def _outage_is_transient() -> Iterator[None]:
    try:
        yield
    except (BotocoreConnectionError, HTTPClientError) as error:
        raise TransientError(
            "The file store could not be reached.", reason="storage_unavailable"
        ) from error
    except ClientError as error:
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
        if status >= 500 or _error_code(error) in _UNAVAILABLE_CODES:
            raise TransientError(
                "The file store is not answering.", reason="storage_unavailable"
            ) from error
        raise


class S3Blobs:
    """Objects in `bucket`, each named `prefix` + key."""

    def __init__(
        self, client: S3Client, bucket: str, prefix: str = "", *, list_page_size: int = 1000
    ) -> None:
        self._client = client
        self.bucket = bucket
        stripped = prefix.strip("/")
        self.prefix = f"{stripped}/" if stripped else ""
        self._list_page_size = list_page_size

    def _object_key(self, key: str) -> str:
        return self.prefix + key

    def write(self, key: str, blob: bytes) -> None:
        with _outage_is_transient():
            self._client.put_object(Bucket=self.bucket, Key=self._object_key(key), Body=blob)

    def read(self, key: str) -> bytes:
        with _outage_is_transient():
            try:
                response = self._client.get_object(Bucket=self.bucket, Key=self._object_key(key))
            except ClientError as error:
                if _error_code(error) in _NOT_FOUND_CODES:
                    raise BlobMissing(key) from error
                raise
            return response["Body"].read()

    def remove(self, key: str) -> None:
        with _outage_is_transient():
            self._client.delete_object(Bucket=self.bucket, Key=self._object_key(key))

    def contains(self, key: str) -> bool:
        with _outage_is_transient():
            try:
                self._client.head_object(Bucket=self.bucket, Key=self._object_key(key))
            except ClientError as error:
                if _error_code(error) in _NOT_FOUND_CODES:
                    return False
                raise
        return True

    def list_keys(self) -> Iterator[str]:
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket,
            Prefix=self.prefix,
            PaginationConfig={"PageSize": self._list_page_size},
        )
        with _outage_is_transient():
            for page in pages:
                for item in page.get("Contents", []):
                    key = item["Key"].removeprefix(self.prefix)
                    # Consoles create "folder/" placeholder objects; they hold no file.
                    if key and not key.endswith("/"):
                        yield key


class S3Storage(SealedStorage):
    """Sealed files in an S3 bucket (AWS, MinIO, Ceph or another S3-compatible store).

    The client is built once here and shared by every call, from any thread.
    """

    def __init__(
        self,
        bucket: str,
        secret_key: str,
        previous_keys: tuple[str, ...] = (),
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        client: S3Client | None = None,
        list_page_size: int = 1000,
    ) -> None:
        client = client or make_s3_client(endpoint_url=endpoint_url, region=region)
        blobs = S3Blobs(client, bucket, prefix, list_page_size=list_page_size)
        super().__init__(blobs, Sealer(secret_key, previous_keys))
        self.bucket = bucket
        self.prefix = blobs.prefix


def s3_storage_for(settings: Settings) -> S3Storage:
    """Return this process's S3 storage for `settings`, built on first use."""
    if not settings.s3_bucket:
        raise ValueError("INTAKE_S3_BUCKET must be set when INTAKE_STORAGE_BACKEND is s3")
    return _shared_s3_storage(
        settings.s3_bucket,
        settings.secret_key,
        settings.previous_secret_keys,
        settings.s3_prefix,
        settings.s3_endpoint_url,
        settings.s3_region,
    )


# Cached because the API asks for storage on every request and a client is slow to build.
@functools.lru_cache(maxsize=4)
def _shared_s3_storage(
    bucket: str,
    secret_key: str,
    previous_keys: tuple[str, ...],
    prefix: str,
    endpoint_url: str | None,
    region: str | None,
) -> S3Storage:
    return S3Storage(
        bucket, secret_key, previous_keys, prefix=prefix, endpoint_url=endpoint_url, region=region
    )


# A client's connection pool must not cross a fork: a Celery child builds its own.
os.register_at_fork(after_in_child=_shared_s3_storage.cache_clear)
