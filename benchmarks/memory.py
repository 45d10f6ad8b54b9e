"""Peak resident memory of process trees, read from /proc (no psutil in the project).

A worker is a tree: the `intake worker` main process and its prefork children. Each process's
VmHWM is its own high-water mark, so sampling while it runs catches a child that is replaced
before the end; the largest and the summed peaks are both reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


def process_tree(pid: int) -> list[int]:
    """Return `pid` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command name in parentheses may hold spaces; the parent id follows it.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


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
