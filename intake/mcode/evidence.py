"""Link every exported resource to its evidence: the document, the page and the span.

Each uploaded document becomes one DocumentReference. Each fact's resources get one
Provenance whose entity is that document, carrying an extension with the page (from 1), the
character span in that page's text, the snippet, how the fact came to be (stated, derived, OCR,
clinician) and the extractor's confidence. The agents say who stands behind the fact: the
extractor (a Device), and a clinician where one confirmed, corrected or added it.
"""

from __future__ import annotations

from fhir.resources.R4B.attachment import Attachment
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.device import Device, DeviceDeviceName
from fhir.resources.R4B.documentreference import DocumentReference, DocumentReferenceContent
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.provenance import Provenance, ProvenanceAgent, ProvenanceEntity
from fhir.resources.R4B.reference import Reference

from intake.mcode.export import Export, SourceDocument
from models.schemas import Evidence, Fact, Origin

# This system's own extension: FHIR has no element for a span of a document's text.
EVIDENCE_EXTENSION = "urn:oncology-intake:fhir:StructureDefinition:evidence"
_PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
EXTRACTOR_NAME = "oncology-intake record extractor"


def cite(export: Export, targets: list[Reference], fact: Fact) -> None:
    """Add the Provenance that ties `targets` (the fact's resources) to the fact's evidence."""
    agents = [_agent("assembler", "Assembler", _extractor(export))]
    check = export.check_of(fact)
    if fact.origin is Origin.clinician or (check and check.action != "confirmed"):
        agents.append(_agent("author", "Author", Reference(display="Reviewing clinician")))
    if check is not None:
        agents.append(_agent("verifier", "Verifier", Reference(display="Reviewing clinician")))
    export.add(
        Provenance(
            id=export.new_id("provenance"),
            target=targets,
            recorded=export.inputs.generated_at,
            agent=agents,
            entity=[
                ProvenanceEntity(
                    role="source",
                    what=_document(export, fact.evidence),
                    extension=[_evidence_extension(fact)],
                )
            ],
        )
    )


def add_documents(export: Export) -> None:
    """The extractor, then one DocumentReference per uploaded document, cited or not."""
    _extractor(export)
    for source in export.inputs.documents:
        if source.id not in export.documents:
            export.documents[source.id] = export.add(_document_reference(export, source))


def _agent(code: str, display: str, who: Reference) -> ProvenanceAgent:
    kind = Coding(system=_PARTICIPANT_TYPE, code=code, display=display)
    return ProvenanceAgent(type=CodeableConcept(coding=[kind]), who=who)


def _evidence_extension(fact: Fact) -> Extension:
    evidence = fact.evidence
    return Extension(
        url=EVIDENCE_EXTENSION,
        extension=[
            Extension(url="page", valuePositiveInt=evidence.page),
            Extension(url="start", valueUnsignedInt=evidence.start),
            Extension(url="end", valueUnsignedInt=evidence.end),
            Extension(url="snippet", valueString=evidence.snippet or "(no text)"),
            Extension(url="origin", valueCode=fact.origin.value),
            Extension(url="confidence", valueDecimal=fact.confidence),
        ],
    )


def _extractor(export: Export) -> Reference:
    if export.extractor is None:
        device = Device(
            id=export.new_id("device"),
            deviceName=[DeviceDeviceName(name=EXTRACTOR_NAME, type="user-friendly-name")],
        )
        export.extractor = export.add(device)
    return export.extractor


def _document(export: Export, evidence: Evidence) -> Reference:
    """The DocumentReference of the evidence's document, made on first use."""
    if evidence.document_id not in export.documents:
        known = {d.id: d for d in export.inputs.documents}
        source = known.get(evidence.document_id) or SourceDocument(
            id=evidence.document_id, title="Uploaded record"
        )
        export.documents[evidence.document_id] = export.add(_document_reference(export, source))
    return export.documents[evidence.document_id]


def _document_reference(export: Export, source: SourceDocument) -> DocumentReference:
    return DocumentReference(
        id=str(source.id) if source.id else export.new_id("document"),
        status="current",
        subject=export.patient,
        date=source.created,
        content=[
            DocumentReferenceContent(
                attachment=Attachment(
                    contentType=source.content_type, title=source.title, creation=source.created
                )
            )
        ],
    )
