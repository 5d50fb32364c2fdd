"""The demo data shows every state, and the demo employer's story."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cartera.models import Empleador, Glosa, Impugnacion, Planilla, TituloCredito
from core.models import Correo

pytestmark = pytest.mark.django_db


def test_demo_data_has_obligations_in_every_state() -> None:
    call_command("seed_demo", "--empleadores", "60", "--sin-progreso", stdout=StringIO())
    for modelo in (Planilla, Glosa, TituloCredito):
        estados = set(modelo.objects.values_list("estado", flat=True).distinct())
        assert estados == set(modelo.Estado.values), modelo
    assert set(Impugnacion.objects.values_list("estado", flat=True)) == set(
        Impugnacion.Estado.values
    )
    # The replayed history e-mails nobody about the rejected impugnaciones.
    assert not Correo.objects.filter(evento="cartera.impugnacion_rechazada").exists()
    hoy = timezone.localdate()
    en_mora = Planilla.objects.filter(estado="pendiente", fecha_vencimiento__lt=hoy)
    assert en_mora.exists()

    andina = Empleador.objects.get(razon_social="Comercial Andina S.A.")
    glosas = Glosa.objects.filter(empleador=andina)
    assert glosas.filter(estado="notificada", vence_en__gte=hoy).exists()  # within término
    assert glosas.filter(estado="vencida").exists()
    assert glosas.filter(estado="impugnada", impugnaciones__estado="pendiente").exists()
    titulos = TituloCredito.objects.filter(empleador=andina)
    assert titulos.count() == 3
    # Handed to coactiva: its demo draws them into one process and two get paid there.
    assert sorted(titulos.values_list("estado", flat=True)) == [
        "cancelado",
        "cancelado",
        "en_coactiva",
    ]
    assert {t.unidad_coactiva.codigo for t in titulos} == {"17-coactiva"}

    # Last month's impugnaciones report (the one its page opens on) has something to show.
    from cartera.selectors import impugnaciones_del_mes
    from core import roles
    from core.calendar import add_plazo
    from tests.factories import staff

    supervisor = staff(roles.SUPERVISOR_NACIONAL, "nacional-recaudacion", username="sup")
    reporte = impugnaciones_del_mes(user=supervisor, mes=add_plazo(hoy.replace(day=1), months=-1))
    assert reporte.total.recibidas and reporte.total.resueltas and reporte.total.pendientes
    assert sum(1 for _, recibidas, _ in reporte.tendencia if recibidas) >= 4


def test_demo_employers_have_portal_data() -> None:
    from cartera.models import AcuerdoPago, CertificadoCumplimiento
    from tramites.models import AutorizacionTercero

    call_command("seed_demo", "--empleadores", "20", "--sin-progreso", stdout=StringIO())
    andina = Empleador.objects.get(razon_social="Comercial Andina S.A.")
    assert AutorizacionTercero.objects.filter(empleador=andina, revocada_en__isnull=True).exists()
    assert CertificadoCumplimiento.objects.filter(empleador=andina, estado="en_mora").exists()
    assert AcuerdoPago.objects.filter(estado="vigente").exclude(empleador=andina).exists()
