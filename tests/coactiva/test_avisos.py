"""The debtor is e-mailed every act of its coactiva process it must act on: the process
opened by the sorteo, the requerimiento de pago voluntario and the orden de pago
inmediato (with their last day), each medida cautelar ordered (coactiva.avisos)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail

from cartera.services import titulo_emitir
from coactiva import services
from coactiva.models import JuicioCoactivo
from core.formato import dolares
from core.models import Correo, Unidad
from tests.factories import (
    MEDIDAS_DE_PRUEBA,
    EmpleadorFactory,
    GlosaFactory,
    JuicioCoactivoFactory,
    SecretarioAbogadoFactory,
    momento,
)

pytestmark = pytest.mark.django_db
Etapa = JuicioCoactivo.Etapa


def _recibidos(direccion: str, asunto_contiene: str) -> list[str]:
    return [m.body for m in mail.outbox if m.to == [direccion] and asunto_contiene in m.subject]


def test_the_sorteo_tells_each_debtor_its_process_once(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    unidad = Unidad.objects.get(codigo="17-coactiva")
    abogada = SecretarioAbogadoFactory(nombre="María Fernanda Ruiz")
    deudores = [EmpleadorFactory(email=f"deudor{i}@correo.test") for i in range(2)]
    titulos = {
        e.pk: [
            titulo_emitir(
                glosas=[GlosaFactory(planilla__empleador=e, vencida=True, capital=capital)]
            )
            for capital in (Decimal("1500.00"), Decimal("89.10"))
        ]
        for e in deudores
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.sorteo_realizar(unidad=unidad, semilla_fijada="avisos")
    for deudor in deudores:
        (cuerpo,) = _recibidos(deudor.email, "juicio coactivo N.º")
        juicio = JuicioCoactivo.objects.get(empleador=deudor)
        assert f"se inició a su cargo el juicio coactivo N.º {juicio.numero}" in cuerpo
        assert "Unidad Provincial de Gestión de Coactiva de Pichincha" in cuerpo
        for titulo in titulos[deudor.pk]:
            assert f"- N.º {titulo.numero}: {dolares(titulo.saldo_registrado)}" in cuerpo
        assert f"Total al iniciar el proceso: {dolares(juicio.monto_inicial)}" in cuerpo
        assert re.fullmatch(r"USD \d{1,3}(\.\d{3})+,\d{2}", dolares(juicio.monto_inicial))
        assert abogada.nombre in cuerpo and f"{settings.SITE_URL}/empleador/#procesos" in cuerpo
    enviados = len(mail.outbox)
    with pytest.raises(services.CoactivaError), django_capture_on_commit_callbacks(execute=True):
        services.sorteo_realizar(unidad=unidad)  # nothing left to draw
    assert len(mail.outbox) == enviados
    assert Correo.objects.filter(evento="coactiva.juicio_abierto").count() == 2


def test_requerimiento_and_citacion_tell_the_amount_and_the_last_day(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    juicio = JuicioCoactivoFactory(n_titulos=1, empleador=EmpleadorFactory(email="d@correo.test"))
    with django_capture_on_commit_callbacks(execute=True):
        services.juicio_transicion(
            juicio=juicio, a=Etapa.REQUERIMIENTO, at=momento(dt.date(2026, 2, 13))
        )
    (requerimiento,) = _recibidos("d@correo.test", "requerimiento de pago voluntario")
    assert f"juicio coactivo N.º {juicio.numero}" in requerimiento
    assert "se le requiere el pago voluntario de lo adeudado: USD " in requerimiento
    assert "Tiene hasta el 03/03/2026 para pagar." in requerimiento  # 10 days across Carnaval
    with django_capture_on_commit_callbacks(execute=True):
        services.juicio_transicion(
            juicio=juicio, a=Etapa.CITACION, at=momento(dt.date(2026, 12, 3))
        )
    (citacion,) = _recibidos("d@correo.test", "orden de pago inmediato")
    assert "se dictó la orden de pago inmediato" in citacion
    assert "Tiene hasta el 09/12/2026 para pagar o dimitir bienes" in citacion  # Quito's holiday
    # Stages without a término for the debtor are not mailed as stages; an illegal
    # transition changes nothing and sends nothing.
    enviados = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.juicio_transicion(
            juicio=juicio, a=Etapa.MEDIDAS, at=momento(dt.date(2026, 12, 10))
        )
        with pytest.raises(services.TransicionInvalida):
            services.juicio_transicion(juicio=juicio, a=Etapa.CITACION)
    assert len(mail.outbox) == enviados


def test_each_measure_ordered_is_told_with_its_entity_and_amount(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    juicio = JuicioCoactivoFactory(
        n_titulos=1, en_medidas=True, empleador=EmpleadorFactory(email="m@correo.test")
    )
    with django_capture_on_commit_callbacks(execute=True):
        for datos in MEDIDAS_DE_PRUEBA[::2]:  # the bank account and the vehicle
            services.medida_ordenar(juicio=juicio, **datos)
    cuerpos = _recibidos("m@correo.test", "medida cautelar ordenada")
    assert len(cuerpos) == 2
    assert (
        "- Retención de fondos de la cuenta N.º 2200123456, dirigida a Banco del Pichincha "
        "C.A., por USD 1.500,00." in cuerpos[0]
    )
    assert (
        "- Prohibición de enajenar el vehículo de placa PBA-1234, dirigida a Agencia "
        in (cuerpos[1])
    )
    assert "el IESS dispone entonces el levantamiento sin que deba solicitarlo" in cuerpos[1]
    # A measure that cannot be ordered (closed process) is not announced.
    services.juicio_transicion(juicio=juicio, a=Etapa.ARCHIVADO)
    with (
        pytest.raises(services.CoactivaError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.medida_ordenar(juicio=juicio, **MEDIDAS_DE_PRUEBA[0])
    assert len(_recibidos("m@correo.test", "medida cautelar ordenada")) == 2
