"""Order a profile's diagnosis, tests and treatments for a timeline, with the records' dates.

The diagnosis is the principal one (intake/profile.py). A treatment with a start and an end
date in the records is two events, its start and its end; a surgery is one, on its date.
Events without a date follow the dated ones, in the order their documents were uploaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from intake.profile import principal_diagnosis
from intake.summary import reported_result
from models.schemas import Profile, TreatmentFact, TreatmentKind

_ONE_DAY = (TreatmentKind.surgery,)


@dataclass(frozen=True)
class Event:
    label: str
    kind: str
    when: str
    order: tuple[str, int]


def profile_events(profile: Profile, document_order: dict[str, int]) -> list[Event]:
    """Events with a date sort by it; the others by the order their documents were uploaded."""
    events: list[Event] = []

    def add(label: str, kind: str, date: dt.date | None, undated: str, document: object) -> None:
        order = (date.isoformat() if date else "9999", document_order.get(str(document), 0))
        events.append(Event(label, kind, date.isoformat() if date else undated, order))

    diagnosis = principal_diagnosis(profile)
    if diagnosis is not None:
        add(
            f"Diagnosis: {diagnosis.name}" if diagnosis.date else diagnosis.name,
            "diagnosis",
            diagnosis.date,
            "Diagnosis",
            diagnosis.evidence.document_id,
        )
    for marker in profile.biomarkers:
        label = f"{marker.marker}: {reported_result(marker)}"
        add(label, "test", None, "Test", marker.evidence.document_id)
    for treatment in profile.treatments:
        for label, date in _treatment_events(treatment):
            undated = treatment.status.value.capitalize()
            add(label, "treatment", date, undated, treatment.evidence.document_id)
    return sorted(events, key=lambda event: event.order)


def _treatment_events(treatment: TreatmentFact) -> list[tuple[str, dt.date | None]]:
    """A treatment's events: its start and its end where the records give them."""
    name = f"{treatment.name} ({treatment.kind.value.replace('_', ' ')})"
    start, end = treatment.start_date, treatment.end_date
    if treatment.kind in _ONE_DAY or (start is None and end is None):
        return [(name, start or end)]
    events: list[tuple[str, dt.date | None]] = []
    if start is not None:
        events.append((f"Started {name}", start))
    if end is not None:
        events.append((f"Finished {name}", end))
    return events
