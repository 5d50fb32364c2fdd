"""Payment agreements (DOMAIN.md §3, seed 002): the acuerdo de pagos parciales (APP) and
the convenio de purga de mora. The amortization table is a pure function; every state
change goes through acuerdo_transicion; the nightly check breaks an agreement whose
installments were missed and brings the mora back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, localcontext
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cartera import interes
from cartera.models import (
    AcuerdoHistorial,
    AcuerdoPago,
    CuotaAcuerdo,
    Empleador,
    Glosa,
    Pago,
    TituloCredito,
)
from cartera.services import (
    CarteraError,
    TransicionInvalida,
    cantones_glosa,
    glosa_acuerdo_incumplido,
    glosa_acuerdo_registrar,
    obligacion_vigente,
    pago_registrar,
    titulo_convenio_registrar,
    titulo_transicion,
)
from core import parametros, roles
from core.calendar import add_plazo, add_termino
from core.models import User

CERO = Decimal("0.00")
Estado = AcuerdoPago.Estado

# --- Amortization (pure) ----------------------------------------------------------------


@dataclass(frozen=True)
class FilaAmortizacion:
    numero: int  # 0 is the cuota inicial
    vence_el: dt.date
    capital: Decimal
    interes: Decimal
    valor: Decimal
    saldo: Decimal  # still owed after this installment


def tabla_amortizacion(
    *,
    monto: Decimal,
    meses: int,
    tasa_anual: Decimal,
    desde: dt.date,
    cuota_inicial: Decimal = CERO,
    vence_inicial: dt.date | None = None,
) -> list[FilaAmortizacion]:
    """French amortization of `monto` less the cuota inicial (due on `vence_inicial`,
    default `desde`) in `meses` equal monthly installments at `tasa_anual` percent a
    year (monthly rate = annual / 12), the first due one month after `desde`. Every
    amount is rounded to cents; the last installment takes whatever capital is left, so
    the capital column adds up to the amount financed exactly."""
    if meses < 1:
        raise ValueError("meses debe ser al menos 1")
    filas: list[FilaAmortizacion] = []
    financiado = monto - cuota_inicial
    if cuota_inicial > 0:
        filas.append(
            FilaAmortizacion(
                0, vence_inicial or desde, cuota_inicial, CERO, cuota_inicial, financiado
            )
        )
    tasa = tasa_anual / Decimal(100) / Decimal(12)
    with localcontext() as ctx:
        ctx.prec = 34
        if tasa == 0:
            cuota = financiado / meses
        else:
            cuota = financiado * tasa / (1 - (1 + tasa) ** -meses)
    cuota = interes.centavos(cuota)
    saldo = financiado
    for numero in range(1, meses + 1):
        interes_mes = interes.centavos(saldo * tasa)
        capital = saldo if numero == meses else min(cuota - interes_mes, saldo)
        saldo -= capital
        filas.append(
            FilaAmortizacion(
                numero=numero,
                vence_el=add_plazo(desde, months=numero),
                capital=capital,
                interes=interes_mes,
                valor=capital + interes_mes,
                saldo=saldo,
            )
        )
    return filas


# --- Rules in force ---------------------------------------------------------------------


def app_tramos(en: dt.date | None = None) -> list[tuple[int, int]]:
    """The APP term tiers in force, e.g. [(1, 12), (13, 36)] (APP_TRAMOS_MESES)."""
    return [(int(a), int(b)) for a, b in parametros.valor("APP_TRAMOS_MESES", en=en)]


def app_tramite_slug(meses: int, en: dt.date | None = None) -> str:
    """The catalogue trámite an APP of `meses` is filed as: the first tier is the
    12-month trámite, any later tier the 13-36-month one (reforms extend its maximum)."""
    primero = app_tramos(en)[0]
    return (
        "acuerdo-pagos-parciales-12-meses"
        if meses <= primero[1]
        else "acuerdo-pagos-parciales-13-36-meses"
    )


def plazo_validar(*, tipo: str, meses: int | None, en: dt.date) -> list[str]:
    """Spanish errors for a term outside the tiers (APP) or the maximum (purga)."""
    if meses is None:
        return ["Ingrese el plazo en meses."]
    if tipo == AcuerdoPago.Tipo.APP:
        tramos = app_tramos(en)
        if not any(a <= meses <= b for a, b in tramos):
            texto = " y ".join(f"de {a} a {b}" for a, b in tramos)
            return [
                "El plazo del acuerdo de pagos parciales debe estar en los tramos vigentes: "
                f"{texto} meses."
            ]
        return []
    maximo = int(parametros.valor("PURGA_MORA_MAX_ANIOS", en=en)) * 12
    if not 1 <= meses <= maximo:
        return [f"El convenio de purga de mora admite de 1 a {maximo} meses."]
    return []


def vence_cuota_inicial(desde: dt.date, *, empleador: Empleador | None = None) -> dt.date:
    """Last day to pay the cuota inicial of an agreement approved on `desde`: a término
    of APP_CUOTA_INICIAL_TERMINO_DIAS business days (DOMAIN.md §6) from the approval,
    which is notified by e-mail. Due on the approval day itself, the nightly check would
    break the agreement the next morning, before the employer could pay. Like a glosa's
    término it skips the local holidays of the employer's canton and of the cartera
    unit's seat (cantones_glosa)."""
    dias = int(parametros.valor("APP_CUOTA_INICIAL_TERMINO_DIAS", en=desde))
    cantones = (
        cantones_glosa(canton_id=empleador.canton_id, provincia_id=empleador.provincia_id)
        if empleador is not None
        else []
    )
    return add_termino(desde, dias, cantones=cantones)


