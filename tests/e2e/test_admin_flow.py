"""The admin on call, in Chromium: failed uploads found, retried only where a retry can pass, the
retried job followed to its end, and the audit log filtered and downloaded. Each page is checked
by axe-core at desktop and phone width."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.e2e.conftest import check_page, documents_settled
from tests.factories import RECORD_PAGE_1

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"


def _signed_in(browser, server, email: str):  # type: ignore[no-untyped-def]
    page = browser.new_context().new_page()
    page.goto(server.url)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def test_admin_retries_only_what_can_pass_and_follows_the_job_to_its_end(browser, server, tmp_path):
    server.create_user("casey@example.org", PASSWORD, "patient")
    server.create_user("oncall@example.org", PASSWORD, "admin")
    patient = _signed_in(browser, server, "casey@example.org")
    patient.wait_for_url(re.compile(r".*/records$"))
    (tmp_path / "blank.txt").write_text("   \n")
    (tmp_path / "pathology.txt").write_text(RECORD_PAGE_1)
    patient.set_input_files("#file", str(tmp_path / "blank.txt"))
    documents_settled(patient, 1)
    patient.set_input_files("#file", str(tmp_path / "pathology.txt"))
    documents = {d["filename"]: d for d in documents_settled(patient, 2)}
    assert documents["blank.txt"]["status"] == "failed"
    record_id = documents["pathology.txt"]["id"]
    # A worker that ran out of time: a failure of the machinery, which a retry can get past.
    server.fail_job(record_id, "timeout")

    page = _signed_in(browser, server, "oncall@example.org")
    page.wait_for_url(re.compile(r".*/admin$"))
    failures = page.locator("table", has=page.locator("th", has_text="File type"))
    blank = failures.locator("tr", has=page.locator("td[data-label=Reason]", has_text="empty_file"))
    timed_out = failures.locator(
        "tr", has=page.locator("td[data-label=Reason]", has_text="timeout")
    )
    assert blank.count() == 1 and timed_out.count() == 1
    assert "text/plain" in blank.inner_text() and "4 Bytes" in blank.inner_text()
    assert "a new upload is needed" in blank.inner_text()
    assert blank.get_by_role("button").count() == 0, "no retry where it cannot pass"
    assert page.get_by_role("button", name=re.compile("failed with empty_file")).count() == 0
    assert page.get_by_role("button", name="Retry all 1 failed with timeout").is_visible()
    check_page(page, "admin-failures")

    timed_out.get_by_role("button", name=re.compile(r"^Retry job ")).click()
    page.wait_for_url(re.compile(r".*/admin\?retried=1$"))
    assert "1 job queued again" in page.get_by_role("status").inner_text()
    assert timed_out.count() == 0, "the retried job left the failures"

    page.goto(f"{server.url}/admin/jobs")
    page.get_by_label("Document id").fill(record_id)
    page.get_by_role("button", name="Find").click()
    page.wait_for_url(re.compile(rf".*document_id={record_id}.*"))
    for _ in range(120):
        state = page.locator("td[data-label=State]").inner_text()
        if state == "done":
            break
        page.wait_for_timeout(500)
        page.reload()
    assert state == "done", "the retried job ran to its end"
    assert page.locator("td[data-label=Attempts]").inner_text() != "0"
    check_page(page, "admin-jobs-found")

    page.goto(f"{server.url}/admin/audit")
    page.get_by_label("Action").select_option("retry")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r".*action=retry.*"))
    what = page.locator("td[data-label=What]").all_inner_texts()
    assert what and set(what) == {"retry"}
    assert "oncall@example.org" in page.locator("td[data-label=Who]").first.inner_text()
    assert page.locator("td[data-label=Patient]").first.inner_text() == "casey@example.org"
    check_page(page, "admin-audit-retries")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert rows and {row["action"] for row in rows} == {"retry"}, rows[:3]
    patient.context.close()
    page.context.close()
