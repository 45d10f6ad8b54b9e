"""The clinician's review in Chromium: find the work, resolve a conflict by keyboard, add a
missed fact from selected text; each page checked by axe-core at desktop and phone width."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import SIZES, check_page, documents_settled, screenshot
from tests.factories import RECORD_PAGE_1

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"
ER_POSITIVE = "Invasive ductal carcinoma of the breast.\nEstrogen receptor: positive (90%).\n"
ER_NEGATIVE = "Invasive ductal carcinoma of the breast.\nEstrogen receptor: negative (0%).\n"


def _signs_up(browser, server, *, name: str, email: str, born: str):  # type: ignore[no-untyped-def]
    """A patient creates an account from the page and signs in; their browser page."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.url}/signup")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Date of birth").fill(born)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password (at least 8 characters").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r".*/\?notice=signed_up$"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/records$"))
    return page


def _uploads(page, path, *, count: int) -> None:  # type: ignore[no-untyped-def]
    """Upload a file from the records page and wait until all `count` records are read."""
    page.set_input_files("#file", str(path))
    listed = documents_settled(page, count)
    assert {d["status"] for d in listed} == {"done"}, listed


@pytest.fixture(scope="module")
def conflicted(browser, server, tmp_path_factory) -> str:
    """A patient whose two records disagree about ER; the clinician's email."""
    folder = tmp_path_factory.mktemp("conflict")
    page = _signs_up(
        browser, server, name="Robin Okafor", email="robin@example.org", born="1958-07-21"
    )
    for count, (name, text) in enumerate(
        (("first.txt", ER_POSITIVE), ("second.txt", ER_NEGATIVE)), 1
    ):
        (folder / name).write_text(text)
        _uploads(page, folder / name, count=count)
    page.context.close()
    server.create_user("dr.okoye@example.org", PASSWORD, "clinician")
    return "dr.okoye@example.org"


def _signed_in(browser, server, email: str, size: str = "desktop"):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    page.goto(server.url)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/review$"))
    return context, page


def test_clinician_finds_the_patient_and_filters_the_queue(browser, server, conflicted):
    context, page = _signed_in(browser, server, conflicted)
    page.get_by_label("Patient: name, date of birth or MRN").fill("okafor")
    page.get_by_role("button", name="Show").click()
    patients = page.locator("#patients")
    assert "Robin Okafor" in patients.inner_text()
    page.get_by_label("Patient: name, date of birth or MRN").fill("1958-07-21")
    page.get_by_label("Why").select_option("conflicting_biomarker")
    page.get_by_role("button", name="Show").click()
    assert "Robin Okafor" in page.locator("#patients").inner_text()
    rows = page.locator("#queue tbody tr")
    assert rows.count() >= 1
    for text in rows.all_inner_texts():
        assert "reported both" in text
    assert "ER: positive 90%" in page.locator("#queue").inner_text()
    check_page(page, "review-queue-filtered")
    context.close()


def test_clinician_resolves_the_conflict_by_keyboard_and_moves_on(browser, server, conflicted):
    context, page = _signed_in(browser, server, conflicted)
    page.locator("#patients a", has_text="Robin Okafor").click()
    page.wait_for_selector("text=Items to review")
    items = page.locator("[data-review-item]")
    assert items.count() >= 2, "the conflict and at least one more item"
    first_id = items.first.get_attribute("id")
    assert page.evaluate("document.activeElement.id") == first_id
    assert page.locator("input[name=decision]:checked").count() == 0, "nothing chosen"
    check_page(page, "review-patient-items")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == items.nth(1).get_attribute("id")
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == first_id
    # Typing in a field never decides.
    comment = items.first.get_by_label("Comment (free text)")
    comment.click()
    page.keyboard.type("cx checked with the lab")
    assert items.first.locator("input[name=decision]:checked").count() == 0
    items.first.focus()
    conflict = items.first
    assert "Which reading holds?" in conflict.inner_text()
    assert "The patient will see: No ER result" in conflict.inner_text()
    page.keyboard.press("1")
    chosen = conflict.locator("input[name=decision]:checked")
    assert chosen.get_attribute("value") == "confirm:0"
    assert "ER: positive 90% holds" in conflict.locator("label.chosen").inner_text()
    assert page.evaluate("document.activeElement.textContent") == "Save decision"
    screenshot(page, "review-conflict-chosen-desktop")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*#next$"))
    page.wait_for_selector("[data-review-item]")
    assert page.evaluate("document.activeElement.dataset.reviewItem") is not None
    assert "Which reading holds?" not in page.locator("[data-review-item]").first.inner_text()
    assert (
        "checked with the lab" in page.locator("text=Decisions so far").locator("..").inner_text()
    )
    check_page(page, "review-after-decision")
    context.close()


