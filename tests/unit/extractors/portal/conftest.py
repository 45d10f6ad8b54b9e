"""The synthetic portal records of one fictional patient, as FHIR and as C-CDA."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parents[3] / "fixtures" / "portal"


@pytest.fixture(scope="session")
def fhir_bytes() -> bytes:
    return (FIXTURES / "maria-lopez.fhir.json").read_bytes()


@pytest.fixture(scope="session")
def ccda_bytes() -> bytes:
    return (FIXTURES / "maria-lopez.ccda.xml").read_bytes()


@pytest.fixture
def bundle(fhir_bytes: bytes) -> dict[str, Any]:
    """The FHIR bundle as a dictionary each test may change."""
    return copy.deepcopy(json.loads(fhir_bytes))


def resource(bundle: dict[str, Any], resource_id: str) -> dict[str, Any]:
    return next(e["resource"] for e in bundle["entry"] if e["resource"]["id"] == resource_id)


def encoded(bundle: dict[str, Any]) -> bytes:
    return json.dumps(bundle).encode()
