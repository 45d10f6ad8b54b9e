"""Form fields read once: a wrong field is InvalidInput naming it."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from api.forms import form_choice, form_integer, validated
from models.errors import InvalidInput
from models.schemas import ReviewDecisionKind


def test_a_whole_number_field_is_read_and_a_blank_one_is_the_default() -> None:
    assert form_integer({"start": " 12 "}, "start") == 12
    assert form_integer({"start": ""}, "start", default=3) == 3
    assert form_integer({}, "start") == 0


@pytest.mark.parametrize("text", ["abc", "1.5", "1e3", "\x00"])
def test_a_field_that_is_not_a_whole_number_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        form_integer({"start": text}, "start")
    assert refused.value.reason == "bad_start"
    assert "start must be a whole number" in refused.value.message


def test_a_choice_outside_its_set_is_refused_with_the_choices() -> None:
    assert form_choice({"decision": "confirm"}, "decision", ReviewDecisionKind) == "confirm"
    with pytest.raises(InvalidInput) as refused:
        form_choice({"decision": "approve"}, "decision", ReviewDecisionKind)
    assert refused.value.message == "decision must be one of: confirm, correct, reject."


def test_a_schema_that_does_not_validate_is_refused_naming_the_field() -> None:
    class Note(BaseModel):
        comment: str = Field(max_length=3)

    assert validated(lambda: Note(comment="ok")).comment == "ok"
    with pytest.raises(InvalidInput) as refused:
        validated(lambda: Note(comment="too long"))
    assert refused.value.message.startswith("comment: ")
    assert refused.value.reason == "invalid_form"
