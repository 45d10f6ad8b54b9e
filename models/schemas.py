"""The contract: facts with evidence, the profile, job states and API bodies.

Aligned with mCODE where it names a concept (cancer condition, TNM stage group, tumor marker
test, cancer-related medication / procedure). This module imports no database code.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    model_validator,
)

# Re-exported: the closed sets are part of the contract, imported from here everywhere else.
from models.enums import ACTIVE_STATUSES as ACTIVE_STATUSES
from models.enums import FINISHED_STATUSES as FINISHED_STATUSES
from models.enums import REVIEW_DECISION_ACTIONS as REVIEW_DECISION_ACTIONS
from models.enums import AuditAction as AuditAction
from models.enums import AuditSubject as AuditSubject
from models.enums import BiomarkerResult as BiomarkerResult
from models.enums import DocumentStatus as DocumentStatus
from models.enums import FactKind as FactKind
from models.enums import FailureReason as FailureReason
from models.enums import McodeProfile as McodeProfile
from models.enums import Origin as Origin
from models.enums import OverrideAction as OverrideAction
from models.enums import PermanentFailure as PermanentFailure
from models.enums import Queue as Queue
from models.enums import ReadMethod as ReadMethod
from models.enums import RecordRefusal as RecordRefusal
from models.enums import ReviewDecisionKind as ReviewDecisionKind
from models.enums import ReviewReason as ReviewReason
from models.enums import ReviewStatus as ReviewStatus
from models.enums import Role as Role
from models.enums import Severity as Severity
from models.enums import TreatmentKind as TreatmentKind
from models.enums import TreatmentStatus as TreatmentStatus


def _member_of(enum: type[StrEnum]) -> AfterValidator:
    """Check a string field against a closed set and keep the member.

    The field stays a `str` in the API's schema, as it always was: clients generated from it
    keep accepting a value added to the set later.
    """
    return AfterValidator(enum)


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _ReadSchema(_Schema):
    """An answer built from a table row with `Model.model_validate(row)`."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)


# --- reading -------------------------------------------------------------------------------


class Page(_Schema):
    """One page of text; character offsets in evidence index into `text`."""

    number: int = Field(ge=1)
    text: str
    method: ReadMethod
    quality: float = Field(
        default=1.0, ge=0, le=1, description="1 for a text layer; OCR's mean word confidence"
    )


# --- facts ---------------------------------------------------------------------------------


