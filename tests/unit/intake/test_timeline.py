"""The timeline: the records' dates for the diagnosis, surgery and each treatment."""

from __future__ import annotations

import datetime as dt

from intake.timeline import profile_events
from models.schemas import (
    DiagnosisFact,
    Evidence,
    Profile,
    TreatmentFact,
    TreatmentKind,
    TreatmentStatus,
)

_EVIDENCE = Evidence(page=1, start=0, end=4, snippet="text")


def test_dated_events_are_in_date_order_with_a_treatments_start_and_end() -> None:
    profile = Profile(
        diagnoses=[
            DiagnosisFact(
                evidence=_EVIDENCE,
                confidence=0.9,
                oncotree_code="IDC",
                name="Breast Invasive Ductal Carcinoma",
                date=dt.date(2025, 2, 11),
            )
        ],
        treatments=[
            TreatmentFact(
                evidence=_EVIDENCE,
                confidence=0.9,
                name="paclitaxel",
                status=TreatmentStatus.past,
                start_date=dt.date(2025, 3, 1),
                end_date=dt.date(2025, 5, 24),
            ),
            TreatmentFact(
                evidence=_EVIDENCE,
                confidence=0.9,
                name="lumpectomy",
                kind=TreatmentKind.surgery,
                status=TreatmentStatus.past,
                start_date=dt.date(2025, 6, 20),
            ),
            TreatmentFact(
                evidence=_EVIDENCE, confidence=0.9, name="letrozole", status=TreatmentStatus.planned
            ),
        ],
    )
    events = [(event.when, event.label) for event in profile_events(profile, {})]
    assert events == [
        ("2025-02-11", "Diagnosis: Breast Invasive Ductal Carcinoma"),
        ("2025-03-01", "Started paclitaxel (medication)"),
        ("2025-05-24", "Finished paclitaxel (medication)"),
        ("2025-06-20", "lumpectomy (surgery)"),
        ("Planned", "letrozole (medication)"),
    ]
