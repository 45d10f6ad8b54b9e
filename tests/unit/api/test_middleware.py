"""Security headers on every answer: pages, JSON, errors, refusals and static files."""

from __future__ import annotations

import pytest

from tests.unit.api.conftest import Api

PATHS = ["/", "/signup", "/healthz", "/openapi.json", "/no-such-page", "/api/no-such", "/metrics"]


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_denies_devices_and_sensors(api: Api, path: str) -> None:
    response = api.client.get(path)
    policy = response.headers["permissions-policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_refused_upload_carries_the_headers_too(api: Api) -> None:
    response = api.client.post(
        "/api/documents", headers={"content-length": str(10**12)}, content=b""
    )
    assert response.status_code == 413
    assert "camera=()" in response.headers["permissions-policy"]
