from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cartera.models import Empleador
from cartera.services import empleador_create
from core.identificacion import generar_cedula, generar_ruc_privado
from core.models import Provincia

pytestmark = pytest.mark.django_db


def _datos(**overrides: object) -> dict[str, object]:
    datos: dict[str, object] = {
        "identificacion": generar_ruc_privado(17, 777),
        "razon_social": "Panificadora Quiteña S.A.",
        "representante_nombre": "Luis Mora",
        "representante_identificacion": generar_cedula(17, 55),
        "provincia": Provincia.objects.get(pk="17"),
        "direccion": "Av. Patria 100",
        "email": "info@panificadora.test",
    }
    datos.update(overrides)
    return datos


def test_creates_employer_classified_with_its_first_sucursal() -> None:
    empleador = empleador_create(**_datos())
    assert empleador.tipo_persona == "sociedad_privada"
    assert list(empleador.sucursales.values_list("numero", flat=True)) == ["001"]


def test_domestic_employer_can_register_with_cedula() -> None:
    cedula = generar_cedula(9, 31415)
    empleador = empleador_create(**_datos(identificacion=cedula, sector=Empleador.Sector.DOMESTICO))
    assert empleador.identificacion == cedula and empleador.tipo_persona == "natural"


def test_invalid_identifiers_are_reported_per_field_in_spanish() -> None:
    with pytest.raises(ValidationError) as exc:
        empleador_create(
            **_datos(identificacion="1790001009001", representante_identificacion="123")
        )
    errors = exc.value.message_dict
    assert "dígito verificador del RUC" in errors["identificacion"][0]
    assert "10 dígitos" in errors["representante_identificacion"][0]
    assert not Empleador.objects.exists()


def test_duplicate_ruc_is_refused() -> None:
    empleador_create(**_datos())
    with pytest.raises(ValidationError, match="Ya existe un empleador"):
        empleador_create(**_datos())


def test_public_sector_needs_a_public_ruc() -> None:
    with pytest.raises(ValidationError, match="sociedad pública"):
        empleador_create(**_datos(sector=Empleador.Sector.PUBLICO))
