"""Password resets: an admin issues a one-time link, the user opens it and sets a password."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import CurrentAdmin, SessionDep, SettingsDep, check_signed_out_form
from api.errors import ERROR_RESPONSES
from api.pages import render
from intake.password_resets import complete_reset, find_reset, issue_reset
from models.errors import IntakeError
from models.repo import users
from models.schemas import PasswordResetRead

router = APIRouter(prefix="/api/admin", tags=["admins"], responses=ERROR_RESPONSES)
pages = APIRouter(include_in_schema=False)


@router.post(
    "/users/{user_id}/reset",
    response_model=PasswordResetRead,
    status_code=status.HTTP_201_CREATED,
)
def issue_password_reset(
    user_id: UUID, request: Request, session: SessionDep, admin: CurrentAdmin
) -> PasswordResetRead:
    """A one-time link, valid for a day, for the user to choose a new password. Give it to them
    by a channel you trust: it is shown only this once, and a newer link replaces it."""
    issued = issue_reset(session, users.get(session, user_id), by=admin.id)
    url = str(request.base_url).rstrip("/") + issued.path
    return PasswordResetRead(url=url, expires_at=issued.expires_at)


@pages.post("/admin/password-resets", response_class=HTMLResponse)
def issue_password_reset_page(
    user_id: Annotated[UUID, Form()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    admin: CurrentAdmin,
) -> Response:
    """The admin page's "Reset link" button: the link, shown this once."""
    user = users.get(session, user_id)
    issued = issue_reset(session, user, by=admin.id)
    url = str(request.base_url).rstrip("/") + issued.path
    return render(
        request, "admin_reset_link.html", settings, user=user, url=url, expires_at=issued.expires_at
    )


@pages.get("/reset/{token}", response_class=HTMLResponse)
def reset_page(
    token: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    find_reset(session, token)
    return render(request, "reset.html", settings, token=token, error=None)


@pages.post("/reset/{token}", dependencies=[Depends(check_signed_out_form)])
def reset_password(
    token: str,
    request: Request,
    new_password: Annotated[str, Form(max_length=256)],
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    try:
        complete_reset(session, token, new_password=new_password)
    except IntakeError as error:
        if error.reason == "reset_link_invalid":
            raise
        return render(
            request, "reset.html", settings, status_code=422, token=token, error=error.message
        )
    return RedirectResponse("/?notice=password_reset", status_code=303)
