"""Answers built from models that were validated when they were made."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def model_json(model: BaseModel) -> Response:
    """The model as JSON, without FastAPI validating it again against the route's model.

    For the busiest reads: a model is validated when it is built, and checking it a second
    time costs as much as building it (a profile with its evidence, a little more).
    """
    return Response(model.model_dump_json(), media_type="application/json")
