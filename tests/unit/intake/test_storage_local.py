"""What only the folder backend does: its file layout and its temporary files."""

from __future__ import annotations

import pytest

from intake.settings import Settings
from intake.storage import LocalStorage, storage_for
from models.errors import UnreadableDocument


def _files(root) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_a_key_is_a_path_under_the_root_and_no_temporary_file_is_left(tmp_path):
    LocalStorage(tmp_path, "s").put("patient/abc", b"x")
    LocalStorage(tmp_path, "s").put("patient/abc", b"y")
    assert _files(tmp_path) == ["patient/abc"]


def test_rotate_leaves_an_interrupted_write_alone(tmp_path):
    storage = LocalStorage(tmp_path, "k")
    storage.put("p/a", b"x")
    leftover = tmp_path / "p" / "tmpq1w2e3"
    leftover.write_bytes(b"half a token")
    assert storage.rotate() == 1
    assert leftover.read_bytes() == b"half a token"


def test_rotate_stops_at_a_file_no_key_opens(tmp_path):
    LocalStorage(tmp_path, "lost-key").put("p/a", b"x")
    with pytest.raises(UnreadableDocument, match="p/a") as caught:
        LocalStorage(tmp_path, "new-key").rotate()
    assert caught.value.reason == "file_undecryptable"


def test_the_default_backend_is_the_storage_folder(tmp_path):
    settings = Settings(home=tmp_path, secret_key="s", previous_secret_keys=("old",))
    storage = storage_for(settings)
    assert isinstance(storage, LocalStorage)
    storage.put("p/a", b"x")
    assert _files(tmp_path / "storage") == ["p/a"]
    LocalStorage(tmp_path / "storage", "old").put("p/b", b"old")
    assert storage.get("p/b") == b"old", "previous keys still open files"


def test_storage_dir_moves_the_folder(tmp_path):
    settings = Settings(home=tmp_path / "home", storage_dir=tmp_path / "files", secret_key="s")
    storage_for(settings).put("p/a", b"x")
    assert _files(tmp_path / "files") == ["p/a"]
