"""A convenio de pago suspends the process (CONVENIO) while it covers every título still
owed; when it breaks, the process resumes in the stage it was in, measures in force all
along (DOMAIN.md §3-§4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from cartera import services as cartera_services
from cartera.models import AcuerdoPago, CuotaAcuerdo, TituloCredito
from cartera.tasks import revisar_acuerdos
from coactiva import selectors, services
from coactiva.models import Actuacion, JuicioCoactivo, Levantamiento, MedidaCautelar
from core import calendar, roles
from tests.cartera.portal import datos_purga_mora, ingresar
from tests.coactiva.test_levantamiento import pagar_todo
from tests.factories import (
    MEDIDAS_DE_PRUEBA,
    JuicioCoactivoFactory,
    empleador_user,
    momento,
    staff,
)
from tramites import resolutores

pytestmark = pytest.mark.django_db
Etapa = JuicioCoactivo.Etapa
EN_COACTIVA = TituloCredito.Estado.EN_COACTIVA
EN_CONVENIO = TituloCredito.Estado.EN_CONVENIO
# The vehicle measure of MEDIDAS_DE_PRUEBA on another car: a new measure for a process
# that already has that one.
OTRO_VEHICULO = {
    **next(m for m in MEDIDAS_DE_PRUEBA if m["tipo"] == "prohibicion_vehiculo"),
    "placa": "PBB-0001",
}


def convenio_aprobado(client: Client, juicio: JuicioCoactivo, capture) -> AcuerdoPago:  # type: ignore[no-untyped-def]
    """The employer files a convenio de purga de mora over the process's títulos in the
    portal and the Director Provincial approves it in the back office."""
    empleador_user(juicio.empleador)
    ingresar(client, juicio.empleador)
    with capture(execute=True):
        respuesta = client.post(
            "/empleador/acuerdos/purga-de-mora/",
            datos_purga_mora(
                titulos=[t.pk for t in juicio.titulos.all()], garantia_valor="900000.00"
            ),
        )
    assert respuesta.status_code == 302, respuesta.content.decode()[:3000]
    acuerdo = AcuerdoPago.objects.get(empleador=juicio.empleador)
    resolutor = resolutores.resolutor_de(acuerdo.solicitud.tramite.slug)
    assert resolutor is not None
    director = staff(roles.DIRECTOR_PROVINCIAL, "17-direccion")
    with capture(execute=True):
        resolutor(solicitud=acuerdo.solicitud, aprobada=True, motivo="", por=director)
    acuerdo.refresh_from_db()
    assert acuerdo.estado == AcuerdoPago.Estado.VIGENTE
    return acuerdo


def test_an_approved_convenio_suspends_the_process_and_its_break_resumes_it(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=2)
    assert juicio.etapa == Etapa.MEDIDAS
    acuerdo = convenio_aprobado(client, juicio, django_capture_on_commit_callbacks)

    juicio.refresh_from_db()
    assert juicio.etapa == Etapa.CONVENIO and juicio.etapa_antes_convenio == Etapa.MEDIDAS
    assert juicio.cerrado_en is None and juicio.vence_en is None and juicio.abierto
    assert set(juicio.titulos.values_list("estado", flat=True)) == {EN_CONVENIO}
    # The measures stay in force during the agreement, and cannot be lifted yet.
    assert set(juicio.medidas.values_list("estado", flat=True)) == {"vigente"}
    precheck = selectors.levantamiento_precheck(empleador=juicio.empleador)
    assert not precheck[0].elegible and "«En convenio»" in precheck[0].motivos[0]
    entrada = juicio.actuaciones.filter(tipo=Actuacion.Tipo.ETAPA).latest("numero")
    assert entrada.descripcion.startswith("Medidas cautelares → Convenio de pago.")
    # Suspended: no new measures, no other stage while the agreement holds.
    with pytest.raises(services.CoactivaError, match="no se pueden ordenar medidas"):
        services.medida_ordenar(juicio=juicio, **OTRO_VEHICULO)
    with pytest.raises(services.TransicionInvalida, match="«Medidas cautelares», no en «Embargo»"):
        services.juicio_transicion(juicio=juicio, a=Etapa.EMBARGO)
    with pytest.raises(services.TransicionInvalida, match="sigue vigente"):
        services.juicio_transicion(juicio=juicio, a=Etapa.MEDIDAS)
    # The head of unit's inventory lists it as open, without a término running.
    client.force_login(staff(roles.JEFE_UNIDAD, "17-coactiva"))
    lista = client.get("/admin/coactiva/juiciocoactivo/?etapa__exact=convenio").content.decode()
    assert juicio.numero in lista
    assert selectors.vencimientos(juicio.secretario.usuario) == {"hoy": 0, "vencidos": 0}

    # Two installments unpaid: the nightly check breaks the agreement (cartera), its
    # títulos go back to coactiva and the process resumes where it was.
    vencida = timezone.localdate() - dt.timedelta(days=1)
    CuotaAcuerdo.objects.filter(acuerdo=acuerdo, numero__in=[1, 2]).update(vence_el=vencida)
    with django_capture_on_commit_callbacks(execute=True):
        assert revisar_acuerdos.delay().get()["rotos"] == 1
    juicio.refresh_from_db()
    assert juicio.etapa == Etapa.MEDIDAS and juicio.etapa_antes_convenio == ""
    assert juicio.etapa_desde == timezone.localdate() and juicio.cerrado_en is None
    assert set(juicio.titulos.values_list("estado", flat=True)) == {EN_COACTIVA}
    assert set(juicio.medidas.values_list("estado", flat=True)) == {"vigente"}
    reanudacion = juicio.actuaciones.filter(tipo=Actuacion.Tipo.ETAPA).latest("numero")
    assert reanudacion.descripcion.startswith("Convenio de pago → Medidas cautelares.")
    assert "incumplido" in reanudacion.descripcion
    # Back in course: the lawyer can order measures again.
    services.medida_ordenar(juicio=juicio, **OTRO_VEHICULO)


def test_a_process_resumes_in_its_requerimiento_with_a_new_termino() -> None:
    juicio = JuicioCoactivoFactory(n_titulos=1, etapa="requerimiento")
    titulo = juicio.titulos.get()
    cartera_services.titulo_transicion(
        titulo=titulo,
        a=EN_CONVENIO,
        motivo="Convenio de purga de mora N.º 7 aprobado.",
        at=momento(dt.date(2026, 2, 2)),
    )
    juicio.refresh_from_db()
    assert juicio.etapa == Etapa.CONVENIO
    assert juicio.etapa_antes_convenio == Etapa.REQUERIMIENTO and juicio.vence_en is None
    assert (
        "Convenio de purga de mora N.º 7 aprobado."
        in juicio.actuaciones.get(tipo=Actuacion.Tipo.TITULO).descripcion
    )
    # Monday 16 Feb 2026 is Carnaval: resumed on Friday 13th, ten business days from it.
    cartera_services.titulo_transicion(
        titulo=titulo,
        a=EN_COACTIVA,
        motivo="Convenio incumplido.",
        at=momento(dt.date(2026, 2, 13)),
    )
    juicio.refresh_from_db()
    assert juicio.etapa == Etapa.REQUERIMIENTO
    assert (juicio.etapa_desde, juicio.vence_en) == (dt.date(2026, 2, 13), dt.date(2026, 3, 3))
    assert juicio.vence_en == calendar.add_termino(dt.date(2026, 2, 13), 10, cantones=["1701"])


def test_a_convenio_over_some_titulos_does_not_suspend_the_process() -> None:
    juicio = JuicioCoactivoFactory(n_titulos=2, etapa="citacion")
    cubierto, otro = juicio.titulos.order_by("secuencial")
    cartera_services.titulo_convenio_registrar(titulo=cubierto, motivo="Convenio N.º 8.")
    juicio.refresh_from_db()
    assert juicio.etapa == Etapa.CITACION
    assert juicio.actuaciones.filter(tipo=Actuacion.Tipo.TITULO).count() == 1
    with pytest.raises(services.TransicionInvalida) as error:
        services.juicio_transicion(juicio=juicio, a=Etapa.CONVENIO)
    assert f"el título N.º {otro.numero} está «En coactiva»" in str(error.value)


def test_a_convenio_paid_in_full_ends_the_process_and_lifts_the_measures(
    django_capture_on_commit_callbacks,
) -> None:
    juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=1)
    titulo = juicio.titulos.get()
    cartera_services.titulo_convenio_registrar(titulo=titulo, motivo="Convenio N.º 9.")
    juicio.refresh_from_db()
    assert juicio.etapa == Etapa.CONVENIO
    with django_capture_on_commit_callbacks(execute=True):
        pagar_todo(titulo)
    juicio.refresh_from_db()
    assert juicio.etapa == Etapa.CANCELADO and juicio.cerrado_en is not None
    assert juicio.levantamientos.exclude(estado=Levantamiento.Estado.ANULADO).count() == 3
    assert not juicio.medidas.filter(estado__in=MedidaCautelar.EN_FIRME).exists()


def test_processes_already_in_convenio_get_the_stage_they_resume_in() -> None:
    """The migration that made CONVENIO a suspension: the stage to resume is the one
    recorded on the last entry of the file before the process entered the convenio."""
    import importlib

    from django.apps import apps

    migracion = importlib.import_module("coactiva.migrations.0004_convenio_suspende")
    juicio = JuicioCoactivoFactory(n_titulos=1, etapa="citacion")
    JuicioCoactivo.objects.filter(pk=juicio.pk).update(etapa="convenio")  # the old way in
    services.actuacion_registrar(
        juicio=juicio,
        tipo=Actuacion.Tipo.ETAPA,
        descripcion="Orden de pago inmediato / citación → Convenio de pago.",
    )
    sin_historia = JuicioCoactivoFactory(n_titulos=1)
    JuicioCoactivo.objects.filter(pk=sin_historia.pk).update(etapa="convenio")
    Actuacion.objects.filter(juicio=sin_historia).update(etapa="convenio")
    migracion.reabrir_convenios(apps, None)
    juicio.refresh_from_db()
    sin_historia.refresh_from_db()
    assert juicio.etapa_antes_convenio == Etapa.CITACION
    assert sin_historia.etapa_antes_convenio == Etapa.MEDIDAS
