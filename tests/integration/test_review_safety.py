"""Review that lets no mistake through: conflicts resolved by the value that holds, corrections
checked against the vocabularies, and an item that says what changed since it was decided."""

from __future__ import annotations

from models.schemas import Role
from tests.factories import RECORD_PAGE_1

ER_POSITIVE = b"Invasive ductal carcinoma of the breast. Estrogen receptor: positive (90%)."
ER_NEGATIVE = b"Invasive ductal carcinoma of the breast. Estrogen receptor: negative (0%)."


def _items_for(api, clinician, patient_id: str, **params) -> list[dict]:
    items = api.client.get("/api/review/items", params=params, headers=clinician).json()
    return [item for item in items if item["patient_id"] == patient_id]


def _patient_with(api, *records: bytes) -> tuple[dict[str, str], str]:
    patient = api.user(Role.patient)
    for number, record in enumerate(records):
        api.process(api.upload(patient, f"r{number}.txt", record))
    return patient, api.patient_id(patient)


def _er(api, patient) -> list[dict]:
    markers = api.client.get("/api/profile", headers=patient).json()["profile"]["biomarkers"]
    return [m for m in markers if m["marker"] == "ER"]


def _conflict(api, clinician, patient_id: str) -> dict:
    return next(
        i for i in _items_for(api, clinician, patient_id) if i["reason"] == "conflicting_biomarker"
    )


def _decide(api, clinician, item_id: str, **body):
    return api.client.post(f"/api/review/items/{item_id}/decision", json=body, headers=clinician)


class TestConflicts:
    def test_a_conflict_names_its_readings_and_what_the_patient_sees_after_each_choice(self, api):
        clinician = api.user(Role.clinician)
        _, patient_id = _patient_with(api, ER_POSITIVE, ER_NEGATIVE)
        item = _conflict(api, clinician, patient_id)
        assert item["conflict"] is True
        assert sorted(item["about"]) == ["ER: negative 0%", "ER: positive 90%"]
        keeps = {c["keep"]: c for c in item["choices"] if c["decision"] == "confirm"}
        assert set(keeps) == {0, 1}
        assert keeps[0]["patient_sees"].startswith(item["about"][0])
        both_wrong = next(c for c in item["choices"] if c["decision"] == "reject")
        assert "No ER result" in both_wrong["patient_sees"]

    def test_confirming_a_conflict_without_choosing_a_value_is_refused(self, api):
        clinician = api.user(Role.clinician)
        _, patient_id = _patient_with(api, ER_POSITIVE, ER_NEGATIVE)
        item = _conflict(api, clinician, patient_id)
        response = _decide(api, clinician, item["id"], decision="confirm")
        assert response.status_code == 422
        assert response.json()["reason"] == "choose_value"
        assert _conflict(api, clinician, patient_id)["id"] == item["id"], "still open"

    def test_choosing_the_value_that_holds_keeps_it_and_drops_the_other(self, api):
        clinician = api.user(Role.clinician)
        patient, patient_id = _patient_with(api, ER_POSITIVE, ER_NEGATIVE)
        item = _conflict(api, clinician, patient_id)
        negative = next(i for i, fact in enumerate(item["facts"]) if fact["result"] == "negative")
        response = _decide(api, clinician, item["id"], decision="confirm", keep=negative)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "confirmed"
        er = _er(api, patient)
        assert [(m["result"], m["origin"]) for m in er] == [("negative", "clinician")]
        assert all(
            i["reason"] != "conflicting_biomarker" for i in _items_for(api, clinician, patient_id)
        )

    def test_rejecting_a_conflict_says_both_are_wrong_and_shows_no_value(self, api):
        clinician = api.user(Role.clinician)
        patient, patient_id = _patient_with(api, ER_POSITIVE, ER_NEGATIVE)
        item = _conflict(api, clinician, patient_id)
        assert _decide(api, clinician, item["id"], decision="reject").status_code == 200
        assert _er(api, patient) == []

    def test_keep_is_refused_on_an_item_that_is_no_conflict_and_out_of_range(self, api):
        clinician = api.user(Role.clinician)
        _, patient_id = _patient_with(api, ER_POSITIVE, ER_NEGATIVE)
        item = _conflict(api, clinician, patient_id)
        too_far = _decide(api, clinician, item["id"], decision="confirm", keep=5)
        assert (too_far.status_code, too_far.json()["reason"]) == (422, "bad_keep")
        with_reject = _decide(api, clinician, item["id"], decision="reject", keep=0)
        assert (with_reject.status_code, with_reject.json()["reason"]) == (422, "keep_not_allowed")


