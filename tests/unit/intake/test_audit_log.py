"""The audit log's CSV: a header row, one row per entry, no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import datetime as dt
import io

from intake.audit_log import CSV_COLUMNS, AuditEntry, entries_csv


def _entry(**changes: object) -> AuditEntry:
    fields: dict[str, object] = {
        "at": dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC),
        "actor_email": "ops@example.org",
        "action": "read",
        "patient_name": "Ann Lee",
        "subject_type": "profile",
        "subject_id": None,
    }
    return AuditEntry(**{**fields, **changes})  # type: ignore[arg-type]


def test_each_entry_is_a_row_under_the_header() -> None:
    rows = list(csv.reader(io.StringIO(entries_csv([_entry(), _entry(actor_email=None)]))))
    assert rows[0] == list(CSV_COLUMNS)
    assert rows[1] == [
        "2026-03-01T09:30:00+00:00",
        "ops@example.org",
        "read",
        "Ann Lee",
        "profile",
        "",
    ]
    assert rows[2][1] == "", "an event without a person (the system) has an empty actor"


def test_a_name_that_looks_like_a_formula_is_written_as_text() -> None:
    rows = list(csv.reader(io.StringIO(entries_csv([_entry(patient_name="=HYPERLINK(1)")]))))
    assert not rows[1][3].startswith("=")
    assert "HYPERLINK(1)" in rows[1][3]
