"""Payments: interest liquidated to the payment date, applied in the order of the
PAGO_ORDEN_IMPUTACION parameter, settling the obligation when it covers everything."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cartera import services
from cartera.models import Glosa, Pago, Planilla, TasaInteresMora, TituloCredito
from cartera.selectors import deuda_empleador
from core.services import parametro_set
from tests.factories import EmpleadorFactory, GlosaFactory, PlanillaFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def tasa_fija() -> None:
    # 9 % a year: 1000 × 9 % / 360 = 0.25 a day, easy to check by hand.
    TasaInteresMora.objects.all().delete()
    TasaInteresMora.objects.create(mes=dt.date(2015, 1, 1), tasa_anual=D("9.00"))


def planilla_de_mil(**kwargs: object) -> Planilla:
    return PlanillaFactory(
        periodo=dt.date(2026, 1, 1),
        aporte_personal=D("400.00"),
        aporte_patronal=D("500.00"),
        fondos_reserva=D("100.00"),
        **kwargs,
    )


def pagar(obligacion: object, monto: str, fecha: dt.date, **kwargs: object) -> Pago:
    return services.pago_registrar(
        obligacion=obligacion,  # type: ignore[arg-type]
        monto=D(monto),
        fecha=fecha,
        canal=Pago.Canal.VENTANILLA_BANCARIA,
        **kwargs,  # type: ignore[arg-type]
    )


def test_partial_payment_covers_interest_first_then_capital() -> None:
    planilla = planilla_de_mil()  # due 15/02/2026, in mora from the 16th
    pago = pagar(planilla, "102.50", dt.date(2026, 2, 25))  # 10 days: 2.50 of interest
    assert pago.intereses_liquidados == D("2.50")
    assert (pago.aplicado_intereses, pago.aplicado_capital) == (D("2.50"), D("100.00"))
    planilla.refresh_from_db()
    assert planilla.estado == Planilla.Estado.PENDIENTE
    assert planilla.pendiente("capital") == D("900.00") and planilla.pendiente("intereses") == 0
    assert planilla.intereses_hasta == dt.date(2026, 2, 25)
    # From then on interest runs on the 900 left: 10 days × 0.225 = 2.25
    deuda = deuda_empleador(empleador=planilla.empleador, en=dt.date(2026, 3, 7))
    assert deuda.capital == D("900.00") and deuda.intereses == D("2.25")
    assert deuda.total == D("902.25") and deuda.en_mora == D("902.25")


def test_the_order_is_a_parameter_with_a_validity_date() -> None:
    parametro_set(
        clave="PAGO_ORDEN_IMPUTACION",
        valor=["capital", "intereses", "multas", "recargos"],
        vigente_desde=dt.date(2026, 2, 20),
    )
    antes = pagar(planilla_de_mil(), "100.00", dt.date(2026, 2, 19))
    assert antes.aplicado_intereses == D("1.00") and antes.aplicado_capital == D("99.00")
    despues = pagar(planilla_de_mil(), "100.00", dt.date(2026, 2, 25))
    assert despues.aplicado_capital == D("100.00") and despues.aplicado_intereses == 0


def test_full_payment_settles_a_planilla_and_a_glosa() -> None:
    planilla = planilla_de_mil()
    pagar(planilla, "1000.00", dt.date(2026, 2, 10))  # on time: no interest
    planilla.refresh_from_db()
    assert planilla.estado == Planilla.Estado.PAGADA
    glosa = GlosaFactory(notificada=True, notificada_el=dt.date(2026, 3, 2))
    total = deuda_empleador(empleador=glosa.empleador, en=dt.date(2026, 3, 5)).total
    pagar(glosa, str(total), dt.date(2026, 3, 5))
    glosa.refresh_from_db()
    assert glosa.estado == Glosa.Estado.PAGADA and glosa.saldo_registrado == 0
    assert [h.a for h in glosa.historial.all()] == [Glosa.Estado.PAGADA]


def test_full_payment_of_a_titulo_cancels_it_and_tells_coactiva(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    avisos: list[int] = []
    monkeypatch.setattr(
        "coactiva.services.titulo_extinguido",
        lambda *, titulo, at, por: avisos.append(titulo.pk),
    )
    glosa = GlosaFactory(vencida=True, notificada_el=dt.date(2026, 1, 5))
    titulo = services.titulo_emitir(glosas=[glosa])
    services.titulo_sortear(titulo=titulo)
    services.titulo_enviar_coactiva(titulo=titulo)
    hoy = dt.date.today()
    total = deuda_empleador(empleador=glosa.empleador, en=hoy).total
    pagar(titulo, str(total - D("10.00")), hoy)
    titulo.refresh_from_db()
    assert titulo.estado == TituloCredito.Estado.EN_COACTIVA and not avisos
    pagar(titulo, "10.00", hoy)
    titulo.refresh_from_db()
    assert titulo.estado == TituloCredito.Estado.CANCELADO
    assert avisos == [titulo.pk]
    assert not deuda_empleador(empleador=glosa.empleador).lineas


def test_a_payment_is_routed_to_where_the_debt_lives_now() -> None:
    glosa = GlosaFactory(vencida=True, notificada_el=dt.date(2026, 1, 5))
    titulo = services.titulo_emitir(glosas=[glosa])
    pago = pagar(glosa.planilla, "50.00", dt.date.today())
    assert pago.titulo == titulo and pago.planilla is None and pago.glosa is None


@pytest.mark.parametrize(
    ("monto", "fecha", "mensaje"),
    [
        ("0", dt.date(2026, 2, 20), "mayor que cero"),
        ("1.005", dt.date(2026, 2, 20), "dos decimales"),
        ("5000", dt.date(2026, 2, 20), "excede lo adeudado"),
        ("10", dt.date(2099, 1, 1), "no puede ser futura"),
    ],
)
def test_invalid_payments_are_refused_and_change_nothing(
    monto: str, fecha: dt.date, mensaje: str
) -> None:
    planilla = planilla_de_mil()
    with pytest.raises(services.CarteraError, match=mensaje):
        pagar(planilla, monto, fecha)
    planilla.refresh_from_db()
    assert planilla.pagado_capital == 0 and planilla.intereses == 0 and not Pago.objects.exists()


def test_payments_are_registered_in_date_order_and_receipts_only_once() -> None:
    planilla = planilla_de_mil()
    pagar(planilla, "10.00", dt.date(2026, 2, 25), referencia="BP-1")
    with pytest.raises(services.CarteraError, match="orden de fecha"):
        pagar(planilla, "10.00", dt.date(2026, 2, 20))
    with pytest.raises(services.CarteraError, match="ya fue registrado"):
        pagar(planilla, "10.00", dt.date(2026, 2, 26), referencia="BP-1")
    assert Pago.objects.count() == 1


def test_a_closed_obligation_admits_no_payment() -> None:
    glosa = GlosaFactory(notificada=True, estado=Glosa.Estado.ANULADA)
    with pytest.raises(services.TransicionInvalida, match="no admite pagos"):
        pagar(glosa, "1.00", dt.date.today())


def test_debt_of_an_employer_lists_every_open_obligation() -> None:
    empleador = EmpleadorFactory()
    planilla_de_mil(empleador=empleador)
    GlosaFactory(planilla__empleador=empleador, notificada=True, notificada_el=dt.date(2026, 3, 2))
    services.titulo_emitir(
        glosas=[
            GlosaFactory(
                planilla__empleador=empleador, vencida=True, notificada_el=dt.date(2026, 1, 5)
            )
        ]
    )
    por_vencer = PlanillaFactory(empleador=empleador, periodo=dt.date(2026, 3, 1))
    deuda = deuda_empleador(empleador=empleador, en=dt.date(2026, 3, 20))
    assert [linea.tipo for linea in deuda.lineas] == ["planilla", "planilla", "glosa", "titulo"]
    assert deuda.lineas[1].id == por_vencer.pk and not deuda.lineas[1].en_mora
    assert deuda.total == sum(linea.total for linea in deuda.lineas)
    assert deuda.en_mora == deuda.total - deuda.lineas[1].total
