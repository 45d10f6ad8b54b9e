"""Read a FHIR R4 Bundle (a patient-access export, a phone health app's file, an mCODE bundle).

Each resource is validated on its own with `fhir.resources` (its R4B models, which read R4
content): one resource that breaks the standard is left out and counted, the rest is read.

Read: Patient (name, birthDate); Condition (code, clinicalStatus, verificationStatus, onset,
bodySite, mCODE histology-morphology-behavior extension); Observation (code, value[x],
effective, method, hasMember: tumour markers by LOINC, TNM stage groups with their T, N and M
members); MedicationStatement, MedicationRequest, MedicationAdministration (medication, status,
intent, dates); Procedure (code, status, performed, bodySite); FamilyMemberHistory
(relationship, condition with onset age); DocumentReference and DiagnosticReport attachments
(presentedForm), Composition section narrative, Binary.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from pydantic import ValidationError

from extractors.portal import bounds
from extractors.portal.codes import code_meaning, parse_date, short_system
from extractors.portal.entries import (
    Attachment,
    Coding,
    Entry,
    EntryKind,
    Narrative,
    PortalRecord,
    RecordFormat,
)
from extractors.portal.markup import xhtml_text
from models.errors import UnreadableDocument
from models.schemas import RecordRefusal, TreatmentStatus

# FHIR status codes by the treatment status they mean; statuses left out (entered-in-error,
# unknown, draft of a request) are not read as a treatment at all.
_MEDICATION_STATUSES = {
    "active": TreatmentStatus.current,
    "in-progress": TreatmentStatus.current,
    "completed": TreatmentStatus.past,
    "stopped": TreatmentStatus.stopped,
    "on-hold": TreatmentStatus.stopped,
    "cancelled": TreatmentStatus.stopped,
    "intended": TreatmentStatus.planned,
    "preparation": TreatmentStatus.planned,
    "draft": TreatmentStatus.planned,
    "not-taken": TreatmentStatus.mentioned,
    "not-done": TreatmentStatus.mentioned,
}
_NOT_GIVEN = frozenset({"not-taken", "not-done"})
# A request's intent: a plan or a proposal is planned, whatever its status.
_PLANNING_INTENTS = frozenset({"proposal", "plan"})
_RESOLVED = frozenset({"inactive", "resolved", "remission"})
_UNSURE = frozenset({"unconfirmed", "provisional", "differential"})
_HISTOLOGY_EXTENSION = "histology-morphology-behavior"
# LOINC components of a genomic finding (HL7 Genomics Reporting, mCODE GenomicVariant).
_GENE_STUDIED = "48018-6"
_VARIANT_PRIORITY = ("48005-3", "48004-6")  # amino acid change (pHGVS), DNA change (cHGVS)
# A result's value as written, when its coded value cannot hold it (an mCODE export's note).
VALUE_NOTE = "Value as written: "
_READ_TYPES = frozenset(
    {
        "Patient",
        "Condition",
        "Observation",
        "MedicationStatement",
        "MedicationRequest",
        "MedicationAdministration",
        "Medication",
        "Procedure",
        "FamilyMemberHistory",
        "DocumentReference",
        "DiagnosticReport",
        "Composition",
        "Binary",
    }
)
_TEXT_TYPES = ("text/plain", "text/html", "application/xhtml", "application/pdf", "text/xml")


def read_fhir_bundle(data: bytes) -> PortalRecord:
    """Read a Bundle's entries; refuse what is not a Bundle or is past the bounds."""
    document = _load_json(data)
    if not isinstance(document, dict) or document.get("resourceType") != "Bundle":
        raise UnreadableDocument(
            "This FHIR file is not a Bundle. Please export the record as a FHIR Bundle.",
            reason=RecordRefusal.not_a_bundle,
        )
    entries = document.get("entry") or []
    if not isinstance(entries, list):
        raise _broken()
    if len(entries) > bounds.MAX_ENTRIES:
        raise bounds.too_many_entries(len(entries))
    record = PortalRecord(RecordFormat.fhir)
    resources: dict[str, Any] = {}
    ordered: list[Any] = []
    for item in entries:
        raw = item.get("resource") if isinstance(item, dict) else None
        if not isinstance(raw, dict) or raw.get("resourceType") not in _READ_TYPES:
            continue
        resource = _validate(raw)
        if resource is None:
            record.skipped += 1
            continue
        ordered.append(resource)
        resources[f"{raw['resourceType']}/{raw.get('id')}"] = resource
        if isinstance(item.get("fullUrl"), str):
            resources[item["fullUrl"]] = resource
    _Reader(record, resources).read(ordered)
    return record


