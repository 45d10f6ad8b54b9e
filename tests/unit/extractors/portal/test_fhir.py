"""Reading a FHIR R4 bundle into entries: what each resource gives, and what is left out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from extractors.portal import read_fhir_bundle
from extractors.portal.entries import EntryKind
from models.errors import UnreadableDocument
from models.schemas import RecordRefusal, TreatmentStatus
from tests.factories import deep_bundle, wide_bundle
from tests.unit.extractors.portal.conftest import encoded, resource


def _of(kind: EntryKind, data: bytes) -> list[Any]:
    return [entry for entry in read_fhir_bundle(data).entries if entry.kind is kind]


def test_the_patient_is_read_from_the_patient_resource(fhir_bytes: bytes):
    record = read_fhir_bundle(fhir_bytes)
    assert record.patient_name == "Maria Lopez"
    assert record.birth_date == dt.date(1968, 4, 12)


def test_a_condition_keeps_its_codes_onset_and_mcode_histology(fhir_bytes: bytes):
    problem = _of(EntryKind.problem, fhir_bytes)[0]
    assert problem.text == "Infiltrating ductal carcinoma of left breast"
    assert problem.codes_of("icd10") == ["C50.412"]
    assert problem.codes_of("snomed") == ["408643008"]
    assert problem.start == dt.date(2024, 3, 1)
    assert any(detail.startswith("Histology: Adenocarcinoma") for detail in problem.details)
    assert not (problem.negated or problem.uncertain or problem.historical)


@pytest.mark.parametrize(
    ("clinical", "verification", "flag"),
    [
        ("active", "refuted", "negated"),
        ("active", "provisional", "uncertain"),
        ("resolved", "confirmed", "historical"),
    ],
)
def test_condition_statuses_set_the_context_flags(
    bundle: dict[str, Any], clinical: str, verification: str, flag: str
):
    condition = resource(bundle, "breast-cancer")
    condition["clinicalStatus"]["coding"][0]["code"] = clinical
    condition["verificationStatus"]["coding"][0]["code"] = verification
    problem = _of(EntryKind.problem, encoded(bundle))[0]
    assert getattr(problem, flag)


def test_a_condition_entered_in_error_is_not_read(bundle: dict[str, Any]):
    resource(bundle, "breast-cancer")["verificationStatus"]["coding"][0]["code"] = (
        "entered-in-error"
    )
    texts = [entry.text for entry in _of(EntryKind.problem, encoded(bundle))]
    assert texts == ["Essential hypertension"]


def test_a_stage_group_gathers_its_members_and_method(fhir_bytes: bytes):
    (stage,) = _of(EntryKind.stage, fhir_bytes)
    assert (stage.value_text, stage.t, stage.n, stage.m) == ("IIA", "pT2", "pN0", "cM0")
    assert stage.classification == "pathologic"
    assert stage.edition == 8
    # The members are read as the group's, not again as results of their own.
    assert not any("Primary tumor" in e.text for e in _of(EntryKind.result, fhir_bytes))


def test_results_keep_coded_and_measured_values(fhir_bytes: bytes):
    results = {entry.codings[0].code: entry for entry in _of(EntryKind.result, fhir_bytes)}
    assert results["85337-4"].value_codings[0].code == "10828004"
    assert results["29593-1"].value_text == "20 %"
    assert results["2039-6"].value_text == "1.8 ng/mL"


@pytest.mark.parametrize(
    ("resource_id", "status", "expected"),
    [
        ("anastrozole", "active", TreatmentStatus.current),
        ("anastrozole", "completed", TreatmentStatus.past),
        ("anastrozole", "intended", TreatmentStatus.planned),
        ("anastrozole", "stopped", TreatmentStatus.stopped),
        ("doxorubicin", "in-progress", TreatmentStatus.current),
        ("cyclophosphamide", "cancelled", TreatmentStatus.stopped),
    ],
)
def test_a_medication_status_comes_from_the_resource_status(
    bundle: dict[str, Any], resource_id: str, status: str, expected: TreatmentStatus
):
    resource(bundle, resource_id)["status"] = status
    medications = {e.codings[0].code: e for e in _of(EntryKind.medication, encoded(bundle))}
    code = resource(bundle, resource_id)["medicationCodeableConcept"]["coding"][0]["code"]
    assert medications[code].status is expected


def test_a_request_with_a_planning_intent_is_planned(fhir_bytes: bytes):
    medications = {e.text: e for e in _of(EntryKind.medication, fhir_bytes)}
    assert medications["zoledronic acid"].status is TreatmentStatus.planned
    assert medications["doxorubicin"].start == dt.date(2024, 4, 15)
    assert medications["doxorubicin"].end == dt.date(2024, 6, 17)


def test_a_medication_not_taken_is_negated(bundle: dict[str, Any]):
    resource(bundle, "anastrozole")["status"] = "not-taken"
    anastrozole = next(
        e for e in _of(EntryKind.medication, encoded(bundle)) if "anastrozole" in e.text
    )
    assert anastrozole.negated


def test_a_medication_named_by_reference_is_read_from_the_medication(bundle: dict[str, Any]):
    statement = resource(bundle, "anastrozole")
    concept = statement.pop("medicationCodeableConcept")
    statement["medicationReference"] = {"reference": "Medication/anastrozole-tablet"}
    bundle["entry"].append(
        {"resource": {"resourceType": "Medication", "id": "anastrozole-tablet", "code": concept}}
    )
    texts = [e.text for e in _of(EntryKind.medication, encoded(bundle))]
    assert "anastrozole 1 MG Oral Tablet" in texts


def test_family_history_keeps_relation_and_onset_age(fhir_bytes: bytes):
    (relative,) = _of(EntryKind.family_history, fhir_bytes)
    assert (relative.relation, relative.text, relative.age_at_onset) == (
        "mother",
        "Breast cancer",
        52,
    )


def test_attachments_and_narrative_are_kept_as_documents(bundle: dict[str, Any]):
    bundle["entry"].append(
        {
            "resource": {
                "resourceType": "Composition",
                "id": "summary",
                "status": "final",
                "type": {"text": "Summary"},
                "date": "2024-09-10",
                "author": [{"display": "Clinic"}],
                "title": "Visit summary",
                "section": [
                    {
                        "title": "Assessment",
                        "text": {
                            "status": "generated",
                            "div": '<div xmlns="http://www.w3.org/1999/xhtml">'
                            "<p>ER <b>positive</b>.</p></div>",
                        },
                    }
                ],
            }
        }
    )
    record = read_fhir_bundle(encoded(bundle))
    assert [a.content_type for a in record.attachments] == ["text/plain"]
    assert b"Oncology progress note" in record.attachments[0].data
    assert [(n.title, n.text) for n in record.narratives] == [("Assessment", "ER positive.")]


def test_a_resource_that_breaks_the_standard_is_left_out_and_counted(bundle: dict[str, Any]):
    resource(bundle, "her2")["effectiveDateTime"] = {"not": "a date"}
    record = read_fhir_bundle(encoded(bundle))
    assert record.skipped == 1
    assert not any(e.codings and e.codings[0].code == "85319-2" for e in record.entries)
    assert any(e.codings and e.codings[0].code == "85337-4" for e in record.entries)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"resourceType": "Bundle", "entry": [', RecordRefusal.broken_record),
        (
            b'{"resourceType": "Patient", "id": "x", "contained": [{"resourceType": "Bundle"}]}',
            RecordRefusal.not_a_bundle,
        ),
        (b'{"resourceType": "Bundle", "entry": {"resource": 1}}', RecordRefusal.broken_record),
        (deep_bundle(5000), RecordRefusal.too_deeply_nested),
        (deep_bundle(200), RecordRefusal.too_deeply_nested),
    ],
)
def test_bad_bundles_are_refused_with_a_reason(data: bytes, reason: RecordRefusal):
    with pytest.raises(UnreadableDocument) as refused:
        read_fhir_bundle(data)
    assert refused.value.reason == reason


def test_a_bundle_of_too_many_entries_is_refused(monkeypatch: pytest.MonkeyPatch):
    from extractors.portal import bounds

    monkeypatch.setattr(bounds, "MAX_ENTRIES", 3)
    data = wide_bundle(4)
    with pytest.raises(UnreadableDocument) as refused:
        read_fhir_bundle(data)
    assert refused.value.reason == RecordRefusal.too_many_entries


def _genomic(gene: str, value: dict[str, Any], change: str | None = None) -> dict[str, Any]:
    components = [
        {
            "code": {"coding": [{"system": "http://loinc.org", "code": "48018-6"}]},
            "valueCodeableConcept": {"text": gene},
        }
    ]
    if change:
        components.append(
            {
                "code": {"coding": [{"system": "http://loinc.org", "code": "48005-3"}]},
                "valueCodeableConcept": {"text": change},
            }
        )
    return {
        "resourceType": "Observation",
        "id": f"variant-{gene}",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "69548-6"}]},
        "valueCodeableConcept": value,
        "component": components,
    }


def test_a_genomic_finding_is_named_by_its_gene_and_variant(bundle: dict[str, Any]):
    absent = {"coding": [{"system": "http://loinc.org", "code": "LA9634-2"}], "text": "Absent"}
    bundle["entry"].append({"resource": _genomic("IDH1", absent, "p.R132H")})
    (finding,) = [e for e in _of(EntryKind.result, encoded(bundle)) if e.text == "IDH1"]
    assert (finding.variant, finding.value_text) == ("p.R132H", "Absent")


def test_a_stage_of_another_system_is_read_from_the_conditions_assessment(
    bundle: dict[str, Any],
):
    figo = {
        "resourceType": "Observation",
        "id": "figo",
        "status": "final",
        "code": {"text": "FIGO stage"},
        "valueCodeableConcept": {"text": "IIIC1r"},
        "method": {"text": "FIGO"},
    }
    bundle["entry"].append({"resource": figo})
    resource(bundle, "breast-cancer")["stage"] = [
        {"summary": {"text": "FIGO IIIC1r"}, "assessment": [{"reference": "Observation/figo"}]}
    ]
    stages = _of(EntryKind.stage, encoded(bundle))
    assert ("FIGO", "IIIC1r") in [(s.system, s.value_text) for s in stages]
    # Read once, as the stage it is, not again as a result.
    assert not any(e.text == "FIGO stage" for e in _of(EntryKind.result, encoded(bundle)))


def _observation(name: str, code: dict[str, Any], value: str, **more: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": name,
        "status": "final",
        "code": code,
        "valueCodeableConcept": {"text": value},
        **more,
    }


SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"


def test_a_stage_of_another_system_no_condition_points_to_is_read_by_its_code(
    bundle: dict[str, Any],
):
    iss = _observation(
        "iss",
        {"text": "Myeloma stage"},
        "II",
        method={"coding": [{"system": SNOMED, "code": "1149162008"}]},
    )
    gleason = _observation("gleason", {"coding": [{"system": SNOMED, "code": "385377005"}]}, "3")
    bundle["entry"] += [{"resource": iss}, {"resource": gleason}]
    stages = _of(EntryKind.stage, encoded(bundle))
    assert {("ISS", "II"), ("Gleason", "3")} <= {(s.system, s.value_text) for s in stages}
    results = _of(EntryKind.result, encoded(bundle))
    assert not any(e.text in ("Myeloma stage", "3") for e in results), "not read as results"


def test_tnm_categories_with_no_stage_group_are_read_as_one_stage(bundle: dict[str, Any]):
    day = {"effectiveDateTime": "2025-03-02"}
    bundle["entry"] += [
        {
            "resource": _observation(
                "t", {"coding": [{"system": LOINC, "code": "21899-0"}]}, "pT1b", **day
            )
        },
        {
            "resource": _observation(
                "n", {"coding": [{"system": LOINC, "code": "21900-6"}]}, "pN0(sn)", **day
            )
        },
        # A clinical T of another day is another stage, not a part of this one.
        {"resource": _observation("ct", {"coding": [{"system": LOINC, "code": "21905-5"}]}, "cT2")},
    ]
    stages = [s for s in _of(EntryKind.stage, encoded(bundle)) if s.value_text is None]
    read = {(s.classification, s.t, s.n, s.m, s.start) for s in stages}
    assert ("pathologic", "pT1b", "pN0(sn)", None, dt.date(2025, 3, 2)) in read
    assert ("clinical", "cT2", None, None, None) in read
