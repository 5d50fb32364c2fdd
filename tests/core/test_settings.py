"""Production mode: refuses to start without secrets, passes check --deploy."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_production_refuses_to_start_without_secret_key() -> None:
    result = _manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="x.gob.ec")
    assert result.returncode != 0
    assert "SECRET_KEY es obligatorio en producción" in result.stderr


@pytest.mark.slow
def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = _manage("check", DJANGO_ENV="production", SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS es obligatorio" in result.stderr


@pytest.mark.slow
def test_production_passes_check_deploy_without_warnings() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="ventanilla.iess.gob.ec",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PROBE = """
import django, json
django.setup()
from django.test import Client
c = Client(HTTP_HOST="ventanilla.iess.gob.ec")
seguro = c.get("/health/", secure=True)
plano = c.get("/tramites/")
salud = c.get("/health/")
print(json.dumps({
    "hsts": seguro.get("Strict-Transport-Security", ""),
    "nosniff": seguro.get("X-Content-Type-Options", ""),
    "frame": seguro.get("X-Frame-Options", ""),
    "csp": seguro.get("Content-Security-Policy", ""),
    "plano": [plano.status_code, plano.get("Location", "")],
    "salud_http": salud.status_code,
}))
"""


@pytest.mark.slow
def test_production_sends_hsts_and_redirects_to_https_except_the_health_check() -> None:
    import json

    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "ventanilla.settings",
            "DJANGO_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "ventanilla.iess.gob.ec",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    assert headers["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["nosniff"] == "nosniff" and headers["frame"] == "DENY"
    assert "script-src 'self'" in headers["csp"] and "unsafe-inline" not in headers["csp"]
    assert headers["plano"] == [301, "https://ventanilla.iess.gob.ec/tramites/"]
    # The load balancer probes over plain HTTP: answered (up or down), not redirected.
    assert headers["salud_http"] in (200, 503)