def _load_json(data: bytes) -> Any:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except RecursionError as error:
        raise bounds.too_deeply_nested() from error
    except (UnicodeDecodeError, ValueError) as error:
        raise _broken() from error
    bounds.check_json_nesting(document)
    return document


def _broken() -> UnreadableDocument:
    return UnreadableDocument(
        "This FHIR file is damaged: it is not valid JSON. Please export it again.",
        reason=RecordRefusal.broken_record,
    )


def _validate(raw: dict[str, Any]) -> Any | None:
    from fhir.resources.R4B import get_fhir_model_class

    try:
        return get_fhir_model_class(raw["resourceType"]).model_validate(raw)
    except (ValidationError, ValueError, TypeError):
        return None


def _codings(concept: Any) -> tuple[Coding, ...]:
    if concept is None:
        return ()
    return tuple(
        Coding(short_system(coding.system), str(coding.code), coding.display)
        for coding in concept.coding or ()
        if coding.code
    )


def _text(concept: Any) -> str | None:
    """A concept as people read it: its text, else the first display, else the first code."""
    if concept is None:
        return None
    if concept.text:
        return str(concept.text)
    codings = concept.coding or ()
    return next((str(c.display) for c in codings if c.display), None) or next(
        (str(c.code) for c in codings if c.code), None
    )


def _first_code(concept: Any) -> str | None:
    codings = concept.coding or () if concept is not None else ()
    return next((str(c.code) for c in codings if c.code), None)


