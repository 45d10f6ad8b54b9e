from __future__ import annotations

import pytest

from intake.errors import UnreadableDocument
from intake.storage import LocalStorage


def test_files_are_encrypted_at_rest_and_read_back(tmp_path):
    storage = LocalStorage(tmp_path, "a-secret")
    storage.put("patient/abc", b"Invasive ductal carcinoma")
    raw = (tmp_path / "patient" / "abc").read_bytes()
    assert b"ductal" not in raw
    assert storage.get("patient/abc") == b"Invasive ductal carcinoma"


def test_a_different_key_cannot_read_the_file(tmp_path):
    LocalStorage(tmp_path, "a-secret").put("k", b"data")
    with pytest.raises(UnreadableDocument) as caught:
        LocalStorage(tmp_path, "another-secret").get("k")
    assert caught.value.reason == "file_undecryptable"


def test_keys_cannot_escape_the_folder(tmp_path):
    with pytest.raises(ValueError, match="invalid"):
        LocalStorage(tmp_path, "s").put("../outside", b"x")


def test_keys_rotate_without_losing_files(tmp_path):
    LocalStorage(tmp_path, "old-key").put("p/a", b"Pathology report")
    rotated = LocalStorage(tmp_path, "new-key", previous_keys=("old-key",))
    assert rotated.get("p/a") == b"Pathology report", "old files open during the change"
    assert rotated.rotate() == 1
    assert LocalStorage(tmp_path, "new-key").get("p/a") == b"Pathology report"
    with pytest.raises(UnreadableDocument):
        LocalStorage(tmp_path, "old-key").get("p/a")
