"""Fields of the page forms read once where they enter: a wrong field is InvalidInput (422).

Browsers send every field as text, and anyone can send any text; a value that does not parse
is the sender's mistake, answered with the field it concerns, never a server error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import TypeVar

from pydantic import ValidationError

from models.errors import InvalidInput

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


def form_integer(form: Mapping[str, object], name: str, *, default: int = 0) -> int:
    """The whole number a field holds; a blank or missing field is the default."""
    text = str(form.get(name, "")).strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError as error:
        raise InvalidInput(f"{name} must be a whole number.", reason=f"bad_{name}") from error


def form_choice(form: Mapping[str, object], name: str, choices: type[E]) -> E:
    """The member of a closed set a field names."""
    try:
        return choices(str(form.get(name, "")))
    except ValueError as error:
        allowed = ", ".join(member.value for member in choices)
        raise InvalidInput(f"{name} must be one of: {allowed}.", reason=f"bad_{name}") from error


def validated(build: Callable[[], T], *, reason: str = "invalid_form") -> T:
    """Build a schema from form fields, turning its validation error into InvalidInput."""
    try:
        return build()
    except ValidationError as error:
        raise InvalidInput(describe_invalid(error), reason=reason) from error


def describe_invalid(error: ValidationError) -> str:
    """The first problem of a validation error, with the field it concerns, for a person."""
    first = error.errors(include_url=False, include_input=False)[0]
    field = ".".join(str(part) for part in first["loc"])
    return f"{field}: {first['msg']}" if field else str(first["msg"])
