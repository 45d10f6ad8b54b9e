"""Build an API on the embedded default and sign people in, for tests that need no worker."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

import httpx
from fastapi.testclient import TestClient

from intake import accounts, pipeline
from intake.settings import Settings
from models.db import session_scope
from models.schemas import Role

PASSWORD = "long enough password"


@dataclass
class Api:
    settings: Settings
    client: TestClient
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    def user(self, role: Role, name: str | None = None) -> dict[str, str]:
        """Create a user of a role and return bearer headers for them."""
        email = f"{name or role.value}-{uuid.uuid4().hex[:8]}@example.org"
        with session_scope(self.settings.resolved_database_url) as session:
            accounts.create_user(
                session, email=email, password=PASSWORD, full_name=f"{role} {name}", role=role
            )
        token = self.client.post("/api/auth/token", data={"username": email, "password": PASSWORD})
        assert token.status_code == 200, token.text
        return {"Authorization": f"Bearer {token.json()['access_token']}"}

    def upload(self, headers: dict[str, str], name: str, data: bytes) -> str:
        response = self.client.post(
            "/api/documents", files={"file": (name, data, "text/plain")}, headers=headers
        )
        assert response.status_code in (200, 202), response.text
        return str(response.json()["id"])

    def process(self, document_id: str) -> None:
        """Run the pipeline in this process, as a worker would."""
        pipeline.process_document(uuid.UUID(document_id), settings=self.settings)

    def patient_id(self, headers: dict[str, str]) -> str:
        return str(self.client.get("/api/profile", headers=headers).json()["patient_id"])


CSRF_META = re.compile(r'name="csrf-token" content="([0-9a-f]+)"')


def page_token(browser: TestClient, path: str = "/") -> str:
    """The CSRF token a page's forms carry (a signed-out visitor's too), as a browser sees it."""
    found = CSRF_META.search(browser.get(path).text)
    assert found, f"{path} carries a CSRF token"
    return found.group(1)


def post_form(
    browser: TestClient, url: str, data: dict[str, str], *, page: str = "/"
) -> httpx.Response:
    """Fill in and send a form as a browser does: open its page first, then post with its token."""
    return browser.post(url, data={**data, "csrf_token": page_token(browser, page)})