def tasa_vigente(en: dt.date) -> Decimal:
    """The annual rate applied to the installments: the late-payment rate in force."""
    return interes.tabla_tasas().tasa(en)


@dataclass(frozen=True)
class Aprobacion:
    aprueba: str
    monto_en_sbu: Decimal
    umbral_sbu: Decimal


def aprobacion_requerida(
    *,
    empleador: Empleador,
    monto: Decimal,
    en: dt.date,
    tipo: str = AcuerdoPago.Tipo.APP,
) -> Aprobacion:
    """Who approves an agreement. An APP by its amount (DOMAIN.md §3): the Director
    Provincial above APP_UMBRAL_DIRECTOR_SBU_NATURAL SBU for personas naturales or
    APP_UMBRAL_DIRECTOR_SBU_JURIDICA SBU for personas jurídicas; below, the head of the
    provincial cartera unit. A convenio de purga de mora always goes to the Director
    Provincial, whatever its amount: the cartera unit sends its file and draft "por
    órgano regular, al Director Provincial, para su autorización" (C.D. 497 art. 3,
    3.5.2 c)."""
    sbu = Decimal(parametros.valor("SBU", en=en))
    clave = (
        "APP_UMBRAL_DIRECTOR_SBU_JURIDICA"
        if empleador.es_persona_juridica
        else "APP_UMBRAL_DIRECTOR_SBU_NATURAL"
    )
    umbral = Decimal(parametros.valor(clave, en=en))
    # The amount itself is compared with the threshold in dollars: its SBU figure is
    # rounded to cents for display, and 25.004 SBU must not read as "25, not above".
    aprueba = (
        AcuerdoPago.Aprueba.DIRECTOR_PROVINCIAL
        if tipo == AcuerdoPago.Tipo.PURGA_MORA or monto > umbral * sbu
        else AcuerdoPago.Aprueba.JEFE_UNIDAD
    )
    # Rounded up, so an amount above the threshold never shows as equal to it.
    en_sbu = (monto / sbu).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    return Aprobacion(aprueba=aprueba, monto_en_sbu=en_sbu, umbral_sbu=umbral)


def garantia_requerida(*, monto: Decimal, en: dt.date) -> Decimal:
    """The guarantee a convenio de purga de mora needs: PURGA_MORA_GARANTIA_PCT % of the
    debt (125 % by default)."""
    return interes.centavos(
        monto * Decimal(parametros.valor("PURGA_MORA_GARANTIA_PCT", en=en)) / 100
    )


def cuotas_impagas_ruptura(tipo: str, en: dt.date) -> int:
    clave = (
        "APP_CUOTAS_IMPAGAS_RUPTURA"
        if tipo == AcuerdoPago.Tipo.APP
        else "PURGA_MORA_CUOTAS_IMPAGAS_COACTIVA"
    )
    return int(parametros.valor(clave, en=en))


# --- State machine ------------------------------------------------------------------------

