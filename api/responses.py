"""Answers built from models that were validated when they were made."""

from __future__ import annotations

from fastapi import Response
from fhir.resources.R4B.bundle import Bundle
from pydantic import BaseModel

from api.downloads import content_disposition

FHIR_JSON = "application/fhir+json"
FHIR_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The profile as an mCODE STU4 FHIR R4 Bundle (type collection)",
        "content": {FHIR_JSON: {}},
    }
}


def model_json(model: BaseModel) -> Response:
    """The model as JSON, without FastAPI validating it again against the route's model.

    For the busiest reads: a model is validated when it is built, and checking it a second
    time costs as much as building it (a profile with its evidence, a little more).
    """
    return Response(model.model_dump_json(), media_type="application/json")


def fhir_bundle(bundle: Bundle, filename: str) -> Response:
    """A FHIR bundle as `application/fhir+json`, offered as a file to save."""
    headers = {"Content-Disposition": content_disposition(filename, inline=False)}
    return Response(bundle.model_dump_json(), media_type=FHIR_JSON, headers=headers)
