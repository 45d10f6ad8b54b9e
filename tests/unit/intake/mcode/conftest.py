"""Bundles of the synthetic record corpus, and helpers to look resources up in them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fhir.resources.R4B.bundle import Bundle

from extractors.extract import extract_facts
from extractors.reader import read_pages
from intake.mcode import ExportInput, PatientDetails, SourceDocument, profile_bundle
from intake.profile import assemble_profile
from models.schemas import FactCheck, McodeProfile, Profile

RECORDS = Path(__file__).resolve().parents[4] / "tests" / "records"
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
DOCUMENT_ID = uuid.UUID("00000000-0000-4000-8000-00000000d0c1")


def profile_of_record(path: Path) -> Profile:
    text = yaml.safe_load(path.read_text())["text"]
    facts = extract_facts(read_pages(text.encode())).facts
    # As stored: every fact read from the one uploaded document.
    return assemble_profile([_from_document(f) for f in facts])


def _from_document(fact: Any) -> Any:
    evidence = fact.evidence.model_copy(update={"document_id": DOCUMENT_ID})
    return fact.model_copy(update={"evidence": evidence})


def export(profile: Profile, checked: list[FactCheck] | None = None, **patient: Any) -> Bundle:
    """The profile's bundle, as the API makes it for a patient with one uploaded document."""
    return profile_bundle(
        ExportInput(
            profile=profile,
            patient=PatientDetails(id=uuid.UUID(int=7), **patient),
            generated_at=NOW,
            documents=[
                SourceDocument(id=DOCUMENT_ID, title="report.pdf", content_type="application/pdf")
            ],
            checked=checked or [],
        )
    )


def resources(bundle: Bundle) -> Iterator[Any]:
    for entry in bundle.entry or []:
        yield entry.resource


def with_profile(bundle: Bundle, profile: McodeProfile) -> list[Any]:
    """The bundle's resources that claim an mCODE profile."""
    url = MCODE + profile.value
    return [r for r in resources(bundle) if r.meta and url in (r.meta.profile or [])]


def of_type(bundle: Bundle, resource_type: str) -> list[Any]:
    return [r for r in resources(bundle) if r.get_resource_type() == resource_type]


def resolve(bundle: Bundle, reference: Any) -> Any:
    """The resource a `urn:uuid:` reference names; fails the test when nothing has that URL."""
    found = {e.fullUrl: e.resource for e in bundle.entry or []}
    assert reference.reference in found, f"{reference.reference} is not in the bundle"
    return found[reference.reference]


def claims(resource: Any, profile: McodeProfile) -> bool:
    return bool(resource.meta) and MCODE + profile.value in (resource.meta.profile or [])


@pytest.fixture(scope="session")
def corpus_bundles() -> dict[str, Bundle]:
    """Every record of the corpus, extracted and exported."""
    return {path.stem: export(profile_of_record(path)) for path in sorted(RECORDS.glob("*.yaml"))}


@pytest.fixture(scope="session")
def by_profile(corpus_bundles: dict[str, Bundle]) -> Callable[[McodeProfile], list[Any]]:
    """Every resource of the corpus's bundles that claims a profile, with its bundle."""

    def find(profile: McodeProfile) -> list[Any]:
        found = [(b, r) for b in corpus_bundles.values() for r in with_profile(b, profile)]
        assert found, f"no record of the corpus gave a {profile.value}"
        return found

    return find
