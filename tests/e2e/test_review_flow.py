"""The clinician's review in Chromium: find the work, resolve a conflict by keyboard, add a
missed fact from selected text; each page checked by axe-core at desktop and phone width."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import axe_violations, screenshot

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
ER_POSITIVE = "Invasive ductal carcinoma of the breast.\nEstrogen receptor: positive (90%).\n"
ER_NEGATIVE = "Invasive ductal carcinoma of the breast.\nEstrogen receptor: negative (0%).\n"


@pytest.fixture(scope="module")
def conflicted(browser, server, tmp_path_factory) -> str:
    """A patient whose two records disagree about ER; the clinician's email."""
    folder = tmp_path_factory.mktemp("conflict")
    files = []
    for name, text in (("first.txt", ER_POSITIVE), ("second.txt", ER_NEGATIVE)):
        (folder / name).write_text(text)
        files.append(str(folder / name))
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.url}/signup")
    page.get_by_label("Full name").fill("Robin Okafor")
    page.get_by_label("Date of birth").fill("1958-07-21")
    page.get_by_label("Email").fill("robin@example.org")
    page.get_by_label("Password (at least 8 characters").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r".*/\?notice=signed_up$"))
    page.get_by_label("Email").fill("robin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/records$"))
    for count, path in enumerate(files, start=1):
        page.set_input_files("#file", path)
        page.wait_for_function(
            "n => fetch('/api/documents').then(r => r.json())"
            ".then(ds => ds.length === n && ds.every(d => d.status === 'done'))",
            arg=count,
            timeout=120_000,
            polling=500,
        )
    context.close()
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


def _checked(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Screenshot the page at both widths and check it with axe-core at each."""
    problems = []
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"review-{name}-{size}")
        problems += [f"[{size}] {v}" for v in axe_violations(page)]
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            problems.append(f"[{size}] {width[0]} px wide on a {width[1]} px screen")
    page.set_viewport_size(SIZES["desktop"])
    assert not problems, "\n".join(problems)


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
    _checked(page, "queue-filtered")
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
    _checked(page, "patient-items")
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
    _checked(page, "after-decision")
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
    _checked(page, "evidence-add-fact")
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
