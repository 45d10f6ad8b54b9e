"""`intake extract` and `intake read`: one JSON line per file, failures on stderr."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake import cli, settings
from tests.factories import text_pdf

REPORT = "Invasive ductal carcinoma of the left breast, pT2 N1a M0. ER positive (95%).\n"


@pytest.fixture
def settings_loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the times the commands load the settings, read afresh from the environment."""
    loads: list[int] = []

    def counted() -> settings.Settings:
        loads.append(1)
        return settings.Settings()

    monkeypatch.setattr(settings, "get_settings", counted)
    return loads


def test_extract_prints_one_profile_per_file_and_reports_failures(tmp_path, capsys):
    report = tmp_path / "report.txt"
    report.write_text(REPORT)
    missing = tmp_path / "missing.txt"
    assert cli.main(["extract", str(report), str(missing)]) == 1
    out, err = capsys.readouterr()
    [line] = out.splitlines()
    printed = json.loads(line)
    assert printed["source"] == str(report)
    assert printed["profile"]["diagnoses"][0]["oncotree_code"] == "IDC"
    assert f"intake: {missing}: cannot open the file" in err


def test_text_files_are_read_without_loading_the_settings(tmp_path, capsys, settings_loads):
    report = tmp_path / "report.txt"
    report.write_text(REPORT)
    assert cli.main(["read", str(report)]) == 0
    assert json.loads(capsys.readouterr().out)["pages"][0]["text"] == REPORT
    assert settings_loads == []


def test_pdfs_are_read_with_the_settings_limits(tmp_path, capsys, settings_loads, monkeypatch):
    monkeypatch.setenv("INTAKE_MAX_PAGES", "1")
    record = tmp_path / "record.pdf"
    record.write_bytes(text_pdf(["First page of text.", "Second page of text."]))
    assert cli.main(["read", str(record)]) == 1
    assert "the limit is 1" in capsys.readouterr().err
    assert settings_loads == [1]


def test_files_shared_among_processes_print_as_one_process_would(tmp_path, capsys):
    paths = []
    for index in range(12):
        path = tmp_path / f"report-{index:02d}.txt"
        path.write_text(REPORT.replace("left", "left" if index % 2 else "right"))
        paths.append(str(path))
    paths.insert(5, str(tmp_path / "missing.txt"))
    assert cli.main(["extract", "--jobs", "1", *paths]) == 1
    alone = capsys.readouterr()
    assert cli.main(["extract", "--jobs", "2", *paths]) == 1
    shared = capsys.readouterr()
    assert shared.out == alone.out
    assert [json.loads(line)["source"] for line in shared.out.splitlines()] == [
        p for p in paths if not p.endswith("missing.txt")
    ]
    assert shared.err == alone.err
    assert "missing.txt: cannot open the file" in shared.err


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, settings_loads: list[int]) -> list[str]:
    """Record what would start in place of the server, its worker and the migrations."""
    import uvicorn

    from workers.app import app

    starts: list[str] = []
    monkeypatch.setattr(cli, "cmd_db_upgrade", lambda _args: starts.append("upgrade"))

    def run(*_args: object, **options: object) -> None:
        assert options["server_header"] is False, "no `server: uvicorn` banner"
        starts.append("server")

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.setattr(app, "worker_main", lambda _argv: starts.append("worker"))
    monkeypatch.delenv("INTAKE_DATABASE_URL", raising=False)
    monkeypatch.delenv("INTAKE_BROKER_URL", raising=False)
    return starts


def _use_default_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_SECRET_KEY", settings.DEFAULT_SECRET)
    monkeypatch.setenv("INTAKE_ENVIRONMENT", "local")


@pytest.mark.filterwarnings("ignore:INTAKE_SECRET_KEY is the embedded default")
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "intake.example.org"])
def test_serve_on_a_public_address_refuses_the_default_key(host, monkeypatch, capsys, started):
    _use_default_key(monkeypatch)
    assert cli.main(["serve", "--no-worker", "--host", host]) != 0
    err = capsys.readouterr().err
    assert "INTAKE_SECRET_KEY" in err
    assert host in err
    assert started == []


