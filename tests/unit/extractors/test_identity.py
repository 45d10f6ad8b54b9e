from __future__ import annotations

import datetime as dt

from extractors.identity import RecordIdentity, extract_identity, identity_differs
from models.schemas import Page, ReadMethod


def _identity(text: str) -> RecordIdentity:
    return extract_identity([Page(number=1, text=text, method=ReadMethod.plain_text)])


def test_name_and_birth_date_are_read_from_the_header():
    record = _identity("SURGICAL PATHOLOGY\nPatient Name: DOE, Jane A\nDOB: 03/14/1961\nMRN: 123")
    assert record == RecordIdentity("DOE Jane A", dt.date(1961, 3, 14))


def test_a_record_without_identity_reads_nothing():
    assert _identity("Invasive ductal carcinoma, grade 2.") == RecordIdentity(None, None)


def test_another_persons_record_differs():
    record = RecordIdentity("SMITH John", dt.date(1950, 1, 1))
    differences = identity_differs(record, full_name="Jane Doe", date_of_birth=dt.date(1961, 3, 14))
    assert differences == ["the name printed on it", "the date of birth printed on it"]


def test_the_same_person_written_differently_does_not_differ():
    record = RecordIdentity("DOE Jane A", dt.date(1961, 3, 14))
    assert identity_differs(record, full_name="Jane Doe", date_of_birth=dt.date(1961, 3, 14)) == []
    assert (
        identity_differs(RecordIdentity(None, None), full_name="Jane Doe", date_of_birth=None) == []
    )


def test_the_record_number_is_read_in_its_usual_spellings():
    for header, number in [
        ("MRN: 00482913", "00482913"),
        ("Medical Record Number: A-1234567", "A-1234567"),
        ("Med Rec #: 123456", "123456"),
        ("MR#: 998877", "998877"),
    ]:
        assert _identity(f"Patient Name: DOE, Jane\n{header}\n").mrn == number, header


def test_a_word_after_mrn_is_no_record_number():
    assert _identity("The MRN is pending; ER positive.").mrn is None
