"""E-mails to the debtor about its coactiva process: the events it must act on (issue 7
point 8). All are legal notices of the process, so the employer's preferences do not
apply; each is queued in the transaction of the act and delivered after commit, so an
act that rolls back sends nothing and one that happens once is told once.

* the process opened by the sorteo (orden de cobro, C.D. 497 3.5.3 d);
* the stages that give the debtor a término (coactiva.services.TERMINOS): the
  requerimiento de pago voluntario and the orden de pago inmediato / citación, with
  the last day;
* each medida cautelar ordered on its assets.

coactiva.services calls these (one line each), so the notices stay out of the flow's
code. The e-mail informs; it does not replace the citación the COA prescribes."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from cartera.models import TituloCredito
from coactiva.models import JuicioCoactivo, MedidaCautelar
from coactiva.selectors import saldo_adeudado
from core.email import correo_enviar
from core.models import Correo

Etapa = JuicioCoactivo.Etapa

ETAPAS_AVISADAS: dict[str, str] = {
    Etapa.REQUERIMIENTO: "IESS: requerimiento de pago voluntario, juicio coactivo N.º {numero}",
    Etapa.CITACION: "IESS: orden de pago inmediato en el juicio coactivo N.º {numero}",
}


def juicio_abierto_avisar(
    *, juicio: JuicioCoactivo, titulos: Sequence[TituloCredito]
) -> Correo | None:
    """The sorteo opened a process against the employer for `titulos`."""
    return correo_enviar(
        para=[juicio.empleador.email],
        asunto=f"IESS: juicio coactivo N.º {juicio.numero} iniciado a su cargo",
        plantilla="coactiva_juicio_abierto",
        contexto={
            "juicio": juicio,
            "empleador": juicio.empleador,
            "titulos": sorted(titulos, key=lambda t: (t.provincia_id, t.anio, t.secuencial)),
        },
        evento="coactiva.juicio_abierto",
        obj=juicio,
    )


def etapa_avisar(*, juicio: JuicioCoactivo) -> Correo | None:
    """The process entered a stage that gives the debtor a término to pay (or to offer
    assets): say which and until when. Other stages are told otherwise (measures, each
    with its own notice) or are the end of the process."""
    asunto = ETAPAS_AVISADAS.get(juicio.etapa)
    if asunto is None:
        return None
    return correo_enviar(
        para=[juicio.empleador.email],
        asunto=asunto.format(numero=juicio.numero),
        plantilla="coactiva_etapa",
        contexto={
            "juicio": juicio,
            "empleador": juicio.empleador,
            "adeudado": saldo_adeudado(juicio, en=juicio.etapa_desde),
        },
        evento=f"coactiva.{juicio.etapa}",
        obj=juicio,
    )


def medida_ordenada_avisar(*, medida: MedidaCautelar) -> Correo | None:
    """A precautionary measure was ordered on the employer's assets."""
    juicio = medida.juicio
    return correo_enviar(
        para=[juicio.empleador.email],
        asunto=f"IESS: medida cautelar ordenada en el juicio coactivo N.º {juicio.numero}",
        plantilla="coactiva_medida_ordenada",
        contexto={
            "juicio": juicio,
            "empleador": juicio.empleador,
            "medida": medida,
            "adeudado": saldo_adeudado(juicio, en=timezone.localdate(medida.ordenada_en)),
        },
        evento="coactiva.medida_ordenada",
        obj=medida,
    )
