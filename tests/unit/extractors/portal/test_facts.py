"""Structured records as facts: origin, evidence on the entries page, coded over written."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest

from extractors.extract import extract_facts
from extractors.reader import FileKind, detect_kind, read_document
from intake.profile import assemble_profile
from intake.review import ReviewInputs, flag_for_review
from models.schemas import (
    BiomarkerFact,
    DiagnosisFact,
    Fact,
    FamilyHistoryFact,
    Origin,
    ReadMethod,
    ReviewReason,
    StageFact,
    TreatmentFact,
    TreatmentKind,
    TreatmentStatus,
)
from tests.factories import text_pdf
from tests.unit.extractors.portal.conftest import encoded, resource


def _facts(data: bytes) -> list[Fact]:
    read = read_document(data)
    return extract_facts(read.pages, entries=read.entries).facts


def _structured(data: bytes) -> list[Fact]:
    return [fact for fact in _facts(data) if fact.origin is Origin.structured]


@pytest.fixture(params=["fhir", "ccda"])
def record(request: pytest.FixtureRequest, fhir_bytes: bytes, ccda_bytes: bytes) -> bytes:
    return fhir_bytes if request.param == "fhir" else ccda_bytes


class TestDetection:
    def test_a_bundle_and_a_ccd_are_told_by_content(self, fhir_bytes: bytes, ccda_bytes: bytes):
        assert detect_kind(fhir_bytes) is FileKind.fhir
        assert detect_kind(b"\xef\xbb\xbf  " + fhir_bytes) is FileKind.fhir
        assert detect_kind(ccda_bytes) is FileKind.ccda

    @pytest.mark.parametrize(
        "data",
        [
            b'{"resourceType": "Patient", "id": "x"}',
            b'{"note": "a JSON file that is no FHIR resource"}',
            b"<note><to>an XML file that is no clinical document</to></note>",
            b"Pathology report: the word ClinicalDocument and a Bundle in plain text.",
        ],
    )
    def test_other_json_and_xml_stay_text(self, data: bytes):
        assert detect_kind(data) is FileKind.text


class TestPages:
    def test_the_first_page_lists_the_entries_and_the_rest_is_narrative(self, record: bytes):
        pages = read_document(record).pages
        assert pages[0].method is ReadMethod.structured
        assert "Patient: Maria Lopez" in pages[0].text
        assert all(page.method is ReadMethod.plain_text for page in pages[1:])
        assert any("She continues anastrozole" in page.text for page in pages[1:])
        assert [page.number for page in pages] == list(range(1, len(pages) + 1))

    def test_an_attached_pdf_is_read_as_pages_of_the_record(self, bundle: dict[str, Any]):
        pdf = text_pdf(["Surgical pathology: invasive lobular carcinoma of the right breast."])
        bundle["entry"].append(
            {
                "resource": {
                    "resourceType": "DiagnosticReport",
                    "id": "pathology",
                    "status": "final",
                    "code": {"text": "Surgical pathology report"},
                    "presentedForm": [
                        {"contentType": "application/pdf", "data": base64.b64encode(pdf).decode()}
                    ],
                }
            }
        )
        pages = read_document(encoded(bundle)).pages
        assert pages[-1].method is ReadMethod.text_layer
        assert "invasive lobular carcinoma" in pages[-1].text
        facts = _facts(encoded(bundle))
        assert any(
            isinstance(f, DiagnosisFact) and f.oncotree_code == "ILC" and f.evidence.page == 3
            for f in facts
        )


class TestStructuredFacts:
    def test_every_structured_fact_points_at_its_entry_on_the_first_page(self, record: bytes):
        read = read_document(record)
        facts = _structured(record)
        assert facts
        for fact in facts:
            assert fact.evidence.page == 1
            block = read.pages[0].text[fact.evidence.start : fact.evidence.end]
            assert block.split("\n")[0] in fact.evidence.snippet
            assert fact.confidence >= 0.95

    def test_the_problem_maps_to_oncotree_with_its_onset(self, record: bytes):
        diagnoses = [f for f in _structured(record) if isinstance(f, DiagnosisFact)]
        assert [(d.oncotree_code, d.laterality, d.date) for d in diagnoses] == [
            ("IDC", "left", dt.date(2024, 3, 1))
        ]

    def test_results_are_named_by_loinc_and_valued_as_coded(self, record: bytes):
        markers = {f.marker: f for f in _structured(record) if isinstance(f, BiomarkerFact)}
        assert (markers["ER"].result, markers["ER"].method) == ("positive", "IHC")
        assert markers["HER2"].result == "negative"
        assert markers["Ki-67"].value == "20%"
        assert markers["CEA"].value == "1.8 ng/mL"

    def test_treatments_take_status_and_dates_from_the_entries(self, record: bytes):
        treatments = {f.name: f for f in _structured(record) if isinstance(f, TreatmentFact)}
        assert treatments["anastrozole"].status is TreatmentStatus.current
        assert treatments["doxorubicin"].status is TreatmentStatus.past
        assert treatments["doxorubicin"].end_date == dt.date(2024, 6, 17)
        assert treatments["zoledronic acid"].status is TreatmentStatus.planned
        assert treatments["lumpectomy"].kind is TreatmentKind.surgery
        assert treatments["radiation therapy"].kind is TreatmentKind.radiation
        assert "lisinopril" not in treatments  # not a cancer treatment

    def test_the_coded_stage_and_the_family_history(self, record: bytes):
        facts = _structured(record)
        (stage,) = [f for f in facts if isinstance(f, StageFact)]
        assert (stage.group, stage.t, stage.n, stage.m) == ("IIA", "pT2", "pN0", "cM0")
        assert stage.classification == "pathologic"
        (relative,) = [f for f in facts if isinstance(f, FamilyHistoryFact)]
        assert (relative.relation, relative.oncotree_code, relative.age_at_diagnosis) == (
            "mother",
            "BREAST",
            52,
        )

    def test_a_status_word_in_the_entry_name_does_not_change_the_coded_status(
        self, bundle: dict[str, Any]
    ):
        # "planned" in the words, "completed" in the code: the code decides.
        statement = resource(bundle, "anastrozole")
        statement["medicationCodeableConcept"]["text"] = "anastrozole (planned, not yet started)"
        statement["status"] = "completed"
        (anastrozole,) = [
            f
            for f in _structured(encoded(bundle))
            if isinstance(f, TreatmentFact) and f.name == "anastrozole"
        ]
        assert anastrozole.status is TreatmentStatus.past
        assert not anastrozole.hypothetical

    def test_a_refuted_problem_is_kept_but_not_asserted(self, bundle: dict[str, Any]):
        condition = resource(bundle, "breast-cancer")
        condition["verificationStatus"]["coding"][0]["code"] = "refuted"
        (diagnosis,) = [f for f in _structured(encoded(bundle)) if isinstance(f, DiagnosisFact)]
        assert diagnosis.negated and not diagnosis.asserted


class TestMeetingTheNarrative:
    def test_agreement_raises_confidence(self, fhir_bytes: bytes):
        profile = assemble_profile(_facts(fhir_bytes))
        er = next(b for b in profile.biomarkers if b.marker == "ER")
        assert er.result == "positive"
        assert er.confidence > 0.95
        assert profile.diagnoses[0].confidence > 0.95

    def test_a_narrative_that_contradicts_a_coded_result_is_flagged_not_picked(
        self, bundle: dict[str, Any]
    ):
        note = resource(bundle, "progress-note")["content"][0]["attachment"]
        text = base64.b64decode(note["data"]).decode()
        note["data"] = base64.b64encode(
            text.replace("HER2 negative (IHC 1+)", "HER2 positive (IHC 3+)").encode()
        ).decode()
        facts = _facts(encoded(bundle))
        profile = assemble_profile(facts)
        her2 = next(b for b in profile.biomarkers if b.marker == "HER2")
        assert (her2.result, her2.origin) == ("negative", Origin.structured)
        flags = flag_for_review(profile, ReviewInputs(facts=facts))
        assert ReviewReason.conflicting_biomarker in [flag.reason for flag in flags]

    def test_a_narrative_that_says_a_completed_drug_is_still_taken_is_not_picked(
        self, bundle: dict[str, Any]
    ):
        resource(bundle, "anastrozole")["status"] = "completed"
        profile = assemble_profile(_facts(encoded(bundle)))
        anastrozole = next(t for t in profile.treatments if t.name == "anastrozole")
        assert (anastrozole.status, anastrozole.origin) == (TreatmentStatus.past, Origin.structured)


class TestCodedOverWords:
    def _variant(self, value: dict[str, Any], change: str | None) -> dict[str, Any]:
        from tests.unit.extractors.portal.test_fhir import _genomic

        return _genomic("IDH1", value, change)

    def test_a_variant_coded_absent_is_never_read_as_a_mutation(self, bundle: dict[str, Any]):
        absent = {
            "coding": [{"system": "http://loinc.org", "code": "LA9634-2", "display": "Absent"}],
            "text": "not detected p.R132H",
        }
        bundle["entry"].append({"resource": self._variant(absent, "p.R132H")})
        (idh1,) = [
            f
            for f in _structured(encoded(bundle))
            if isinstance(f, BiomarkerFact) and f.marker == "IDH1"
        ]
        assert (idh1.result, idh1.variant) == ("not detected", "p.R132H")

    def test_a_gene_that_is_also_a_word_is_read_by_its_symbol(self, bundle: dict[str, Any]):
        from tests.unit.extractors.portal.test_fhir import _genomic

        present = {"coding": [{"system": "http://loinc.org", "code": "LA9633-4"}]}
        bundle["entry"].append({"resource": _genomic("ATM", present, "p.E1978*")})
        (atm,) = [
            f
            for f in _structured(encoded(bundle))
            if isinstance(f, BiomarkerFact) and f.marker == "ATM"
        ]
        assert (atm.result, atm.variant) == ("detected", "p.E1978*")

    def test_an_oncotree_code_names_the_type_over_the_words(self, bundle: dict[str, Any]):
        condition = resource(bundle, "breast-cancer")
        condition["code"] = {
            "coding": [{"system": "http://oncotree.mskcc.org", "code": "DCIS"}],
            "text": "Breast Ductal Carcinoma In Situ",
        }
        codes = [
            f.oncotree_code for f in _structured(encoded(bundle)) if isinstance(f, DiagnosisFact)
        ]
        assert codes == ["DCIS"]

    def test_an_oncotree_code_the_words_do_not_name_still_gives_the_type(
        self, bundle: dict[str, Any]
    ):
        condition = resource(bundle, "breast-cancer")
        condition["code"] = {
            "coding": [{"system": "http://oncotree.mskcc.org", "code": "SKIN"}],
            "text": "Skin",
        }
        codes = [
            f.oncotree_code for f in _structured(encoded(bundle)) if isinstance(f, DiagnosisFact)
        ]
        assert codes == ["SKIN"]

    def test_coded_tnm_categories_stand_as_coded(self, bundle: dict[str, Any]):
        stage_group = resource(bundle, "stage-group")
        stage_group["hasMember"] = [{"reference": "Observation/stage-t"}]
        resource(bundle, "stage-t")["valueCodeableConcept"] = {"text": "T1c"}
        (stage,) = [f for f in _structured(encoded(bundle)) if isinstance(f, StageFact)]
        assert (stage.group, stage.t, stage.classification) == ("IIA", "T1c", "pathologic")

    def test_a_stain_named_by_its_label_is_read_with_its_coded_result(self, bundle: dict[str, Any]):
        # "SMA" in running text may be the superior mesenteric artery; as the name of a coded
        # result it is the smooth muscle actin stain.
        from tests.unit.extractors.portal.test_fhir import _observation

        stain = _observation("sma", {"text": "SMA"}, "positive")
        bundle["entry"].append({"resource": stain})
        results = {
            (f.marker, f.result)
            for f in _structured(encoded(bundle))
            if isinstance(f, BiomarkerFact)
        }
        assert ("SMA", "positive") in results

    def test_a_coded_grade_group_is_a_gleason_stage(self, bundle: dict[str, Any]):
        condition = resource(bundle, "breast-cancer")
        condition["code"] = {"text": "Adenocarcinoma of prostate"}
        from tests.unit.extractors.portal.test_fhir import SNOMED, _observation

        grade = _observation("gleason", {"coding": [{"system": SNOMED, "code": "385377005"}]}, "3")
        bundle["entry"].append({"resource": grade})
        stages = {
            (f.system, f.group) for f in _structured(encoded(bundle)) if isinstance(f, StageFact)
        }
        assert ("Gleason", "3") in stages