TRANSICIONES: dict[str, frozenset[str]] = {
    Estado.SOLICITADO: frozenset({Estado.VIGENTE, Estado.NEGADO}),
    Estado.VIGENTE: frozenset({Estado.CUMPLIDO, Estado.INCUMPLIDO}),
}


def acuerdo_transicion(
    *,
    acuerdo: AcuerdoPago,
    a: str,
    por: User | None = None,
    motivo: str = "",
    cambios: dict[str, Any] | None = None,
) -> AcuerdoPago:
    """The only way an agreement changes state: locks the row, checks TRANSICIONES,
    saves with `cambios` and appends the history row."""
    with transaction.atomic():
        fila = AcuerdoPago.objects.select_for_update().get(pk=acuerdo.pk)
        if a not in TRANSICIONES.get(fila.estado, frozenset()):
            raise TransicionInvalida(
                f"El {fila} está «{fila.get_estado_display()}» y no puede pasar a "
                f"«{Estado(a).label}»."
            )
        de = fila.estado
        fila.estado = a
        for campo, valor in (cambios or {}).items():
            setattr(fila, campo, valor)
        fila.save(update_fields=["estado", *(cambios or {})])
        AcuerdoHistorial.objects.create(
            acuerdo=fila,
            de=de,
            a=a,
            por=por if getattr(por, "is_authenticated", False) else None,
            motivo=motivo[:500],
        )
    return fila


def aprobacion_autorizar(*, acuerdo: AcuerdoPago, por: User | None) -> None:
    """Refuse (CarteraError) a staff member who may not approve `acuerdo`: above the
    threshold and for every convenio de purga de mora, only the Director Provincial."""
    del_director = (
        acuerdo.tipo == AcuerdoPago.Tipo.PURGA_MORA
        or acuerdo.aprueba == AcuerdoPago.Aprueba.DIRECTOR_PROVINCIAL
    )
    if (
        del_director
        and isinstance(por, User)
        and not por.is_superuser
        and not por.groups.filter(name=roles.DIRECTOR_PROVINCIAL).exists()
    ):
        raise CarteraError(
            "Los convenios de purga de mora los autoriza el Director Provincial."
            if acuerdo.tipo == AcuerdoPago.Tipo.PURGA_MORA
            else f"Este acuerdo ({acuerdo.monto_en_sbu} SBU) lo aprueba el Director Provincial."
        )


def acuerdo_aprobar(
    *, acuerdo: AcuerdoPago, por: User | None = None, hoy: dt.date | None = None
) -> AcuerdoPago:
    """The approval (by the authority the amount requires) puts the agreement in force:
    its amortization table is written from the approval date (the cuota inicial due
    within its término, vence_cuota_inicial), its glosas go EN ACUERDO DE PAGO and its
    títulos EN CONVENIO, so the employer is "en trámite de pago". The employer is told
    by e-mail what to pay and by when (a legal notice: always sent).

    Only the Director Provincial (or a superuser) approves an agreement above the SBU
    threshold (`aprueba`, recorded on the request) and every convenio de purga de mora,
    whatever was recorded (C.D. 497 art. 3, 3.5.2 c). Without `por` the system approves
    (the demo)."""
    from core.email import correo_enviar

    aprobacion_autorizar(acuerdo=acuerdo, por=por)
    hoy = hoy or timezone.localdate()
    with transaction.atomic():
        acuerdo = acuerdo_transicion(
            acuerdo=acuerdo,
            a=Estado.VIGENTE,
            por=por,
            motivo="Aprobado.",
            cambios={"vigente_desde": hoy},
        )
        empleador = Empleador.objects.get(pk=acuerdo.empleador_id)
        cuotas = CuotaAcuerdo.objects.bulk_create(
            [
                CuotaAcuerdo(
                    acuerdo=acuerdo,
                    numero=f.numero,
                    vence_el=f.vence_el,
                    capital=f.capital,
                    interes=f.interes,
                    valor=f.valor,
                    saldo=f.saldo,
                )
                for f in tabla_amortizacion(
                    monto=acuerdo.monto,
                    meses=acuerdo.meses,
                    tasa_anual=acuerdo.tasa_anual,
                    desde=hoy,
                    cuota_inicial=acuerdo.cuota_inicial,
                    vence_inicial=vence_cuota_inicial(hoy, empleador=empleador),
                )
            ]
        )
        motivo = f"{acuerdo} aprobado."
        for glosa in acuerdo.glosas.all():
            glosa_acuerdo_registrar(glosa=glosa, por=por, motivo=motivo)
        for titulo in acuerdo.titulos.all():
            titulo_convenio_registrar(titulo=titulo, por=por, motivo=motivo)
        correo_enviar(
            para=[empleador.email],
            asunto=f"IESS: su {acuerdo.get_tipo_display().lower()} fue aprobado",
            plantilla="acuerdo_aprobado",
            contexto={
                "empleador": empleador,
                "acuerdo": acuerdo,
                "inicial": next((c for c in cuotas if c.numero == 0), None),
                "primera": next(c for c in cuotas if c.numero == 1),
                "ruptura": cuotas_impagas_ruptura(acuerdo.tipo, hoy),
            },
            evento="cartera.acuerdo_aprobado",
            obj=acuerdo,
        )
    return acuerdo


