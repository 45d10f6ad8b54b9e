"""The newcomer's path: `make run` installs what running needs, the tests their own toolchain."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _planned_commands(target: str, venv: Path) -> str:
    """Return the commands `make` would run for `target` in a new environment at `venv`."""
    return subprocess.run(
        ["make", "--dry-run", "--always-make", target, f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_run_installs_the_project_without_the_test_toolchain(tmp_path):
    commands = _planned_commands("run", tmp_path / "venv")
    assert "pip install --quiet -e .\n" in commands
    assert "[dev]" not in commands


@pytest.mark.parametrize("target", ["test", "lint", "bench"])
def test_test_lint_and_bench_install_the_test_toolchain(tmp_path, target):
    assert "-e '.[dev]'" in _planned_commands(target, tmp_path / "venv")
