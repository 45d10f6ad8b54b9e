"""Admins: queues, jobs, failures, retries, users and the audit trail; no health data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Path, Query, Request, Response, status
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup
from pydantic import ValidationError

from api.deps import CurrentAdmin, SessionDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.forms import validated
from api.pages import render
from api.svg import bar_chart_svg
from intake import accounts, audit_log, operations
from intake.articles_library import retire_article, save_article
from intake.matcher import Article
from models.errors import InvalidInput, NotFound
from models.repo import articles, audit, jobs, users
from models.schemas import (
    ACTIVE_STATUSES,
    ArticleRead,
    ArticleWrite,
    AuditAction,
    AuditEventRead,
    AuditFilter,
    DocumentStatus,
    FailureGroupRetry,
    JobRead,
    QueueRead,
    QueuesRead,
    Role,
    StaffCreate,
    UserRead,
    UserUpdate,
)
from workers import monitor
from workers.enqueue import enqueue_after_commit


@dataclass(frozen=True)
class FailedJobView:
    """A failed job as the page lists it: the file's type and size, and why no retry."""

    job: JobRead
    content_type: str
    size_bytes: int
    retry_refusal: str | None


router = APIRouter(prefix="/api/admin", tags=["admins"], responses=ERROR_RESPONSES)


@router.get("/queues", response_model=QueuesRead)
def read_queues(session: SessionDep, settings: SettingsDep, _admin: CurrentAdmin) -> QueuesRead:
    return QueuesRead(
        queues=[QueueRead(name=n, depth=d) for n, d in monitor.queue_depths(settings).items()],
        jobs_by_status=jobs.count_by_status(session),
        workers=monitor.active_tasks(settings),
    )


@router.get("/jobs", response_model=list[JobRead])
def list_jobs(
    session: SessionDep,
    _admin: CurrentAdmin,
    status: DocumentStatus | None = None,
    limit: int = 100,
    document_id: UUID | None = None,
    patient_id: UUID | None = None,
    error_reason: str | None = None,
) -> list[JobRead]:
    """Jobs, newest change first; narrowed by state, document, patient or failure reason."""
    found = jobs.list_by_status(
        session,
        status=status,
        limit=min(limit, 500),
        document_id=document_id,
        patient_id=patient_id,
        error_reason=error_reason,
    )
    return [JobRead.model_validate(job) for job in found]


@router.post("/jobs/retry", response_model=list[JobRead])
def retry_failure_group(
    body: FailureGroupRetry, session: SessionDep, settings: SettingsDep, admin: CurrentAdmin
) -> list[JobRead]:
    """Retry every failed job of one failure reason (409 when that reason cannot pass)."""
    retried = operations.retry_failure_group(
        session, error_reason=body.error_reason, admin_id=admin.id
    )
    for job in retried:
        enqueue_after_commit(session, job.document_id, settings=settings, queue=job.queue)
    return [JobRead.model_validate(job) for job in retried]


@router.post("/jobs/{job_id}/retry", response_model=JobRead)
def retry_job(
    job_id: UUID, session: SessionDep, settings: SettingsDep, admin: CurrentAdmin
) -> JobRead:
    job = operations.retry_job(session, job_id=job_id, admin_id=admin.id)
    enqueue_after_commit(session, job.document_id, settings=settings, queue=job.queue)
    return JobRead.model_validate(job)


@router.post("/jobs/{job_id}/cancel", response_model=JobRead)
def cancel_job(job_id: UUID, session: SessionDep, admin: CurrentAdmin) -> JobRead:
    job = operations.cancel_job(session, job_id=job_id, admin_id=admin.id)
    return JobRead.model_validate(job)


@router.get("/users", response_model=list[UserRead])
def list_users(session: SessionDep, _admin: CurrentAdmin) -> list[UserRead]:
    return [UserRead.model_validate(user) for user in users.list_all(session)]


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def create_user(body: StaffCreate, session: SessionDep, admin: CurrentAdmin) -> UserRead:
    """Create a clinician, an admin or a patient account."""
    user = accounts.create_user(
        session,
        email=body.email,
        password=body.password,
        full_name=body.full_name,
        role=body.role,
        date_of_birth=body.date_of_birth,
        created_by=admin.id,
    )
    return UserRead.model_validate(user)