def acuerdo_negar(*, acuerdo: AcuerdoPago, motivo: str, por: User | None = None) -> AcuerdoPago:
    return acuerdo_transicion(
        acuerdo=acuerdo,
        a=Estado.NEGADO,
        por=por,
        motivo=motivo or "Negado.",
        cambios={"terminado_en": timezone.now()},
    )


def cuota_pagar(
    *,
    cuota: CuotaAcuerdo,
    fecha: dt.date,
    canal: str = Pago.Canal.PAGO_EN_LINEA,
    referencia: str = "",
    por: User | None = None,
) -> list[Pago]:
    """Register the payment of one installment: its value is applied (pago_registrar,
    so interest and imputation follow the ledger rules) to the agreement's obligations
    oldest first; the agreement is CUMPLIDO when its last installment is paid."""
    pagos: list[Pago] = []
    with transaction.atomic():
        fila = CuotaAcuerdo.objects.select_for_update().select_related("acuerdo").get(pk=cuota.pk)
        if fila.pagada_el is not None:
            raise CarteraError(f"La {fila} ya fue pagada el {fila.pagada_el:%d/%m/%Y}.")
        if fila.acuerdo.estado != Estado.VIGENTE:
            raise CarteraError(f"El {fila.acuerdo} no está vigente.")
        resto = fila.valor
        obligaciones: list[Glosa | TituloCredito] = [
            *fila.acuerdo.glosas.order_by("mora_desde", "id"),
            *fila.acuerdo.titulos.order_by("mora_desde", "id"),
        ]
        for obligacion in obligaciones:
            if resto <= 0:
                break
            vigente = obligacion_vigente(obligacion)
            vigente.refresh_from_db()
            adeudado = vigente.saldo_registrado + interes.interes_mora(
                capital=vigente.pendiente("capital"),
                liquidado_hasta=vigente.intereses_hasta,
                hasta=fecha,
                tasas=interes.tabla_tasas(),
            )
            parte = min(resto, adeudado)
            if parte <= 0:
                continue
            pagos.append(
                pago_registrar(
                    obligacion=vigente,
                    monto=parte,
                    fecha=fecha,
                    canal=canal,
                    referencia=f"{referencia}-{len(pagos) + 1}" if referencia else "",
                    por=por,
                )
            )
            resto -= parte
        fila.pagada_el = fecha
        fila.save(update_fields=["pagada_el"])
        if not fila.acuerdo.cuotas.filter(pagada_el__isnull=True).exists():
            acuerdo_transicion(
                acuerdo=fila.acuerdo,
                a=Estado.CUMPLIDO,
                por=por,
                motivo="Todas las cuotas pagadas.",
                cambios={"terminado_en": timezone.now()},
            )
    return pagos


