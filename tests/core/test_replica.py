"""Reports read from the PostgreSQL replica when DATABASE_REPLICA_URL is set
(docs/deploy.md, *Database*), while the rest of the portal and every write use the
primary. Two real databases stand for primary and replica: the replica is a copy of the
primary with one province and one unit renamed and a few rows the primary lacks (a
challenged glosa, a filed request), so each report shows which one it read."""

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
    "paginas": {u: r.content.decode() for u, r in paginas.items()},
    "csv": b"".join(exportado.streaming_content).decode()
           if exportado.streaming else exportado.content.decode(),
}))
"""

# Rows only the replica holds, written through the services as production writes them:
# a glosa of USD 1.234,56 in Pichincha, notified and challenged last month (the month the
# impugnaciones report opens on), the challenge rejected today (a state change of this
# month); and a levantamiento filed today and routed to Pichincha's coactiva unit.
SEMBRAR = """
import django, io
django.setup()
from decimal import Decimal
from django.utils import timezone
from cartera import services
from core.calendar import add_plazo
from core.models import Provincia
from core.uploads import validate_upload
from tests import archivos
from tests.factories import GlosaFactory, momento
from tramites import services as tramites
from tramites.models import Tramite

hoy = timezone.localdate()
mes = add_plazo(hoy.replace(day=1), months=-1)
glosa = GlosaFactory(
    planilla__aporte_personal=Decimal("1000.00"),
    planilla__aporte_patronal=Decimal("234.56"),
    planilla__fondos_reserva=Decimal("0.00"),
    notificada=True,
    notificada_el=mes.replace(day=2),
)
impugnacion = services.impugnacion_registrar(
    glosa=glosa, presentada_el=mes.replace(day=3), fundamentos="x", at=momento(mes.replace(day=3))
)
services.impugnacion_resolver(
    impugnacion=impugnacion, aceptada=False, resolucion="CPPC-1", resuelta_el=hoy
)
tramite = Tramite.objects.get(slug="levantamiento-medidas-cautelares")
pdf = validate_upload(io.BytesIO(archivos.pdf_bytes()), name_for_messages="x")
tramites.solicitud_presentar(
    tramite=tramite,
    provincia=Provincia.objects.get(pk="17"),
    solicitante=tramites.Solicitante(
        tipo_identificacion="cedula", identificacion="1710034065", nombre="Ana Pérez",
        email="ana@correo.test", direccion="Quito",
    ),
    calidad="representante_legal",
    detalle="Detalle",
    respuestas={"medidas": ["entidad_financiera"], "titulos": "anulados", "causa": "resolucion"},
    archivos={r.pk: pdf for r in tramite.requisitos.filter(forma="archivo")},
    datos={r.pk: "N-1" for r in tramite.requisitos.filter(forma="dato")},
)
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
def primary_and_replica(tmp_path: Path):  # type: ignore[no-untyped-def]
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
            conn.execute(
                "UPDATE core_unidad SET nombre = nombre || ' (réplica)'"
                " WHERE codigo = '17-coactiva'"
            )
        done = _run(
            sys.executable,
            "-c",
            SEMBRAR,
            DJANGO_SETTINGS_MODULE="ventanilla.settings",
            DATABASE_URL=_url(replica),
            PRIVATE_MEDIA_ROOT=str(tmp_path / "privado"),
        )
        assert done.returncode == 0, done.stderr
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
    paginas = salida["paginas"]
    pichincha = '<th scope="row">Pichincha (réplica)</th>'
    coactiva = "Unidad Provincial de Gestión de Coactiva de Pichincha (réplica)"
    # Each report shows what only the replica holds, in its own figures.
    assert pichincha in paginas["/cartera/reportes/mora/"]
    assert "USD 1.234,56" in paginas["/cartera/reportes/mora/"]
    assert "Pichincha (réplica)" in salida["csv"] and "1234.56" in salida["csv"]
    assert "USD 1.234,56" in paginas["/cartera/reportes/antiguedad/"]
    cambios = paginas["/cartera/reportes/cambios/"]
    assert "<td>Impugnada</td><td>Notificada</td>" in cambios, cambios
    assert pichincha in paginas["/cartera/reportes/impugnaciones/"]
    assert "USD 1.234,56" in paginas["/cartera/reportes/impugnaciones/"]
    assert f'<th scope="row">{coactiva}</th>' in paginas["/coactiva/reportes/"]
    assert f'<th scope="row">{coactiva}</th>' in paginas["/gestion/tablero/"]
    # Not a report: the primary, which has none of it.
    ventanilla = paginas["/ventanilla/"]
    assert "Pichincha" in ventanilla and "(réplica)" not in ventanilla

    def exportaciones(db: str) -> int:
        with psycopg.connect(_url(db)) as conn:
            fila = conn.execute(
                "SELECT count(*) FROM core_eventoauditoria WHERE accion = %s",
                ["cartera.reporte_exportado"],
            ).fetchone()
            return fila[0] if fila else 0

    assert exportaciones(primary) == 1 and exportaciones(replica) == 0
