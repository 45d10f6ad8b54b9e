"""Encrypted file storage: files are sealed with Fernet before any backend holds them.

Two backends sit behind the one sealing layer: a local folder (the default) and an
S3-compatible bucket (`INTAKE_STORAGE_BACKEND=s3`), which machines can share.
"""

from __future__ import annotations

from intake.settings import Settings
from intake.storage.folder import LocalStorage
from intake.storage.sealing import SealedStorage, Storage

__all__ = ["LocalStorage", "SealedStorage", "Storage", "storage_for"]


def storage_for(settings: Settings) -> SealedStorage:
    """Return the storage the settings name."""
    if settings.storage_backend == "s3":
        # Imported here: boto3 is slow to import and the default backend never needs it.
        from intake.storage.s3 import s3_storage_for

        return s3_storage_for(settings)
    return LocalStorage(
        settings.resolved_storage_dir, settings.secret_key, settings.previous_secret_keys
    )