class Evidence(_Schema):
    document_id: UUID | None = None
    page: int = Field(ge=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    snippet: str


class _Fact(_Schema):
    """Fields every fact shares. `fact` (the subclass's tag) names the kind of fact; `kind` is
    kept free for the contract's treatment kind (medication, surgery, ...)."""

    evidence: Evidence
    confidence: float = Field(ge=0, le=1)
    origin: Origin = Origin.stated
    negated: bool = False
    uncertain: bool = False
    historical: bool = False
    family: bool = False
    hypothetical: bool = False

    @property
    def asserted(self) -> bool:
        """Negated, family and hypothetical facts are kept for audit, never asserted."""
        return not (self.negated or self.family or self.hypothetical)


class DiagnosisFact(_Fact):
    fact: Literal[FactKind.diagnosis] = FactKind.diagnosis
    oncotree_code: str
    name: str
    main_type: str | None = None
    icd10: str | None = None
    primary_site: str | None = None
    histology: str | None = None
    laterality: str | None = None
    grade: str | None = None
    date: dt.date | None = None
    principal: bool = Field(
        default=False,
        description="a clinician chose this as the principal diagnosis, over the usual rule",
    )


class MetastasisFact(_Fact):
    fact: Literal[FactKind.metastasis] = FactKind.metastasis
    site: str


class StageFact(_Fact):
    """A stage group of one staging system: AJCC (TNM), or a system that is not TNM (FIGO,
    Ann Arbor, Lugano, ISS, R-ISS, Rai, Binet, BCLC), or the grade some cancers are staged by
    (CNS WHO grade, Gleason grade group). T, N and M are AJCC's, set elsewhere only where the
    report writes them with the group."""

    fact: Literal[FactKind.stage] = FactKind.stage
    system: str = "AJCC"
    edition: int | None = Field(
        default=None, description="AJCC edition (6, 7, 8), or the FIGO staging's year (2018)"
    )
    classification: Literal["clinical", "pathologic", "post-therapy", "recurrence"] | None = None
    t: str | None = None
    n: str | None = None
    m: str | None = None
    group: str | None = None
    method: Literal["stated", "derived"] = "stated"
    assumptions: list[str] = Field(default_factory=list)
    score: str | None = Field(default=None, description="the score a group comes from: 4+3=7")
    descriptors: list[str] = Field(
        default_factory=list,
        description="what a group's letters say: B symptoms, extranodal extension, bulky disease",
    )


class BiomarkerFact(_Fact):
    fact: Literal[FactKind.biomarker] = FactKind.biomarker
    marker: str
    result: str | None = None
    value: str | None = None
    method: str | None = Field(default=None, description="assay: IHC, FISH, ISH, NGS, PCR, ...")
    variant: str | None = None


class TreatmentFact(_Fact):
    fact: Literal[FactKind.treatment] = FactKind.treatment
    name: str
    kind: TreatmentKind = TreatmentKind.medication
    drug_class: str | None = None
    regimen: str | None = None
    status: TreatmentStatus = TreatmentStatus.mentioned
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    line: int | None = None


class FamilyHistoryFact(_Fact):
    """A cancer in a relative: a finding about the family, never a diagnosis of the patient.

    Every such fact comes from a family mention, so `family` is always set; it is asserted
    (shown in the profile's family history) unless negated or hypothetical. Aligned with FHIR's
    FamilyMemberHistory (relationship, condition, onsetAge).
    """

    fact: Literal[FactKind.family_history] = FactKind.family_history
    family: bool = True
    relation: str = Field(description="as the profile shows it: 'mother', 'maternal aunt'")
    degree: int | None = Field(
        default=None, ge=1, le=3, description="1 first-degree, 2 second, 3 third; None unknown"
    )
    condition: str = Field(description="as written: 'ovarian cancer'")
    oncotree_code: str | None = None
    age_at_diagnosis: int | None = Field(default=None, ge=0, le=120)

    @property
    def asserted(self) -> bool:
        """The family flag is what this fact is about; negated and hypothetical stay audit."""
        return not (self.negated or self.hypothetical)


class RiskScoreFact(_Fact):
    """A score that estimates prognosis or the benefit of a treatment (IPI, FLIPI, Oncotype DX
    Recurrence Score, MammaPrint, Decipher, CAPRA, NPI, IMDC, ELN): not a stage, which says where
    the disease is. The value and the band as the report gives them; a band worked out from the
    value by the score's published bands is marked `band_derived`."""

    fact: Literal[FactKind.risk_score] = FactKind.risk_score
    score: str = Field(description="the score's short name: 'IPI', 'Oncotype DX RS', 'IMDC'")
    name: str | None = Field(default=None, description="in full: 'International Prognostic Index'")
    value: str | None = Field(default=None, description="as written: '3', '18', '0.72'")
    band: str | None = Field(default=None, description="'high-intermediate risk', 'low risk'")
    band_derived: bool = False


Fact = Annotated[
    DiagnosisFact
    | MetastasisFact
    | StageFact
    | BiomarkerFact
    | TreatmentFact
    | FamilyHistoryFact
    | RiskScoreFact,
    Field(discriminator="fact"),
]


class Extraction(_Schema):
    """Everything read from one document, asserted or not."""

    pages: int
    facts: list[Fact]


# --- the profile ---------------------------------------------------------------------------


class ArticleMatchRead(_Schema):
    slug: str
    title: str
    summary: str
    reason: str
    score: float
    facts: list[str] = Field(
        default_factory=list, description="keys of the facts the match rests on: 'biomarker:HER2'"
    )


class SummarySentence(_Schema):
    """One plain sentence of "What my records say", with the facts it rests on."""

    text: str
    facts: list[str] = Field(
        default_factory=list, description="keys of the facts it rests on: 'biomarker:HER2'"
    )
    kind: str = Field(
        default="fact", description="fact, meaning (what it means in general), or disagreement"
    )


class FactCheck(_Schema):
    """A fact a clinician confirmed, corrected or added, and when."""

    fact: str = Field(description="the fact's key: 'biomarker:HER2'")
    action: str = Field(description="confirmed, corrected or added")
    on: dt.date


class ArticleSource(_Schema):
    """A reputable source an article draws on, named (its text is not copied)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1, max_length=200)
    url: str = Field(pattern=r"^https://", max_length=500)


class GlossaryTerm(_Schema):
    """A word the pages show, explained in plain words, with its source."""

    key: str
    label: str
    text: str
    source: ArticleSource


class ArticleLink(_Schema):
    slug: str
    title: str


class ArticlePageRead(_Schema):
    """An article as a patient reads it: a short answer first, then the rendered sections."""

    slug: str
    title: str
    summary: str = Field(description="the short, direct answer")
    body_html: str = Field(description="the body rendered from Markdown; raw HTML is escaped")
    reading_level: float = Field(description="US school grade (mean of Coleman-Liau and ARI)")
    updated_at: dt.datetime | None
    sources: list[ArticleSource]
    related: list[ArticleLink]
    questions: list[str] = Field(
        default_factory=list, description="the article's questions to ask your oncologist"
    )
    glossary: list[GlossaryTerm] = Field(
        default_factory=list, description="the words of the article the glossary explains"
    )
    notice: str = "General information, not medical advice. Talk to your care team."


class Profile(_Schema):
    diagnoses: list[DiagnosisFact] = Field(default_factory=list)
    metastases: list[MetastasisFact] = Field(default_factory=list)
    stage: StageFact | None = None
    stages: list[StageFact] = Field(default_factory=list)
    biomarkers: list[BiomarkerFact] = Field(default_factory=list)
    treatments: list[TreatmentFact] = Field(default_factory=list)
    family_history: list[FamilyHistoryFact] = Field(
        default_factory=list, description="cancers in relatives: findings, not the patient's"
    )
    risk_scores: list[RiskScoreFact] = Field(
        default_factory=list, description="prognostic and predictive scores: IPI, Oncotype DX, ..."
    )
    not_asserted: list[Fact] = Field(
        default_factory=list,
        description="negated, family and hypothetical mentions, kept for audit",
    )


class Override(_Schema):
    """A clinician's decision about a fact; it outlives re-processing of the documents."""

    action: OverrideAction
    fact_key: str
    fact: Fact | None = None
    replaces: list[Fact] = Field(
        default_factory=list, description="the readings a correction replaced, known and decided"
    )
    comment: str | None = None


class PreviousDecision(_Schema):
    """What a clinician decided earlier about the fact an item is about: what it was."""

    status: ReviewStatus
    decided_at: dt.datetime
    was: list[str] = Field(description="the decided value in words: 'ER: positive 90%'")
    facts: list[Fact] = Field(default_factory=list, description="the decided facts")


class ReviewFlag(_Schema):
    reason: Annotated[str, _member_of(ReviewReason)]
    severity: Severity
    message: str
    facts: list[Fact] = Field(default_factory=list)
    document_id: UUID | None = Field(
        default=None, description="set when a whole record is in doubt"
    )
    previous: PreviousDecision | None = Field(
        default=None, description="set when a new record changes a fact decided before"
    )


# --- API bodies ----------------------------------------------------------------------------


class ReviewDecision(_Schema):
    decision: ReviewDecisionKind
    value: Fact | None = Field(
        default=None, description="the corrected fact, required when the decision is 'correct'"
    )
    keep: int | None = Field(
        default=None,
        ge=0,
        description="for a conflict: the index in the item's `facts` of the value that holds, "
        "required to confirm one (reject means all of them are wrong)",
    )
    comment: str | None = Field(default=None, max_length=2000)


class DecisionChoice(_Schema):
    """One decision a clinician may take on an item, and what the patient sees after it."""

    decision: ReviewDecisionKind
    keep: int | None = None
    label: str
    patient_sees: str


class ReviewItemRead(_ReadSchema):
    id: UUID
    patient_id: UUID
    document_id: UUID | None = None
    reason: Annotated[str, _member_of(ReviewReason)]
    severity: Severity
    message: str
    facts: list[Fact]
    status: ReviewStatus
    decision_comment: str | None = None
    created_at: dt.datetime
    decided_at: dt.datetime | None = None
    decided_by: UUID | None = None
    about: list[str] = Field(
        default_factory=list, description="the facts in words: 'ER: positive 90% (IHC)'"
    )
    conflict: bool = Field(default=False, description="the facts disagree: choose which holds")
    choices: list[DecisionChoice] = Field(default_factory=list)
    previous: PreviousDecision | None = None


class PatientMatch(_Schema):
    """A patient found by a clinician's search, with their open review items."""

    patient_id: UUID
    full_name: str
    date_of_birth: dt.date | None = None
    record_numbers: list[str] = Field(default_factory=list, description="MRNs the records print")
    open_items: int


class FactAdd(_Schema):
    """A fact a clinician adds from selected text of a document page."""

    fact: Fact
    comment: str | None = Field(default=None, max_length=2000)


class JobRead(_ReadSchema):
    id: UUID
    document_id: UUID
    status: DocumentStatus
    queue: Annotated[str, _member_of(Queue)]
    attempts: int
    error_reason: str | None = None
    error_message: str | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    claimed_by: str | None = Field(
        default=None, description="the Celery task id that last took the job"
    )


class FailureGroupRetry(_Schema):
    """Which failure group to retry: every failed job with this reason."""

    error_reason: str = Field(min_length=1, max_length=50)


class QueueRead(_Schema):
    name: Annotated[str, _member_of(Queue)]
    depth: int | None = Field(description="messages waiting in the broker; None when unknown")


class QueuesRead(_Schema):
    queues: list[QueueRead]
    jobs_by_status: dict[str, int]
    workers: dict[str, list[str]] = Field(
        default_factory=dict, description="worker name to the ids of its active tasks"
    )


class ArticleWrite(_Schema):
    """An article as an admin writes it; tags name what it is about (see intake/matcher/tags.py)."""

    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(min_length=1, max_length=500)
    audience: str = "patients"
    tags: dict[str, list[str]] = Field(default_factory=dict)
    body: str = Field(min_length=1, max_length=100_000)
    sources: list[ArticleSource] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list, description="slugs of related articles")


