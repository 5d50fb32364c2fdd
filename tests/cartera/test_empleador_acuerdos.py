"""Acuerdo de pagos parciales and convenio de purga de mora: the amortization table,
tiers and approval thresholds in force, filing, approval by the resolution hook, "en
trámite de pago", and the automatic break on a missed installment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from cartera import acuerdos
from cartera.models import AcuerdoPago, CertificadoCumplimiento, CuotaAcuerdo, Glosa
from cartera.selectors import deuda_empleador, estado_cumplimiento
from cartera.tasks import revisar_acuerdos
from core import calendar, parametros
from core.models import Correo
from core.templatetags.portal import dolares
from tests.cartera.portal import (
    datos_purga_mora,
    empleador_con_cuenta,
    glosa_notificada,
    ingresar,
)
from tests.factories import ROLE, staff
from tramites import resolutores
from tramites.models import Solicitud

pytestmark = pytest.mark.django_db
HOY = dt.date(2026, 3, 10)


@pytest.mark.parametrize(
    ("monto", "meses", "tasa", "inicial"),
    [
        (Decimal("10000.00"), 12, Decimal("9.33"), Decimal("0")),
        (Decimal("1234.57"), 7, Decimal("11.5"), Decimal("200.00")),
        (Decimal("999.99"), 36, Decimal("0"), Decimal("0")),
        (Decimal("50.01"), 13, Decimal("9.33"), Decimal("0.01")),
    ],
)
def test_amortization_table_adds_up_to_the_cent(
    monto: Decimal, meses: int, tasa: Decimal, inicial: Decimal
) -> None:
    tabla = acuerdos.tabla_amortizacion(
        monto=monto, meses=meses, tasa_anual=tasa, desde=HOY, cuota_inicial=inicial
    )
    assert sum(f.capital for f in tabla) == monto
    assert all(f.valor == f.capital + f.interes for f in tabla)
    assert all(f.valor == f.valor.quantize(Decimal("0.01")) for f in tabla)
    assert tabla[-1].saldo == 0
    mensuales = [f for f in tabla if f.numero > 0]
    assert len(mensuales) == meses
    assert len({f.valor for f in mensuales[:-1]}) <= 1  # equal installments…
    assert abs(mensuales[-1].valor - mensuales[0].valor) < Decimal("0.10")  # …last absorbs cents
    assert mensuales[0].vence_el == dt.date(2026, 4, 10)
    assert (tabla[0].numero == 0) == (inicial > 0)


def test_known_french_installment() -> None:
    tabla = acuerdos.tabla_amortizacion(
        monto=Decimal("12000"), meses=12, tasa_anual=Decimal("12"), desde=HOY
    )
    assert tabla[0].valor == Decimal("1066.19") and tabla[0].interes == Decimal("120.00")
    assert sum(f.interes for f in tabla) == Decimal("794.23")  # last cuota: 1066.14


def test_tiers_in_force_and_approval_thresholds_by_sbu() -> None:
    assert acuerdos.plazo_validar(tipo="app", meses=12, en=HOY) == []
    assert acuerdos.plazo_validar(tipo="app", meses=36, en=HOY) == []
    assert "13 a 36" in acuerdos.plazo_validar(tipo="app", meses=37, en=HOY)[0]
    assert acuerdos.app_tramite_slug(12) == "acuerdo-pagos-parciales-12-meses"
    assert acuerdos.app_tramite_slug(13) == "acuerdo-pagos-parciales-13-36-meses"
    assert acuerdos.plazo_validar(tipo="purga_mora", meses=120, en=HOY) == []
    assert acuerdos.plazo_validar(tipo="purga_mora", meses=121, en=HOY)

    juridica = empleador_con_cuenta()
    sbu = parametros.valor("SBU", en=HOY)
    assert sbu == Decimal("482.00")  # 2026
    limite = sbu * 25
    assert acuerdos.aprobacion_requerida(empleador=juridica, monto=limite, en=HOY).aprueba == (
        AcuerdoPago.Aprueba.JEFE_UNIDAD
    )
    assert acuerdos.aprobacion_requerida(
        empleador=juridica, monto=limite + Decimal("5"), en=HOY
    ).aprueba == (AcuerdoPago.Aprueba.DIRECTOR_PROVINCIAL)
    natural = empleador_con_cuenta(tipo_persona="natural")
    assert acuerdos.aprobacion_requerida(
        empleador=natural, monto=sbu * 4 + Decimal("5"), en=HOY
    ).aprueba == (AcuerdoPago.Aprueba.DIRECTOR_PROVINCIAL)


@pytest.mark.parametrize(("tipo_persona", "umbral"), [("sociedad_privada", 25), ("natural", 4)])
def test_a_cent_above_the_threshold_goes_to_the_director(tipo_persona: str, umbral: int) -> None:
    """25 SBU of 2026 are USD 12 050.00: USD 12 052 is 25.004 SBU, above the threshold
    although its SBU figure rounds to 25.00."""
    empleador = empleador_con_cuenta(tipo_persona=tipo_persona)
    limite = parametros.valor("SBU", en=HOY) * umbral
    for monto, aprueba, en_sbu in [
        (limite, AcuerdoPago.Aprueba.JEFE_UNIDAD, f"{umbral}.00"),
        (limite + Decimal("0.01"), AcuerdoPago.Aprueba.DIRECTOR_PROVINCIAL, f"{umbral}.01"),
        (limite + Decimal("2.00"), AcuerdoPago.Aprueba.DIRECTOR_PROVINCIAL, f"{umbral}.01"),
    ]:
        resultado = acuerdos.aprobacion_requerida(empleador=empleador, monto=monto, en=HOY)
        assert (resultado.aprueba, resultado.monto_en_sbu) == (aprueba, Decimal(en_sbu)), monto


def test_simulator_shows_the_table_and_refuses_terms_outside_the_tiers(client: Client) -> None:
    empleador = empleador_con_cuenta()
    glosa = glosa_notificada(empleador)
    ingresar(client, empleador)
    response = client.get("/empleador/acuerdos/simulador/", {"glosas": glosa.pk, "meses": 12})
    assert response.status_code == 200
    tabla = response.context["tabla"]
    deuda = next(x for x in deuda_empleador(empleador=empleador).lineas if x.id == glosa.pk)
    assert response.context["monto"] == deuda.total
    assert len(tabla) == 12 and sum(f.capital for f in tabla) == deuda.total
    html = response.content.decode()
    assert 'id="tabla-amortizacion"' in html
    response = client.get("/empleador/acuerdos/simulador/", {"monto": "5000", "meses": 48})
    assert response.status_code == 400
    assert "tramos vigentes" in response.context["form"].errors["meses"][0]
    assert not Solicitud.objects.exists()


def _solicitar(client: Client, glosa: Glosa, capture, meses: int = 12):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return client.post(
            "/empleador/acuerdos/simulador/",
            {"glosas": [glosa.pk], "meses": meses, "cuota_inicial": "", "accion": "solicitar"},
        )


@pytest.mark.parametrize(
    ("meses", "slug"),
    [(12, "acuerdo-pagos-parciales-12-meses"), (24, "acuerdo-pagos-parciales-13-36-meses")],
)
def test_requesting_files_the_trámite_of_its_tier(
    client: Client, django_capture_on_commit_callbacks, meses: int, slug: str
) -> None:  # type: ignore[no-untyped-def]
    empleador = empleador_con_cuenta()
    glosa = glosa_notificada(empleador)
    ingresar(client, empleador)
    response = _solicitar(client, glosa, django_capture_on_commit_callbacks, meses)
    acuerdo = AcuerdoPago.objects.get()
    assert response["Location"] == f"/empleador/acuerdos/{acuerdo.pk}/"
    assert acuerdo.estado == AcuerdoPago.Estado.SOLICITADO and acuerdo.meses == meses
    assert acuerdo.solicitud.tramite.slug == slug
    assert acuerdo.solicitud.unidad.codigo == "17-cartera"
    assert acuerdo.solicitud.respuestas["aprueba"] == "jefe_unidad"
    assert list(acuerdo.glosas.all()) == [glosa]
    # Pending: not yet "en trámite de pago", and the glosa is not offered again.
    assert estado_cumplimiento(empleador=empleador) == CertificadoCumplimiento.Estado.EN_MORA
    assert (
        acuerdos.obligaciones_financiables(empleador=empleador, tipo="app")["glosas"].count() == 0
    )


def _vigente(client: Client, capture) -> tuple[AcuerdoPago, Glosa]:  # type: ignore[no-untyped-def]
    empleador = empleador_con_cuenta()
    glosa = glosa_notificada(empleador)
    ingresar(client, empleador)
    _solicitar(client, glosa, capture)
    acuerdo = AcuerdoPago.objects.get()
    resolutor = resolutores.resolutor_de(acuerdo.solicitud.tramite.slug)
    assert resolutor is not None
    jefe = staff(ROLE.JEFE_UNIDAD, "17-cartera")
    resolutor(solicitud=acuerdo.solicitud, aprobada=True, motivo="", por=jefe)
    acuerdo.refresh_from_db()
    glosa.refresh_from_db()
    return acuerdo, glosa


def test_approval_creates_the_installments_and_the_employer_is_en_tramite_de_pago(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    acuerdo, glosa = _vigente(client, django_capture_on_commit_callbacks)
    assert acuerdo.estado == AcuerdoPago.Estado.VIGENTE
    assert acuerdo.cuotas.count() == 12
    assert sum(c.capital for c in acuerdo.cuotas.all()) == acuerdo.monto
    assert glosa.estado == Glosa.Estado.EN_ACUERDO_PAGO
    assert (
        estado_cumplimiento(empleador=acuerdo.empleador)
        == CertificadoCumplimiento.Estado.EN_TRAMITE_DE_PAGO
    )
    html = client.get(f"/empleador/acuerdos/{acuerdo.pk}/").content.decode()
    assert "en trámite de pago" in html
    assert "En trámite de pago" in client.get("/empleador/").content.decode()


def test_the_cuota_inicial_is_due_within_its_termino_after_approval_and_told_by_email(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """Due on the approval day itself, the nightly check broke the agreement the next
    morning, before the employer had even read the approval."""
    empleador = empleador_con_cuenta()
    glosa = glosa_notificada(empleador)
    ingresar(client, empleador)
    hoy = timezone.localdate()
    plazo = calendar.add_termino(hoy, 8, cantones=[empleador.canton_id])
    simulacion = client.get(
        "/empleador/acuerdos/simulador/", {"glosas": glosa.pk, "meses": 12, "cuota_inicial": "50"}
    )
    assert simulacion.context["tabla"][0].vence_el == plazo
    assert f"la cuota inicial se paga hasta el {plazo:%d/%m/%Y}" in simulacion.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/empleador/acuerdos/simulador/",
            {"glosas": [glosa.pk], "meses": 12, "cuota_inicial": "50", "accion": "solicitar"},
        )
    acuerdo = AcuerdoPago.objects.get()
    resolutor = resolutores.resolutor_de(acuerdo.solicitud.tramite.slug)
    with django_capture_on_commit_callbacks(execute=True):
        resolutor(
            solicitud=acuerdo.solicitud,
            aprobada=True,
            motivo="",
            por=staff(ROLE.JEFE_UNIDAD, "17-cartera"),
        )
    inicial = acuerdo.cuotas.get(numero=0)
    assert (inicial.valor, inicial.vence_el) == (Decimal("50.00"), plazo)
    correo = Correo.objects.get(evento="cartera.acuerdo_aprobado")
    assert correo.para == [empleador.email]
    assert f"Cuota inicial: USD 50,00, hasta el {plazo:%d/%m/%Y}" in correo.cuerpo_texto
    primera = acuerdo.cuotas.get(numero=1)
    assert f"la primera de {dolares(primera.valor)} vence el {primera.vence_el:%d/%m/%Y}" in (
        correo.cuerpo_texto
    )
    # Not broken the next morning; broken the day after the cuota inicial's last day.
    assert acuerdos.acuerdos_incumplidos(hoy=hoy + dt.timedelta(days=1)) == []
    assert acuerdos.acuerdos_incumplidos(hoy=plazo + dt.timedelta(days=1)) == [acuerdo.pk]


def test_an_installment_is_its_capital_plus_interest_to_the_cent(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """Cents that a float cannot hold (0.10 + 0.20) are accepted on every database,
    SQLite included (the embedded default keeps decimals as floats); a value that is not
    the sum is refused by the database itself."""
    from django.db import IntegrityError, transaction

    acuerdo, _ = _vigente(client, django_capture_on_commit_callbacks)
    base = {"acuerdo": acuerdo, "vence_el": timezone.localdate(), "saldo": Decimal("0")}
    CuotaAcuerdo.objects.create(
        numero=90, capital=Decimal("0.10"), interes=Decimal("0.20"), valor=Decimal("0.30"), **base
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CuotaAcuerdo.objects.create(
            numero=91,
            capital=Decimal("0.10"),
            interes=Decimal("0.20"),
            valor=Decimal("0.31"),
            **base,
        )


def test_the_cuota_inicial_termino_skips_the_holidays_of_the_cartera_units_seat() -> None:
    """As a glosa's término (services.cantones_glosa): the employer's canton and the
    seat of its province's cartera unit."""
    from core.models import Feriado, Unidad
    from core.selectors import unidad_que_atiende

    empleador = empleador_con_cuenta(canton_id="1702")  # Cayambe; the unit sits in Quito
    sede = unidad_que_atiende(provincia_id="17", tipo=Unidad.Tipo.CARTERA).canton_id
    assert sede not in (None, "1702")
    dias = int(parametros.valor("APP_CUOTA_INICIAL_TERMINO_DIAS", en=HOY))
    sin_feriado = calendar.add_termino(HOY, dias, cantones=["1702", sede])
    assert acuerdos.vence_cuota_inicial(HOY, empleador=empleador) == sin_feriado
    Feriado.objects.create(
        fecha=HOY + dt.timedelta(days=1), nombre="Feriado local", origen="local", canton_id=sede
    )
    calendar.invalidate()
    assert acuerdos.vence_cuota_inicial(HOY, empleador=empleador) == calendar.next_business_day(
        sin_feriado, cantones=["1702", sede]
    )


