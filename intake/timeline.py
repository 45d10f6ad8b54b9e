"""Order a profile's diagnosis, tests and treatments for a timeline."""

from __future__ import annotations

from dataclasses import dataclass

from models.schemas import Profile


@dataclass(frozen=True)
class Event:
    label: str
    kind: str
    when: str
    order: tuple[str, int]


def profile_events(profile: Profile, document_order: dict[str, int]) -> list[Event]:
    """Events with a date sort by it; the others by the order their documents were uploaded."""
    events: list[Event] = []

    def place(document_id: object, date: object) -> tuple[str, int]:
        return (str(date) if date else "9999", document_order.get(str(document_id), 0))

    for diagnosis in profile.diagnoses[:1]:
        when = str(diagnosis.date) if diagnosis.date else "Diagnosis"
        events.append(
            Event(
                diagnosis.name,
                "diagnosis",
                when,
                place(diagnosis.evidence.document_id, diagnosis.date),
            )
        )
    for marker in profile.biomarkers:
        label = f"{marker.marker} {marker.result or ''} {marker.value or ''}".strip()
        events.append(Event(label, "test", "Test", place(marker.evidence.document_id, None)))
    for treatment in profile.treatments:
        when = (
            str(treatment.start_date)
            if treatment.start_date
            else treatment.status.value.capitalize()
        )
        events.append(
            Event(
                f"{treatment.name} ({treatment.kind.value.replace('_', ' ')})",
                "treatment",
                when,
                place(treatment.evidence.document_id, treatment.start_date),
            )
        )
    return sorted(events, key=lambda event: event.order)
