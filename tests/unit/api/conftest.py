"""An app per test on a fresh SQLite file, with the signed-in user chosen by the test.

The user comes in through `app.dependency_overrides`, so no token is issued or read; the
tables are created from the models, and tasks are collected instead of sent to a broker.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api import admins, patients
from api.deps import SessionDep, app_settings, get_current_user, get_sign_in
from api.main import create_app
from api.security import SignIn
from intake.settings import Settings
from models.db import get_engine, session_scope
from models.repo import sign_ins
from models.schemas import DocumentStatus, Queue, Role
from models.tables import Base, Document, Job, Patient, User


@dataclass
class Sent:
    """Tasks the routes asked to send after commit: (document id, queue)."""

    tasks: list[tuple[uuid.UUID, str]] = field(default_factory=list)


@dataclass
class Api:
    client: TestClient
    settings: Settings
    sent: Sent
    signed_in: dict[str, uuid.UUID | None] = field(default_factory=lambda: {"user": None})

    def session(self) -> Any:
        return session_scope(self.settings.resolved_database_url)

    def sign_in(self, user_id: uuid.UUID) -> None:
        self.signed_in["user"] = user_id

    def add_user(self, role: Role, email: str) -> uuid.UUID:
        with self.session() as session:
            user = User(email=email, password_hash="x", full_name=email.title(), role=role)
            session.add(user)
            if role is Role.patient:
                session.add(Patient(user=user, full_name=user.full_name))
            session.flush()
            return user.id

    def patient_of(self, user_id: uuid.UUID) -> uuid.UUID:
        with self.session() as session:
            user = session.get(User, user_id)
            assert user is not None and user.patient is not None
            return user.patient.id

    def add_document(
        self, patient_id: uuid.UUID, *, status: DocumentStatus = DocumentStatus.done
    ) -> tuple[uuid.UUID, uuid.UUID]:
        """Add a document and its job; return both ids."""
        with self.session() as session:
            document = Document(
                patient_id=patient_id,
                filename="report.pdf",
                content_type="application/pdf",
                size_bytes=10,
                sha256=uuid.uuid4().hex,
                storage_key=f"{patient_id}/{uuid.uuid4().hex}",
                status=status,
                progress=1.0,
            )
            session.add(document)
            session.flush()
            job = Job(
                document_id=document.id,
                pipeline_version="1",
                queue=Queue.documents,
                status=status,
                finished_at=dt.datetime.now(dt.UTC),
            )
            session.add(job)
            session.flush()
            return document.id, job.id


@pytest.fixture
def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    settings = Settings(home=tmp_path, secret_key="router-test-secret")
    Base.metadata.create_all(get_engine(settings.resolved_database_url))
    sent = Sent()

    def collect(_session: Session, document_id: uuid.UUID, **options: Any) -> None:
        sent.tasks.append((document_id, options["queue"]))

    monkeypatch.setattr(patients, "enqueue_after_commit", collect)
    monkeypatch.setattr(admins, "enqueue_after_commit", collect)
    app = create_app()
    state = Api(client=TestClient(app), settings=settings, sent=sent)

    def current_user(session: SessionDep) -> User:
        user_id = state.signed_in["user"]
        found = session.get(User, user_id) if user_id else None
        assert found is not None, "the test signs a user in first"
        return found

    async def current_sign_in() -> SignIn:
        user_id = state.signed_in["user"]
        assert user_id is not None
        expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        with session_scope(settings.resolved_database_url) as session:
            row = sign_ins.start(session, user_id=user_id, expires_at=expires_at)
            return SignIn(user_id, row.id)

    app.dependency_overrides[app_settings] = lambda: settings
    app.dependency_overrides[get_current_user] = current_user
    app.dependency_overrides[get_sign_in] = current_sign_in
    yield state
    get_engine(settings.resolved_database_url).dispose()
