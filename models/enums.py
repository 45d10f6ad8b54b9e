"""The contract's closed sets: every state, reason and name that more than one module uses.

The schemas and the tables both use them, and this module imports neither, so the two never
import each other. Each member's value is the string stored and sent, so typing a free string
as one of these changes neither the database nor a JSON answer. `models.schemas` re-exports
every name here: that is where the rest of the code imports them from.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    patient = "patient"
    clinician = "clinician"
    admin = "admin"


# A document's state, and its job's: one step of the pipeline, or how it ended.
class DocumentStatus(StrEnum):
    received = "received"
    queued = "queued"
    reading = "reading"
    extracting = "extracting"
    matching = "matching"
    done = "done"
    failed = "failed"


ACTIVE_STATUSES = frozenset(
    {
        DocumentStatus.queued,
        DocumentStatus.reading,
        DocumentStatus.extracting,
        DocumentStatus.matching,
    }
)
FINISHED_STATUSES = frozenset({DocumentStatus.done, DocumentStatus.failed})


class Queue(StrEnum):
    """The broker's queues: scans wait apart from text, so OCR never holds text records up."""

    documents = "documents"
    ocr = "ocr"
    maintenance = "maintenance"


class FailureReason(StrEnum):
    """Why the job machinery, rather than the reader, ended a job as failed.

    A reader's refusal (`empty_file`, `broken_pdf`, ...) is stored with its own reason code,
    so a job's `error_reason` is any `IntakeError` reason; these are the ones set here.
    """

    too_many_attempts = "too_many_attempts"
    timeout = "timeout"
    too_much_memory = "too_much_memory"
    internal_error = "internal_error"
    cancelled = "cancelled"


class PermanentFailure(StrEnum):
    """Failure reasons a retry cannot change: the stored file itself was refused as read.

    Retrying runs the same reader over the same bytes, so these fail the same way again; the
    way out is a new upload. Reasons of the machinery (`timeout`, `storage_unavailable`, ...)
    may pass on another attempt and stay retryable.
    """

    unsupported_type = "unsupported_type"
    empty_file = "empty_file"
    empty_pdf = "empty_pdf"
    broken_pdf = "broken_pdf"
    encrypted_pdf = "encrypted_pdf"
    broken_image = "broken_image"
    image_too_large = "image_too_large"
    too_many_pages = "too_many_pages"
    page_too_long = "page_too_long"
    too_large = "too_large"
    file_missing = "file_missing"
    unsafe_xml = "unsafe_xml"
    broken_record = "broken_record"
    not_a_bundle = "not_a_bundle"
    too_many_entries = "too_many_entries"
    too_deeply_nested = "too_deeply_nested"


class FactKind(StrEnum):
    diagnosis = "diagnosis"
    metastasis = "metastasis"
    stage = "stage"
    biomarker = "biomarker"
    treatment = "treatment"
    family_history = "family_history"
    risk_score = "risk_score"


class Origin(StrEnum):
    """How a fact came to be: as written, derived by rule, read by OCR, set by a clinician, or
    taken from a coded entry of a structured record (a FHIR resource, a C-CDA entry)."""

    stated = "stated"
    derived = "derived"
    ocr = "ocr"
    clinician = "clinician"
    structured = "structured"


class ReadMethod(StrEnum):
    text_layer = "text_layer"
    layout = "layout"
    ocr = "ocr"
    plain_text = "plain_text"
    # A page written from a structured record's coded entries, one block per entry; its facts
    # come from the entries themselves, not from reading the page's words.
    structured = "structured"


class RecordRefusal(StrEnum):
    """Why a structured record (a FHIR R4 bundle, a C-CDA document) was refused as read."""

    unsafe_xml = "unsafe_xml"  # a DTD, entity declarations or external references
    broken_record = "broken_record"  # not well-formed JSON or XML
    not_a_bundle = "not_a_bundle"  # FHIR JSON whose top level is not a Bundle
    too_many_entries = "too_many_entries"
    too_deeply_nested = "too_deeply_nested"


class TreatmentKind(StrEnum):
    medication = "medication"
    surgery = "surgery"
    radiation = "radiation"
    cell_therapy = "cell_therapy"
    transplant = "transplant"


class TreatmentStatus(StrEnum):
    planned = "planned"
    current = "current"
    past = "past"
    stopped = "stopped"
    mentioned = "mentioned"


