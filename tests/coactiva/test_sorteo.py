"""The sorteo: random, balanced by load, logged, reproducible from its log."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from cartera.models import TituloCredito
from cartera.services import titulo_emitir
from coactiva import selectors, services
from coactiva.models import JuicioCoactivo, SecretarioAbogado, SorteoRegistro
from coactiva.sorteo import Grupo, sortear
from core.models import Unidad
from tests.factories import EmpleadorFactory, GlosaFactory, SecretarioAbogadoFactory

pytestmark = pytest.mark.django_db


def titulos_de(empleador: object, n: int) -> list[TituloCredito]:
    return [
        titulo_emitir(
            glosas=[
                GlosaFactory(
                    planilla__empleador=empleador, vencida=True, notificada_el=dt.date(2025, 3, 3)
                )
            ]
        )
        for _ in range(n)
    ]


@pytest.fixture
def unidad() -> Unidad:
    return Unidad.objects.get(codigo="17-coactiva")


def test_each_debtor_becomes_one_process_balanced_among_the_lawyers(unidad: Unidad) -> None:
    abogados = [SecretarioAbogadoFactory() for _ in range(3)]
    SecretarioAbogadoFactory(activo=False)  # inactive: never drawn
    dos = titulos_de(EmpleadorFactory(), 2)
    for _ in range(6):
        titulos_de(EmpleadorFactory(), 1)
    registro = services.sorteo_realizar(unidad=unidad, semilla_fijada="prueba-1")
    juicios = JuicioCoactivo.objects.filter(sorteo=registro)
    assert juicios.count() == 7
    assert set(juicios.get(empleador=dos[0].empleador).titulos.all()) == set(dos)
    cargas = sorted(juicios.filter(secretario__in=abogados).values_list("secretario", flat=True))
    por_abogado = sorted(cargas.count(a.pk) for a in abogados)
    assert por_abogado == [2, 2, 3]  # balanced: never more than one apart
    assert set(TituloCredito.objects.values_list("estado", flat=True)) == {"sorteado"}
    assert registro.entradas["cargas"] == [[a.pk, 0] for a in abogados]


def test_the_current_load_counts(unidad: Unidad) -> None:
    ocupada, libre = SecretarioAbogadoFactory(), SecretarioAbogadoFactory()
    SecretarioAbogado.objects.filter(pk=libre.pk).update(activo=False)
    for _ in range(3):
        titulos_de(EmpleadorFactory(), 1)
    services.sorteo_realizar(unidad=unidad)  # all three go to `ocupada`
    SecretarioAbogado.objects.filter(pk=libre.pk).update(activo=True)
    for _ in range(3):
        titulos_de(EmpleadorFactory(), 1)
    registro = services.sorteo_realizar(unidad=unidad)
    assert {s for _, _, s in registro.resultado} == {libre.pk}
    assert registro.entradas["cargas"] == [[ocupada.pk, 3], [libre.pk, 0]]


def test_rerunning_from_the_log_reproduces_it_and_tampering_is_noticed(unidad: Unidad) -> None:
    for _ in range(4):
        SecretarioAbogadoFactory()
    for _ in range(12):
        titulos_de(EmpleadorFactory(), 1)
    registro = services.sorteo_realizar(unidad=unidad)
    verificacion = selectors.sorteo_reproducir(registro=registro)
    assert verificacion.coincide and verificacion.obtenido == registro.resultado
    assert len(registro.semilla) == 32  # random seed, recorded
    out = StringIO()
    call_command("sortear_titulos", verificar=registro.pk, stdout=out)
    assert "coincide" in out.getvalue()
    # The same inputs with another seed give another draw: the seed matters.
    grupos = [Grupo(e, tuple(t)) for e, t in registro.entradas["grupos"]]
    cargas = dict(registro.entradas["cargas"])
    otros = [sortear(semilla=f"otra-{i}", grupos=grupos, cargas=cargas) for i in range(5)]
    assert any(
        [[a.empleador_id, list(a.titulo_ids), a.secretario_id] for a in o] != registro.resultado
        for o in otros
    )
    # A log edited behind the service's back no longer reproduces.
    alterado = [[e, t, s] for e, t, s in registro.resultado]
    alterado[0][2], alterado[1][2] = alterado[1][2], alterado[0][2]
    if alterado != registro.resultado:
        SorteoRegistro.objects.filter(pk=registro.pk).update(resultado=alterado)
        registro.refresh_from_db()
        assert not selectors.sorteo_reproducir(registro=registro).coincide
        with pytest.raises(CommandError):
            call_command("sortear_titulos", verificar=registro.pk, stdout=StringIO())


def test_the_command_runs_the_sorteo_and_says_why_not(unidad: Unidad) -> None:
    titulos_de(EmpleadorFactory(), 1)
    err = StringIO()
    call_command("sortear_titulos", unidad="17-coactiva", stdout=StringIO(), stderr=err)
    assert "no tiene Secretarios-Abogados activos" in err.getvalue()
    SecretarioAbogadoFactory()
    out = StringIO()
    call_command("sortear_titulos", unidad="17-coactiva", stdout=out)
    registro = SorteoRegistro.objects.get()
    assert "1 proceso(s)" in out.getvalue()
    assert f"semilla {registro.semilla} (generada al azar por el sistema)" in out.getvalue()
    assert JuicioCoactivo.objects.count() == 1
    with pytest.raises(services.CoactivaError, match="No hay títulos"):
        services.sorteo_realizar(unidad=unidad)


def test_an_operator_cannot_choose_the_seed_of_a_real_draw(unidad: Unidad) -> None:
    """Whoever chooses the seed chooses the result: the command has no way to pass one,
    and each real draw gets its own seed from the system's random source."""
    SecretarioAbogadoFactory()
    SecretarioAbogadoFactory()
    titulos_de(EmpleadorFactory(), 1)
    with pytest.raises(CommandError, match="no se puede elegir"):
        call_command("sortear_titulos", unidad="17-coactiva", semilla="abc", stdout=StringIO())
    assert not SorteoRegistro.objects.exists() and not JuicioCoactivo.objects.exists()
    call_command("sortear_titulos", unidad="17-coactiva", stdout=StringIO())
    titulos_de(EmpleadorFactory(), 1)
    call_command("sortear_titulos", unidad="17-coactiva", stdout=StringIO())
    primero, segundo = SorteoRegistro.objects.order_by("pk")
    for registro in (primero, segundo):
        assert registro.semilla_origen == SorteoRegistro.SemillaOrigen.SISTEMA
        assert len(registro.semilla) == 32 and int(registro.semilla, 16) >= 0
    assert primero.semilla != segundo.semilla