@router.patch("/users/{user_id}", response_model=UserRead)
def update_user(
    user_id: UUID, body: UserUpdate, session: SessionDep, admin: CurrentAdmin
) -> UserRead:
    """Deactivate or reactivate an account (deactivating ends all its sessions at once), or
    change a member of staff's role. The last active admin cannot be removed."""
    user = users.get(session, user_id)
    accounts.update_user(session, user, active=body.is_active, role=body.role, by=admin.id)
    return UserRead.model_validate(user)


@router.get("/articles", response_model=list[ArticleRead])
def list_articles(session: SessionDep, _admin: CurrentAdmin) -> list[ArticleRead]:
    return [
        ArticleRead.model_validate(row) for row in articles.list_all(session, include_retired=True)
    ]


@router.put("/articles/{slug}", response_model=ArticleRead)
def put_article(
    slug: Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,119}$")],
    body: ArticleWrite,
    session: SessionDep,
    admin: CurrentAdmin,
) -> ArticleRead:
    """Add or edit an article; profiles are matched against it from their next view."""
    try:
        article = Article(slug=slug, **body.model_dump())
    except ValidationError as error:
        raise InvalidInput(
            f"The article's tags are not valid: {error.errors()[0]['msg']}", reason="bad_tags"
        ) from error
    return ArticleRead.model_validate(save_article(session, article, actor_id=admin.id))


@router.delete("/articles/{slug}", response_model=ArticleRead)
def retire(slug: str, session: SessionDep, admin: CurrentAdmin) -> ArticleRead:
    """Retire an article: it is matched to no one, and kept for the record."""
    return ArticleRead.model_validate(retire_article(session, slug, actor_id=admin.id))


def audit_filter(
    actor: str | None = None,
    action: str | None = None,
    patient: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> AuditFilter:
    """The audit filters of a query string; a page's blank field filters nothing."""
    return validated(
        lambda: AuditFilter(actor=actor, action=action, patient=patient, since=since, until=until),
        reason="bad_filter",
    )


AuditFilterDep = Annotated[AuditFilter, Depends(audit_filter)]


@router.get("/audit", response_model=list[AuditEventRead])
def list_audit_events(
    session: SessionDep, _admin: CurrentAdmin, where: AuditFilterDep, limit: int = 100
) -> list[AuditEventRead]:
    """Audit events, newest first; filter by actor email or patient name (parts of them),
    action, and the days `since` to `until` (YYYY-MM-DD, both included)."""
    found = audit.search(session, where, limit=max(1, min(limit, 1000)))
    return [AuditEventRead.model_validate(event) for event, _, _ in found]


# --- pages ---------------------------------------------------------------------------------

pages = APIRouter(include_in_schema=False)

# The page shows the newest rows of a filter; the CSV carries many more for an audit.
AUDIT_PAGE_ROWS = 200
AUDIT_CSV_ROWS = 50_000


@pages.get("/admin", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    admin: CurrentAdmin,
    retried: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    now = dt.datetime.now(dt.UTC)
    queues = read_queues(session, settings, admin)
    # Which worker runs which task, so a job that seems stuck names where it is (or that no
    # worker holds it: the reaper will requeue it).
    worker_of_task = {task: worker for worker, tasks in queues.workers.items() for task in tasks}
    buckets = operations.throughput(
        jobs.list_finished_since(session, since=now - dt.timedelta(hours=1)), now=now
    )
    labels = [b.start.strftime("%H:%M") for b in buckets]
    return render(
        request,
        "admin_dashboard.html",
        settings,
        queues=queues,
        retried=retried,
        worker_of_task=worker_of_task,
        failures=jobs.failures_by_reason(session),
        retry_refusal=operations.retry_refusal,
        failed_jobs=[
            FailedJobView(
                job=JobRead.model_validate(job),
                content_type=document.content_type,
                size_bytes=document.size_bytes,
                retry_refusal=operations.retry_refusal(job.error_reason),
            )
            for job, document in jobs.list_failed_with_documents(session, limit=50)
        ],
        active_jobs=[
            j
            for j in list_jobs(session, admin, status=None, limit=200)
            if j.status in ACTIVE_STATUSES
        ],
        throughput_chart=Markup(
            bar_chart_svg(
                [float(b.finished) for b in buckets],
                labels,
                title="Documents done per 5 minutes",
                when_empty="No document finished in the last hour.",
            )
        ),
        latency_chart=Markup(
            bar_chart_svg(
                [round(b.mean_latency_seconds or 0, 1) for b in buckets],
                labels,
                title="Mean upload-to-done seconds per 5 minutes",
                when_empty="No document finished in the last hour.",
            )
        ),
        users=list_users(session, admin),
        roles=[r.value for r in Role],
        # Staff move between these two roles; a patient account never becomes staff.
        staff_moves={Role.clinician: Role.admin, Role.admin: Role.clinician},
    )


@pages.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _admin: CurrentAdmin,
    where: AuditFilterDep,
) -> Response:
    return render(
        request,
        "admin_audit.html",
        settings,
        entries=audit_log.find_entries(session, where, limit=AUDIT_PAGE_ROWS),
        where=where,
        shown_limit=AUDIT_PAGE_ROWS,
        actions=[a.value for a in AuditAction],
        csv_query=urlencode(where.model_dump(mode="json", exclude_none=True)),
    )


def _optional_id(value: str | None, name: str) -> UUID | None:
    if not value or not value.strip():
        return None
    try:
        return UUID(value.strip())
    except ValueError:
        raise InvalidInput(f"The {name} is not an id.", reason="bad_filter") from None


@pages.get("/admin/jobs", response_class=HTMLResponse)
def jobs_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    admin: CurrentAdmin,
    document_id: str | None = None,
    patient_id: str | None = None,
) -> Response:
    """Find a document's or a patient's jobs, with their state and the worker holding them."""
    document, patient = (
        _optional_id(document_id, "document id"),
        _optional_id(patient_id, "patient id"),
    )
    searched = document is not None or patient is not None
    found = (
        list_jobs(session, admin, status=None, limit=200, document_id=document, patient_id=patient)
        if searched
        else []
    )
    return render(
        request,
        "admin_jobs.html",
        settings,
        jobs=found,
        searched=searched,
        document_id=document_id or "",
        patient_id=patient_id or "",
        retry_refusal=operations.retry_refusal,
    )