class BiomarkerResult(StrEnum):
    """The result words the biomarker extractor writes (extractors/vocab/biomarker_results.yaml).

    `BiomarkerFact.result` stays a free string: a clinician's correction may name a result in
    words of their own, and stored facts must still read back. Code that compares a result
    compares against these members.
    """

    positive = "positive"
    negative = "negative"
    detected = "detected"
    not_detected = "not detected"
    equivocal = "equivocal"
    low = "low"
    ultralow = "ultralow"
    high = "high"
    normal = "normal"
    amplified = "amplified"
    not_amplified = "not amplified"
    mutated = "mutated"
    wild_type = "wild type"
    uncertain_significance = "uncertain significance"
    methylated = "methylated"
    unmethylated = "unmethylated"
    codeleted = "codeleted"
    not_codeleted = "not codeleted"
    lost = "lost"
    intact = "intact"
    deficient = "deficient"
    proficient = "proficient"
    stable = "stable"


class Severity(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


class ReviewReason(StrEnum):
    """Why a part of a profile was flagged for review; one member per rule in intake/review.py."""

    identity_mismatch = "identity_mismatch"
    conflicting_stage = "conflicting_stage"
    conflicting_biomarker = "conflicting_biomarker"
    contradicts_correction = "contradicts_correction"
    changed_since_review = "changed_since_review"
    stage_inconsistent = "stage_inconsistent"
    stage_derived = "stage_derived"
    stage_missing = "stage_missing"
    no_diagnosis = "no_diagnosis"
    equivocal_result = "equivocal_result"
    low_quality_ocr = "low_quality_ocr"
    low_confidence = "low_confidence"


class ReviewStatus(StrEnum):
    open = "open"
    confirmed = "confirmed"
    corrected = "corrected"
    rejected = "rejected"


class ReviewDecisionKind(StrEnum):
    confirm = "confirm"
    correct = "correct"
    reject = "reject"


class OverrideAction(StrEnum):
    add = "add"
    correct = "correct"
    reject = "reject"


class AuditAction(StrEnum):
    """What a person did to health data or to the system, as the audit trail records it."""

    read = "read"
    upload = "upload"
    upload_duplicate = "upload_duplicate"
    delete = "delete"
    erase = "erase"
    review_confirm = "review_confirm"
    review_correct = "review_correct"
    review_reject = "review_reject"
    add_fact = "add_fact"
    retry = "retry"
    cancel = "cancel"
    create = "create"
    save = "save"
    retire = "retire"
    password_change = "password_change"
    deactivate = "deactivate"
    reactivate = "reactivate"
    role_change = "role_change"
    password_reset_issue = "password_reset_issue"
    password_reset = "password_reset"


# A decision on a review item is audited under its own action.
REVIEW_DECISION_ACTIONS = {
    ReviewDecisionKind.confirm: AuditAction.review_confirm,
    ReviewDecisionKind.correct: AuditAction.review_correct,
    ReviewDecisionKind.reject: AuditAction.review_reject,
}


class AuditSubject(StrEnum):
    """What an audit event is about; its `subject_id` names which one."""

    account = "account"
    article = "article"
    document = "document"
    document_file = "document_file"
    document_image = "document_image"
    document_page = "document_page"
    job = "job"
    profile = "profile"
    profile_summary = "profile_summary"
    review_item = "review_item"
    review_queue = "review_queue"
    # A clinician's search of patients by name, date of birth or record number.
    patient_search = "patient_search"
    user = "user"


class McodeProfile(StrEnum):
    """The mCODE STU4 profiles (hl7.fhir.us.mcode 4.0.0) a FHIR export claims, by their ids.

    A resource's `meta.profile` is the id under http://hl7.org/fhir/us/mcode/StructureDefinition/.
    """

    patient_bundle = "mcode-patient-bundle"
    cancer_patient = "mcode-cancer-patient"
    primary_cancer_condition = "mcode-primary-cancer-condition"
    secondary_cancer_condition = "mcode-secondary-cancer-condition"
    tnm_stage_group = "mcode-tnm-stage-group"
    tnm_primary_tumor_category = "mcode-tnm-primary-tumor-category"
    tnm_regional_nodes_category = "mcode-tnm-regional-nodes-category"
    tnm_distant_metastases_category = "mcode-tnm-distant-metastases-category"
    cancer_stage = "mcode-cancer-stage"
    tumor_marker_test = "mcode-tumor-marker-test"
    genomic_variant = "mcode-genomic-variant"
    cancer_related_medication_request = "mcode-cancer-related-medication-request"
    cancer_related_medication_administration = "mcode-cancer-related-medication-administration"
    cancer_related_surgical_procedure = "mcode-cancer-related-surgical-procedure"
    radiotherapy_course_summary = "mcode-radiotherapy-course-summary"