def test_clinician_adds_a_missed_fact_from_selected_text(browser, server, conflicted):
    context, page = _signed_in(browser, server, conflicted)
    page.locator("#patients a", has_text="Robin Okafor").click()
    page.locator("a", has_text=re.compile(r"^page 1")).first.click()
    page.wait_for_selector("#page-text")
    forms = page.locator("details.add-fact")
    assert forms.count() == 5
    page.evaluate(
        """() => {
            const text = document.getElementById('page-text');
            const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
            let node = walker.nextNode();
            while (node && node.textContent.length < 8) node = walker.nextNode();
            const range = document.createRange();
            range.setStart(node, 0);
            range.setEnd(node, 8);
            const selection = document.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }"""
    )
    page.wait_for_function("document.getElementById('selected').textContent === 'Invasive'")
    biomarker = page.locator("#add-biomarker")
    biomarker.locator("summary").click()
    assert biomarker.locator("[data-start]").input_value() == "0"
    assert biomarker.locator("[data-end]").input_value() == "8"
    assert biomarker.locator("input[name=oncotree_code]").count() == 0, "only its own fields"
    assert biomarker.locator("input[name=marker]").get_attribute("list") == "add-vocab-marker"
    check_page(page, "review-evidence-add-fact")
    biomarker.get_by_label("marker").fill("PRR")
    biomarker.get_by_label("result").fill("negative")
    biomarker.get_by_role("button", name="Add biomarker").click()
    assert "Did you mean: PR" in page.locator("main").inner_text()
    page.go_back()
    page.wait_for_selector("#page-text")
    biomarker = page.locator("#add-biomarker")
    biomarker.locator("summary").click()
    biomarker.locator("[data-start]").fill("0")
    biomarker.locator("[data-end]").fill("8")
    biomarker.get_by_label("marker").fill("PR")
    biomarker.get_by_label("result").fill("negative")
    biomarker.get_by_role("button", name="Add biomarker").click()
    page.wait_for_selector("text=Items to review")
    biomarkers = page.locator("p.fact").all_inner_texts()
    added = [line for line in biomarkers if line.startswith("PR") and ": negative" in line]
    assert added and "Checked by a clinician (added" in added[0], biomarkers
    context.close()


def test_clinician_sees_what_a_newer_record_changed_and_their_decisions_today(
    browser, server, tmp_path
):
    patient = _signs_up(
        browser, server, name="Sam Adeyemi", email="sam@example.org", born="1966-02-11"
    )
    (tmp_path / "pathology.txt").write_text(RECORD_PAGE_1)
    _uploads(patient, tmp_path / "pathology.txt", count=1)
    server.create_user("dr.lindqvist@example.org", PASSWORD, "clinician")
    context, page = _signed_in(browser, server, "dr.lindqvist@example.org")
    assert "My decisions today (0)" in page.locator("#today-heading").inner_text()
    page.get_by_label("Patient: name, date of birth or MRN").fill("adeyemi")
    page.get_by_role("button", name="Show").click()
    page.locator("#patients a", has_text="Sam Adeyemi").click()
    page.wait_for_selector("text=Items to review")
    patient_page = page.url
    derived = page.locator("[data-review-item]", has_text="derived")
    derived.focus()
    was = derived.locator(".about").inner_text().removeprefix("About: ")
    page.keyboard.press("c")
    assert derived.locator("input[name=decision]:checked").get_attribute("value") == "confirm"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    later = tmp_path / "later.txt"
    later.write_text(
        "Invasive ductal carcinoma of the left breast.\n"
        "Pathologic stage: pT3 pN2a M0, stage IIIA.\n"
    )
    _uploads(patient, later, count=2)
    patient.context.close()

    page.goto(patient_page)
    changed = page.locator("[data-review-item]", has_text="What changed")
    assert changed.count() == 1, page.locator("main").inner_text()
    said = changed.inner_text()
    assert (
        f"it was {was} (confirmed on" in said and "a newer record now gives Stage: IIIA" in said
    ), said
    stage = page.locator("p.fact", has_text="AJCC stage").inner_text()
    assert "IIIA" in stage and "not yet checked" in stage, "the new value was never checked"
    check_page(page, "review-what-changed")
    page.goto(f"{server.url}/review")
    assert "My decisions today (1)" in page.locator("#today-heading").inner_text()
    today = page.locator("#today tbody").inner_text()
    assert "Sam Adeyemi" in today and "confirmed" in today
    assert "(changed: was" in page.locator("#queue").inner_text()
    check_page(page, "review-decisions-today")
    context.close()
