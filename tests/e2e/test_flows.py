"""One flow per role in headless Chromium, from sign-in to the role's goal, with screenshots."""

from __future__ import annotations

import http.server
import io
import re
import threading

import pdfplumber
import pytest

from tests.e2e.conftest import axe_violations, screenshot
from tests.factories import RECORD_PAGE_1, RECORD_PAGE_2, text_pdf

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"


def _sign_in(page, server, email: str) -> None:
    page.goto(server.url)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_patient_uploads_a_record_and_reads_the_profile(page, server, tmp_path):
    page.goto(f"{server.url}/signup")
    page.get_by_label("Full name").fill("Pat Example")
    page.get_by_label("Date of birth").fill("1961-03-04")
    page.get_by_label("Email").fill("pat@example.org")
    page.get_by_label("Password (at least 8 characters").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r".*/\?notice=signed_up$"))
    assert page.get_by_text("Your account is ready").is_visible()
    _sign_in(page, server, "pat@example.org")
    page.wait_for_url(re.compile(r".*/records$"))
    record = tmp_path / "pathology.pdf"
    record.write_bytes(text_pdf([RECORD_PAGE_1, RECORD_PAGE_2]))
    page.set_input_files("#file", str(record))
    page.wait_for_selector("text=Breast Invasive Ductal Carcinoma", timeout=120_000)
    assert page.get_by_text("not medical advice").first.is_visible()
    assert page.locator("ol.timeline li").count() >= 1
    summary = page.locator("section.summary")
    assert "Your records say you have" in summary.inner_text()
    assert "mother had ovarian cancer" in summary.inner_text()
    # A glossary term opens on a tap, not only on hover.
    term = page.locator(".term-button").first
    term.click()
    assert term.get_attribute("aria-expanded") == "true"
    assert page.locator(".term-text").first.is_visible()
    screenshot(page, "patient-profile")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "patient-profile-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="where we found this").first.click()
    highlighted = page.locator("mark#evidence").inner_text()
    assert "ductal carcinoma" in highlighted.lower()
    screenshot(page, "patient-evidence")
    page.go_back()
    page.locator("a[href^='/articles/']").first.click()
    page.wait_for_url(re.compile(r".*/articles/[a-z0-9-]+$"))
    assert page.get_by_role("heading", level=1).count() == 1
    assert page.get_by_text("In short:").is_visible()
    assert page.get_by_role("heading", name="Questions to ask your oncologist").is_visible()
    assert page.get_by_role("heading", name="Sources").is_visible()
    assert page.get_by_text("not medical advice").first.is_visible()
    screenshot(page, "patient-article")
    page.set_viewport_size({"width": 390, "height": 844})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390
    screenshot(page, "patient-article-390")
    # To the doctor: the summary as a PDF, and the original file as it was uploaded.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.go_back()
    summary_link = page.get_by_role("link", name="Download the summary (PDF)")
    pdf = page.request.get(f"{server.url}{summary_link.get_attribute('href')}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.body())) as document:
        text = "\n".join(p.extract_text() or "" for p in document.pages)
    assert "Breast Invasive Ductal Carcinoma" in text
    assert "Questions to ask your oncologist" in text
    assert "not medical advice" in text
    original = page.get_by_role("link", name=re.compile("Open the original pathology"))
    upload = page.request.get(f"{server.url}{original.get_attribute('href')}")
    assert upload.ok and upload.body() == record.read_bytes()


def test_clinician_confirms_a_flagged_item(page, server, tmp_path):
    server.create_user("clin@example.org", PASSWORD, "clinician")
    _sign_in(page, server, "clin@example.org")
    page.wait_for_url(re.compile(r".*/review$"))
    page.locator("table a").first.click()
    page.wait_for_selector("text=Items to review")
    screenshot(page, "clinician-patient")
    first = page.locator("article").first
    first.get_by_label("Comment (free text)").fill("Checked against the report")
    # Nothing is chosen in advance: saving without a decision is held back by the browser.
    first.get_by_role("button", name="Save decision").click()
    assert first.locator("input[name=decision]:invalid").count() > 0
    first.locator("label.choice").first.click()
    patient_page = page.url
    first.get_by_role("button", name="Save decision").click()
    # The next item opens (this patient's last one was decided: the queue's next, or the queue).
    page.wait_for_url(lambda url: url != patient_page)
    page.goto(patient_page)
    page.wait_for_selector("text=Checked against the report")
    screenshot(page, "clinician-decided")


def test_admin_sees_the_queues_and_jobs(page, server):
    server.create_user("ops@example.org", PASSWORD, "admin")
    _sign_in(page, server, "ops@example.org")
    page.wait_for_url(re.compile(r".*/admin$"))
    assert page.get_by_role("heading", name="Queues").is_visible()
    assert page.locator("svg").count() >= 2
    screenshot(page, "admin-dashboard")


def test_admin_manages_a_clinicians_account_from_the_page(page, server):
    server.create_user("lead@example.org", PASSWORD, "admin")
    server.create_user("locum@example.org", PASSWORD, "clinician")
    _sign_in(page, server, "lead@example.org")
    page.wait_for_url(re.compile(r".*/admin$"))
    page.get_by_role("button", name="Deactivate locum@example.org").click()
    page.wait_for_url(re.compile(r".*/admin(#users)?$"))
    assert page.get_by_role("button", name="Reactivate locum@example.org").is_visible()
    page.get_by_role("button", name="Make locum@example.org an admin").click()
    page.wait_for_url(re.compile(r".*/admin(#users)?$"))
    assert page.get_by_role("button", name="Make locum@example.org a clinician").is_visible()
    page.get_by_role("button", name="Password reset link for locum@example.org").click()
    assert page.get_by_role(
        "heading", name="Password reset link for locum@example.org"
    ).is_visible()
    link = page.get_by_label("Link").input_value()
    assert "/reset/" in link
    assert axe_violations(page) == []
    screenshot(page, "admin-reset-link")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "admin-reset-link-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server.url}/admin/audit")
    what = page.locator("td[data-label=What]")
    for action in ("password_reset_issue", "role_change", "deactivate"):
        assert what.filter(has_text=action).count() >= 1, action
    screenshot(page, "admin-audit-after-changes")