class _Reader:
    def __init__(self, record: PortalRecord, resources: dict[str, Any]) -> None:
        self.record = record
        self.resources = resources
        self.members: set[int] = set()  # observations read as part of a stage group
        # TNM categories coded as observations of their own, with no stage group over them,
        # gathered by classification and day into one stage each (flushed by `read`).
        self.loose_categories: dict[tuple[str | None, dt.date | None], list[dict[str, str]]] = {}

    def read(self, ordered: list[Any]) -> None:
        for resource in ordered:
            if resource.get_resource_type() == "Observation" and resource.hasMember:
                for reference in resource.hasMember:
                    member = self.resources.get(str(reference.reference))
                    if member is not None:
                        self.members.add(id(member))
            if resource.get_resource_type() == "Condition":
                self._staged_by(resource)
        for resource in ordered:
            kind = resource.get_resource_type()
            reader = getattr(self, f"_{kind}", None)
            if reader is not None:
                reader(resource)
        for (classification, day), stages in self.loose_categories.items():
            for categories in stages:
                self.record.entries.append(
                    Entry(
                        EntryKind.stage,
                        "TNM stage",
                        classification=classification,
                        t=categories.get("t"),
                        n=categories.get("n"),
                        m=categories.get("m"),
                        start=day,
                    )
                )

    # -- the patient ---------------------------------------------------------------------

    def _Patient(self, patient: Any) -> None:
        if self.record.patient_name is None and patient.name:
            name = patient.name[0]
            words = [*(name.given or ()), name.family or ""]
            self.record.patient_name = " ".join(str(w) for w in words if w) or name.text
        if self.record.birth_date is None:
            self.record.birth_date = parse_date(patient.birthDate)

    # -- problems ------------------------------------------------------------------------

    def _Condition(self, condition: Any) -> None:
        text = _text(condition.code)
        if text is None:
            return
        clinical = _first_code(condition.clinicalStatus)
        verification = _first_code(condition.verificationStatus)
        if verification == "entered-in-error":
            return
        details = []
        if condition.bodySite:
            details.append(f"Body site: {_text(condition.bodySite[0])}")
        for extension in condition.extension or ():
            if _HISTOLOGY_EXTENSION in str(extension.url):
                details.append(f"Histology: {_text(extension.valueCodeableConcept)}")
        if clinical:
            details.append(f"Clinical status: {clinical}")
        if verification:
            details.append(f"Verification: {verification}")
        self.record.entries.append(
            Entry(
                EntryKind.problem,
                text,
                _codings(condition.code),
                negated=verification == "refuted",
                uncertain=verification in _UNSURE,
                historical=clinical in _RESOLVED,
                start=parse_date(condition.onsetDateTime) or parse_date(condition.recordedDate),
                details=tuple(details),
            )
        )

    def _staged_by(self, condition: Any) -> None:
        """A stage of a system other than TNM, as a condition's stage names it (FIGO, Rai, a
        CNS WHO grade): from the assessment it points at, else from its summary."""
        for stage in condition.stage or ():
            assessments = [
                self.resources.get(str(reference.reference)) for reference in stage.assessment or ()
            ]
            read = False
            for observation in assessments:
                if observation is None or observation.get_resource_type() != "Observation":
                    continue
                if _tnm_part(observation) is not None:
                    continue  # read as a TNM stage group in its own right
                self.members.add(id(observation))
                system = (
                    _staging_system(observation)
                    or _text(observation.method)
                    or _text(observation.code)
                )
                read = self._other_stage(observation, system) or read
            summary = _text(stage.summary)
            if not read and summary and not assessments:
                self.record.entries.append(Entry(EntryKind.stage, summary, value_text=summary))

    # -- results and stages --------------------------------------------------------------

    def _Observation(self, observation: Any) -> None:
        if id(observation) in self.members or observation.status == "entered-in-error":
            return
        codings = _codings(observation.code)
        meaning = next(
            (m for c in codings if (m := code_meaning(c.system, c.code)) is not None), None
        )
        if meaning is not None and meaning.stage is not None:
            self._stage(observation, meaning.stage, meaning.classification)
            return
        system = _staging_system(observation)
        if system is not None:  # a stage of FIGO, Ann Arbor, ISS ... no condition points to
            self._other_stage(observation, system)
            return
        text = _text(observation.code)
        value_text, value_codings = _value(observation)
        gene, variant, dna_change = _genomic_components(observation)
        if text is None or value_text is None:
            return
        noted = _noted_value(observation)
        method = _text(observation.method)
        self.record.entries.append(
            Entry(
                EntryKind.result,
                gene or text,
                codings,
                value_text=value_text,
                value_codings=value_codings,
                variant=variant,
                measure=noted or (dna_change if dna_change != variant else None),
                method=method,
                start=parse_date(observation.effectiveDateTime),
                details=(f"Method: {method}",) if method else (),
            )
        )

    def _other_stage(self, observation: Any, system: str | None) -> bool:
        """Read a stage of a system other than TNM; whether it had a system and a value."""
        value = _stage_value(observation)
        if not (system and value):
            return False
        self.record.entries.append(
            Entry(
                EntryKind.stage,
                system,
                system=system,
                value_text=value,
                start=parse_date(observation.effectiveDateTime),
            )
        )
        return True

    def _stage(self, observation: Any, part: str, classification: str | None) -> None:
        categories: dict[str, str | None] = {"stage_group": None, "t": None, "n": None, "m": None}
        categories[part] = _stage_value(observation)
        if part != "stage_group" and not observation.hasMember:
            self._gather_category(observation, part, classification, categories[part])
            return
        for reference in observation.hasMember or ():
            member = self.resources.get(str(reference.reference))
            if member is None:
                continue
            meaning = next(
                (
                    m
                    for c in _codings(member.code)
                    if (m := code_meaning(c.system, c.code)) is not None and m.stage
                ),
                None,
            )
            if meaning is not None and meaning.stage is not None:
                categories[meaning.stage] = _stage_value(member)
                classification = classification or meaning.classification
        edition = next(
            (
                m.edition
                for c in _codings(observation.method)
                if (m := code_meaning(c.system, c.code)) is not None and m.edition
            ),
            None,
        )
        self.record.entries.append(
            Entry(
                EntryKind.stage,
                _text(observation.code) or "TNM stage",
                _codings(observation.code),
                value_text=categories["stage_group"],
                classification=classification,
                edition=edition,
                t=categories["t"],
                n=categories["n"],
                m=categories["m"],
                start=parse_date(observation.effectiveDateTime),
            )
        )

    def _gather_category(
        self, observation: Any, part: str, classification: str | None, value: str | None
    ) -> None:
        """Keep a T, N or M category that no stage group holds with the others of its
        classification and day: a record may code the three and no group ("pT1b", "pN0")."""
        if not value:
            return
        day = parse_date(observation.effectiveDateTime)
        stages = self.loose_categories.setdefault((classification, day), [])
        free = next((categories for categories in stages if part not in categories), None)
        if free is None:  # a second T of that day: another stage, not a merge
            free = {}
            stages.append(free)
        free[part] = value

    # -- medications ---------------------------------------------------------------------

    def _medication(self, resource: Any) -> tuple[str | None, tuple[Coding, ...]]:
        concept = resource.medicationCodeableConcept
        if concept is None and resource.medicationReference is not None:
            medication = self.resources.get(str(resource.medicationReference.reference))
            concept = medication.code if medication is not None else None
        return _text(concept), _codings(concept)

    def _add_medication(self, resource: Any, status: str, start: Any, end: Any) -> None:
        name, codings = self._medication(resource)
        if name is None or status not in _MEDICATION_STATUSES:
            return
        treatment_status = _MEDICATION_STATUSES[status]
        intent = getattr(resource, "intent", None)
        if intent in _PLANNING_INTENTS and status == "active":
            treatment_status = TreatmentStatus.planned
            status = f"{status}, intent {intent}"
        self.record.entries.append(
            Entry(
                EntryKind.medication,
                name,
                codings,
                status=treatment_status,
                status_text=status,
                negated=status in _NOT_GIVEN,
                start=parse_date(start),
                end=parse_date(end),
            )
        )

    def _MedicationStatement(self, statement: Any) -> None:
        period = statement.effectivePeriod
        self._add_medication(
            statement,
            str(statement.status),
            statement.effectiveDateTime or (period.start if period else None),
            period.end if period else None,
        )

    def _MedicationRequest(self, request: Any) -> None:
        validity = request.dispenseRequest.validityPeriod if request.dispenseRequest else None
        self._add_medication(
            request,
            str(request.status),
            validity.start if validity else request.authoredOn,
            validity.end if validity else None,
        )

    def _MedicationAdministration(self, administration: Any) -> None:
        period = administration.effectivePeriod
        self._add_medication(
            administration,
            str(administration.status),
            administration.effectiveDateTime or (period.start if period else None),
            period.end if period else None,
        )

    # -- procedures and the family -------------------------------------------------------

    def _Procedure(self, procedure: Any) -> None:
        text = _text(procedure.code)
        status = str(procedure.status)
        if text is None or status not in _MEDICATION_STATUSES:
            return
        period = procedure.performedPeriod
        details = (f"Body site: {_text(procedure.bodySite[0])}",) if procedure.bodySite else ()
        self.record.entries.append(
            Entry(
                EntryKind.procedure,
                text,
                _codings(procedure.code),
                status=_MEDICATION_STATUSES[status],
                status_text=status,
                negated=status in _NOT_GIVEN,
                start=parse_date(procedure.performedDateTime)
                or parse_date(period.start if period else None),
                end=parse_date(period.end if period else None),
                details=details,
            )
        )

    def _FamilyMemberHistory(self, history: Any) -> None:
        relation = _text(history.relationship)
        if relation is None or history.status == "entered-in-error":
            return
        for condition in history.condition or ():
            text = _text(condition.code)
            if text is None:
                continue
            age = condition.onsetAge.value if condition.onsetAge is not None else None
            self.record.entries.append(
                Entry(
                    EntryKind.family_history,
                    text,
                    _codings(condition.code),
                    relation=relation.lower(),
                    age_at_onset=int(age) if age is not None else None,
                )
            )

    # -- documents -----------------------------------------------------------------------

    def _DocumentReference(self, reference: Any) -> None:
        title = reference.description or _text(reference.type) or "Attached document"
        for content in reference.content or ():
            self._attach(content.attachment, str(title))

    def _DiagnosticReport(self, report: Any) -> None:
        title = _text(report.code) or "Report"
        if report.conclusion:
            self.record.narratives.append(Narrative(f"{title}: conclusion", report.conclusion))
        for attachment in report.presentedForm or ():
            self._attach(attachment, title)

    def _Composition(self, composition: Any) -> None:
        stack = [(section, str(composition.title or "")) for section in composition.section or ()]
        while stack:
            section, parent = stack.pop(0)
            title = str(section.title or _text(section.code) or parent or "Section")
            if section.text is not None and section.text.div:
                self.record.narratives.append(Narrative(title, xhtml_text(section.text.div)))
            stack.extend((child, title) for child in section.section or ())

    def _Binary(self, binary: Any) -> None:
        # Read here only when no attachment points at it; one that does is read there.
        if id(binary) in self.members or not binary.contentType or binary.data is None:
            return
        self._add_attachment("Attached document", str(binary.contentType), binary.data)

    def _attach(self, attachment: Any, title: str) -> None:
        if attachment is None or not attachment.contentType:
            return
        data = attachment.data
        if data is None and attachment.url:
            binary = self.resources.get(str(attachment.url))
            if binary is not None and binary.get_resource_type() == "Binary":
                self.members.add(id(binary))
                data = binary.data
        if data is not None:
            self._add_attachment(str(attachment.title or title), str(attachment.contentType), data)

    def _add_attachment(self, title: str, content_type: str, data: bytes | str) -> None:
        if not content_type.lower().startswith(_TEXT_TYPES):
            return
        if len(self.record.attachments) >= bounds.MAX_ATTACHMENTS:
            return
        if isinstance(data, str):  # fhir.resources decodes base64; a plain model may not
            try:
                data = base64.b64decode(data, validate=True)
            except (binascii.Error, ValueError):
                return
        self.record.attachments.append(Attachment(title, content_type.lower(), data))


