"""codes.yaml: valid, tied to the vocabularies it names, and silent where it knows no code."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from intake.mcode import codes


def test_the_file_loads_with_its_source_and_every_system_it_names():
    table = codes.codes()
    assert "hl7.fhir.us.mcode 4.0.0" in table.source
    for stage in table.other_stages:
        for code in (stage.type, stage.method):
            if code is not None:
                assert codes.system(code.system).startswith("http")


def test_a_system_the_file_does_not_define_is_refused():
    raw = codes.codes().model_dump()
    raw["other_stages"] = [
        {"system": "FIGO", "type": {"system": "nowhere", "code": "1", "display": "x"}}
    ]
    with pytest.raises(ValidationError, match="unknown code systems"):
        codes.CodesFile.model_validate(raw)


def test_each_axis_and_classification_has_its_staging_type():
    for axis in ("group", "t", "n", "m"):
        clinical = codes.stage_type(axis, "clinical")
        pathologic = codes.stage_type(axis, "pathologic")
        other = codes.stage_type(axis, "post-therapy")
        assert len({clinical.code, pathologic.code, other.code}) == 3


def test_lookups_answer_none_where_no_code_is_known():
    assert codes.stage_method(None) is None
    assert codes.stage_method(8) is not None
    assert codes.tnm_value("pT4b") is None
    assert codes.tumour_marker("CD30", None) is None
    assert codes.tumour_marker("PD-L1", "SP263") is None
    assert codes.histology("Phyllodes tumor") is None
    assert codes.metastatic_site("Spleen") is None
    assert codes.family_relation("great-aunt") is None
    assert codes.laterality("bilateral") is None


def test_markers_are_found_by_the_label_facts_carry():
    ki67 = codes.tumour_marker("Ki-67", None)
    assert ki67 is not None and ki67.code == "29593-1"
    ca199 = codes.tumour_marker("CA 19-9", None)
    assert ca199 is not None and ca199.code == "24108-3"
    assert codes.marker_kind("EGFR") == "gene"
    assert codes.marker_kind("ER") == "protein"