class TestCorrectionsAreChecked:
    def _er_item(self, api, clinician) -> tuple[dict[str, str], dict]:
        patient, patient_id = _patient_with(api, ER_POSITIVE, ER_NEGATIVE)
        return patient, _conflict(api, clinician, patient_id)

    def test_an_unknown_marker_is_refused_with_suggestions(self, api):
        clinician = api.user(Role.clinician)
        patient, item = self._er_item(api, clinician)
        value = {**item["facts"][0], "marker": "ERR", "result": "positive"}
        response = _decide(api, clinician, item["id"], decision="correct", value=value)
        assert response.status_code == 422
        body = response.json()
        assert body["reason"] == "unknown_marker"
        assert "ER" in body["suggestions"]
        assert [m["result"] for m in _er(api, patient)], "nothing changed"

    def test_an_unknown_result_word_is_refused(self, api):
        clinician = api.user(Role.clinician)
        _, item = self._er_item(api, clinician)
        value = {**item["facts"][0], "result": "postive"}
        response = _decide(api, clinician, item["id"], decision="correct", value=value)
        assert (response.status_code, response.json()["reason"]) == (422, "unknown_result")
        assert response.json()["suggestions"][0] == "positive"

    def test_a_known_value_in_other_words_is_stored_as_the_vocabulary_writes_it(self, api):
        clinician = api.user(Role.clinician)
        patient, item = self._er_item(api, clinician)
        value = {**item["facts"][0], "marker": "estrogen receptor", "result": "Positive"}
        comment = "weird wording in the addendum, ZZZ"
        response = _decide(
            api, clinician, item["id"], decision="correct", value=value, comment=comment
        )
        assert response.status_code == 200, response.text
        assert [(m["marker"], m["result"]) for m in _er(api, patient)] == [("ER", "positive")]

    def test_an_unknown_drug_oncotree_code_and_stage_are_refused_when_added(self, api):
        clinician = api.user(Role.clinician)
        document_id = None
        patient = api.user(Role.patient)
        document_id = api.upload(patient, "r.txt", ER_POSITIVE)
        api.process(document_id)
        patient_id = api.patient_id(patient)
        evidence = {
            "document_id": document_id,
            "page": 1,
            "start": 0,
            "end": 8,
            "snippet": "Invasive",
        }
        wrong = [
            ({"fact": "treatment", "name": "pembrolizumb"}, "unknown_name", "pembrolizumab"),
            (
                {"fact": "diagnosis", "oncotree_code": "IDCC", "name": "x"},
                "unknown_oncotree_code",
                "IDC",
            ),
            ({"fact": "stage", "group": "IIIZ"}, "unknown_group", "IIIA"),
            ({"fact": "stage", "t": "T9"}, "unknown_t", "T2"),
            (
                {"fact": "family_history", "relation": "mothr", "condition": "ovarian cancer"},
                "unknown_relation",
                "mother",
            ),
        ]
        for fields, reason, suggestion in wrong:
            fact = {**fields, "confidence": 1.0, "evidence": evidence}
            response = api.client.post(
                f"/api/patients/{patient_id}/facts", json={"fact": fact}, headers=clinician
            )
            assert response.status_code == 422, (fields, response.text)
            assert response.json()["reason"] == reason
            assert suggestion in response.json()["suggestions"], response.json()
        added = api.client.post(
            f"/api/patients/{patient_id}/facts",
            json={
                "fact": {
                    "fact": "treatment",
                    "name": "Keytruda",
                    "confidence": 1.0,
                    "evidence": evidence,
                }
            },
            headers=clinician,
        )
        assert added.status_code == 201, added.text
        names = [t["name"] for t in added.json()["profile"]["treatments"]]
        assert "pembrolizumab" in names


def _checked(api, patient) -> dict[str, str]:
    """The facts the patient's profile shows as checked by a clinician, and how."""
    view = api.client.get("/api/profile", headers=patient).json()
    return {check["fact"]: check["action"] for check in view["checked"]}


class TestWhatChanged:
    def test_a_newer_record_changing_a_confirmed_stage_says_what_it_was_and_is(self, api):
        clinician = api.user(Role.clinician)
        patient, patient_id = _patient_with(api, RECORD_PAGE_1.encode())
        derived = next(
            i for i in _items_for(api, clinician, patient_id) if i["reason"] == "stage_derived"
        )
        assert _decide(api, clinician, derived["id"], decision="confirm").status_code == 200
        assert _checked(api, patient) == {"stage": "confirmed"}
        api.process(
            api.upload(
                patient,
                "later.txt",
                b"Invasive ductal carcinoma of the left breast. "
                b"Pathologic stage: pT3 pN2a M0, stage IIIA.",
            )
        )
        changed = next(
            i
            for i in _items_for(api, clinician, patient_id)
            if i["reason"] == "changed_since_review"
        )
        assert changed["previous"]["status"] == "confirmed"
        assert changed["previous"]["was"] == derived["about"]
        assert changed["about"][0].startswith("Stage: IIIA")
        queue = api.client.get(
            "/api/review/items", params={"reason": "changed_since_review"}, headers=clinician
        ).json()
        assert changed["id"] in [i["id"] for i in queue]
        assert _checked(api, patient) == {}, "IIIA was never checked: the page must not say so"

    def test_an_item_about_a_fact_never_decided_has_no_earlier_value(self, api):
        clinician = api.user(Role.clinician)
        _, patient_id = _patient_with(api, ER_POSITIVE, ER_NEGATIVE)
        assert _conflict(api, clinician, patient_id)["previous"] is None
