"""Reading a C-CDA document into entries, and refusing hostile or damaged XML."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.portal import read_ccda
from extractors.portal.entries import EntryKind
from models.errors import UnreadableDocument
from models.schemas import RecordRefusal, TreatmentStatus
from tests.factories import billion_laughs_ccda, external_entity_ccda


def test_the_patient_is_read_from_the_record_target(ccda_bytes: bytes):
    record = read_ccda(ccda_bytes)
    assert (record.patient_name, record.birth_date) == ("Maria Lopez", dt.date(1968, 4, 12))


def test_a_problem_takes_its_words_from_the_narrative_it_references(ccda_bytes: bytes):
    problems = [e for e in read_ccda(ccda_bytes).entries if e.kind is EntryKind.problem]
    assert [p.text for p in problems] == [
        "Infiltrating ductal carcinoma of left breast",
        "Essential hypertension",
    ]
    assert problems[0].codes_of("icd10") == ["C50.412"]
    assert problems[0].start == dt.date(2024, 3, 1)


def test_medication_status_comes_from_status_code_and_mood(ccda_bytes: bytes):
    medications = {
        e.codings[0].code: e
        for e in read_ccda(ccda_bytes).entries
        if e.kind is EntryKind.medication
    }
    assert medications["199224"].status is TreatmentStatus.current
    assert medications["3639"].status is TreatmentStatus.past
    assert medications["3639"].end == dt.date(2024, 6, 17)
    # An intended administration in the plan of treatment is planned, whatever its statusCode.
    assert medications["77655"].status is TreatmentStatus.planned


def test_results_stage_procedures_and_family_are_read(ccda_bytes: bytes):
    entries = read_ccda(ccda_bytes).entries
    results = {e.codings[0].code: e for e in entries if e.kind is EntryKind.result}
    assert results["85339-0"].value_codings[0].code == "10828004"
    assert results["29593-1"].value_text == "20 %"
    (stage,) = [e for e in entries if e.kind is EntryKind.stage]
    assert (stage.value_text, stage.t, stage.n, stage.m) == ("IIA", "pT2", "pN0", "cM0")
    assert stage.classification == "pathologic"
    procedures = [e for e in entries if e.kind is EntryKind.procedure]
    assert [p.status for p in procedures] == [TreatmentStatus.past, TreatmentStatus.past]
    (relative,) = [e for e in entries if e.kind is EntryKind.family_history]
    assert (relative.relation, relative.age_at_onset) == ("mother", 52)


def test_every_section_narrative_is_kept(ccda_bytes: bytes):
    narratives = {n.title: n.text for n in read_ccda(ccda_bytes).narratives}
    assert "HER2 by IHC | Negative | 2024-03-25" in narratives["Results"]
    assert "She continues anastrozole" in narratives["Oncology Progress Note"]


def test_a_negated_problem_is_negated(ccda_bytes: bytes):
    data = ccda_bytes.replace(
        b'<observation classCode="OBS" moodCode="EVN">\n                  <templateId root='
        b'"2.16.840.1.113883.10.20.22.4.4"',
        b'<observation classCode="OBS" moodCode="EVN" negationInd="true">\n'
        b'                  <templateId root="2.16.840.1.113883.10.20.22.4.4"',
    )
    assert data != ccda_bytes
    problem = next(e for e in read_ccda(data).entries if e.kind is EntryKind.problem)
    assert problem.negated


EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE ClinicalDocument SYSTEM "http://127.0.0.1:9/cda.dtd">
<ClinicalDocument xmlns="urn:hl7-org:v3"><title>x</title></ClinicalDocument>
"""


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (billion_laughs_ccda(), RecordRefusal.unsafe_xml),
        (external_entity_ccda(), RecordRefusal.unsafe_xml),
        (EXTERNAL_DTD, RecordRefusal.unsafe_xml),
        (b'<ClinicalDocument xmlns="urn:hl7-org:v3"><title>', RecordRefusal.broken_record),
        (
            b'<ClinicalDocument xmlns="urn:hl7-org:v3">'
            + b"<a>" * 500
            + b"</a>" * 500
            + b"</ClinicalDocument>",
            RecordRefusal.too_deeply_nested,
        ),
    ],
    ids=["billion-laughs", "external-entity", "external-dtd", "not-well-formed", "too-deep"],
)
def test_hostile_and_damaged_xml_is_refused_with_a_reason(data: bytes, reason: RecordRefusal):
    with pytest.raises(UnreadableDocument) as refused:
        read_ccda(data)
    assert refused.value.reason == reason


def test_a_document_of_too_many_entries_is_refused(
    ccda_bytes: bytes, monkeypatch: pytest.MonkeyPatch
):
    from extractors.portal import bounds

    monkeypatch.setattr(bounds, "MAX_ENTRIES", 5)
    with pytest.raises(UnreadableDocument) as refused:
        read_ccda(ccda_bytes)
    assert refused.value.reason == RecordRefusal.too_many_entries
