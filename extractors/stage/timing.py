"""Date a stated stage: the stage at diagnosis ("Initial: ... (stage III, 2021)", "stage at
diagnosis"), or the stage now ("Current: metastatic (stage IV)", "restaged as stage IV", "stage
IV at relapse").

The cues are data (`vocab/stage_timing.yaml`), read in the stage's row or sentence: the nearest
cue before the group, else one within a few words after it. A record that gives both keeps the
stage at diagnosis and shows the current one (AJCC 8th ed., ch. 1: the stage at diagnosis is
never changed; a later stage is recorded beside it).
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from extractors.document import AnalyzedPage
from extractors.stage.tables import timing_cues

Timing = Literal["initial", "current"]
_AFTER = 25  # characters after a group in which a cue still dates it ("stage IV at relapse")


@functools.cache
def _cues() -> tuple[re.Pattern[str], dict[str, Timing]]:
    data = timing_cues()
    timing: dict[str, Timing] = dict.fromkeys(data.initial, "initial")
    timing |= dict.fromkeys(data.current, "current")
    ordered = sorted(timing, key=len, reverse=True)
    # "recurrence score", "relapse risk" name a risk score, not when a stage held.
    pattern = (
        rf"(?<![a-z0-9])(?:{'|'.join(map(re.escape, ordered))})(?![a-z0-9])"
        r"(?!\s+(?:score|risk|index))"
    )
    return re.compile(pattern), timing


def read_timing(page: AnalyzedPage, start: int, end: int) -> Timing | None:
    """When the stage stated at [start, end) held, where its row or sentence says so."""
    pattern, timing = _cues()
    unit_start, unit_end = page.context.sentence(start)
    before = [m.group() for m in pattern.finditer(page.text, unit_start, start)]
    if before:
        return timing[before[-1]]
    after = pattern.search(page.text, end, min(unit_end, end + _AFTER))
    return timing[after.group()] if after else None
