"""The clinician's review pages: nothing decided in advance, each choice saying what the patient
will see, conflicts resolved on the page, corrections and added facts checked, pages as images."""

from __future__ import annotations

import re

import pytest

from models.schemas import Role
from tests.factories import text_pdf
from tests.integration.test_page_forms import _browser

ER_POSITIVE = b"Invasive ductal carcinoma of the breast. Estrogen receptor: positive (90%)."
ER_NEGATIVE = b"Invasive ductal carcinoma of the breast. Estrogen receptor: negative (0%)."


@pytest.fixture
def conflicted(api) -> dict[str, object]:
    patient = api.user(Role.patient)
    document_id = api.upload(patient, "a.txt", ER_POSITIVE)
    api.process(document_id)
    api.process(api.upload(patient, "b.txt", ER_NEGATIVE))
    return {"headers": patient, "id": api.patient_id(patient), "document": document_id}


def _er_results(api, patient: dict[str, str]) -> list[str]:
    markers = api.client.get("/api/profile", headers=patient).json()["profile"]["biomarkers"]
    return [m["result"] for m in markers if m["marker"] == "ER"]


def _conflict_form(page: str) -> tuple[str, dict[str, str]]:
    """The conflict item's id and its choices by label."""
    article = next(a for a in page.split("<article")[1:] if "Which reading holds?" in a)
    item_id = re.search(r'action="/review/items/([0-9a-f-]+)/decide"', article).group(1)
    choices = {
        label: value
        for value, label in re.findall(
            r'name="decision" value="([^"]+)"[^>]*> <span>\d+\. <strong>([^<]+)</strong>', article
        )
    }
    return item_id, choices


def test_no_decision_is_chosen_in_advance_and_a_form_without_one_is_refused(api, conflicted):
    browser, csrf = _browser(api, Role.clinician)
    page = browser.get(f"/review/patients/{conflicted['id']}").text
    radios = re.findall(r'<input type="radio" name="decision"[^>]*>', page)
    assert radios and not any("checked" in radio for radio in radios)
    assert all("required" in radio for radio in radios)
    assert page.count("The patient will see:") == len(radios)
    item_id, _ = _conflict_form(page)
    response = browser.post(f"/review/items/{item_id}/decide", data={"csrf_token": csrf})
    assert response.status_code == 422
    assert _er_results(api, conflicted["headers"]) != []


def test_a_conflict_is_resolved_on_the_page_by_the_reading_that_holds(api, conflicted):
    browser, csrf = _browser(api, Role.clinician)
    page = browser.get(f"/review/patients/{conflicted['id']}").text
    assert "ER: positive 90%" in page and "ER: negative 0%" in page
    item_id, choices = _conflict_form(page)
    assert "All of these are wrong" in choices
    value = choices["ER: positive 90% holds"]
    response = browser.post(
        f"/review/items/{item_id}/decide", data={"decision": value, "csrf_token": csrf}
    )
    assert response.status_code == 200, response.text[:300]
    assert _er_results(api, conflicted["headers"]) == ["positive"]


def test_a_correction_to_an_unknown_marker_is_refused_on_the_page_with_suggestions(api, conflicted):
    browser, csrf = _browser(api, Role.clinician)
    item_id, _ = _conflict_form(browser.get(f"/review/patients/{conflicted['id']}").text)
    before = _er_results(api, conflicted["headers"])
    response = browser.post(
        f"/review/items/{item_id}/decide",
        data={"decision": "correct", "marker": "ERR", "result": "weird", "csrf_token": csrf},
    )
    assert response.status_code == 422
    assert "not a known biomarker" in response.text and "Did you mean: ER" in response.text
    assert _er_results(api, conflicted["headers"]) == before
    assert item_id == _conflict_form(browser.get(f"/review/patients/{conflicted['id']}").text)[0]


def test_a_missed_fact_is_added_from_its_kind_form_and_checked(api, conflicted):
    browser, csrf = _browser(api, Role.clinician)
    base = f"/review/patients/{conflicted['id']}/documents/{conflicted['document']}/pages/1"
    page = browser.get(base).text
    kinds = re.findall(r'<input type="hidden" name="fact" value="([a-z_]+)">', page)
    assert kinds == ["diagnosis", "stage", "biomarker", "treatment", "family_history"]
    biomarker_form = page.split('value="biomarker"')[1].split("</form>")[0]
    assert 'name="marker"' in biomarker_form and 'name="oncotree_code"' not in biomarker_form
    refused = browser.post(
        f"{base}/facts",
        data={"fact": "treatment", "name": "tamoxifn", "status": "current", "start": "0",
              "end": "8", "csrf_token": csrf},
    )  # fmt: skip
    assert refused.status_code == 422 and "tamoxifen" in refused.text
    added = browser.post(
        f"{base}/facts",
        data={"fact": "biomarker", "marker": "progesterone receptor", "result": "negative",
              "start": "0", "end": "8", "csrf_token": csrf},
    )  # fmt: skip
    assert added.status_code == 200, added.text[:300]
    markers = api.client.get("/api/profile", headers=conflicted["headers"]).json()["profile"]
    pr = [m for m in markers["biomarkers"] if m["marker"] == "PR"]
    assert [(m["result"], m["origin"], m["evidence"]["snippet"]) for m in pr] == [
        ("negative", "clinician", "Invasive")
    ]


def test_the_main_diagnosis_is_chosen_from_a_list_not_typed(api, conflicted):
    browser, csrf = _browser(api, Role.clinician)
    base = f"/review/patients/{conflicted['id']}/documents/{conflicted['document']}/pages/1"
    form = browser.get(base).text.split('value="diagnosis"')[1].split("</form>")[0]
    assert '<select name="principal">' in form and '<input name="principal"' not in form
    options = re.findall(r'<option value="([a-z]*)"', form.split('name="principal"')[1])
    assert options[:3] == ["", "true", "false"], "blank leaves the usual rule to decide"
    added = browser.post(
        f"{base}/facts",
        data={"fact": "diagnosis", "oncotree_code": "ILC", "principal": "true", "start": "0",
              "end": "8", "csrf_token": csrf},
    )  # fmt: skip
    assert added.status_code == 200, added.text[:300]
    diagnoses = api.client.get("/api/profile", headers=conflicted["headers"]).json()["profile"]
    assert diagnoses["diagnoses"][0]["oncotree_code"] == "ILC"


def test_a_text_pdf_page_is_shown_as_an_image_beside_its_text(api):
    patient = api.user(Role.patient)
    response = api.client.post(
        "/api/documents",
        files={"file": ("r.pdf", text_pdf([ER_POSITIVE.decode()]), "application/pdf")},
        headers=patient,
    )
    document_id = response.json()["id"]
    api.process(document_id)
    patient_id = api.patient_id(patient)
    browser, _ = _browser(api, Role.clinician)
    base = f"/review/patients/{patient_id}/documents/{document_id}/pages/1"
    page = browser.get(base).text
    assert f'src="{base}/image"' in page
    image = browser.get(f"{base}/image")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
