"""Reports read from the PostgreSQL replica when DATABASE_REPLICA_URL is set
(docs/deploy.md, *Database*), while the rest of the portal and every write use the
primary. Two real databases stand for primary and replica: the replica is a copy of the
primary with one province renamed, so a page shows which one it read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PROBE = """
import django, json
django.setup()
from django.test import Client
from core.models import EventoAuditoria, User
c = Client()
c.force_login(User.objects.get(username="admin"))
paginas = {
    url: c.get(url)
    for url in ["/cartera/reportes/mora/", "/cartera/reportes/antiguedad/",
                "/cartera/reportes/cambios/", "/cartera/reportes/impugnaciones/",
                "/coactiva/reportes/", "/gestion/tablero/", "/ventanilla/"]
}
exportado = c.get("/cartera/reportes/mora/?formato=csv")
print(json.dumps({
    "estados": {u: r.status_code for u, r in paginas.items()},
    "mora": paginas["/cartera/reportes/mora/"].content.decode(),
    "ventanilla": paginas["/ventanilla/"].content.decode(),
    "csv": b"".join(exportado.streaming_content).decode()
           if exportado.streaming else exportado.content.decode(),
}))
"""


def _url(name: str) -> str:
    base = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    return f"{base.rsplit('/', 1)[0]}/{name}"


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        list(args), cwd=BASE_DIR, env={**clean, **env}, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def primary_and_replica():  # type: ignore[no-untyped-def]
    primary, replica = (f"replica_{uuid.uuid4().hex[:8]}" for _ in range(2))
    admin = _url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{primary}"')
    try:
        env = {"DATABASE_URL": _url(primary)}
        for args in (
            ("migrate", "-v0"),
            ("createsuperuser", "--noinput", "--username", "admin", "--email", "a@iess.test"),
        ):
            done = _run(sys.executable, "manage.py", *args, DJANGO_SUPERUSER_PASSWORD="x", **env)
            assert done.returncode == 0, done.stderr
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{replica}" TEMPLATE "{primary}"')
        with psycopg.connect(_url(replica), autocommit=True) as conn:
            conn.execute(
                "UPDATE core_provincia SET nombre = 'Pichincha (réplica)' WHERE codigo = '17'"
            )
        yield primary, replica
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in (primary, replica):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_reports_read_the_replica_and_writes_go_to_the_primary(primary_and_replica) -> None:  # type: ignore[no-untyped-def]
    primary, replica = primary_and_replica
    result = _run(
        sys.executable,
        "-c",
        PROBE,
        DJANGO_SETTINGS_MODULE="ventanilla.settings",
        DATABASE_URL=_url(primary),
        DATABASE_REPLICA_URL=_url(replica),
    )
    assert result.returncode == 0, result.stderr
    salida = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(salida["estados"].values()) == {200}, salida["estados"]
    assert "Pichincha (réplica)" in salida["mora"] and "Pichincha (réplica)" in salida["csv"]
    assert "Pichincha (réplica)" not in salida["ventanilla"]  # not a report: the primary
    assert "Pichincha" in salida["ventanilla"]

    def exportaciones(db: str) -> int:
        with psycopg.connect(_url(db)) as conn:
            fila = conn.execute(
                "SELECT count(*) FROM core_eventoauditoria WHERE accion = %s",
                ["cartera.reporte_exportado"],
            ).fetchone()
            return fila[0] if fila else 0

    assert exportaciones(primary) == 1 and exportaciones(replica) == 0
