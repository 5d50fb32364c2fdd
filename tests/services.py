"""pytest plugin (loaded with -p before Django): decide which real services this run uses.

* PostgreSQL: DATABASE_URL if set; otherwise 127.0.0.1:5432 (user postgres) when it
  answers, so the whole suite runs on the database production runs. When none answers
  the suite runs on SQLite and tests marked `postgres` are skipped with the reason.
* Redis: TEST_REDIS_URL (default redis://127.0.0.1:6379/15) for tests marked `redis`
  and `worker`. Unit tests always run Celery tasks in-process.
* Chromium: /usr/bin/chromium (Debian's package) driven by Playwright, for `browser`.

REQUIRE_SERVICES=1 turns every such skip into a failure (CI).
"""

from __future__ import annotations

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

REQUIRE = os.environ.get("REQUIRE_SERVICES", "") not in {"", "0", "false", "no"}
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

SERVICES: dict[str, tuple[bool, str]] = {}


def _tcp(host: str, port: int, timeout: float = 1.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _probe_postgres(url: str) -> tuple[bool, str]:
    try:
        import psycopg
    except ImportError:
        return False, "psycopg no está instalado"
    parsed = urlparse(url)
    try:
        with psycopg.connect(
            url.replace("postgres://", "postgresql://", 1), connect_timeout=3
        ) as conn:
            conn.execute("SELECT 1")
        return True, f"PostgreSQL en {parsed.hostname}:{parsed.port or 5432}"
    except Exception as exc:
        return (
            False,
            f"PostgreSQL no disponible en {parsed.hostname}:{parsed.port or 5432} "
            f"({type(exc).__name__})",
        )


def _probe_redis(url: str) -> tuple[bool, str]:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 6379
    try:
        with socket.create_connection((host, port), timeout=1.5) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return True, f"Redis en {host}:{port}"
    except OSError:
        pass
    return False, f"Redis no disponible en {host}:{port}"


def _probe_chromium() -> tuple[bool, str]:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return False, f"Chromium no está instalado en {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False, "playwright no está instalado"
    return True, f"Chromium en {CHROMIUM}"


def _detect() -> None:
    url = os.environ.get("DATABASE_URL")
    if url and not url.startswith("sqlite"):
        SERVICES["postgres"] = _probe_postgres(url)
    elif url:
        SERVICES["postgres"] = (False, "DATABASE_URL apunta a SQLite")
    else:
        found = _probe_postgres(DEFAULT_PG)
        SERVICES["postgres"] = found
        if found[0]:
            os.environ["DATABASE_URL"] = DEFAULT_PG
    SERVICES["redis"] = _probe_redis(REDIS_URL)
    SERVICES["browser"] = _probe_chromium()
    # Unit tests run tasks in-process whatever the environment says.
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ.setdefault("AXES_ENABLED", "1")


_detect()

NEEDS = {
    "postgres": ["postgres"],
    "redis": ["redis"],
    "worker": ["postgres", "redis"],
    "browser": ["browser"],
}


def missing_for(marker_names: set[str]) -> list[str]:
    reasons = []
    for marker in marker_names & NEEDS.keys():
        for service in NEEDS[marker]:
            ok, reason = SERVICES[service]
            if not ok and reason not in reasons:
                reasons.append(reason)
    return reasons


def pytest_report_header(config: pytest.Config) -> list[str]:
    lines = [f"servicios (REQUIRE_SERVICES={'1' if REQUIRE else '0'}):"]
    for name, (ok, reason) in SERVICES.items():
        lines.append(f"  {name}: {'sí' if ok else 'NO'} - {reason}")
    return lines


def pytest_sessionstart(session: pytest.Session) -> None:
    if REQUIRE:
        missing = [reason for ok, reason in SERVICES.values() if not ok]
        if missing:
            raise pytest.UsageError("REQUIRE_SERVICES=1 y faltan servicios: " + "; ".join(missing))


def pytest_runtest_setup(item: pytest.Item) -> None:
    reasons = missing_for({m.name for m in item.iter_markers()})
    if reasons:
        message = "; ".join(reasons)
        if REQUIRE:
            pytest.fail(f"servicio requerido no disponible: {message}", pytrace=False)
        pytest.skip(message)
