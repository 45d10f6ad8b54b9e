"""Settings read once from `INTAKE_*` environment variables; defaults are the embedded mode."""

from __future__ import annotations

import functools
import warnings
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-embedded-only"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="INTAKE_", env_file=".env", extra="ignore", frozen=True
    )

    home: Path = Path(".intake")
    database_url: str | None = Field(default=None, description="None: a SQLite file under home")
    broker_url: str | None = Field(default=None, description="None: a SQLite broker under home")
    storage_dir: Path | None = Field(default=None, description="None: home/storage")
    storage_backend: Literal["local", "s3"] = Field(
        default="local", description="local: a folder (storage_dir); s3: an S3-compatible bucket"
    )
    s3_bucket: str | None = None
    s3_prefix: str = Field(default="", description="folder-like prefix of every object key")
    s3_endpoint_url: str | None = Field(
        default=None, description="None: AWS; otherwise MinIO, Ceph or another S3-compatible store"
    )
    s3_region: str | None = Field(default=None, description="None: boto3's own lookup")
    secret_key: str = DEFAULT_SECRET
    previous_secret_keys: tuple[str, ...] = Field(
        default=(),
        description="older keys that still open stored files until `intake storage rotate`",
    )
    environment: str = "local"

    # 50 MB of a million bytes each, as the README, the upload page and the refusal say.
    max_upload_bytes: int = 50_000_000
    max_pages: int = 500
    token_minutes: int = 60
    broker_poll_seconds: float = 0.1
    max_attempts: int = Field(default=4, description="runs of one job before it is failed")
    worker_memory_limit_mb: int = Field(
        default=3072, description="address-space limit of each worker process; 0 for none"
    )
    task_soft_time_limit: int = 300
    task_time_limit: int = 360
    reaper_interval: int = 60
    stuck_after: int = 900
    login_rate_limit: str = Field(default="10/minute", description="sign-in attempts per account")
    login_address_rate_limit: str = Field(
        default="30/minute;300/hour", description="sign-in attempts per client address"
    )
    login_lockout: str = Field(
        default="5/15minutes;10/hour;20/day",
        description="failed sign-ins per account before it is locked; each limit a longer lock",
    )
    register_rate_limit: str = Field(default="20/hour", description="sign-ups per client address")
    upload_rate_limit: str = "120/minute"
    rate_limit_storage: str = Field(
        default="memory://", description="memory:// for one process; redis://... to share limits"
    )
    api_concurrency: int = Field(
        default=4,
        ge=1,
        le=30,
        description="requests per API process that use the database at once; more wait a turn",
    )
    metrics_token: str | None = Field(
        default=None,
        description="None: /metrics answers loopback clients only; otherwise it needs this "
        "bearer token",
    )
    trusted_proxies: str = Field(
        default="",
        description="comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed; empty: none",
    )
    ocr_dpi: int = 300
    ocr_language: str = "eng"

    @model_validator(mode="after")
    def _refuse_default_secret_outside_local(self) -> Settings:
        if self.secret_key == DEFAULT_SECRET:
            if self.environment != "local":
                raise ValueError("INTAKE_SECRET_KEY must be set outside the local environment")
            warnings.warn(
                "INTAKE_SECRET_KEY is the embedded default; set it for any real data",
                stacklevel=2,
            )
        return self

    @model_validator(mode="after")
    def _require_a_bucket_for_s3(self) -> Settings:
        if self.storage_backend == "s3" and not self.s3_bucket:
            raise ValueError("INTAKE_S3_BUCKET must be set when INTAKE_STORAGE_BACKEND is s3")
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'intake.sqlite').resolve()}"

    @property
    def resolved_broker_url(self) -> str:
        return self.broker_url or f"sqla+sqlite:///{(self.home / 'broker.sqlite').resolve()}"

    @property
    def resolved_storage_dir(self) -> Path:
        return (self.storage_dir or self.home / "storage").resolve()

    @property
    def embedded_broker(self) -> bool:
        return self.resolved_broker_url.startswith("sqla+")


def create_home(settings: Settings) -> Path:
    """Create INTAKE_HOME, or tighten an existing one, so only its owner can enter it (0700)."""
    settings.home.mkdir(mode=0o700, parents=True, exist_ok=True)
    settings.home.chmod(0o700)
    return settings.home


@functools.cache
def get_settings() -> Settings:
    return Settings()