def _value(observation: Any) -> tuple[str | None, tuple[Coding, ...]]:
    if observation.valueCodeableConcept is not None:
        return _text(observation.valueCodeableConcept), _codings(observation.valueCodeableConcept)
    quantity = observation.valueQuantity
    if quantity is not None and quantity.value is not None:
        comparator = quantity.comparator or ""
        unit = f" {quantity.unit or quantity.code}" if (quantity.unit or quantity.code) else ""
        return f"{comparator}{quantity.value.normalize():f}{unit}", ()
    if observation.valueString:
        return str(observation.valueString), ()
    if observation.valueBoolean is not None:
        return ("positive" if observation.valueBoolean else "negative"), ()
    if observation.valueInteger is not None:
        return str(observation.valueInteger), ()
    interpretation = observation.interpretation[0] if observation.interpretation else None
    if interpretation is not None:
        return _text(interpretation), _codings(interpretation)
    return None, ()


def _noted_value(observation: Any) -> str | None:
    for note in observation.note or ():
        text = str(note.text or "")
        if text.startswith(VALUE_NOTE) and len(text) > len(VALUE_NOTE):
            return text[len(VALUE_NOTE) :].strip()
    return None


def _genomic_components(observation: Any) -> tuple[str | None, str | None, str | None]:
    """The gene a genomic finding is about, its variant (the protein change first) and its
    DNA change."""
    gene, changes = None, {}
    for component in observation.component or ():
        code = _first_code(component.code)
        value = _text(component.valueCodeableConcept) or component.valueString
        if value is None:
            continue
        if code == _GENE_STUDIED:
            gene = str(value)
        elif code in _VARIANT_PRIORITY:
            changes[code] = str(value)
    variant = next((changes[code] for code in _VARIANT_PRIORITY if code in changes), None)
    return gene, variant, changes.get(_VARIANT_PRIORITY[1])


def _tnm_part(observation: Any) -> str | None:
    """The part of a TNM stage an observation's code names (stage_group, t, n, m), if any."""
    for coding in _codings(observation.code):
        meaning = code_meaning(coding.system, coding.code)
        if meaning is not None and meaning.stage is not None:
            return meaning.stage
    return None


def _staging_system(observation: Any) -> str | None:
    """The staging system other than TNM an observation's code or method names, if any."""
    for coding in (*_codings(observation.code), *_codings(observation.method)):
        meaning = code_meaning(coding.system, coding.code)
        if meaning is not None and meaning.staging_system is not None:
            return meaning.staging_system
    return None


def _stage_value(observation: Any) -> str | None:
    """A stage observation's value as written: its text, display or code ('IIB', 'cT2')."""
    if observation.valueCodeableConcept is not None:
        return _text(observation.valueCodeableConcept)
    return str(observation.valueString) if observation.valueString else None
