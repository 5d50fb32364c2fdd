"""Real services end to end: a Celery worker process on Redis writing to PostgreSQL, the
embedded SQLite default, and a real browser."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.models import Feriado
from tests.conftest import screenshot, wait_for

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.worker
def test_task_sent_through_redis_runs_in_a_real_worker_and_writes_to_postgres(
    celery_worker_process,
) -> None:  # type: ignore[no-untyped-def]
    from core.tasks import feriados_nacionales_cargar

    next_year = dt.date.today().year + 1
    Feriado.objects.filter(canton__isnull=True, fecha__year=next_year).delete()
    assert not Feriado.objects.filter(canton__isnull=True, fecha__year=next_year).exists()

    result = feriados_nacionales_cargar.delay()
    assert result.id  # went to the broker, not executed here

    wait_for(
        lambda: Feriado.objects.filter(canton__isnull=True, fecha__year=next_year).count() >= 10,
        timeout=60,
        message="el worker no escribió los feriados:\n" + celery_worker_process.log()[-2000:],
    )
    assert "feriados_nacionales_cargar" in celery_worker_process.log()


@pytest.mark.slow
def test_embedded_default_migrates_and_seeds_on_sqlite(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env["VAR_DIR"] = str(tmp_path)
    for args in (
        ["migrate", "--noinput", "-v0"],
        ["seed_demo", "--empleadores", "25", "--sin-progreso"],
    ):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "ventanilla.sqlite3").exists()
    assert "usuario: admin" in result.stdout


@pytest.mark.browser
def test_home_in_a_real_browser_keyboard_skip_link(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Saltar al contenido principal" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#contenido"
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") != "none"
    screenshot(page, "plataforma-inicio")
