"""What a clinician decided before about the facts a new review item is about.

When a new record changes a fact that was reviewed, the new item carries the earlier decision
(what the fact was), so the clinician sees what it was beside what it is now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from intake.fact_labels import label_fact
from intake.profile import fact_key
from models.schemas import Fact, PreviousDecision, ReviewStatus


@dataclass(frozen=True)
class Decided:
    """A decided review item: its status, when, the facts it flagged and the value it chose."""

    status: ReviewStatus
    decided_at: dt.datetime
    facts: list[Fact]
    chosen: Fact | None = None


def decided_value(decided: Decided) -> tuple[list[str], list[Fact]]:
    """What the patient was shown after the decision, in words and as facts."""
    if decided.chosen is not None:
        return [label_fact(decided.chosen)], [decided.chosen]
    if decided.status is ReviewStatus.rejected:
        return [f"removed: {label_fact(fact)}" for fact in decided.facts], []
    return [label_fact(fact) for fact in decided.facts], decided.facts


def _facts_of(decided: Decided) -> list[Fact]:
    return [*decided.facts, decided.chosen] if decided.chosen else decided.facts


def earlier_decision(facts: list[Fact], history: Iterable[Decided]) -> PreviousDecision | None:
    """The latest decision about any of these facts' concepts, when it chose other values."""
    keys = {fact_key(fact) for fact in facts}
    about = [d for d in history if keys & {fact_key(f) for f in _facts_of(d)}]
    if not about:
        return None
    latest = max(about, key=lambda d: d.decided_at)
    was, kept = decided_value(latest)
    if set(was) == {label_fact(fact) for fact in facts}:
        return None
    return PreviousDecision(status=latest.status, decided_at=latest.decided_at, was=was, facts=kept)
