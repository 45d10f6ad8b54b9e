from __future__ import annotations

import pytest

from intake.matcher.profile_facts import read_stage
from models.schemas import Evidence, StageFact

EVIDENCE = Evidence(page=1, start=0, end=1, snippet="x")


@pytest.mark.parametrize(
    ("group", "numeral"),
    [("IIIA", "III"), ("IB1", "I"), ("IV", "IV"), ("0is", "0"), ("0a", "0")],
)
def test_the_stage_is_read_by_its_leading_numeral(group: str, numeral: str) -> None:
    stage = read_stage(StageFact(group=group, evidence=EVIDENCE, confidence=0.9), [])
    assert stage is not None
    assert stage.numeral == numeral
