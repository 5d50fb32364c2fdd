from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.ec import ci, ruc

from core import identificacion as ident

VALID_CEDULA = ident.generar_cedula(17, 123456)
VALID_RUC_PRIVADO = next(r for s in range(100, 200) if (r := ident.generar_ruc_privado(9, s)))
VALID_RUC_PUBLICO = "1760001550001"  # python-stdnum's own example of a public RUC


@pytest.mark.parametrize(
    ("numero", "mensaje"),
    [
        ("", "Ingrese el número de cédula"),
        ("17123A5678", "solo puede contener dígitos"),
        ("171234567", "debe tener 10 dígitos; el número ingresado tiene 9"),
        ("3512345678", "(35) no corresponden a una provincia"),
        ("1772345678", "tercer dígito de la cédula debe ser menor que 6; es 7"),
        (VALID_CEDULA[:9] + str((int(VALID_CEDULA[9]) + 1) % 10), "dígito verificador"),
    ],
)
def test_invalid_cedula_says_what_is_wrong(numero: str, mensaje: str) -> None:
    with pytest.raises(ValidationError) as exc:
        ident.validar_cedula(numero)
    assert mensaje in exc.value.messages[0]


def test_cedula_accepts_separators_and_returns_it_compact() -> None:
    assert ident.validar_cedula(f"{VALID_CEDULA[:9]}-{VALID_CEDULA[9]}") == VALID_CEDULA


@pytest.mark.parametrize(
    ("numero", "tipo"),
    [
        (VALID_RUC_PRIVADO, ident.TipoPersona.SOCIEDAD_PRIVADA),
        (VALID_RUC_PUBLICO, ident.TipoPersona.SOCIEDAD_PUBLICA),
        (VALID_CEDULA + "001", ident.TipoPersona.NATURAL),
    ],
)
def test_ruc_is_classified_by_its_third_digit(numero: str, tipo: ident.TipoPersona) -> None:
    assert ident.validar(numero, "ruc").tipo_persona is tipo


@pytest.mark.parametrize(
    ("numero", "mensaje"),
    [
        ("179000100800", "debe tener 13 dígitos; el número ingresado tiene 12"),
        ("1780001008001", "tercer dígito del RUC (8) no corresponde"),
        (VALID_CEDULA + "000", "no pueden ser 000"),
        ("1760001550000", "no pueden ser 0000"),
        (
            VALID_RUC_PRIVADO[:9] + str((int(VALID_RUC_PRIVADO[9]) + 1) % 10) + "001",
            "(sociedad privada)",
        ),
        ("1712345670001", "deben ser una cédula válida"),
        # third digit 6 whose first ten digits pass as a cédula but not the public check
        ("1760000008001", "(sociedad pública)"),
    ],
)
def test_invalid_ruc_says_what_is_wrong(numero: str, mensaje: str) -> None:
    with pytest.raises(ValidationError) as exc:
        ident.validar_ruc(numero)
    assert mensaje in exc.value.messages[0]


def test_foreigner_code_is_alphanumeric() -> None:
    assert ident.validar("ab 12345", "extranjero").numero == "AB12345"
    with pytest.raises(ValidationError, match="de 5 a 20"):
        ident.validar("A1", "extranjero")


@given(provincia=st.integers(1, 24), serial=st.integers(0, 5_999_999))
def test_generated_cedulas_are_valid_for_stdnum(provincia: int, serial: int) -> None:
    numero = ident.generar_cedula(provincia, serial)
    assert ci.is_valid(numero)
    assert ident.validar_cedula(numero) == numero


@given(provincia=st.integers(1, 24), serial=st.integers(0, 999_999))
def test_generated_private_rucs_are_valid_for_stdnum(provincia: int, serial: int) -> None:
    numero = ident.generar_ruc_privado(provincia, serial)
    if numero is not None:
        assert ruc.is_valid(numero)
        assert ident.validar_ruc(numero) == numero


@given(st.text(max_size=20))
def test_arbitrary_text_never_crashes_validation(texto: str) -> None:
    for tipo in ("cedula", "ruc", "extranjero"):
        try:
            ident.validar(texto, tipo)
        except ValidationError as exc:
            assert exc.messages


@pytest.mark.parametrize("provincia", [1, 24, 30])
def test_cedulas_of_every_province_and_of_ecuadorians_abroad_are_accepted(provincia: int) -> None:
    numero = ident.generar_cedula(provincia, 4321)
    assert ident.validar_cedula(numero) == numero


@pytest.mark.parametrize("provincia", [0, 25, 29, 31])
def test_cedulas_outside_the_provinces_and_30_are_refused_naming_the_digits(
    provincia: int,
) -> None:
    numero = ident.generar_cedula(provincia, 4321)
    with pytest.raises(ValidationError) as exc:
        ident.validar_cedula(numero)
    assert f"({provincia:02d}) no corresponden a una provincia (01 a 24)" in exc.value.messages[0]