def acuerdo_romper(*, acuerdo: AcuerdoPago, hoy: dt.date, por: User | None = None) -> AcuerdoPago:
    """A broken agreement brings the mora back (DOMAIN.md §3): its glosas become VENCIDA
    (the nightly job issues their título) and its títulos go (back) to coactiva. The
    employer is told by e-mail."""
    from cartera.portal import aviso_empleador

    with transaction.atomic():
        impagas = list(
            acuerdo.cuotas.filter(pagada_el__isnull=True, vence_el__lt=hoy).order_by("numero")
        )
        motivo = (
            f"{acuerdo} incumplido: cuota(s) "
            + ", ".join(str(c.numero) for c in impagas)
            + " impaga(s) al "
            + f"{hoy:%d/%m/%Y}."
        )
        acuerdo = acuerdo_transicion(
            acuerdo=acuerdo,
            a=Estado.INCUMPLIDO,
            por=por,
            motivo=motivo,
            cambios={"terminado_en": timezone.now()},
        )
        for glosa in acuerdo.glosas.filter(estado=Glosa.Estado.EN_ACUERDO_PAGO):
            glosa_acuerdo_incumplido(glosa=glosa, por=por, motivo=motivo)
        for titulo in acuerdo.titulos.filter(estado=TituloCredito.Estado.EN_CONVENIO):
            titulo_transicion(
                titulo=titulo, a=TituloCredito.Estado.EN_COACTIVA, por=por, motivo=motivo
            )
        aviso_empleador(
            empleador=acuerdo.empleador,
            preferencia="acuerdo_incumplido",
            asunto=f"IESS: su {acuerdo.get_tipo_display().lower()} fue incumplido",
            plantilla="acuerdo_incumplido",
            contexto={"acuerdo": acuerdo, "cuotas": impagas, "motivo": motivo},
            obj=acuerdo,
        )
    return acuerdo


def acuerdos_incumplidos(*, hoy: dt.date) -> list[int]:
    """Ids of agreements in force with as many installments overdue (due before `hoy`,
    unpaid) as their rule tolerates (APP_CUOTAS_IMPAGAS_RUPTURA, 1;
    PURGA_MORA_CUOTAS_IMPAGAS_COACTIVA, 2)."""
    vencidas = CuotaAcuerdo.objects.filter(
        acuerdo__estado=Estado.VIGENTE, pagada_el__isnull=True, vence_el__lt=hoy
    ).values_list("acuerdo_id", "acuerdo__tipo")
    conteo: dict[tuple[int, str], int] = {}
    for acuerdo_id, tipo in vencidas:
        conteo[(acuerdo_id, tipo)] = conteo.get((acuerdo_id, tipo), 0) + 1
    return sorted(
        acuerdo_id
        for (acuerdo_id, tipo), n in conteo.items()
        if n >= cuotas_impagas_ruptura(tipo, hoy)
    )


def acuerdos_revisar(*, hoy: dt.date | None = None) -> dict[str, int]:
    """The nightly check (idempotent: an agreement already broken is not in force, a
    notice already sent is not sent again): breaks the agreements with missed
    installments and reminds employers of installments due soon or overdue."""
    from cartera.portal import cuotas_avisar

    hoy = hoy or timezone.localdate()
    rotos = 0
    for acuerdo_id in acuerdos_incumplidos(hoy=hoy):
        acuerdo = AcuerdoPago.objects.select_related("empleador").get(pk=acuerdo_id)
        if acuerdo.estado == Estado.VIGENTE:
            acuerdo_romper(acuerdo=acuerdo, hoy=hoy)
            rotos += 1
    avisos = cuotas_avisar(hoy=hoy)
    return {"rotos": rotos, **avisos}


def acuerdos_vigentes_de(empleador: Empleador) -> Sequence[AcuerdoPago]:
    return list(
        AcuerdoPago.objects.filter(empleador=empleador, estado=Estado.VIGENTE).prefetch_related(
            "cuotas"
        )
    )


def obligaciones_financiables(*, empleador: Empleador, tipo: str) -> dict[str, Any]:
    """What an agreement may cover (DOMAIN.md §3): notified glosas; títulos before the
    sorteo (APP) or also in coactiva (purga de mora)."""
    estados_titulo = [TituloCredito.Estado.EMITIDO]
    if tipo == AcuerdoPago.Tipo.PURGA_MORA:
        estados_titulo.append(TituloCredito.Estado.EN_COACTIVA)
    return {
        "glosas": Glosa.objects.filter(empleador=empleador, estado=Glosa.Estado.NOTIFICADA)
        .exclude(Q(acuerdos__estado=Estado.SOLICITADO))
        .order_by("periodo", "id"),
        "titulos": TituloCredito.objects.filter(empleador=empleador, estado__in=estados_titulo)
        .exclude(Q(acuerdos__estado=Estado.SOLICITADO))
        .order_by("anio", "secuencial"),
    }