class ArticleRead(ArticleWrite):
    slug: str
    retired: bool

    @model_validator(mode="before")
    @classmethod
    def _from_row(cls, data: Any) -> Any:
        # A stored article keeps its audience among its tags (intake/articles_library.py).
        if isinstance(data, dict):
            return data
        tags = data.tags
        return {
            "slug": data.slug,
            "title": data.title,
            "summary": data.summary,
            "audience": str(tags.get("audience", "patients")),
            "tags": {
                k: list(v)
                for k, v in tags.items()
                if k not in _STORED_BESIDE_TAGS and isinstance(v, list)
            },
            "body": data.body,
            "sources": tags.get("sources", []),
            "related": tags.get("related", []),
            "retired": data.retired,
        }


# Kept in the article row's tags column beside the tags proper (intake/articles_library.py).
_STORED_BESIDE_TAGS = frozenset({"audience", "sources", "related"})


class AuditEventRead(_ReadSchema):
    id: UUID
    actor_id: UUID | None
    action: Annotated[str, _member_of(AuditAction)]
    subject_type: Annotated[str, _member_of(AuditSubject)]
    subject_id: str | None
    patient_id: UUID | None
    at: dt.datetime


def _blank_as_none(value: object) -> object:
    # A page's filter form sends every field; an empty one filters nothing.
    return None if isinstance(value, str) and not value.strip() else value


