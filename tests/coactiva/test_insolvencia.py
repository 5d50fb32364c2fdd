"""A coercive process that ends without full recovery goes to the juicio de insolvencia
(C.D. 497, 6th general disposition): the unit records why and what is still owed, keeps
the process in its inventory and reports the trial's state to the Director Provincial
every two months."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from cartera import interes
from cartera.selectors import linea_deuda
from coactiva import selectors, services
from coactiva.forms import bimestre_actual
from coactiva.models import Actuacion, JuicioCoactivo, MedidaCautelar
from core import roles
from tests.coactiva.test_levantamiento import pagar_todo
from tests.factories import JuicioCoactivoFactory, staff

pytestmark = pytest.mark.django_db

Etapa = JuicioCoactivo.Etapa
MOTIVO = "El remate del vehículo embargado quedó desierto; no hay otros bienes."


def _remitir(juicio: JuicioCoactivo, motivo: str = MOTIVO) -> JuicioCoactivo:
    return services.juicio_transicion(juicio=juicio, a=Etapa.INSOLVENCIA, motivo=motivo)


def test_a_process_without_full_recovery_goes_to_insolvency_with_what_it_owes(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=2)
    pagado, pendiente = juicio.titulos.order_by("secuencial")
    with django_capture_on_commit_callbacks(execute=True):
        pagar_todo(pagado)
    hoy = timezone.localdate()
    saldo = linea_deuda("titulo", pendiente, "", hoy, interes.tabla_tasas()).total

    juicio = _remitir(juicio)

    assert juicio.etapa == Etapa.INSOLVENCIA and not juicio.abierto
    assert juicio.insolvencia_remitido_el == hoy and juicio.insolvencia_saldo == saldo
    assert juicio.cerrado_en is not None
    ultima = juicio.actuaciones.order_by("-numero").first()
    assert "juicio de insolvencia" in ultima.descripcion and MOTIVO in ultima.descripcion
    assert "1 título de crédito" in ultima.descripcion and "Patrocinio" in ultima.descripcion
    # The measures keep securing the debt; the process leaves the lawyer's open work.
    assert set(juicio.medidas.values_list("estado", flat=True)) == {MedidaCautelar.Estado.VIGENTE}
    assert not JuicioCoactivo.objects.filter(
        pk=juicio.pk, etapa__in=selectors.etapas_abiertas()
    ).exists()


@pytest.mark.parametrize(
    ("preparar", "motivo", "mensaje"),
    [
        ("orden_cobro", MOTIVO, "no puede pasar a «Remitido a juicio de insolvencia»"),
        ("medidas", "Sin bienes.", "por qué el proceso coactivo culmina"),
    ],
)
def test_too_early_or_without_a_reason_is_refused_and_changes_nothing(
    preparar: str, motivo: str, mensaje: str
) -> None:
    juicio = (
        JuicioCoactivoFactory(con_medidas=True)
        if preparar == "medidas"
        else JuicioCoactivoFactory()
    )
    antes = juicio.actuaciones.count()
    with pytest.raises(services.TransicionInvalida, match=mensaje):
        _remitir(juicio, motivo)
    juicio.refresh_from_db()
    assert juicio.etapa == preparar and juicio.insolvencia_saldo is None
    assert juicio.cerrado_en is None and juicio.actuaciones.count() == antes


def test_a_providencia_or_a_report_too_long_for_the_file_is_refused_whole() -> None:
    """The service, not only the admin form, refuses text the actuación could not hold
    whole: nothing is cut and nothing changes."""
    juicio = JuicioCoactivoFactory(con_medidas=True)
    with pytest.raises(services.CoactivaError, match="500 caracteres como máximo"):
        _remitir(juicio, "x" * 501)
    juicio.refresh_from_db()
    assert juicio.etapa == Etapa.MEDIDAS
    juicio = _remitir(juicio)
    with pytest.raises(services.CoactivaError, match="500 caracteres como máximo"):
        services.insolvencia_seguimiento(juicio=juicio, estado="y" * 501)
    juicio.refresh_from_db()
    assert juicio.insolvencia_estado == ""
    assert not juicio.actuaciones.filter(tipo=Actuacion.Tipo.INSOLVENCIA).exists()


def test_the_trials_state_is_recorded_and_paying_later_lifts_the_measures(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    juicio = _remitir(JuicioCoactivoFactory(con_medidas=True, n_titulos=1))
    remitido = juicio.cerrado_en
    with pytest.raises(services.TransicionInvalida, match="no está remitido"):
        services.insolvencia_seguimiento(
            juicio=JuicioCoactivoFactory(), estado="Demanda presentada."
        )
    juicio = services.insolvencia_seguimiento(
        juicio=juicio, estado="  Demanda presentada;\n pendiente la calificación. "
    )
    assert juicio.insolvencia_estado == "Demanda presentada; pendiente la calificación."
    assert juicio.insolvencia_estado_el == timezone.localdate()
    assert juicio.actuaciones.filter(tipo=Actuacion.Tipo.INSOLVENCIA).count() == 1

    # The debtor pays within the trial: the process closes and the measures are lifted,
    # while it still reads as ended in coactiva on the day it was remitted.
    with django_capture_on_commit_callbacks(execute=True):
        pagar_todo(juicio.titulos.get())
    juicio.refresh_from_db()
    assert juicio.etapa == Etapa.CANCELADO and juicio.cerrado_en == remitido
    assert set(juicio.medidas.values_list("estado", flat=True)) == {
        MedidaCautelar.Estado.LEVANTAMIENTO_SOLICITADO
    }


def test_admin_sends_it_with_the_reason_next_to_the_field_and_records_the_state(
    client: Client,
) -> None:
    juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=1)
    client.force_login(juicio.secretario.usuario)
    url = "/admin/coactiva/juiciocoactivo/"
    base = {"_selected_action": [juicio.pk], "aplicar": "1"}
    respuesta = client.post(url, {**base, "action": "avanzar", "etapa": "insolvencia"})
    assert "por qué el proceso coactivo culmina" in respuesta.content.decode()
    # A reason too long for the actuación is refused, not cut.
    largo = {**base, "action": "avanzar", "etapa": "insolvencia", "motivo": MOTIVO * 8}
    assert "500 caracteres como máximo" in client.post(url, largo).content.decode()
    client.post(url, {**base, "action": "avanzar", "etapa": "insolvencia", "motivo": MOTIVO * 7})
    juicio.refresh_from_db()
    assert juicio.etapa == Etapa.INSOLVENCIA
    # The whole reason (7 × 69 characters) is in the actuación.
    assert (MOTIVO * 7).strip() in juicio.actuaciones.order_by("-numero").first().descripcion
    respuesta = client.post(url, {**base, "action": "insolvencia_informar", "estado": ""})
    assert "Escriba el estado del juicio de insolvencia." in respuesta.content.decode()
    client.post(url, {**base, "action": "insolvencia_informar", "estado": "Sentencia dictada."})
    juicio.refresh_from_db()
    assert juicio.insolvencia_estado == "Sentencia dictada."
    detalle = client.get(f"{url}{juicio.pk}/change/").content.decode()
    assert "Sentencia dictada." in detalle and "Remitido a juicio de insolvencia" in detalle


def test_the_bimonthly_report_counts_them_and_lists_their_state(client: Client) -> None:
    juicio = _remitir(JuicioCoactivoFactory(con_medidas=True, n_titulos=2))
    services.insolvencia_seguimiento(juicio=juicio, estado="Demanda presentada.")
    JuicioCoactivoFactory(con_medidas=True, n_titulos=1)  # still in coactiva
    anio, bimestre = bimestre_actual()
    reporte = f"/coactiva/reportes/?anio={anio}&bimestre={bimestre}"
    client.force_login(staff(roles.DIRECTOR_PROVINCIAL, "17-direccion"))

    tabla = client.get(f"{reporte}&formato=csv")
    filas = list(csv.reader(io.StringIO(b"".join(tabla.streaming_content).decode("utf-8-sig"))))
    unidad = dict(zip(filas[0], filas[1], strict=True))
    assert unidad["Remitidos a juicio de insolvencia"] == "1"
    assert Decimal(unidad["Saldo remitido (USD)"]) == juicio.insolvencia_saldo

    lista = client.get(f"{reporte}&lista=insolvencias&formato=csv")
    filas = list(csv.reader(io.StringIO(b"".join(lista.streaming_content).decode("utf-8-sig"))))
    assert len(filas) == 2 and filas[1][0] == juicio.numero
    assert filas[1][6] == "Demanda presentada." and filas[1][3] == juicio.empleador.identificacion

    pagina = client.get(reporte).content.decode()
    assert "Juicios de insolvencia" in pagina and juicio.numero in pagina
    # Another province's staff do not see it; their empty state says so.
    client.force_login(staff(roles.JEFE_UNIDAD, "09-coactiva"))
    pagina = client.get(reporte).content.decode()
    assert juicio.numero not in pagina
    assert "Ningún proceso de su alcance está en juicio de insolvencia." in pagina
