"""The audit trail as people read it: who (email), what, when, which patient (name), subject.

It holds ids and the names of people, never health data; the CSV carries the same columns.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from defusedcsv import csv
from sqlalchemy.orm import Session

from models.repo import audit
from models.schemas import AuditFilter

CSV_COLUMNS = ("when", "actor_email", "action", "patient", "subject_type", "subject_id")


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor_email: str | None
    action: str
    patient_name: str | None
    subject_type: str
    subject_id: str | None


def find_entries(session: Session, where: AuditFilter, *, limit: int = 500) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=event.at,
            actor_email=email,
            action=event.action,
            patient_name=name,
            subject_type=event.subject_type,
            subject_id=event.subject_id,
        )
        for event, email, name in audit.search(session, where, limit=limit)
    ]


def entries_csv(entries: list[AuditEntry]) -> str:
    """The entries as CSV with a header row; times in ISO 8601 UTC. A cell that a spreadsheet
    would run as a formula (a name starting with "=") is written as text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        writer.writerow(
            (
                e.at.isoformat(),
                e.actor_email or "",
                e.action,
                e.patient_name or "",
                e.subject_type,
                e.subject_id or "",
            )
        )
    return out.getvalue()
