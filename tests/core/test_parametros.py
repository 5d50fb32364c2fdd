from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core import parametros
from core.models import EventoAuditoria
from core.services import parametro_set
from tests.factories import ROLE, staff

pytestmark = pytest.mark.django_db


def test_every_declared_parameter_has_a_value_in_force_today() -> None:
    for clave in parametros.DEFINICIONES:
        assert parametros.valor(clave) is not None


def test_value_in_force_depends_on_the_date() -> None:
    assert parametros.valor("SBU", dt.date(2025, 6, 30)) == Decimal("470.00")
    assert parametros.valor("SBU", dt.date(2026, 6, 30)) == Decimal("482.00")
    with pytest.raises(parametros.ParametroSinValor):
        parametros.valor("SBU", dt.date(2020, 1, 1))


def test_a_reform_applies_from_its_date_and_is_audited(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    supervisor = staff(ROLE.SUPERVISOR_NACIONAL, "nacional-recaudacion")
    assert parametros.valor("GLOSA_TERMINO_DIAS", dt.date(2027, 3, 1)) == 8
    with django_capture_on_commit_callbacks(execute=True):
        parametro_set(
            clave="GLOSA_TERMINO_DIAS", valor=10, vigente_desde=dt.date(2027, 1, 1), por=supervisor
        )
    assert parametros.valor("GLOSA_TERMINO_DIAS", dt.date(2026, 12, 31)) == 8
    assert parametros.valor("GLOSA_TERMINO_DIAS", dt.date(2027, 3, 1)) == 10
    assert EventoAuditoria.objects.filter(accion="parametro.cambio", actor=supervisor).exists()


def test_money_parameters_are_decimal_never_float() -> None:
    fila = parametro_set(clave="SBU", valor="500.10", vigente_desde=dt.date(2030, 1, 1))
    assert fila.valor == "500.10"
    assert parametros.valor("SBU", dt.date(2030, 1, 2)) == Decimal("500.10")


@pytest.mark.parametrize(
    ("clave", "valor"), [("GLOSA_TERMINO_DIAS", "ocho"), ("UPLOAD_TIPOS", "pdf"), ("SBU", "x")]
)
def test_wrongly_typed_values_are_refused(clave: str, valor: object) -> None:
    with pytest.raises(ValidationError):
        parametro_set(clave=clave, valor=valor, vigente_desde=dt.date(2031, 1, 1))


def test_admin_adds_a_new_value_through_the_service(admin_client) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.post(
        "/admin/core/parametro/add/",
        {
            "clave": "CERTIFICADO_VIGENCIA_DIAS",
            "valor": "45",
            "vigente_desde": "2032-01-01",
            "base_legal": "Reforma",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert parametros.valor("CERTIFICADO_VIGENCIA_DIAS", dt.date(2032, 2, 1)) == 45
    assert parametros.valor("CERTIFICADO_VIGENCIA_DIAS", dt.date(2031, 2, 1)) == 30