@pages.get("/admin/audit.csv")
def audit_csv(session: SessionDep, _admin: CurrentAdmin, where: AuditFilterDep) -> Response:
    entries = audit_log.find_entries(session, where, limit=AUDIT_CSV_ROWS)
    return Response(
        audit_log.entries_csv(entries),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )


@pages.post("/admin/failures/retry")
def retry_failure_group_page(
    error_reason: Annotated[str, Form(min_length=1, max_length=50)],
    session: SessionDep,
    settings: SettingsDep,
    admin: CurrentAdmin,
) -> Response:
    retried = retry_failure_group(
        FailureGroupRetry(error_reason=error_reason), session, settings, admin
    )
    return RedirectResponse(f"/admin?retried={len(retried)}", status_code=303)


@pages.post("/admin/jobs/{job_id}/{action}")
def job_action_page(
    job_id: UUID, action: str, session: SessionDep, settings: SettingsDep, admin: CurrentAdmin
) -> Response:
    if action == "retry":
        retry_job(job_id, session, settings, admin)
        return RedirectResponse("/admin?retried=1", status_code=303)
    if action == "cancel":
        cancel_job(job_id, session, admin)
        return RedirectResponse("/admin", status_code=303)
    raise NotFound("No such action.", reason="unknown_action")


@pages.post("/admin/users/{user_id}/{change}")
def change_user_page(
    user_id: UUID,
    change: str,
    session: SessionDep,
    admin: CurrentAdmin,
    role: Annotated[Role | None, Form()] = None,
) -> Response:
    """Deactivate, reactivate or change the role of an account from the page's buttons."""
    if change in ("deactivate", "reactivate"):
        body = UserUpdate(is_active=change == "reactivate")
    elif change == "role" and role is not None:
        body = UserUpdate(role=role)
    else:
        raise NotFound("No such change to an account.", reason="unknown_action")
    update_user(user_id, body, session, admin)
    return RedirectResponse("/admin#users", status_code=303)


@pages.post("/admin/users")
def create_user_page(
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    full_name: Annotated[str, Form()],
    role: Annotated[Role, Form()],
    session: SessionDep,
    admin: CurrentAdmin,
) -> Response:
    body = validated(
        lambda: StaffCreate(email=email, password=password, full_name=full_name, role=role)
    )
    create_user(body, session, admin)
    return RedirectResponse("/admin", status_code=303)
