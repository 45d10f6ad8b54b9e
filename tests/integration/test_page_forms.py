"""Every form a page posts, sent wrong: each answer is a refusal with a reason, never a 500."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.testclient import TestClient

from models.schemas import Role
from tests.factories import RECORD_PAGE_1, RECORD_PAGE_2
from tests.integration.api_helpers import PASSWORD, post_form

RECORD = (RECORD_PAGE_1 + RECORD_PAGE_2).encode()

# Wrong types and values a hand-made request can carry in any field.
WRONG = ["", "abc", "-1", "1e9", "99999999999999999999999", "1.5", "None", "\x00", "é" * 3000]


def _browser(api, role: Role) -> tuple[TestClient, str]:
    """A signed-in browser that reports server errors as responses, and its CSRF token."""
    from intake import accounts
    from models.db import session_scope

    email = f"forms-{role.value}-{uuid.uuid4().hex[:8]}@example.org"
    with session_scope(api.settings.resolved_database_url) as session:
        accounts.create_user(
            session, email=email, password=PASSWORD, full_name=f"Form {role.value}", role=role
        )
    browser = TestClient(api.client.app, raise_server_exceptions=False)
    page = post_form(browser, "/login", {"email": email, "password": PASSWORD})
    assert page.status_code == 200, page.text[:500]
    return browser, re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.text).group(1)


@pytest.fixture(scope="module")
def record(api) -> dict[str, str]:
    """A processed record with an open review item: the ids the form routes name."""
    patient = api.user(Role.patient)
    document_id = api.upload(patient, "r.txt", RECORD)
    api.process(document_id)
    patient_id = api.patient_id(patient)
    clinician, _ = _browser(api, Role.clinician)
    page = clinician.get(f"/review/patients/{patient_id}").text
    item_id = re.search(r'action="/review/items/([0-9a-f-]+)/decide"', page).group(1)
    return {"patient": str(patient_id), "document": document_id, "item": item_id}


def _refused(response, *, status: int = 422) -> None:
    assert response.status_code != 500, response.text[:300]
    assert response.status_code == status, response.text[:300]


def _fuzz(browser: TestClient, csrf: str, url: str, fields: list[str], valid: dict[str, str]):
    """Post each wrong value in each field (the others valid); no answer may be a 500."""
    for field in fields:
        for wrong in WRONG:
            response = browser.post(url, data={**valid, field: wrong, "csrf_token": csrf})
            assert response.status_code < 500, (url, field, wrong[:20], response.text[:300])


def test_an_unknown_decision_is_refused_with_a_reason(api, record):
    browser, csrf = _browser(api, Role.clinician)
    response = browser.post(
        f"/review/items/{record['item']}/decide", data={"decision": "approve", "csrf_token": csrf}
    )
    _refused(response)
    assert "decision must be one of" in response.text


def test_a_too_long_comment_is_refused_with_a_reason(api, record):
    browser, csrf = _browser(api, Role.clinician)
    response = browser.post(
        f"/review/items/{record['item']}/decide",
        data={"decision": "confirm", "comment": "x" * 2001, "csrf_token": csrf},
    )
    _refused(response)
    assert "comment" in response.text


def _facts_url(record: dict[str, str], page: int | str = 1) -> str:
    return f"/review/patients/{record['patient']}/documents/{record['document']}/pages/{page}/facts"


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"start": "abc", "end": "5"}, "start must be a whole number"),
        ({"start": "0", "end": "1.5"}, "end must be a whole number"),
        ({"start": "5", "end": "1"}, "Select the text"),
        ({"start": "0", "end": "5", "fact": "nonsense"}, "Choose what kind of fact"),
        ({"start": "0", "end": "5", "fact": "diagnosis", "oncotree_code": "NOPE"}, "OncoTree"),
    ],
)
def test_a_malformed_fact_is_refused_with_a_reason(api, record, fields, said):
    browser, csrf = _browser(api, Role.clinician)
    response = browser.post(_facts_url(record), data={**fields, "csrf_token": csrf})
    _refused(response)
    assert said in response.text


@pytest.mark.parametrize("page", ["-1", "0", "99999999999999999999999"])
def test_a_fact_on_a_page_that_does_not_exist_is_not_found(api, record, page):
    browser, csrf = _browser(api, Role.clinician)
    response = browser.post(
        _facts_url(record, page), data={"start": "0", "end": "5", "csrf_token": csrf}
    )
    _refused(response, status=404)


def _facts_of_each_kind() -> dict[str, dict[str, object]]:
    from extractors.extract import extract_facts
    from extractors.reader import read_pages

    return {
        fact.fact.value: fact.model_dump(mode="json")
        for fact in extract_facts(read_pages(RECORD)).facts
    }


def _open_item(api, patient_id: str, fact: dict[str, object]) -> str:
    from models.db import session_scope
    from models.schemas import ReviewReason, Severity
    from models.tables import ReviewItem

    with session_scope(api.settings.resolved_database_url) as session:
        item = ReviewItem(
            patient_id=uuid.UUID(patient_id),
            reason=ReviewReason.stage_derived,
            severity=Severity.medium,
            message="Check this fact.",
            facts=[fact],
        )
        session.add(item)
        session.flush()
        return str(item.id)


def test_no_clinician_form_answers_with_a_server_error(api, record):
    from intake.decisions import EDITABLE

    browser, csrf = _browser(api, Role.clinician)
    for kind, fact in _facts_of_each_kind().items():
        fields = ["decision", "comment", *EDITABLE[kind]]  # type: ignore[index]
        for decision in ("correct", "confirm"):
            for field in fields:
                for wrong in WRONG:
                    # A fresh open item each time: one decided would answer 409 to the rest.
                    url = f"/review/items/{_open_item(api, record['patient'], fact)}/decide"
                    data = {"decision": decision, field: wrong, "csrf_token": csrf}
                    response = browser.post(url, data=data)
                    assert response.status_code < 500, (kind, field, wrong[:20], response.text)
        _fuzz(
            browser,
            csrf,
            _facts_url(record),
            ["start", "end", "fact", "comment", *EDITABLE[kind]],  # type: ignore[index]
            {"start": "0", "end": "20", "fact": kind},
        )
    for wrong in ("abc", "-1", str(uuid.uuid4())):
        response = browser.post(f"/review/items/{wrong}/decide", data={"csrf_token": csrf})
        assert response.status_code < 500


def test_no_admin_form_answers_with_a_server_error(api):
    browser, csrf = _browser(api, Role.admin)
    bad_email = browser.post(
        "/admin/users",
        data={
            "email": "not-an-email",
            "password": PASSWORD,
            "full_name": "Someone",
            "role": "clinician",
            "csrf_token": csrf,
        },
    )
    _refused(bad_email)
    _fuzz(
        browser,
        csrf,
        "/admin/users",
        ["email", "password", "full_name", "role"],
        {"email": "staff@example.org", "password": PASSWORD, "full_name": "S", "role": "admin"},
    )
    for job, action in (("abc", "retry"), (str(uuid.uuid4()), "retry"), (str(uuid.uuid4()), "x")):
        response = browser.post(f"/admin/jobs/{job}/{action}", data={"csrf_token": csrf})
        assert response.status_code < 500


def test_no_patient_or_sign_in_form_answers_with_a_server_error(api):
    browser, csrf = _browser(api, Role.patient)
    for document in ("abc", "-1", str(uuid.uuid4())):
        response = browser.post(f"/documents/{document}/delete", data={"csrf_token": csrf})
        assert response.status_code < 500
    anonymous = TestClient(api.client.app, raise_server_exceptions=False)
    for url, fields in (
        # Addresses no other test uses: the fuzzing fails enough sign-ins to lock an account.
        ("/login", {"email": f"fuzz-{uuid.uuid4().hex[:8]}@example.org", "password": PASSWORD}),
        (
            "/signup",
            {
                "email": f"fuzz-{uuid.uuid4().hex[:8]}@example.org",
                "password": PASSWORD,
                "full_name": "B",
                "date_of_birth": "1960-01-01",
            },
        ),
    ):
        for field in fields:
            for wrong in WRONG:
                page = "/signup" if url == "/signup" else "/"
                response = post_form(anonymous, url, {**fields, field: wrong}, page=page)
                assert response.status_code < 500, (url, field, wrong[:20])