class AuditFilter(_Schema):
    """Which audit events to show: by actor email or patient name (parts of them), action,
    and the days from `since` to `until`, both included. A blank field is no filter."""

    actor: Annotated[
        Annotated[str, Field(max_length=320)] | None, BeforeValidator(_blank_as_none)
    ] = None
    action: Annotated[AuditAction | None, BeforeValidator(_blank_as_none)] = None
    patient: Annotated[
        Annotated[str, Field(max_length=200)] | None, BeforeValidator(_blank_as_none)
    ] = None
    since: Annotated[dt.date | None, BeforeValidator(_blank_as_none)] = None
    until: Annotated[dt.date | None, BeforeValidator(_blank_as_none)] = None


def _iso_date(value: object) -> object:
    # JSON has no date type: only an ISO string (or a date from Python code) is a date.
    if isinstance(value, str | dt.date) or value is None:
        return value
    raise ValueError("a date is written YYYY-MM-DD")


def _plausible_birth_date(value: dt.date | None) -> dt.date | None:
    if value is not None and not dt.date(1900, 1, 1) <= value <= dt.date.today():
        raise ValueError("the date of birth must be between 1900 and today")
    return value


BirthDate = Annotated[
    dt.date | None, BeforeValidator(_iso_date), AfterValidator(_plausible_birth_date)
]


