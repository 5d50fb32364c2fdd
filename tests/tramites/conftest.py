from __future__ import annotations

from typing import Any

import pytest

from core.identificacion import generar_cedula, generar_ruc_privado
from tests import archivos
from tramites.models import Requisito, Tramite

LEVANTAMIENTO = "levantamiento-medidas-cautelares"
SALUD = "certificado-atencion-salud-riesgos-trabajo"
CEDULA = generar_cedula(17, 123456)
RUC_EMPLEADOR = generar_ruc_privado(17, 424242) or generar_ruc_privado(17, 424243)


def requisito(slug: str, nombre: str) -> Requisito:
    return Requisito.objects.get(tramite__slug=slug, nombre=nombre)


def datos_levantamiento(**cambios: Any) -> dict[str, Any]:
    """A complete, valid levantamiento filed by the legal representative for a measure
    on real estate."""
    solicitud = requisito(LEVANTAMIENTO, "Solicitud de levantamiento de medidas cautelares")
    hipotecas = requisito(LEVANTAMIENTO, "Certificado de hipotecas y gravámenes")
    titulo = requisito(LEVANTAMIENTO, "Título de crédito")
    datos: dict[str, Any] = {
        "provincia": "17",
        "tipo_identificacion": "cedula",
        "identificacion": CEDULA,
        "nombre": "María Fernanda Salazar Pérez",
        "email": "maria@empresa.test",
        "email_confirmacion": "maria@empresa.test",
        "celular": "0991234567",
        "telefono": "",
        "direccion": "Av. Amazonas N34-120, Quito",
        "calidad": "representante_legal",
        "empleador_identificacion": RUC_EMPLEADOR,
        "empleador_razon_social": "Comercial Andina S.A.",
        "sucursal": "001",
        "medidas": ["inmueble"],
        "titulos": "cancelados",
        "numero_juicio": "JC-17-2024-0042",
        titulo.campo: "TC-17-2024-000981",
        "detalle": "Solicito el levantamiento de la prohibición de enajenar del predio 12345.",
        "declaracion": "on",
        solicitud.campo: archivos.subido("carta.pdf", archivos.pdf_bytes(), "application/pdf"),
        hipotecas.campo: archivos.subido("certificado.jpg", archivos.jpeg_bytes(), "image/jpeg"),
    }
    datos.update(cambios)
    return {k: v for k, v in datos.items() if v is not None}


@pytest.fixture
def levantamiento(db: None) -> Tramite:
    return Tramite.objects.get(slug=LEVANTAMIENTO)