def test_a_sign_in_form_on_another_site_cannot_sign_this_browser_in(page, server):
    """Login CSRF: a page elsewhere posts the attacker's email and password to our sign-in;
    the victim's browser must not end up signed in to the attacker's account."""
    server.create_user("attacker@example.org", PASSWORD, "patient")
    port = int(server.url.rsplit(":", 1)[1])
    attack = (
        "<!doctype html><title>Win a prize</title>"
        f'<form method="post" action="http://127.0.0.1:{port}/login">'
        '<input name="email" value="attacker@example.org">'
        f'<input name="password" value="{PASSWORD}"></form>'
        "<script>document.forms[0].submit()</script>"
    ).encode()

    class AttackerSite(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(attack)

        def log_message(self, *_args: object) -> None:
            pass

    # "localhost" is another site than "127.0.0.1" to the browser.
    elsewhere = http.server.HTTPServer(("127.0.0.1", 0), AttackerSite)
    threading.Thread(target=elsewhere.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://localhost:{elsewhere.server_port}/")
        page.wait_for_url(f"{server.url}/login")
        assert "another website" in page.content()
        screenshot(page, "cross-site-sign-in-refused")
        page.goto(f"{server.url}/records")
        page.wait_for_url(re.compile(r".*/\?next=/records$"))
        assert page.get_by_role("heading", name="Sign in").is_visible()
    finally:
        elsewhere.shutdown()


def test_patient_uploads_a_portal_record_and_finds_the_coded_entry(page, server, tmp_path):
    from pathlib import Path

    fixture = Path(__file__).parents[1] / "fixtures" / "portal" / "maria-lopez.fhir.json"
    page.goto(f"{server.url}/signup")
    page.get_by_label("Full name").fill("Maria Lopez")
    page.get_by_label("Date of birth").fill("1968-04-12")
    page.get_by_label("Email").fill("maria.portal@example.org")
    page.get_by_label("Password (at least 8 characters").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r".*/\?notice=signed_up$"))
    _sign_in(page, server, "maria.portal@example.org")
    page.wait_for_url(re.compile(r".*/records$"))
    assert "patient portal (FHIR or C-CDA)" in page.locator("#drop").inner_text()
    record = tmp_path / "portal-export.json"
    record.write_bytes(fixture.read_bytes())
    page.set_input_files("#file", str(record))
    page.wait_for_selector("text=Breast Invasive Ductal Carcinoma", timeout=120_000)
    assert page.get_by_text("anastrozole").first.is_visible()
    screenshot(page, "patient-portal-record")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "patient-portal-record-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="where we found this").first.click()
    highlighted = page.locator("mark#evidence").inner_text()
    assert highlighted.startswith("Problem: Infiltrating ductal carcinoma of left breast")
    assert "Coded entries of a FHIR R4 bundle" in page.locator("body").inner_text()
    screenshot(page, "patient-portal-evidence")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "patient-portal-evidence-390")
