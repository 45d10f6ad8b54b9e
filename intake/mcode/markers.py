"""Biomarkers: a TumorMarkerTest per protein, signature or serum marker, a GenomicVariant per
gene result.

A tumour marker test is coded in LOINC where codes.yaml knows the test (ER, PR, HER2, Ki-67,
PD-L1 22C3, MSI, TMB, serum markers), else named in words. Its value is a LOINC answer for
positive or negative, a quantity for a number with its unit ("30%", "612 U/mL"), or the words
as written. A gene result is a variant observation (Genomics Reporting's Variant, which
mCODE's GenomicVariant builds on): present or absent, the gene studied, and the protein and
cDNA changes as HGVS where the record gives them.
"""

from __future__ import annotations

import re

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.quantity import Quantity

from extractors.portal.fhir import VALUE_NOTE
from intake.mcode import codes
from intake.mcode.evidence import cite
from intake.mcode.export import MCODE_BASE, Export, coded, coding, meta
from models.schemas import BiomarkerFact, BiomarkerResult, McodeProfile

_OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
_DIAGNOSTIC_SERVICE = "http://terminology.hl7.org/CodeSystem/v2-0074"
# LOINC codes of the Genomics Reporting IG's Variant profile.
_VARIANT_ASSESSMENT = codes.Code(code="69548-6", display="Genetic variant assessment")
_GENE_STUDIED = codes.Code(code="48018-6", display="Gene studied [ID]")
_PROTEIN_CHANGE = codes.Code(code="48005-3", display="Amino acid change (pHGVS)")
_DNA_CHANGE = codes.Code(code="48004-6", display="DNA change (c.HGVS)")
_PRESENT = frozenset(
    {
        BiomarkerResult.positive,
        BiomarkerResult.detected,
        BiomarkerResult.mutated,
        BiomarkerResult.amplified,
    }
)
_ABSENT = frozenset(
    {
        BiomarkerResult.negative,
        BiomarkerResult.not_detected,
        BiomarkerResult.wild_type,
        BiomarkerResult.not_amplified,
    }
)
_QUANTITY = re.compile(r"^(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>%|[A-Za-z][\w/.]*(?:/\w+)?)?$")


def add_biomarkers(export: Export) -> None:
    for fact in export.inputs.profile.biomarkers:
        observation = (
            _variant(export, fact)
            if codes.marker_kind(fact.marker) == "gene"
            else _tumour_marker(export, fact)
        )
        if observation is not None:
            cite(export, [export.add(observation)], fact)


def _tumour_marker(export: Export, fact: BiomarkerFact) -> Observation | None:
    value = _marker_value(fact)
    if value is None:
        return None
    related = (
        [Extension(url=MCODE_BASE + "mcode-related-condition", valueReference=export.primary)]
        if export.primary
        else None
    )
    return Observation(
        id=export.new_id(f"tumour-marker:{fact.marker}"),
        meta=meta(McodeProfile.tumor_marker_test),
        extension=related,
        status="final",
        category=[_laboratory()],
        code=coded(fact.marker, ("loinc", codes.tumour_marker(fact.marker, fact.method))),
        subject=export.patient,
        method=CodeableConcept(text=fact.method) if fact.method else None,
        **value,
    )


def _marker_value(fact: BiomarkerFact) -> dict[str, object] | None:
    """The observation's value[x]: an answer, a quantity or the words, in that order."""
    words = ", ".join(w for w in (fact.result, fact.value) if w)
    answer = codes.result_answer(fact.result)
    if answer is not None:
        return {
            "valueCodeableConcept": coded(words, ("loinc", answer)),
            "note": _value_note(fact.value),
        }
    quantity = _QUANTITY.match(fact.value or "") if fact.result is None else None
    if quantity is not None:
        unit = quantity["unit"]
        return {"valueQuantity": Quantity(value=float(quantity["number"]), unit=unit)}
    if fact.result:
        return {"valueCodeableConcept": CodeableConcept(text=words)}
    if fact.value:
        return {"valueString": fact.value}
    return None


def _variant(export: Export, fact: BiomarkerFact) -> Observation:
    answers = codes.variant_answers()
    result = fact.result or ""
    answer = None
    if result in _PRESENT:
        answer = answers.present
    elif result in _ABSENT:
        answer = answers.absent
    components = [_component(_GENE_STUDIED, CodeableConcept(text=fact.marker))]
    written = set()
    for text, code in ((fact.variant, _PROTEIN_CHANGE), (fact.value, _DNA_CHANGE)):
        prefix = "p." if code is _PROTEIN_CHANGE else "c."
        if text and _hgvs_part(text).startswith(prefix):
            components.append(_component(code, _hgvs(text)))
            written.add(text)
    words = " ".join(w for w in (fact.result, fact.variant) if w) or None
    return Observation(
        id=export.new_id(f"variant:{fact.marker}:{fact.variant or ''}"),
        meta=meta(McodeProfile.genomic_variant),
        status="final",
        category=[
            _laboratory(),
            CodeableConcept(
                coding=[Coding(system=_DIAGNOSTIC_SERVICE, code="GE", display="Genetics")]
            ),
        ],
        code=coded(None, ("loinc", _VARIANT_ASSESSMENT)),
        subject=export.patient,
        valueCodeableConcept=coded(words, ("loinc", answer)),
        method=CodeableConcept(text=fact.method) if fact.method else None,
        component=components,
        # An allele fraction, a share of nuclei, "germline": kept in words, to be read back.
        note=_value_note(fact.value if fact.value not in written else None),
    )


def _value_note(value: str | None) -> list[Annotation] | None:
    """A value no coded element holds, in words a reader of the bundle can take back."""
    return [Annotation(text=VALUE_NOTE + value)] if value else None


def _component(code: codes.Code, value: CodeableConcept) -> ObservationComponent:
    return ObservationComponent(
        code=CodeableConcept(coding=[coding("loinc", code)]), valueCodeableConcept=value
    )


def _hgvs_part(text: str) -> str:
    """The change after any reference sequence: "NM_005228.4:c.2573T>G" -> "c.2573T>G"."""
    return text.rsplit(":", 1)[-1].strip()


def _hgvs(text: str) -> CodeableConcept:
    """HGVS as written; coded in the HGVS system only when it names its reference sequence,
    as an HGVS expression must."""
    if ":" in text:
        hgvs = Coding(system=codes.system("hgvs"), code=text.strip())
        return CodeableConcept(coding=[hgvs], text=text)
    return CodeableConcept(text=text)


def _laboratory() -> CodeableConcept:
    return CodeableConcept(
        coding=[Coding(system=_OBSERVATION_CATEGORY, code="laboratory", display="Laboratory")]
    )
