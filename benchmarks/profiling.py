"""Sample running processes with py-spy and name where their time goes.

py-spy is a tool for the benchmark runner, not a project dependency: install it in the
virtual environment by hand (`.venv/bin/pip install py-spy`). Without it, `--profile` says so
and the benchmark runs unprofiled.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

SAMPLES_PER_SECOND = 50
PROJECT_PACKAGES = ("intake/", "extractors/", "models/", "workers/", "api/")
STOP_SECONDS = 30


def py_spy() -> str | None:
    local = Path(sys.executable).with_name("py-spy")
    return str(local) if local.exists() else shutil.which("py-spy")


@contextlib.contextmanager
def sampling(pids: list[int], out_dir: Path | None, name: str) -> Iterator[list[Path]]:
    """Record the stacks of each pid and its children while the block runs (raw format)."""
    binary = py_spy()
    if out_dir is None or binary is None:
        if out_dir is not None:
            print("profiling: py-spy is not installed; running unprofiled", file=sys.stderr)
        yield []
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    recorders: list[subprocess.Popen[bytes]] = []
    outputs: list[Path] = []
    try:
        for pid in pids:
            output = out_dir / f"{name}-{pid}.txt"
            # --gil keeps the samples that hold the GIL: where Python spends CPU, not where
            # threads sit waiting for a connection or a query.
            argv = [binary, "record", "--pid", str(pid), "--subprocesses", "--nonblocking", "--gil"]
            argv += ["--rate", str(SAMPLES_PER_SECOND), "--format", "raw", "--output", str(output)]
            recorders.append(
                subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            )
            outputs.append(output)
        yield outputs
    finally:
        for recorder in recorders:
            # py-spy writes its file when interrupted, as after Ctrl-C.
            if recorder.poll() is None:
                recorder.send_signal(signal.SIGINT)
        for recorder in recorders:
            try:
                recorder.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                recorder.kill()
                recorder.wait()


def _frame_name(frame: str) -> str:
    # py-spy raw frames read "function (path/to/file.py:line)"; keep the function and file.
    function, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/main/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{function} ({path})" if path else function


def summarize(paths: list[Path], top: int = 25) -> str:
    """Return the functions that most samples pass through (inclusive) and end in (self)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            stack, _, count_text = line.rpartition(" ")
            if not stack or not count_text.isdigit():
                continue
            count = int(count_text)
            frames = [
                _frame_name(frame) for frame in stack.split(";") if not frame.startswith("process ")
            ]
            if not frames:
                continue
            total += count
            for frame in set(frames):
                inclusive[frame] += count
            own[frames[-1]] += count
    if not total:
        return "no samples"
    project = Counter(
        {
            frame: count
            for frame, count in inclusive.items()
            if "(" in frame and frame.split("(", 1)[1].startswith(PROJECT_PACKAGES)
        }
    )
    lines = [f"{total} samples", "", "inclusive share  project function"]
    lines += [f"  {count / total:6.1%}  {frame}" for frame, count in project.most_common(top)]
    lines += ["", "inclusive share  function"]
    lines += [f"  {count / total:6.1%}  {frame}" for frame, count in inclusive.most_common(top)]
    lines += ["", "self share  function"]
    lines += [f"  {count / total:6.1%}  {frame}" for frame, count in own.most_common(top)]
    return "\n".join(lines)