class UserCreate(_Schema):
    email: EmailStr
    password: str = Field(min_length=8, max_length=256)
    full_name: str = Field(min_length=1, max_length=200)
    date_of_birth: BirthDate = None


class StaffCreate(UserCreate):
    role: Role


class UserRead(_ReadSchema):
    id: UUID
    email: str
    full_name: str
    role: Role
    is_active: bool = True


class UserUpdate(_Schema):
    """What an admin changes about an account; a field left out stays as it is."""

    is_active: bool | None = None
    role: Role | None = None


class PasswordChange(_Schema):
    current_password: str = Field(max_length=256)
    new_password: str = Field(min_length=8, max_length=256)


class PasswordResetRead(_Schema):
    """A one-time link for a user to choose a new password; shown once, to the admin."""

    url: str
    expires_at: dt.datetime


class Token(_Schema):
    access_token: str
    token_type: str = "bearer"


class DocumentError(_Schema):
    reason: str
    message: str


class DocumentRead(_ReadSchema):
    id: UUID
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    status: DocumentStatus
    progress: float = Field(ge=0, le=1)
    pages: int | None = None
    error: DocumentError | None = None
    duplicate: bool = False
    created_at: dt.datetime
    updated_at: dt.datetime

    @model_validator(mode="before")
    @classmethod
    def _from_columns(cls, data: Any) -> Any:
        """Read a Document, or a row read without the ORM; a failed one's error is its `error`."""
        if isinstance(data, dict):
            return data
        fields = {name: getattr(data, name) for name in _DOCUMENT_COLUMNS}
        if fields["status"] == DocumentStatus.failed:
            fields["error"] = DocumentError(
                reason=data.error_reason or "error", message=data.error_message or ""
            )
        return fields


_DOCUMENT_COLUMNS = tuple(
    name for name in DocumentRead.model_fields if name not in ("error", "duplicate")
)


class ProfileRead(_Schema):
    patient_id: UUID
    updated_at: dt.datetime | None
    profile: Profile
    articles: list[ArticleMatchRead] = Field(default_factory=list)
    review_flags: list[ReviewFlag] = Field(default_factory=list)
    summary: list[SummarySentence] = Field(
        default_factory=list, description='"What my records say": plain sentences, with facts'
    )
    checked: list[FactCheck] = Field(
        default_factory=list, description="facts a clinician confirmed, corrected or added"
    )
    notice: str = (
        "General information from your records, not medical advice. Talk to your care team."
    )
