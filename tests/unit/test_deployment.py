"""The production compose file: the services the README promises, and no secret written in it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_production_layout():
    services = _compose()["services"]
    assert {"postgres", "redis", "migrate", "api", "worker", "ocr-worker", "beat", "flower"} <= set(
        services
    )
    assert "--no-beat" in services["worker"]["command"], "one beat service, not one per worker"
    assert "ocr" in services["ocr-worker"]["command"]
    for name in ("postgres", "redis", "api"):
        assert "healthcheck" in services[name], name


def test_compose_holds_no_secrets():
    text = (ROOT / "docker-compose.yml").read_text()
    for variable in re.findall(r"\$\{(\w+)[^}]*\}", text):
        assert re.search(rf"\$\{{{variable}:\?", text), (
            f"{variable} must be required, with no default"
        )
    compose = _compose()
    environments = [compose["x-intake-env"]] + [
        service.get("environment", {}) for service in compose["services"].values()
    ]
    for environment in environments:
        for key, value in environment.items():
            if re.search(r"(?i)password|secret|auth", key):
                assert str(value).startswith("${"), f"{key} must come from the environment"


def test_image_runs_as_a_user_with_tesseract():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "tesseract-ocr" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE)


def test_the_security_policy_names_only_real_settings_and_the_ones_production_needs():
    from intake.settings import Settings

    policy = (ROOT / "SECURITY.md").read_text()
    named = set(re.findall(r"INTAKE_([A-Z_]+)", policy))
    assert {"SECRET_KEY", "METRICS_TOKEN", "ENVIRONMENT"} <= named
    assert {name.lower() for name in named} <= set(Settings.model_fields)
    for promise in ("Own records only", "Every read is audited", "Encryption at rest", "CSRF"):
        assert promise in policy
    assert "No health data in logs" in policy
    assert "TLS at the proxy" in policy and "File permissions" in policy