def test_a_fixed_seed_is_refused_in_production_and_flagged_in_the_log(
    unidad: Unidad, client: Client, settings: object
) -> None:
    """Tests and demo data may fix the seed; production refuses it, and elsewhere the log,
    the admin and the auditor's re-run all say that the draw was not random."""
    from core import roles
    from core.models import EventoAuditoria
    from tests.factories import staff

    SecretarioAbogadoFactory()
    titulos_de(EmpleadorFactory(), 1)
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(services.CoactivaError, match="En producción"):
        services.sorteo_realizar(unidad=unidad, semilla_fijada="elegida")
    assert not SorteoRegistro.objects.exists()
    settings.PRODUCTION = False  # type: ignore[attr-defined]
    registro = services.sorteo_realizar(unidad=unidad, semilla_fijada="elegida")
    assert registro.semilla == "elegida"
    assert registro.semilla_origen == SorteoRegistro.SemillaOrigen.PERSONA
    evento = EventoAuditoria.objects.get(accion="coactiva.sorteo")
    assert evento.detalle["semilla_origen"] == "persona"
    out = StringIO()
    call_command("sortear_titulos", verificar=registro.pk, stdout=out)
    assert "coincide" in out.getvalue() and "NO fue al azar" in out.getvalue()
    client.force_login(staff(roles.JEFE_UNIDAD, "17-coactiva"))
    lista = client.get("/admin/coactiva/sorteoregistro/").content.decode()
    assert "Fijada por una persona: el sorteo NO fue al azar" in lista
    respuesta = client.post(
        "/admin/coactiva/sorteoregistro/",
        {"action": "reproducir", "_selected_action": [registro.pk]},
        follow=True,
    )
    assert "el sorteo NO fue al azar" in respuesta.content.decode()


def test_a_process_handed_to_another_lawyer_behind_the_sorteo_is_noticed(unidad: Unidad) -> None:
    """The auditor's re-run also compares the log with the processes the sorteo opened:
    a log that agrees with itself proves nothing if a process went to someone else."""
    abogados = [SecretarioAbogadoFactory() for _ in range(2)]
    for _ in range(4):
        titulos_de(EmpleadorFactory(), 1)
    registro = services.sorteo_realizar(unidad=unidad)
    verificacion = selectors.sorteo_reproducir(registro=registro)
    assert verificacion.coincide and len(verificacion.procesos) == 4
    juicio = JuicioCoactivo.objects.filter(sorteo=registro).order_by("pk").first()
    assert juicio is not None
    otro = next(a for a in abogados if a.pk != juicio.secretario_id)
    JuicioCoactivo.objects.filter(pk=juicio.pk).update(secretario=otro)
    verificacion = selectors.sorteo_reproducir(registro=registro)
    assert verificacion.reproducido and not verificacion.aplicado and not verificacion.coincide
    with pytest.raises(CommandError, match="procesos abiertos NO corresponden"):
        call_command("sortear_titulos", verificar=registro.pk, stdout=StringIO())


def test_existing_logs_are_classified_by_the_form_of_their_seed(unidad: Unidad) -> None:
    """The migration that added semilla_origen: a seed shaped like the system's
    (32 hexadecimal digits from secrets) counts as random, any other as chosen."""
    import importlib

    from django.apps import apps

    migracion = importlib.import_module("coactiva.migrations.0003_sorteo_semilla_origen")
    for semilla in ("0f" * 16, "demo-17-coactiva", "abc"):
        SorteoRegistro.objects.create(
            unidad=unidad,
            metodo="carga-minima-v1",
            semilla=semilla,
            semilla_origen="persona",
            entradas={"grupos": [], "cargas": []},
            resultado=[],
        )
    migracion.clasificar(apps, None)
    origen = dict(SorteoRegistro.objects.values_list("semilla", "semilla_origen"))
    assert origen == {"0f" * 16: "sistema", "demo-17-coactiva": "persona", "abc": "persona"}