def test_above_the_threshold_only_the_director_approves(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    empleador = empleador_con_cuenta(tipo_persona="natural")
    glosa = glosa_notificada(empleador)  # ≈ USD 300 + interest, under 4 SBU
    ingresar(client, empleador)
    _solicitar(client, glosa, django_capture_on_commit_callbacks)
    acuerdo = AcuerdoPago.objects.get()
    assert acuerdo.aprueba == AcuerdoPago.Aprueba.JEFE_UNIDAD
    AcuerdoPago.objects.filter(pk=acuerdo.pk).update(aprueba="director_provincial")
    resolutor = resolutores.resolutor_de(acuerdo.solicitud.tramite.slug)
    with pytest.raises(ValidationError, match="lo aprueba el Director Provincial"):
        resolutor(
            solicitud=acuerdo.solicitud,
            aprobada=True,
            motivo="",
            por=staff(ROLE.JEFE_UNIDAD, "17-cartera"),
        )
    resolutor(
        solicitud=acuerdo.solicitud,
        aprobada=True,
        motivo="",
        por=staff(ROLE.DIRECTOR_PROVINCIAL, "17-direccion"),
    )
    acuerdo.refresh_from_db()
    assert acuerdo.estado == AcuerdoPago.Estado.VIGENTE


def test_a_missed_installment_breaks_the_agreement_once(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    acuerdo, glosa = _vigente(client, django_capture_on_commit_callbacks)
    primera = acuerdo.cuotas.order_by("numero").first()
    CuotaAcuerdo.objects.filter(pk=primera.pk).update(
        vence_el=timezone.localdate() - dt.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        resultado = revisar_acuerdos.delay().get()
    assert resultado["rotos"] == 1  # (its overdue cuota gets the break notice, not another)
    acuerdo.refresh_from_db()
    glosa.refresh_from_db()
    assert acuerdo.estado == AcuerdoPago.Estado.INCUMPLIDO
    assert glosa.estado == Glosa.Estado.VENCIDA  # the mora is back: next título run
    assert estado_cumplimiento(empleador=acuerdo.empleador) == "en_mora"
    assert Correo.objects.filter(evento="cartera.acuerdo_incumplido").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert revisar_acuerdos.delay().get() == {"rotos": 0, "por_vencer": 0, "vencidas": 0}
    assert Correo.objects.filter(evento="cartera.acuerdo_incumplido").count() == 1


def test_paid_installments_keep_it_current_and_reminders_respect_preferences(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    acuerdo, _glosa = _vigente(client, django_capture_on_commit_callbacks)
    primera = acuerdo.cuotas.order_by("numero").first()
    pagos = acuerdos.cuota_pagar(cuota=primera, fecha=timezone.localdate(), referencia="C1")
    assert sum(p.monto for p in pagos) == primera.valor
    CuotaAcuerdo.objects.filter(pk=primera.pk).update(
        vence_el=timezone.localdate() - dt.timedelta(days=1)
    )
    client.post(
        "/empleador/preferencias/",
        {"cuota_vencida": "on", "acuerdo_incumplido": "on", "certificado_emitido": "on"},
    )  # cuota_por_vencer switched off
    segunda = acuerdo.cuotas.get(numero=2)
    CuotaAcuerdo.objects.filter(pk=segunda.pk).update(
        vence_el=timezone.localdate() + dt.timedelta(days=2)
    )
    resultado = acuerdos.acuerdos_revisar()
    acuerdo.refresh_from_db()
    assert acuerdo.estado == AcuerdoPago.Estado.VIGENTE and resultado["rotos"] == 0
    assert resultado["por_vencer"] == 1  # marked as handled…
    assert not Correo.objects.filter(evento="cartera.cuota_por_vencer").exists()  # …not sent


def test_purga_de_mora_needs_its_guarantee_and_evidence(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    empleador = empleador_con_cuenta()
    glosa = glosa_notificada(empleador)
    ingresar(client, empleador)
    datos = datos_purga_mora(glosas=[glosa.pk], meses=60, garantia_valor="1.00")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/empleador/acuerdos/purga-de-mora/", datos)
    assert response.status_code == 400
    assert "125" in response.context["form"].errors["garantia_valor"][0]
    datos = datos_purga_mora(glosas=[glosa.pk], meses=60, garantia_valor="100000.00")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/empleador/acuerdos/purga-de-mora/", datos)
    assert response.status_code == 302
    acuerdo = AcuerdoPago.objects.get()
    assert acuerdo.tipo == "purga_mora" and acuerdo.solicitud.tramite.slug == "convenio-purga-mora"
    assert set(acuerdo.solicitud.documentos.values_list("nombre", flat=True)) == {
        "Solicitud de convenio de purga de mora",
        "Pruebas de la fuerza mayor",
        "Propuesta de garantía",
    }


def test_a_purga_de_mora_of_any_amount_is_authorized_by_the_director(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """C.D. 497 art. 3, 3.5.2 c: the cartera unit sends the convenio "al Director
    Provincial, para su autorización", whatever the amount (an APP this small would be
    approved by the head of unit)."""
    empleador = empleador_con_cuenta(tipo_persona="natural")
    glosa = glosa_notificada(empleador)  # ≈ USD 300 + interest, under 4 SBU
    ingresar(client, empleador)
    datos = datos_purga_mora(
        glosas=[glosa.pk],
        fuerza_mayor="Incendio del local en enero; sin ventas durante dos meses.",
        garantia_tipo="Prenda del vehículo PBA-1234",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/empleador/acuerdos/purga-de-mora/", datos).status_code == 302
    acuerdo = AcuerdoPago.objects.get()
    assert acuerdo.monto < parametros.valor("SBU", en=timezone.localdate()) * 4
    assert acuerdo.aprueba == AcuerdoPago.Aprueba.DIRECTOR_PROVINCIAL
    resolutor = resolutores.resolutor_de(acuerdo.solicitud.tramite.slug)
    with pytest.raises(ValidationError, match="los autoriza el Director Provincial"):
        resolutor(
            solicitud=acuerdo.solicitud,
            aprobada=True,
            motivo="",
            por=staff(ROLE.JEFE_UNIDAD, "17-cartera"),
        )
    acuerdo.refresh_from_db()
    assert acuerdo.estado != AcuerdoPago.Estado.VIGENTE
    with django_capture_on_commit_callbacks(execute=True):
        resolutor(
            solicitud=acuerdo.solicitud,
            aprobada=True,
            motivo="",
            por=staff(ROLE.DIRECTOR_PROVINCIAL, "17-direccion"),
        )
    acuerdo.refresh_from_db()
    assert acuerdo.estado == AcuerdoPago.Estado.VIGENTE


def _purga_antigua(glosa: Glosa, *, estado: str = "solicitado") -> AcuerdoPago:
    """A convenio de purga de mora filed before every one went to the Director: under
    the APP threshold it recorded the head of unit."""
    acuerdo = AcuerdoPago.objects.create(
        empleador=glosa.empleador,
        tipo=AcuerdoPago.Tipo.PURGA_MORA,
        estado=estado,
        monto=Decimal("300.00"),
        meses=24,
        tasa_anual=Decimal("9.33"),
        aprueba=AcuerdoPago.Aprueba.JEFE_UNIDAD,
        monto_en_sbu=Decimal("0.63"),
        fuerza_mayor="Incendio del local en enero.",
        garantia_tipo="Prenda del vehículo PBA-1234",
        garantia_valor=Decimal("375.00"),
    )
    acuerdo.glosas.set([glosa])
    return acuerdo


def test_an_old_purga_de_mora_recording_the_head_is_still_the_directors(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    """The rule is the service's, not the Ventanilla hook's: whatever `aprueba` says,
    a head of unit cannot put a convenio de purga de mora in force."""
    acuerdo = _purga_antigua(glosa_notificada(empleador_con_cuenta()))
    with pytest.raises(ValidationError, match="los autoriza el Director Provincial"):
        acuerdos.acuerdo_aprobar(acuerdo=acuerdo, por=staff(ROLE.JEFE_UNIDAD, "17-cartera"))
    acuerdo.refresh_from_db()
    assert acuerdo.estado == AcuerdoPago.Estado.SOLICITADO and not acuerdo.cuotas.exists()
    with django_capture_on_commit_callbacks(execute=True):
        acuerdos.acuerdo_aprobar(
            acuerdo=acuerdo, por=staff(ROLE.DIRECTOR_PROVINCIAL, "17-direccion")
        )
    acuerdo.refresh_from_db()
    assert acuerdo.estado == AcuerdoPago.Estado.VIGENTE


def test_the_migration_records_the_director_on_pending_purgas_only() -> None:
    import importlib

    from django.apps import apps

    migracion = importlib.import_module("cartera.migrations.0010_purga_mora_aprueba_director")
    empleador = empleador_con_cuenta()
    pendiente = _purga_antigua(glosa_notificada(empleador))
    negada = _purga_antigua(glosa_notificada(empleador), estado="negado")
    migracion.forwards(apps, None)
    pendiente.refresh_from_db()
    negada.refresh_from_db()
    assert pendiente.aprueba == AcuerdoPago.Aprueba.DIRECTOR_PROVINCIAL
    assert negada.aprueba == AcuerdoPago.Aprueba.JEFE_UNIDAD  # history is not rewritten


def test_back_office_sees_agreements_of_its_province_read_only(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    acuerdo, _glosa = _vigente(client, django_capture_on_commit_callbacks)
    propio = Client()
    propio.force_login(staff(ROLE.ANALISTA_CARTERA, "17-cartera", username="analista-17-b"))
    url = f"/admin/cartera/acuerdopago/{acuerdo.pk}/change/"
    response = propio.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vigente" in html and 'name="estado"' not in html  # state is not editable
    ajeno = Client()
    ajeno.force_login(staff(ROLE.ANALISTA_CARTERA, "09-cartera"))
    assert ajeno.get(url).status_code in (302, 404)
    assert (
        acuerdo.empleador.razon_social
        not in ajeno.get("/admin/cartera/acuerdopago/").content.decode()
    )


def test_from_the_queue_the_head_is_refused_and_the_director_approves(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    empleador = empleador_con_cuenta()
    glosa = glosa_notificada(empleador)
    ingresar(client, empleador)
    _solicitar(client, glosa, django_capture_on_commit_callbacks)
    acuerdo = AcuerdoPago.objects.get()
    AcuerdoPago.objects.filter(pk=acuerdo.pk).update(aprueba="director_provincial")
    datos = {
        "action": "aprobar",
        "_selected_action": [acuerdo.solicitud_id],
        "index": 0,
        "motivo": "Acuerdo revisado y conforme.",
        "aplicar": "1",
    }
    for rol, unidad, estado in [
        (ROLE.JEFE_UNIDAD, "17-cartera", AcuerdoPago.Estado.SOLICITADO),
        (ROLE.DIRECTOR_PROVINCIAL, "17-direccion", AcuerdoPago.Estado.VIGENTE),
    ]:
        funcionario = Client()
        funcionario.force_login(staff(rol, unidad))
        with django_capture_on_commit_callbacks(execute=True):
            html = funcionario.post("/admin/tramites/solicitud/", datos, follow=True)
        acuerdo.refresh_from_db()
        assert acuerdo.estado == estado, rol
        if estado == AcuerdoPago.Estado.SOLICITADO:
            assert "lo aprueba el Director Provincial" in html.content.decode()
    acuerdo.solicitud.refresh_from_db()
    assert acuerdo.solicitud.estado == Solicitud.Estado.ATENDIDA


def test_the_installment_reminder_writes_the_amount_as_the_portal_does(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    acuerdo, _glosa = _vigente(client, django_capture_on_commit_callbacks)
    segunda = acuerdo.cuotas.get(numero=2)
    CuotaAcuerdo.objects.filter(pk=segunda.pk).update(
        capital=Decimal("1050.00"),
        interes=Decimal("16.19"),
        valor=Decimal("1066.19"),
        vence_el=timezone.localdate() + dt.timedelta(days=2),
    )
    assert acuerdos.acuerdos_revisar()["por_vencer"] == 1
    cuerpo = Correo.objects.get(evento="cartera.cuota_por_vencer").cuerpo_texto
    assert "La cuota 2 de su acuerdo de pagos parciales" in cuerpo
    assert "de USD 1.066,19, vence el" in cuerpo  # as on the agreement's page, not 1066,19
