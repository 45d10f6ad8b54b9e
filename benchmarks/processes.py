"""Read processes from /proc (no psutil in the project): trees, CPU time, peak memory.

A worker is a tree: the `intake worker` main process and its prefork children. Each process's
VmHWM is its own high-water mark, so sampling while it runs catches a child that is replaced
before the end; the largest and the summed peaks are both reported. CPU time is counted per
process, so what a busy machine's other work takes is not in it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        # The command name in parentheses may hold spaces; fields after it are plain.
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def process_tree(pid: int) -> list[int]:
    """Return `pid` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """Return the user and system CPU seconds each living process has used."""
    used = {}
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None:
            used[pid] = (int(fields[11]) + int(fields[12])) / _TICKS_PER_SECOND
    return used


def postgres_backends(database: str) -> list[int]:
    """Return the PostgreSQL server processes serving connections to `database`."""
    backends = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        # A backend's title reads "postgres: USER DATABASE HOST(PORT) STATE".
        if title.startswith("postgres: ") and f" {database} " in title:
            backends.append(int(entry.name))
    return backends


@dataclass
class CpuMeter:
    """CPU seconds used by a set of processes between `start` and `stop`."""

    started: dict[int, float] = field(default_factory=dict)

    def start(self, pids: Iterable[int]) -> None:
        self.started = cpu_seconds(pids)

    def used(self, pids: Iterable[int]) -> float:
        """CPU since `start` of the processes alive at both ends, plus all of those born since."""
        now = cpu_seconds(pids)
        return sum(seconds - self.started.get(pid, 0.0) for pid, seconds in now.items())


def peak_resident_kib(pid: int) -> int | None:
    """Return the process's peak resident set size (VmHWM) in KiB, or None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@dataclass
class PeakMemory:
    """Keep the highest VmHWM seen for every process in the trees of some root pids."""

    roots: list[int]
    peaks: dict[int, int] = field(default_factory=dict)

    def sample(self) -> None:
        for root in self.roots:
            for pid in process_tree(root):
                peak = peak_resident_kib(pid)
                if peak is not None:
                    self.peaks[pid] = max(peak, self.peaks.get(pid, 0))

    def largest_mib(self) -> float:
        return max(self.peaks.values(), default=0) / 1024

    def total_mib(self) -> float:
        return sum(self.peaks.values()) / 1024

    def processes(self) -> int:
        return len(self.peaks)
