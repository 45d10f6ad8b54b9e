"""The bundle as a whole: it parses, it is an mCODE patient bundle, every reference resolves,
and every resource made from a fact is tied to its evidence."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.bundle import Bundle

from intake.mcode.evidence import EVIDENCE_EXTENSION
from models.schemas import McodeProfile
from tests.unit.intake.mcode.conftest import (
    DOCUMENT_ID,
    NOW,
    RECORDS,
    export,
    of_type,
    profile_of_record,
    resolve,
    resources,
    with_profile,
)

# Resources that stand for no fact of their own: who, what was read, and who read it.
_NOT_FACTS = {"Patient", "Device", "DocumentReference", "Provenance"}


def _references(value: Any) -> list[Any]:
    """Every Reference inside a resource, however deep."""
    found: list[Any] = []
    if isinstance(value, list):
        for item in value:
            found += _references(item)
    elif hasattr(type(value), "model_fields"):
        if type(value).__name__ == "Reference" and value.reference:
            found.append(value)
        for name in type(value).model_fields:
            found += _references(getattr(value, name))
    return found


def test_every_corpus_bundle_parses_again_with_fhir_resources(corpus_bundles):
    assert len(corpus_bundles) >= 60
    for name, bundle in corpus_bundles.items():
        again = Bundle.model_validate_json(bundle.model_dump_json())
        assert again.type == "collection", name
        assert [e.fullUrl for e in again.entry] == [e.fullUrl for e in bundle.entry], name


def test_every_bundle_is_an_mcode_patient_bundle_with_one_cancer_patient(corpus_bundles):
    # SD_Bundle.fsh: type = #collection, entry 1..*, the cancerPatient slice 1..1, timestamp MS.
    for name, bundle in corpus_bundles.items():
        assert bundle.meta.profile == [
            "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-patient-bundle"
        ]
        assert bundle.timestamp == NOW
        assert len(with_profile(bundle, McodeProfile.cancer_patient)) == 1, name
        assert len(of_type(bundle, "Patient")) == 1, name


def test_every_reference_resolves_inside_the_bundle(corpus_bundles):
    for bundle in corpus_bundles.values():
        for resource in resources(bundle):
            for reference in _references(resource):
                resolve(bundle, reference)


def test_every_fact_resource_has_a_provenance_naming_its_document_and_span(corpus_bundles):
    for name, bundle in corpus_bundles.items():
        provenances = of_type(bundle, "Provenance")
        cited = {t.reference for p in provenances for t in p.target}
        for entry in bundle.entry:
            if entry.resource.get_resource_type() not in _NOT_FACTS:
                assert entry.fullUrl in cited, (name, entry.resource.get_resource_type())
        for provenance in provenances:
            (entity,) = provenance.entity
            document = resolve(bundle, entity.what)
            assert document.get_resource_type() == "DocumentReference"
            assert document.id == str(DOCUMENT_ID)
            (span,) = [e for e in entity.extension if e.url == EVIDENCE_EXTENSION]
            parts = {e.url: e for e in span.extension}
            assert parts["page"].valuePositiveInt >= 1
            assert parts["start"].valueUnsignedInt <= parts["end"].valueUnsignedInt
            assert parts["snippet"].valueString


def test_the_span_is_the_facts_own_evidence():
    profile = profile_of_record(RECORDS / "breast-pathology-01.yaml")
    er = next(b for b in profile.biomarkers if b.marker == "ER")
    bundle = export(profile)
    (test,) = [
        r for r in with_profile(bundle, McodeProfile.tumor_marker_test) if r.code.text == "ER"
    ]
    (provenance,) = [
        p for p in of_type(bundle, "Provenance") if p.target[0].reference == f"urn:uuid:{test.id}"
    ]
    parts = {e.url: e for e in provenance.entity[0].extension[0].extension}
    assert parts["page"].valuePositiveInt == er.evidence.page
    assert (parts["start"].valueUnsignedInt, parts["end"].valueUnsignedInt) == (
        er.evidence.start,
        er.evidence.end,
    )
    assert parts["snippet"].valueString == er.evidence.snippet


def test_the_same_profile_gives_the_same_bundle():
    profile = profile_of_record(RECORDS / "lung-radiation_note-01.yaml")
    assert export(profile).model_dump_json() == export(profile).model_dump_json()


def test_every_uploaded_document_has_a_document_reference_even_with_no_facts():
    from models.schemas import Profile

    (document,) = of_type(export(Profile()), "DocumentReference")
    assert document.id == str(DOCUMENT_ID)
    assert document.status == "current"
    assert document.content[0].attachment.title == "report.pdf"
    assert document.content[0].attachment.contentType == "application/pdf"
