"""Certificado de cumplimiento de obligaciones patronales (DOMAIN.md §5; seed 004: the
certificate of no debt with QR): issued instantly from a RUC or cédula, with the
employer's standing that day, valid CERTIFICADO_VIGENCIA_DIAS days, verifiable at
/verificar/<codigo>/. It states no amounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from cartera.models import CertificadoCumplimiento, Empleador
from cartera.selectors import estado_cumplimiento
from core import parametros
from core import pdf as core_pdf
from core.models import DocumentoVerificable
from core.services import documento_verificable_adjuntar_pdf, documento_verificable_emitir

LEYENDA = {
    CertificadoCumplimiento.Estado.AL_DIA: (
        "no registra obligaciones patronales vencidas con el Instituto Ecuatoriano de "
        "Seguridad Social a la fecha de emisión."
    ),
    CertificadoCumplimiento.Estado.EN_MORA: (
        "registra obligaciones patronales en mora con el Instituto Ecuatoriano de Seguridad "
        "Social a la fecha de emisión."
    ),
    CertificadoCumplimiento.Estado.EN_TRAMITE_DE_PAGO: (
        "mantiene un acuerdo de pago vigente con el Instituto Ecuatoriano de Seguridad "
        "Social y se encuentra en trámite de pago a la fecha de emisión."
    ),
}


def certificado_emitir(*, empleador: Empleador, por: Any = None) -> CertificadoCumplimiento:
    """Issue the certificate: snapshot of the standing (cartera.selectors.
    estado_cumplimiento), issue and expiry dates, a PDF with the QR code, registered as
    a DocumentoVerificable whose public data are exactly what the certificate states.
    The employer is told by e-mail that a certificate was issued."""
    from cartera.portal import aviso_empleador

    ahora = timezone.now()
    hoy = timezone.localdate(ahora)
    estado = CertificadoCumplimiento.Estado(estado_cumplimiento(empleador=empleador, en=hoy))
    dias = int(parametros.valor("CERTIFICADO_VIGENCIA_DIAS", en=hoy))
    vigente_hasta = hoy + dt.timedelta(days=dias)
    datos = {
        "Empleador": empleador.razon_social,
        "RUC / cédula": empleador.identificacion,
        "Estado": str(estado.label),
        "Emitido el": f"{timezone.localtime(ahora):%d/%m/%Y %H:%M}",
        "Vigente hasta": f"{vigente_hasta:%d/%m/%Y}",
    }
    with transaction.atomic():
        documento = documento_verificable_emitir(
            tipo=DocumentoVerificable.Tipo.CERTIFICADO_CUMPLIMIENTO,
            titulo="Certificado de cumplimiento de obligaciones patronales",
            # The verification page shows the issue and expiry dates itself.
            datos_publicos={k: datos[k] for k in ("Empleador", "RUC / cédula", "Estado")},
            vigente_hasta=vigente_hasta,
        )
        e = core_pdf.escape
        story = [
            core_pdf.p(
                f"El Instituto Ecuatoriano de Seguridad Social certifica que "
                f"<b>{e(empleador.razon_social)}</b>, con RUC/cédula "
                f"<b>{e(empleador.identificacion)}</b>, {LEYENDA[estado]}"
            ),
            core_pdf.key_value_table([(k, e(v)) for k, v in datos.items()]),
            core_pdf.p(
                f"Este certificado es gratuito y tiene una vigencia de {dias} días desde su "
                "emisión. Refleja la situación a la fecha y hora de emisión.",
                "pequeno",
            ),
        ]
        documento_verificable_adjuntar_pdf(
            documento=documento,
            pdf=core_pdf.render(
                titulo="Certificado de cumplimiento de obligaciones patronales",
                story=story,
                codigo_verificacion=documento.codigo,
                dependencia="Dirección Nacional de Recaudación y Gestión de Cartera",
            ),
        )
        certificado = CertificadoCumplimiento.objects.create(
            empleador=empleador,
            documento=documento,
            estado=estado,
            emitido_en=ahora,
            vigente_hasta=vigente_hasta,
        )
        aviso_empleador(
            empleador=empleador,
            preferencia="certificado_emitido",
            asunto="IESS: se emitió un certificado de cumplimiento de obligaciones patronales",
            plantilla="certificado_emitido",
            contexto={"certificado": certificado, "codigo": documento.codigo, "datos": datos},
            obj=certificado,
        )
    return certificado
