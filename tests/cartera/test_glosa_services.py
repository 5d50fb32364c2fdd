"""Glosa and título state machines (DOMAIN.md §3) replayed across holidays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from cartera import services
from cartera.models import (
    Glosa,
    GlosaHistorial,
    Impugnacion,
    NotificacionGlosa,
    TituloCredito,
    TituloHistorial,
)
from core.models import Correo, Unidad
from tests.factories import EmpleadorFactory, GlosaFactory, momento

pytestmark = pytest.mark.django_db


def test_glosa_notified_the_friday_before_carnaval_is_due_on_the_27th(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    glosa = GlosaFactory()
    with django_capture_on_commit_callbacks(execute=True):
        glosa = services.glosa_notificar(glosa=glosa, at=momento(dt.date(2026, 2, 13)))
    # Carnaval: Monday 16 and Tuesday 17 February 2026 are not business days.
    assert glosa.estado == Glosa.Estado.NOTIFICADA
    assert glosa.termino_desde == dt.date(2026, 2, 13)
    assert glosa.vence_en == dt.date(2026, 2, 27)
    aviso = NotificacionGlosa.objects.get(glosas=glosa)
    assert aviso.vence_en == dt.date(2026, 2, 27) and aviso.cantidad == 1
    assert len(mail.outbox) == 1
    assert (
        "27/02/2026" in mail.outbox[0].body and glosa.empleador.razon_social in mail.outbox[0].body
    )
    historia = GlosaHistorial.objects.get(glosa=glosa)
    assert (historia.de, historia.a) == (Glosa.Estado.EMITIDA, Glosa.Estado.NOTIFICADA)


def test_local_holiday_of_the_employer_or_the_unit_lengthens_the_termino() -> None:
    # Fundación de Quito (Saturday 6 December 2025) is observed on Friday the 5th in Quito.
    lunes = dt.date(2025, 12, 1)
    quito = GlosaFactory()
    guayaquil = GlosaFactory(planilla__empleador=EmpleadorFactory(guayas=True))
    assert services.glosa_notificar(glosa=quito, at=momento(lunes)).vence_en == dt.date(
        2025, 12, 12
    )
    assert services.glosa_notificar(glosa=guayaquil, at=momento(lunes)).vence_en == dt.date(
        2025, 12, 11
    )


@pytest.mark.parametrize(
    ("estado", "destino"),
    [
        (Glosa.Estado.EMITIDA, Glosa.Estado.VENCIDA),
        (Glosa.Estado.EMITIDA, Glosa.Estado.TITULO_EMITIDO),
        (Glosa.Estado.NOTIFICADA, Glosa.Estado.ANULADA),
        (Glosa.Estado.NOTIFICADA, Glosa.Estado.TITULO_EMITIDO),
        (Glosa.Estado.PAGADA, Glosa.Estado.NOTIFICADA),
        (Glosa.Estado.ANULADA, Glosa.Estado.NOTIFICADA),
        (Glosa.Estado.TITULO_EMITIDO, Glosa.Estado.PAGADA),
    ],
)
def test_illegal_glosa_transition_raises_and_changes_nothing(estado: str, destino: str) -> None:
    glosa = GlosaFactory(notificada=True, estado=estado)
    with pytest.raises(services.TransicionInvalida, match="no puede pasar a"):
        services.glosa_transicion(glosa=glosa, a=destino, motivo="prueba")
    glosa.refresh_from_db()
    assert glosa.estado == estado
    assert not GlosaHistorial.objects.filter(glosa=glosa).exists()


def test_impugnacion_within_the_termino_suspends_and_rejection_restarts_it() -> None:
    glosa = GlosaFactory(notificada=True, notificada_el=dt.date(2026, 2, 13))
    assert glosa.vence_en == dt.date(2026, 2, 27)
    impugnacion = services.impugnacion_registrar(
        glosa=glosa, presentada_el=dt.date(2026, 2, 27), fundamentos="La planilla fue pagada."
    )
    glosa.refresh_from_db()
    assert glosa.estado == Glosa.Estado.IMPUGNADA
    services.impugnacion_resolver(
        impugnacion=impugnacion,
        aceptada=False,
        resolucion="CPPC-17-2026-0042",
        resuelta_el=dt.date(2026, 3, 6),  # a Friday
    )
    glosa.refresh_from_db()
    impugnacion.refresh_from_db()
    assert impugnacion.estado == Impugnacion.Estado.RECHAZADA
    assert glosa.estado == Glosa.Estado.NOTIFICADA
    assert glosa.termino_desde == dt.date(2026, 3, 6)
    assert glosa.vence_en == dt.date(2026, 3, 18)  # 8 business days from Monday the 9th
    assert [h.a for h in glosa.historial.all()] == [
        Glosa.Estado.IMPUGNADA,
        Glosa.Estado.NOTIFICADA,
    ]


def test_accepted_impugnacion_annuls_the_glosa() -> None:
    glosa = GlosaFactory(notificada=True, notificada_el=dt.date(2026, 3, 2))
    impugnacion = services.impugnacion_registrar(
        glosa=glosa, presentada_el=dt.date(2026, 3, 3), fundamentos="Error de cálculo."
    )
    services.impugnacion_resolver(
        impugnacion=impugnacion, aceptada=True, resolucion="CPPC-1", resuelta_el=dt.date(2026, 3, 9)
    )
    glosa.refresh_from_db()
    assert glosa.estado == Glosa.Estado.ANULADA
    with pytest.raises(services.TransicionInvalida, match="ya fue resuelta"):
        services.impugnacion_resolver(
            impugnacion=impugnacion, aceptada=False, resolucion="x", resuelta_el=dt.date(2026, 3, 9)
        )


def test_impugnacion_after_the_termino_is_refused_and_changes_nothing() -> None:
    glosa = GlosaFactory(notificada=True, notificada_el=dt.date(2026, 2, 13))
    with pytest.raises(services.CarteraError, match="venció el 27/02/2026"):
        services.impugnacion_registrar(
            glosa=glosa, presentada_el=dt.date(2026, 3, 2), fundamentos="Tarde."
        )
    glosa.refresh_from_db()
    assert glosa.estado == Glosa.Estado.NOTIFICADA and not glosa.impugnaciones.exists()


def test_impugnacion_filed_in_time_can_be_registered_after_the_glosa_was_marked_vencida() -> None:
    glosa = GlosaFactory(vencida=True, notificada_el=dt.date(2026, 2, 13))
    services.impugnacion_registrar(
        glosa=glosa, presentada_el=dt.date(2026, 2, 26), fundamentos="Presentada en Cuenca."
    )
    glosa.refresh_from_db()
    assert glosa.estado == Glosa.Estado.IMPUGNADA


def test_titulo_numbers_are_per_province_and_year_and_the_unit_is_recorded() -> None:
    pichincha = [GlosaFactory(vencida=True, notificada_el=dt.date(2026, 1, 5)) for _ in range(2)]
    guayas = GlosaFactory(
        vencida=True,
        notificada_el=dt.date(2026, 1, 5),
        planilla__empleador=EmpleadorFactory(guayas=True),
    )
    hoy = momento(dt.date(2026, 3, 2))
    t1 = services.titulo_emitir(glosas=[pichincha[0]], at=hoy)
    t2 = services.titulo_emitir(glosas=[pichincha[1]], at=hoy)
    t3 = services.titulo_emitir(glosas=[guayas], at=hoy)
    assert [t1.numero, t2.numero, t3.numero] == [
        "17-2026-000001",
        "17-2026-000002",
        "09-2026-000001",
    ]
    assert t1.unidad_coactiva == Unidad.objects.get(codigo="17-coactiva")
    assert t3.unidad_coactiva == Unidad.objects.get(codigo="09-coactiva")
    pichincha[0].refresh_from_db()
    assert pichincha[0].estado == Glosa.Estado.TITULO_EMITIDO
    assert t1.capital == pichincha[0].capital and t1.intereses > 0


def test_pending_impugnacion_blocks_the_titulo() -> None:
    glosa = GlosaFactory(vencida=True, notificada_el=dt.date(2026, 2, 13))
    services.impugnacion_registrar(
        glosa=glosa, presentada_el=dt.date(2026, 2, 20), fundamentos="Pendiente."
    )
    with pytest.raises(services.TransicionInvalida):
        services.titulo_emitir(glosas=[glosa])
    assert not TituloCredito.objects.exists()


def test_a_glosa_cannot_be_in_two_open_titulos() -> None:
    glosa = GlosaFactory(vencida=True, notificada_el=dt.date(2026, 1, 5))
    services.titulo_emitir(glosas=[glosa])
    with pytest.raises(services.TransicionInvalida):
        services.titulo_emitir(glosas=[glosa])
    assert TituloCredito.objects.count() == 1


def test_titulo_follows_coactiva_and_annulment_needs_a_legal_ground(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    extinguidos: list[tuple[int, dt.datetime]] = []
    monkeypatch.setattr(
        "coactiva.services.titulo_extinguido",
        lambda *, titulo, at, por: extinguidos.append((titulo.pk, at)),
    )
    titulo = services.titulo_emitir(
        glosas=[GlosaFactory(vencida=True, notificada_el=dt.date(2026, 1, 5))]
    )
    with pytest.raises(
        services.TransicionInvalida, match="«Emitido» y no puede pasar a «En coactiva»"
    ):
        services.titulo_enviar_coactiva(titulo=titulo)
    services.titulo_sortear(titulo=titulo)
    services.titulo_enviar_coactiva(titulo=titulo)
    with pytest.raises(services.CarteraError):
        services.titulo_anular(titulo=titulo, motivo="capricho", detalle="x")
    with pytest.raises(services.CarteraError):
        services.titulo_anular(titulo=titulo, motivo="error_evidente", detalle="  ")
    assert not extinguidos
    titulo = services.titulo_anular(
        titulo=titulo, motivo="error_evidente", detalle="Planilla duplicada."
    )
    assert titulo.estado == TituloCredito.Estado.ANULADO
    assert titulo.motivo_anulacion == "error_evidente"
    assert [t for t, _ in extinguidos] == [titulo.pk]
    assert not titulo.lineas.filter(vigente=True).exists()
    assert [(h.de, h.a) for h in TituloHistorial.objects.filter(titulo=titulo)] == [
        ("emitido", "sorteado"),
        ("sorteado", "en_coactiva"),
        ("en_coactiva", "anulado"),
    ]


def test_planilla_registered_is_due_on_the_15th_of_the_next_month() -> None:
    empleador = EmpleadorFactory()
    planilla = services.planilla_registrar(
        sucursal=empleador.sucursales.get(),
        periodo=dt.date(2026, 1, 1),
        aporte_personal=services.Decimal("94.50"),
        aporte_patronal=services.Decimal("111.50"),
        fondos_reserva=services.Decimal("83.33"),
    )
    assert planilla.fecha_vencimiento == dt.date(2026, 2, 15)
    assert planilla.mora_desde == dt.date(2026, 2, 16)
    assert planilla.capital == services.Decimal("289.33")
    with pytest.raises(services.CarteraError, match="ya tiene una planilla"):
        services.planilla_registrar(
            sucursal=empleador.sucursales.get(),
            periodo=dt.date(2026, 1, 20),
            aporte_personal=services.Decimal("1"),
            aporte_patronal=services.Decimal("1"),
        )


def test_email_and_notice_are_rolled_back_with_a_failed_notification() -> None:
    glosa = GlosaFactory(estado=Glosa.Estado.PAGADA)
    with pytest.raises(services.TransicionInvalida):
        services.glosa_notificar(glosa=glosa)
    assert not NotificacionGlosa.objects.exists() and not Correo.objects.exists()


def test_the_termino_is_the_parameter_in_force_on_the_notification_date() -> None:
    from core.services import parametro_set

    parametro_set(clave="GLOSA_TERMINO_DIAS", valor=10, vigente_desde=dt.date(2026, 3, 1))
    antes = services.glosa_notificar(glosa=GlosaFactory(), at=momento(dt.date(2026, 2, 27)))
    despues = services.glosa_notificar(glosa=GlosaFactory(), at=momento(dt.date(2026, 3, 2)))
    # Friday 27 Feb + 8 business days; Monday 2 Mar + 10 business days.
    assert antes.vence_en == dt.date(2026, 3, 11)
    assert despues.vence_en == dt.date(2026, 3, 16)