@pytest.mark.filterwarnings("ignore:INTAKE_SECRET_KEY is the embedded default")
@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_serve_on_loopback_allows_the_default_key(host, monkeypatch, started):
    _use_default_key(monkeypatch)
    assert cli.main(["serve", "--no-worker", "--host", host]) == 0
    assert started == ["upgrade", "server"]


def test_serve_on_a_public_address_starts_with_a_key_of_its_own(monkeypatch, started):
    monkeypatch.setenv("INTAKE_SECRET_KEY", "a-key-of-this-deployment-only")
    assert cli.main(["serve", "--no-worker", "--host", "0.0.0.0"]) == 0
    assert started == ["upgrade", "server"]


@pytest.mark.filterwarnings("ignore:INTAKE_SECRET_KEY is the embedded default")
@pytest.mark.parametrize(
    "setting",
    [("INTAKE_DATABASE_URL", "postgresql://db/intake"), ("INTAKE_BROKER_URL", "redis://q")],
)
def test_worker_on_a_shared_database_or_broker_refuses_the_default_key(
    setting, monkeypatch, capsys, started
):
    _use_default_key(monkeypatch)
    monkeypatch.setenv(*setting)
    assert cli.main(["worker", "--no-beat"]) != 0
    assert "INTAKE_SECRET_KEY" in capsys.readouterr().err
    assert started == []


@pytest.mark.filterwarnings("ignore:INTAKE_SECRET_KEY is the embedded default")
def test_worker_on_the_embedded_defaults_allows_the_default_key(monkeypatch, started):
    _use_default_key(monkeypatch)
    assert cli.main(["worker", "--no-beat"]) == 0
    assert started == ["worker"]


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that would leave new files readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_db_upgrade_keeps_the_home_and_database_to_their_owner(
    tmp_path, monkeypatch, open_umask, settings_loads
):
    home = tmp_path / "deep" / "home"
    monkeypatch.setenv("INTAKE_HOME", str(home))
    monkeypatch.delenv("INTAKE_DATABASE_URL", raising=False)
    assert cli.main(["db", "upgrade"]) == 0
    assert _mode(home) == 0o700
    assert _mode(home / "intake.sqlite") == 0o600


def test_an_existing_open_home_is_tightened(tmp_path, monkeypatch, open_umask, settings_loads):
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    (home / "intake.sqlite").touch(mode=0o644)
    monkeypatch.setenv("INTAKE_HOME", str(home))
    monkeypatch.delenv("INTAKE_DATABASE_URL", raising=False)
    assert cli.main(["db", "upgrade"]) == 0
    assert _mode(home) == 0o700
    assert _mode(home / "intake.sqlite") == 0o600


def test_extract_as_fhir_prints_one_mcode_bundle_per_file(tmp_path, capsys):
    from fhir.resources.R4B.bundle import Bundle

    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(REPORT)
    second.write_text("Adenocarcinoma of the lung. EGFR L858R mutation detected.\n")
    assert cli.main(["extract", "--format", "fhir", str(first), str(second)]) == 0
    lines = capsys.readouterr().out.splitlines()
    bundles = [Bundle.model_validate_json(line) for line in lines]
    assert [b.type for b in bundles] == ["collection", "collection"]
    conditions = [
        [e.resource.code.text for e in b.entry if e.resource.get_resource_type() == "Condition"]
        for b in bundles
    ]
    assert conditions == [["Breast Invasive Ductal Carcinoma"], ["Lung Adenocarcinoma"]]
    # The source is named where the evidence points: the file's DocumentReference.
    titles = [
        e.resource.content[0].attachment.title
        for e in bundles[0].entry
        if e.resource.get_resource_type() == "DocumentReference"
    ]
    assert titles == [str(first)]


def test_extract_keeps_its_default_output_when_fhir_is_not_asked_for(tmp_path, capsys):
    report = tmp_path / "report.txt"
    report.write_text(REPORT)
    assert cli.main(["extract", str(report)]) == 0
    assert cli.main(["extract", "--format", "json", str(report)]) == 0
    default, explicit = capsys.readouterr().out.splitlines()
    assert default == explicit
    assert set(json.loads(default)) == {"source", "profile"}
