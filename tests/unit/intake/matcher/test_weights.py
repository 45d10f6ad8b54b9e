"""How much a fact weighs in matching, by where it came from."""

from __future__ import annotations

import pytest

from intake.matcher.weights import fact_weight
from models.schemas import Origin


@pytest.mark.parametrize("origin", list(Origin))
def test_every_origin_has_a_weight(origin: Origin):
    assert 0 < fact_weight(origin, 0.9, uncertain=False, historical=False) <= 1


def test_a_coded_entry_weighs_as_much_as_a_stated_fact():
    structured = fact_weight(Origin.structured, 0.95, uncertain=False, historical=False)
    stated = fact_weight(Origin.stated, 0.95, uncertain=False, historical=False)
    ocr = fact_weight(Origin.ocr, 0.95, uncertain=False, historical=False)
    assert structured == stated > ocr
