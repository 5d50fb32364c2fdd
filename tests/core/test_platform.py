"""Roles, scope, sequences, audit trail, demo data."""

from __future__ import annotations

import re
import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction

from core import roles
from core.models import AppendOnlyError, EventoAuditoria, Provincia, Secuencia, Unidad
from core.selectors import Nivel, alcance_de
from core.services import audit_log, sequence_next
from tests.factories import ROLE, staff

pytestmark = pytest.mark.django_db


def test_every_role_exists_with_its_permissions_from_migrations() -> None:
    for role, perms in roles.ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        have = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert set(perms) <= have, role


def test_territory_follows_cd_497() -> None:
    assert Provincia.objects.count() == 24
    coactiva = {u.provincia_id: u.categoria for u in Unidad.objects.filter(tipo="coactiva")}
    assert {p for p, c in coactiva.items() if c == "unidad_provincial"} == {"17", "09", "13"}
    cartera_unidades = set(
        Unidad.objects.filter(tipo="cartera", categoria="unidad_provincial").values_list(
            "provincia_id", flat=True
        )
    )
    assert cartera_unidades == set(
        Provincia.objects.filter(nivel=4).values_list("codigo", flat=True)
    )
    assert (
        Unidad.objects.get(codigo="09-coactiva").nombre
        == "Unidad Provincial de Gestión de Coactiva de Guayas"
    )
    assert (
        Unidad.objects.get(codigo="01-coactiva").nombre
        == "Grupo de Trabajo de Gestión de Coactiva de Azuay"
    )
    assert Unidad.objects.filter(categoria="nacional").count() == 3


def test_scope_by_role() -> None:
    analista = staff(ROLE.ANALISTA_CARTERA, "17-cartera")
    director = staff(ROLE.DIRECTOR_PROVINCIAL, "17-direccion")
    supervisor = staff(ROLE.SUPERVISOR_NACIONAL, "nacional-recaudacion")
    assert alcance_de(analista).nivel is Nivel.UNIDAD
    assert (
        alcance_de(director).nivel is Nivel.PROVINCIA and alcance_de(director).provincia_id == "17"
    )
    assert alcance_de(supervisor).nivel is Nivel.NACIONAL
    pichincha = Unidad.objects.filter(alcance_de(director).q(unidad="self", provincia="provincia"))
    assert set(pichincha.values_list("provincia_id", flat=True)) == {"17"}


def test_staff_admin_lists_only_users_in_scope(client) -> None:  # type: ignore[no-untyped-def]
    jefe = staff(ROLE.JEFE_UNIDAD, "17-coactiva", is_superuser=False)
    jefe.user_permissions.add(
        *__import__(
            "django.contrib.auth.models", fromlist=["Permission"]
        ).Permission.objects.filter(codename="view_user")
    )
    otro = staff(ROLE.ANALISTA_CARTERA, "09-cartera")
    client.force_login(jefe)
    html = client.get("/admin/core/user/").content.decode()
    assert jefe.username in html and otro.username not in html


def test_history_rows_cannot_be_rewritten_or_deleted() -> None:
    evento = audit_log(actor=None, accion="prueba")
    evento.accion = "otra"
    with pytest.raises(AppendOnlyError):
        evento.save()
    with pytest.raises(AppendOnlyError):
        evento.delete()
    assert EventoAuditoria.objects.get(pk=evento.pk).accion == "prueba"


@pytest.mark.django_db(transaction=True)
def test_sequence_needs_a_transaction_and_gives_back_numbers_on_rollback() -> None:
    with pytest.raises(RuntimeError):
        sequence_next(clave="x")
    with transaction.atomic():
        assert sequence_next(clave="x") == 1
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        sequence_next(clave="x")
        1 / 0  # noqa: B018
    with transaction.atomic():
        assert sequence_next(clave="x") == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sequence_numbers_have_no_gaps_or_duplicates() -> None:
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)

    def take() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                results.append(sequence_next(clave="concurrente"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == list(range(1, 21))
    assert Secuencia.objects.get(clave="concurrente").ultimo == 20


def test_seed_demo_creates_logins_for_every_role(django_db_blocker) -> None:  # type: ignore[no-untyped-def]
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("seed_demo", "--empleadores", "40", "--sin-progreso", stdout=out)
    text = out.getvalue()
    for usuario in [
        "analista.cartera.17",
        "secretario.17",
        "jefe.coactiva.17",
        "director.17",
        "supervisor.nacional",
        "admin",
    ]:
        assert f"usuario: {usuario} " in text
    assert "Empleador: Comercial Andina S.A." in text
    # The status lookup is told as what it is: a number and an identification.
    assert re.search(r"número: VV-\d{2}-\d{4}-\d{6}  identificación: \d{10,13}", text)
    from cartera.models import Empleador

    assert Empleador.objects.count() == 40
    again = StringIO()
    call_command("seed_demo", "--empleadores", "40", "--sin-progreso", stdout=again)
    assert "ya existían" in again.getvalue() and Empleador.objects.count() == 40


def test_changing_a_provinces_nivel_reorganises_its_units(client) -> None:  # type: ignore[no-untyped-def]
    # C.D. 497 art. 3: nivel 4 → Unidades Provinciales of Cartera and Afiliación; the
    # list of nivel-4 provinces is data an administrator changes in the admin.
    admin_user = staff(ROLE.SUPERVISOR_NACIONAL, "nacional-recaudacion", is_superuser=True)
    client.force_login(admin_user)
    datos = {"codigo": "11", "nombre": "Loja", "capital": "Loja", "nivel": "4"}
    response = client.post("/admin/core/provincia/11/change/", datos)
    assert response.status_code == 302, response.content.decode()[:500]
    cartera = Unidad.objects.get(codigo="11-cartera")
    assert cartera.categoria == "unidad_provincial"
    assert cartera.nombre == "Unidad Provincial de Gestión de Cartera de Loja"
    afiliacion = Unidad.objects.get(codigo="11-afiliacion")
    assert afiliacion.nombre == "Unidad Provincial de Afiliación y Cobertura de Loja"
    assert Unidad.objects.get(codigo="11-coactiva").categoria == "grupo_trabajo"  # art. 1
    assert EventoAuditoria.objects.filter(accion="provincia.nivel", object_id="11").exists()

    Unidad.objects.filter(codigo="01-cartera").update(nombre="Cartera Azuay (nombre propio)")
    datos = {"codigo": "01", "nombre": "Azuay", "capital": "Cuenca", "nivel": "3"}
    assert client.post("/admin/core/provincia/01/change/", datos).status_code == 302
    azuay = Unidad.objects.get(codigo="01-cartera")
    assert azuay.categoria == "grupo_trabajo" and azuay.nombre == "Cartera Azuay (nombre propio)"
    assert (
        Unidad.objects.get(codigo="01-afiliacion").nombre
        == "Grupo Provincial de Afiliación y Cobertura de Azuay"
    )
