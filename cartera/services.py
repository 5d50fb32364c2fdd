"""Cartera services: every write to employers and their obligations goes through here."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cartera import avisos, interes
from cartera.models import (
    COMPONENTES,
    Empleador,
    Glosa,
    GlosaHistorial,
    Impugnacion,
    NotificacionGlosa,
    Pago,
    Planilla,
    PlanillaHistorial,
    Sucursal,
    TituloCredito,
    TituloGlosa,
    TituloHistorial,
)
from coactiva import services as coactiva_services
from core import calendar, parametros
from core import identificacion as ident
from core.email import correo_enviar
from core.models import Canton, Provincia, TrabajoLote, Unidad, User
from core.selectors import unidad_que_atiende
from core.services import sequence_next
from core.templatetags.portal import dolares


def empleador_create(
    *,
    identificacion: str,
    razon_social: str,
    representante_nombre: str,
    representante_identificacion: str,
    provincia: Provincia,
    direccion: str,
    email: str,
    representante_tipo_id: str = Empleador.TipoRepresentanteId.CEDULA,
    canton: Canton | None = None,
    sector: str = Empleador.Sector.PRIVADO,
    extranjero: bool = False,
    telefono: str = "",
    celular: str = "",
    sucursales: list[dict[str, Any]] | None = None,
) -> Empleador:
    """Register an employer (DOMAIN.md §2). The RUC or cédula is validated with
    python-stdnum and classified (persona natural / sociedad pública / privada) by the
    RUC's third digit; the representative's cédula is validated too. Creates sucursal
    001 (or the RUC's own establishment) when none is given."""
    errores: dict[str, list[str]] = {}
    try:
        valido = ident.validar_empleador(identificacion)
    except ValidationError as exc:
        errores["identificacion"] = exc.messages
        valido = None
    try:
        rep = ident.validar(representante_identificacion, representante_tipo_id)
    except ValidationError as exc:
        errores["representante_identificacion"] = exc.messages
        rep = None
    if not razon_social.strip():
        errores["razon_social"] = ["Ingrese la razón social."]
    if errores or valido is None or rep is None:
        raise ValidationError(errores)
    if Empleador.objects.filter(identificacion=valido.numero).exists():
        raise ValidationError(
            {"identificacion": [f"Ya existe un empleador registrado con {valido.numero}."]}
        )
    if (
        sector == Empleador.Sector.PUBLICO
        and valido.tipo_persona != ident.TipoPersona.SOCIEDAD_PUBLICA
    ):
        raise ValidationError(
            {
                "sector": [
                    "Un empleador del sector público debe tener RUC de sociedad pública "
                    "(tercer dígito 6)."
                ]
            }
        )

    with transaction.atomic():
        empleador = Empleador.objects.create(
            identificacion=valido.numero,
            tipo_persona=valido.tipo_persona,
            extranjero=extranjero,
            sector=sector,
            razon_social=razon_social.strip(),
            representante_nombre=representante_nombre.strip(),
            representante_tipo_id=representante_tipo_id,
            representante_identificacion=rep.numero,
            provincia=provincia,
            canton=canton,
            direccion=direccion,
            email=email,
            telefono=telefono,
            celular=celular,
        )
        default_numero = (
            valido.numero[10:13] if valido.tipo is ident.TipoIdentificacion.RUC else "001"
        )
        filas = sucursales or [{"numero": default_numero or "001", "nombre": "Matriz"}]
        Sucursal.objects.bulk_create(
            [
                Sucursal(
                    empleador=empleador,
                    numero=fila["numero"],
                    nombre=fila.get("nombre", ""),
                    direccion=fila.get("direccion", direccion),
                    provincia=fila.get("provincia", provincia),
                    canton=fila.get("canton", canton),
                )
                for fila in filas
            ]
        )
    return empleador


# --- Obligations: planilla → glosa → título de crédito (DOMAIN.md §3) -------------------


class CarteraError(ValidationError):
    """A cartera rule was not met; the message is Spanish and meant for the user."""


class TransicionInvalida(CarteraError):
    """An illegal state change was asked for; nothing was changed."""


# The state machines. DOMAIN.md §3 gives the main path; the extra edges (marked) are the
# ones the other rules need: a payment can settle an obligation in any open state, an
# impugnación received in time may be registered after the nightly job marked the glosa
# VENCIDA, and a broken payment agreement brings the mora back.
GLOSA_TRANSICIONES: dict[str, frozenset[str]] = {
    Glosa.Estado.EMITIDA: frozenset({Glosa.Estado.NOTIFICADA, Glosa.Estado.PAGADA}),
    Glosa.Estado.NOTIFICADA: frozenset(
        {
            Glosa.Estado.PAGADA,
            Glosa.Estado.IMPUGNADA,
            Glosa.Estado.EN_ACUERDO_PAGO,
            Glosa.Estado.VENCIDA,
        }
    ),
    Glosa.Estado.IMPUGNADA: frozenset({Glosa.Estado.ANULADA, Glosa.Estado.NOTIFICADA}),
    Glosa.Estado.VENCIDA: frozenset(
        {Glosa.Estado.TITULO_EMITIDO, Glosa.Estado.PAGADA, Glosa.Estado.IMPUGNADA}
    ),
    Glosa.Estado.EN_ACUERDO_PAGO: frozenset({Glosa.Estado.PAGADA, Glosa.Estado.VENCIDA}),
}

TITULO_TRANSICIONES: dict[str, frozenset[str]] = {
    TituloCredito.Estado.EMITIDO: frozenset(
        {
            TituloCredito.Estado.SORTEADO,
            TituloCredito.Estado.CANCELADO,
            TituloCredito.Estado.ANULADO,
            TituloCredito.Estado.EN_CONVENIO,  # APP before the sorteo (DOMAIN.md §3)
        }
    ),
    TituloCredito.Estado.SORTEADO: frozenset(
        {
            TituloCredito.Estado.EN_COACTIVA,
            TituloCredito.Estado.CANCELADO,
            TituloCredito.Estado.ANULADO,
        }
    ),
    TituloCredito.Estado.EN_COACTIVA: frozenset(
        {
            TituloCredito.Estado.CANCELADO,
            TituloCredito.Estado.ANULADO,
            TituloCredito.Estado.EN_CONVENIO,
        }
    ),
    TituloCredito.Estado.EN_CONVENIO: frozenset(
        {
            TituloCredito.Estado.CANCELADO,
            TituloCredito.Estado.ANULADO,
            TituloCredito.Estado.EN_COACTIVA,  # convenio broken: back to coactiva
        }
    ),
}

PLANILLA_TRANSICIONES: dict[str, frozenset[str]] = {
    Planilla.Estado.PENDIENTE: frozenset({Planilla.Estado.PAGADA, Planilla.Estado.GLOSADA}),
}

TITULO_EXTINGUIDO = frozenset({TituloCredito.Estado.CANCELADO, TituloCredito.Estado.ANULADO})


def _ahora(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _verificar(
    tabla: dict[str, frozenset[str]], actual: str, destino: str, etiquetas: Any, que: str
) -> None:
    if destino not in tabla.get(actual, frozenset()):
        raise TransicionInvalida(
            f"{que} está en estado «{etiquetas(actual).label}» y no puede pasar a "
            f"«{etiquetas(destino).label}»."
        )


def glosa_transicion(
    *,
    glosa: Glosa,
    a: str,
    por: User | None = None,
    motivo: str = "",
    at: dt.datetime | None = None,
    lote: TrabajoLote | None = None,
    cambios: dict[str, Any] | None = None,
) -> Glosa:
    """The only way a glosa changes state (DOMAIN.md §3): locks the row, checks the
    transition against GLOSA_TRANSICIONES, saves the new state with `cambios` (fields
    that belong to the transition) and appends the history row. Raises
    TransicionInvalida and changes nothing when the transition is not allowed."""
    with transaction.atomic():
        fila = Glosa.objects.select_for_update().get(pk=glosa.pk)
        _verificar(GLOSA_TRANSICIONES, fila.estado, a, Glosa.Estado, str(fila))
        de = fila.estado
        fila.estado = a
        for campo, valor in (cambios or {}).items():
            setattr(fila, campo, valor)
        fila.save(update_fields=["estado", *(cambios or {})])
        GlosaHistorial.objects.create(
            glosa=fila, de=de, a=a, en=_ahora(at), por=_usuario(por), lote=lote, motivo=motivo
        )
    return fila


def titulo_transicion(
    *,
    titulo: TituloCredito,
    a: str,
    por: User | None = None,
    motivo: str = "",
    at: dt.datetime | None = None,
    lote: TrabajoLote | None = None,
    cambios: dict[str, Any] | None = None,
) -> TituloCredito:
    """The only way a título de crédito changes state (DOMAIN.md §3), like
    glosa_transicion. When the título is extinguished (CANCELADO or ANULADO) its glosa
    lines stop being open and coactiva is told inside the same transaction
    (coactiva.services.titulo_extinguido: automatic levantamiento, Reglamento art. 176);
    so it is when a convenio covers it or breaks (titulo_en_convenio,
    titulo_convenio_incumplido: the process is suspended or resumes)."""
    momento = _ahora(at)
    with transaction.atomic():
        fila = TituloCredito.objects.select_for_update().get(pk=titulo.pk)
        _verificar(TITULO_TRANSICIONES, fila.estado, a, TituloCredito.Estado, str(fila))
        de = fila.estado
        fila.estado = a
        for campo, valor in (cambios or {}).items():
            setattr(fila, campo, valor)
        fila.save(update_fields=["estado", *(cambios or {})])
        TituloHistorial.objects.create(
            titulo=fila, de=de, a=a, en=momento, por=_usuario(por), lote=lote, motivo=motivo
        )
        if a in TITULO_EXTINGUIDO:
            TituloGlosa.objects.filter(titulo=fila, vigente=True).update(vigente=False)
            coactiva_services.titulo_extinguido(titulo=fila, at=momento, por=_usuario(por))
        elif a == TituloCredito.Estado.EN_CONVENIO:
            coactiva_services.titulo_en_convenio(
                titulo=fila, at=momento, por=_usuario(por), motivo=motivo
            )
        elif de == TituloCredito.Estado.EN_CONVENIO:
            coactiva_services.titulo_convenio_incumplido(
                titulo=fila, at=momento, por=_usuario(por), motivo=motivo
            )
    return fila


def _planilla_transicion(
    *, planilla: Planilla, a: str, por: User | None, motivo: str, at: dt.datetime | None
) -> Planilla:
    with transaction.atomic():
        fila = Planilla.objects.select_for_update().get(pk=planilla.pk)
        _verificar(PLANILLA_TRANSICIONES, fila.estado, a, Planilla.Estado, str(fila))
        de = fila.estado
        fila.estado = a
        fila.save(update_fields=["estado"])
        PlanillaHistorial.objects.create(
            planilla=fila, de=de, a=a, en=_ahora(at), por=_usuario(por), motivo=motivo
        )
    return fila


def _usuario(por: Any) -> User | None:
    return por if getattr(por, "is_authenticated", False) else None


# --- Planillas -----------------------------------------------------------------------


def fecha_vencimiento(periodo: dt.date) -> dt.date:
    """Due date of a planilla: the PLANILLA_DIA_VENCIMIENTO-th of the following month."""
    siguiente = calendar.add_plazo(periodo.replace(day=1), months=1)
    dia = parametros.valor("PLANILLA_DIA_VENCIMIENTO", en=siguiente)
    ultimo = monthrange(siguiente.year, siguiente.month)[1]
    return siguiente.replace(day=min(dia, ultimo))


def planilla_registrar(
    *,
    sucursal: Sucursal,
    periodo: dt.date,
    aporte_personal: Decimal,
    aporte_patronal: Decimal,
    fondos_reserva: Decimal = Decimal("0.00"),
    at: dt.datetime | None = None,
) -> Planilla:
    """Register the monthly planilla of a sucursal (DOMAIN.md §3). It is due on the
    PLANILLA_DIA_VENCIMIENTO-th of the next month; from the day after, it is in mora and
    earns interest."""
    errores: dict[str, list[str]] = {}
    montos = {
        "aporte_personal": aporte_personal,
        "aporte_patronal": aporte_patronal,
        "fondos_reserva": fondos_reserva,
    }
    for campo, monto in montos.items():
        if monto is None or monto < 0:
            errores[campo] = ["El valor no puede ser negativo."]
    if errores:
        raise CarteraError(errores)
    periodo = periodo.replace(day=1)
    if Planilla.objects.filter(sucursal=sucursal, periodo=periodo).exists():
        raise CarteraError(
            {"periodo": [f"La sucursal ya tiene una planilla del periodo {periodo:%m/%Y}."]}
        )
    vence = fecha_vencimiento(periodo)
    empleador = sucursal.empleador
    capital = interes.centavos(sum(montos.values(), Decimal(0)))
    with transaction.atomic():
        planilla = Planilla.objects.create(
            empleador=empleador,
            sucursal=sucursal,
            provincia_id=empleador.provincia_id,
            periodo=periodo,
            **{k: interes.centavos(v) for k, v in montos.items()},
            capital=capital,
            fecha_vencimiento=vence,
            mora_desde=vence + dt.timedelta(days=1),
            intereses_hasta=vence,
            creada_en=_ahora(at),
        )
        if capital == 0:
            _planilla_transicion(
                planilla=planilla,
                a=Planilla.Estado.PAGADA,
                por=None,
                motivo="Planilla sin valores a pagar.",
                at=at,
            )
            planilla.refresh_from_db()
    return planilla


# --- Glosas --------------------------------------------------------------------------


def cantones_glosa(*, canton_id: str | None, provincia_id: str) -> list[str]:
    """The cantons whose local holidays a glosa's término skips: the employer's and the
    seat of the province's cartera unit."""
    unidad = unidad_que_atiende(provincia_id=provincia_id, tipo=Unidad.Tipo.CARTERA)
    return [c for c in (canton_id, unidad.canton_id if unidad else None) if c]


def termino_glosa(*, fecha: dt.date, canton_id: str | None, provincia_id: str) -> dt.date:
    """Last day to pay or challenge a glosa notified on `fecha`: GLOSA_TERMINO_DIAS
    business days (in force on that date) counted from the next business day, skipping
    the local holidays of the employer's canton and of the cartera unit's seat (COA
    arts. 158-162; Reglamento C.D. 516 art. 129)."""
    cantones = cantones_glosa(canton_id=canton_id, provincia_id=provincia_id)
    dias = parametros.valor("GLOSA_TERMINO_DIAS", en=fecha)
    return calendar.add_termino(fecha, dias, cantones=cantones)


def glosa_emitir(
    *,
    empleador: Empleador,
    origen: str,
    capital: Decimal,
    multas: Decimal = Decimal("0.00"),
    detalle: str,
    mora_desde: dt.date,
    sucursal: Sucursal | None = None,
    por: User | None = None,
    at: dt.datetime | None = None,
) -> Glosa:
    """Issue a glosa for a responsabilidad patronal or a multa (DOMAIN.md §3). Glosas of
    unpaid planillas are issued in bulk by cartera.batch.glosas_generar."""
    sucursal = sucursal or empleador.sucursales.order_by("numero").first()
    glosa_emitir_validar(
        empleador=empleador,
        sucursal=sucursal,
        origen=origen,
        capital=capital,
        multas=multas,
        detalle=detalle,
    )
    assert sucursal is not None  # noqa: S101 - checked above
    return Glosa.objects.create(
        origen=origen,
        empleador=empleador,
        sucursal=sucursal,
        provincia_id=empleador.provincia_id,
        canton_id=empleador.canton_id,
        detalle=detalle.strip(),
        capital=interes.centavos(capital),
        multas=interes.centavos(multas),
        mora_desde=mora_desde,
        intereses_hasta=mora_desde - dt.timedelta(days=1),
        emitida_en=_ahora(at),
        emitida_por=_usuario(por),
    )


def glosa_emitir_validar(
    *,
    empleador: Empleador,
    sucursal: Sucursal | None,
    origen: str,
    capital: Decimal,
    multas: Decimal,
    detalle: str,
) -> None:
    """The checks of glosa_emitir, per field (forms show them before saving)."""
    errores: dict[str, list[str]] = {}
    if origen not in {Glosa.Origen.RESPONSABILIDAD_PATRONAL, Glosa.Origen.MULTA}:
        errores["origen"] = ["Las glosas de planillas se generan con el proceso generar_glosas."]
    if capital is None or capital < 0:
        errores["capital"] = ["El capital no puede ser negativo."]
    if multas is None or multas < 0:
        errores["multas"] = ["La multa no puede ser negativa."]
    if not errores and capital + multas <= 0:
        errores["capital"] = ["La glosa debe tener un valor a pagar."]
    if not detalle.strip():
        errores["detalle"] = ["Describa el origen de la glosa."]
    if sucursal is None or sucursal.empleador_id != empleador.pk:
        errores["sucursal"] = ["Elija una sucursal del empleador."]
    if errores:
        raise CarteraError(errores)


def glosa_notificar(
    *, glosa: Glosa, por: User | None = None, at: dt.datetime | None = None
) -> Glosa:
    """Notify one glosa online (seed 002): the término to pay or challenge it starts
    (termino_glosa), the employer gets an in-portal notice and an e-mail. The nightly
    job cartera.batch.glosas_notificar does the same for every EMITIDA glosa at once."""
    momento = _ahora(at)
    fecha = timezone.localdate(momento)
    with transaction.atomic():
        fila = Glosa.objects.select_for_update().select_related("empleador").get(pk=glosa.pk)
        _verificar(
            GLOSA_TRANSICIONES, fila.estado, Glosa.Estado.NOTIFICADA, Glosa.Estado, str(fila)
        )
        vence = termino_glosa(fecha=fecha, canton_id=fila.canton_id, provincia_id=fila.provincia_id)
        aviso = NotificacionGlosa.objects.create(
            empleador=fila.empleador, creada_en=momento, fecha=fecha, vence_en=vence, cantidad=1
        )
        fila = glosa_transicion(
            glosa=fila,
            a=Glosa.Estado.NOTIFICADA,
            por=por,
            at=momento,
            motivo="Notificación en línea.",
            cambios={
                "notificacion": aviso,
                "notificada_en": momento,
                "termino_desde": fecha,
                "vence_en": vence,
            },
        )
        correo_enviar(
            para=[fila.empleador.email],
            asunto=ASUNTO_GLOSAS_NOTIFICADAS,
            plantilla=PLANTILLA_GLOSAS_NOTIFICADAS,
            contexto=contexto_aviso_glosas(
                razon_social=fila.empleador.razon_social,
                identificacion=fila.empleador.identificacion,
                cantidad=1,
                fecha=fecha,
                vence=vence,
            ),
            evento=EVENTO_GLOSAS_NOTIFICADAS,
            obj=aviso,
        )
    return fila


ASUNTO_GLOSAS_NOTIFICADAS = "IESS: glosas notificadas en línea"
PLANTILLA_GLOSAS_NOTIFICADAS = "glosas_notificadas"
EVENTO_GLOSAS_NOTIFICADAS = "cartera.glosas_notificadas"


def contexto_aviso_glosas(
    *, razon_social: str, identificacion: str, cantidad: int, fecha: dt.date, vence: dt.date
) -> dict[str, str]:
    """The e-mail's context, already formatted (the bulk path fills the same fields
    from SQL, so the template applies no filters)."""
    return {
        "razon_social": razon_social,
        "identificacion": identificacion,
        "cantidad": str(cantidad),
        "fecha": f"{fecha:%d/%m/%Y}",
        "vence": f"{vence:%d/%m/%Y}",
    }


def glosa_vencer(*, glosa: Glosa, hoy: dt.date | None = None, por: User | None = None) -> Glosa:
    """A notified glosa whose término ended without payment, impugnación or agreement
    becomes VENCIDA (the nightly emitir_titulos job does this in bulk)."""
    hoy = hoy or timezone.localdate()
    if glosa.vence_en is None or glosa.vence_en >= hoy:
        raise CarteraError(
            f"El término de la {glosa} corre hasta el "
            f"{glosa.vence_en:%d/%m/%Y}; todavía no está vencida."
            if glosa.vence_en
            else f"La {glosa} no ha sido notificada."
        )
    return glosa_transicion(
        glosa=glosa,
        a=Glosa.Estado.VENCIDA,
        por=por,
        motivo=f"Término vencido el {glosa.vence_en:%d/%m/%Y} sin pago, impugnación ni acuerdo.",
    )


def impugnacion_registrar(
    *,
    glosa: Glosa,
    presentada_el: dt.date,
    fundamentos: str,
    por: User | None = None,
    at: dt.datetime | None = None,
) -> Impugnacion:
    """Register a challenge of a glosa, received by any provincial Cartera office (C.D.
    497, 5th general disposition). It must have been filed within the término; while it
    is pending, no título de crédito can be issued for the glosa."""
    if not fundamentos.strip():
        raise CarteraError({"fundamentos": ["Resuma los fundamentos de la impugnación."]})
    hoy = timezone.localdate(_ahora(at))
    if presentada_el > hoy:
        raise CarteraError({"presentada_el": ["La fecha de presentación no puede ser futura."]})
    with transaction.atomic():
        fila = Glosa.objects.select_for_update().get(pk=glosa.pk)
        _verificar(GLOSA_TRANSICIONES, fila.estado, Glosa.Estado.IMPUGNADA, Glosa.Estado, str(fila))
        assert fila.vence_en is not None and fila.termino_desde is not None  # noqa: S101 - NOTIFICADA/VENCIDA
        if presentada_el < fila.termino_desde:
            raise CarteraError(
                {"presentada_el": ["La impugnación no puede ser anterior a la notificación."]}
            )
        if presentada_el > fila.vence_en:
            raise CarteraError(
                {
                    "presentada_el": [
                        f"El término para impugnar la {fila} venció el {fila.vence_en:%d/%m/%Y}."
                    ]
                }
            )
        impugnacion = Impugnacion.objects.create(
            glosa=fila,
            presentada_el=presentada_el,
            fundamentos=fundamentos.strip(),
            registrada_en=_ahora(at),
            registrada_por=_usuario(por),
        )
        glosa_transicion(
            glosa=fila,
            a=Glosa.Estado.IMPUGNADA,
            por=por,
            at=at,
            motivo=f"Impugnación presentada el {presentada_el:%d/%m/%Y}.",
        )
    return impugnacion


def impugnacion_resolver(
    *,
    impugnacion: Impugnacion,
    aceptada: bool,
    resolucion: str,
    resuelta_el: dt.date,
    detalle: str = "",
    por: User | None = None,
    at: dt.datetime | None = None,
    tramite: str = "",
    avisar: bool = True,
) -> Impugnacion:
    """Register the decision of the Comisión Provincial de Prestaciones y Controversias.
    Accepted: the glosa is ANULADA. Rejected: the glosa is NOTIFICADA again and its
    término starts over from the day the decision was notified (`resuelta_el`); the
    employer is told its new last day by e-mail (cartera.avisos, quoting the Ventanilla
    request's `tramite` number when there is one), a legal notice, however the decision
    was registered. Only the demo's replayed history passes `avisar=False`."""
    if not resolucion.strip():
        raise CarteraError({"resolucion": ["Ingrese el número de la resolución."]})
    if resuelta_el > timezone.localdate(_ahora(at)):
        raise CarteraError({"resuelta_el": ["La fecha de la resolución no puede ser futura."]})
    with transaction.atomic():
        fila = Impugnacion.objects.select_for_update().get(pk=impugnacion.pk)
        if fila.estado != Impugnacion.Estado.PENDIENTE:
            raise TransicionInvalida(
                f"La impugnación ya fue resuelta ({fila.get_estado_display()})."
            )
        if resuelta_el < fila.presentada_el:
            raise CarteraError(
                {"resuelta_el": ["La resolución no puede ser anterior a la impugnación."]}
            )
        glosa = Glosa.objects.select_for_update().get(pk=fila.glosa_id)
        fila.estado = Impugnacion.Estado.ACEPTADA if aceptada else Impugnacion.Estado.RECHAZADA
        fila.resolucion = resolucion.strip()
        fila.resuelta_el = resuelta_el
        fila.resolucion_detalle = detalle.strip()
        fila.resuelta_por = _usuario(por)
        fila.save(
            update_fields=[
                "estado",
                "resolucion",
                "resuelta_el",
                "resolucion_detalle",
                "resuelta_por",
            ]
        )
        motivo = f"Resolución {fila.resolucion} del {resuelta_el:%d/%m/%Y}: impugnación " + (
            "aceptada." if aceptada else "rechazada; el término corre de nuevo."
        )
        if aceptada:
            glosa_transicion(glosa=glosa, a=Glosa.Estado.ANULADA, por=por, at=at, motivo=motivo)
        else:
            vence = termino_glosa(
                fecha=resuelta_el, canton_id=glosa.canton_id, provincia_id=glosa.provincia_id
            )
            glosa = glosa_transicion(
                glosa=glosa,
                a=Glosa.Estado.NOTIFICADA,
                por=por,
                at=at,
                motivo=motivo,
                cambios={"termino_desde": resuelta_el, "vence_en": vence},
            )
            if avisar:
                avisos.impugnacion_rechazada_avisar(impugnacion=fila, glosa=glosa, tramite=tramite)
    return fila


def glosa_acuerdo_registrar(
    *, glosa: Glosa, por: User | None = None, motivo: str, at: dt.datetime | None = None
) -> Glosa:
    """A payment agreement (APP or convenio de purga de mora) covers the glosa: while it
    is current the employer is "en trámite de pago", not in mora (DOMAIN.md §3). Called
    by the agreements of the employer portal."""
    return glosa_transicion(
        glosa=glosa, a=Glosa.Estado.EN_ACUERDO_PAGO, por=por, at=at, motivo=motivo
    )


def glosa_acuerdo_incumplido(
    *, glosa: Glosa, por: User | None = None, motivo: str, at: dt.datetime | None = None
) -> Glosa:
    """A missed installment brings the mora back: the glosa is VENCIDA and the next
    emitir_titulos run issues its título (DOMAIN.md §3)."""
    return glosa_transicion(glosa=glosa, a=Glosa.Estado.VENCIDA, por=por, at=at, motivo=motivo)


# --- Títulos de crédito ----------------------------------------------------------------


def titulo_numero_clave(*, provincia_id: str, anio: int) -> str:
    return f"cartera.titulo:{provincia_id}:{anio}"


def titulo_emitir(
    *,
    glosas: list[Glosa],
    por: User | None = None,
    at: dt.datetime | None = None,
    tasas: interes.TablaTasas | None = None,
) -> TituloCredito:
    """Issue a título de crédito for VENCIDA glosas of one employer and province (C.D.
    497 3.5.2 i): liquidates their interest to the issue date, numbers it in its
    province and year without gaps, records the Dirección Provincial's coactiva unit it
    is sent to. A glosa with a pending impugnación or an open título is refused. The
    employer is e-mailed (cartera.avisos), as the nightly job does."""
    if not glosas:
        raise CarteraError("Seleccione al menos una glosa.")
    momento = _ahora(at)
    hoy = timezone.localdate(momento)
    tasas = tasas or interes.tabla_tasas()
    with transaction.atomic():
        filas = list(
            Glosa.objects.select_for_update().filter(pk__in=[g.pk for g in glosas]).order_by("pk")
        )
        if len({(g.empleador_id, g.provincia_id) for g in filas}) != 1:
            raise CarteraError(
                "Un título de crédito cubre glosas de un solo empleador y provincia."
            )
        for fila in filas:
            _verificar(
                GLOSA_TRANSICIONES,
                fila.estado,
                Glosa.Estado.TITULO_EMITIDO,
                Glosa.Estado,
                str(fila),
            )
        bloqueadas = Impugnacion.objects.filter(
            glosa__in=filas, estado=Impugnacion.Estado.PENDIENTE
        ).values_list("glosa_id", flat=True)
        if bloqueadas:
            raise CarteraError(
                f"La glosa N.º {bloqueadas[0]} tiene una impugnación pendiente; "
                "no se puede emitir su título."
            )
        if TituloGlosa.objects.filter(glosa__in=filas, vigente=True).exists():
            raise CarteraError("Una de las glosas ya tiene un título de crédito abierto.")
        provincia_id = filas[0].provincia_id
        unidad = unidad_que_atiende(provincia_id=provincia_id, tipo=Unidad.Tipo.COACTIVA)
        if unidad is None:
            raise CarteraError("La provincia no tiene una unidad de coactiva activa.")
        lineas = [_linea_titulo(g, hoy=hoy, tasas=tasas) for g in filas]
        titulo = TituloCredito.objects.create(
            provincia_id=provincia_id,
            anio=hoy.year,
            secuencial=sequence_next(
                clave=titulo_numero_clave(provincia_id=provincia_id, anio=hoy.year)
            ),
            empleador_id=filas[0].empleador_id,
            unidad_coactiva=unidad,
            fecha_emision=hoy,
            emitido_en=momento,
            emitido_por=_usuario(por),
            mora_desde=min(g.mora_desde for g in filas),
            intereses_hasta=hoy,
            **{c: sum((linea[c] for linea in lineas), Decimal("0.00")) for c in COMPONENTES},
        )
        TituloGlosa.objects.bulk_create(
            [
                TituloGlosa(titulo=titulo, glosa=g, **linea)
                for g, linea in zip(filas, lineas, strict=True)
            ]
        )
        for fila in filas:
            glosa_transicion(
                glosa=fila,
                a=Glosa.Estado.TITULO_EMITIDO,
                por=por,
                at=momento,
                motivo=f"{titulo} enviado a {unidad.nombre}.",
            )
        avisos.titulo_avisar(titulo=titulo)
    return titulo


def _linea_titulo(glosa: Glosa, *, hoy: dt.date, tasas: interes.TablaTasas) -> dict[str, Decimal]:
    """What a glosa carries into its título: its unpaid components, interest liquidated
    to the issue date."""
    capital = glosa.pendiente("capital")
    nuevos = interes.interes_mora(
        capital=capital, liquidado_hasta=glosa.intereses_hasta, hasta=hoy, tasas=tasas
    )
    return {
        "capital": capital,
        "intereses": glosa.pendiente("intereses") + nuevos,
        "multas": glosa.pendiente("multas"),
        "recargos": glosa.pendiente("recargos"),
    }


def titulo_sortear(
    *, titulo: TituloCredito, por: User | None = None, motivo: str = ""
) -> TituloCredito:
    """The coactiva unit's sorteo assigned the título to a Secretario-Abogado (C.D. 497
    3.5.3 d). Called by the coactiva app."""
    return titulo_transicion(
        titulo=titulo, a=TituloCredito.Estado.SORTEADO, por=por, motivo=motivo or "Sorteo."
    )


def titulo_enviar_coactiva(
    *, titulo: TituloCredito, por: User | None = None, motivo: str = ""
) -> TituloCredito:
    """The coercive process for the título started (orden de cobro). Called by coactiva."""
    return titulo_transicion(
        titulo=titulo,
        a=TituloCredito.Estado.EN_COACTIVA,
        por=por,
        motivo=motivo or "Inicio del proceso coactivo.",
    )


def titulo_convenio_registrar(
    *, titulo: TituloCredito, por: User | None = None, motivo: str
) -> TituloCredito:
    """A payment agreement covers the título (APP before the sorteo, or convenio de
    purga de mora). Called by the agreements of the employer portal."""
    return titulo_transicion(
        titulo=titulo, a=TituloCredito.Estado.EN_CONVENIO, por=por, motivo=motivo
    )


def titulo_anular(
    *,
    titulo: TituloCredito,
    motivo: str,
    detalle: str,
    por: User | None = None,
    at: dt.datetime | None = None,
) -> TituloCredito:
    """Annul a título de crédito on one of its legal grounds (DOMAIN.md §3): error
    evidente, inexistencia de la obligación, or a resolution of the administrative
    claims bodies. The fundament is required; coactiva is told (levantamiento)."""
    if motivo not in TituloCredito.MotivoAnulacion.values:
        raise CarteraError({"motivo": ["Elija la causal de anulación."]})
    if not detalle.strip():
        raise CarteraError({"detalle": ["Fundamente la anulación."]})
    etiqueta = TituloCredito.MotivoAnulacion(motivo).label
    return titulo_transicion(
        titulo=titulo,
        a=TituloCredito.Estado.ANULADO,
        por=por,
        at=at,
        motivo=f"{etiqueta}: {detalle.strip()}"[:500],
        cambios={"motivo_anulacion": motivo, "anulacion_detalle": detalle.strip()},
    )


# --- Payments ------------------------------------------------------------------------


def orden_imputacion(fecha: dt.date) -> list[str]:
    """The order in which a payment covers the components (PAGO_ORDEN_IMPUTACION)."""
    orden = parametros.valor("PAGO_ORDEN_IMPUTACION", en=fecha)
    if sorted(orden) != sorted(COMPONENTES):
        raise CarteraError(
            "El parámetro PAGO_ORDEN_IMPUTACION debe listar una vez cada componente: "
            + ", ".join(COMPONENTES)
            + "."
        )
    return list(orden)


def obligacion_vigente(
    obligacion: Planilla | Glosa | TituloCredito,
) -> Planilla | Glosa | TituloCredito:
    """Where the debt of `obligacion` lives now: a glosada planilla's debt is on its
    glosa, and a glosa's on its open título."""
    if isinstance(obligacion, Planilla):
        glosa = Glosa.objects.filter(planilla=obligacion).first()
        if glosa is None:
            return obligacion
        obligacion = glosa
    if isinstance(obligacion, Glosa) and obligacion.estado == Glosa.Estado.TITULO_EMITIDO:
        linea = (
            TituloGlosa.objects.filter(glosa=obligacion, vigente=True)
            .select_related("titulo")
            .first()
        )
        if linea is not None:
            return linea.titulo
    return obligacion


def pago_registrar(
    *,
    obligacion: Planilla | Glosa | TituloCredito,
    monto: Decimal,
    fecha: dt.date,
    canal: str,
    referencia: str = "",
    por: User | None = None,
    at: dt.datetime | None = None,
    tasas: interes.TablaTasas | None = None,
) -> Pago:
    """Register a payment and apply it (DOMAIN.md §3). The interest accrued up to the
    payment date is liquidated first; the payment then covers the components in the
    order of PAGO_ORDEN_IMPUTACION (default: intereses, capital, multas, recargos). A
    payment covering everything settles the obligation: planilla PAGADA, glosa PAGADA,
    título CANCELADO (which tells coactiva). Payments are applied in date order and
    never exceed what is owed."""
    momento = _ahora(at)
    errores: dict[str, list[str]] = {}
    if monto is None or monto <= 0:
        errores["monto"] = ["El monto debe ser mayor que cero."]
    elif monto != interes.centavos(monto):
        errores["monto"] = ["El monto admite solo dos decimales."]
    if fecha > timezone.localdate(momento):
        errores["fecha"] = ["La fecha del pago no puede ser futura."]
    if canal not in Pago.Canal.values:
        errores["canal"] = ["Elija el canal del pago."]
    referencia = referencia.strip()
    if referencia and Pago.objects.filter(canal=canal, referencia=referencia).exists():
        errores["referencia"] = [f"El comprobante {referencia} ya fue registrado."]
    if errores:
        raise CarteraError(errores)
    tasas = tasas or interes.tabla_tasas()
    orden = orden_imputacion(fecha)
    with transaction.atomic():
        fila = _bloquear_vigente(obligacion)
        _validar_estado_para_pago(fila)
        if fecha < fila.intereses_hasta and fila.intereses_hasta >= fila.mora_desde:
            raise CarteraError(
                {
                    "fecha": [
                        f"La {fila} tiene intereses liquidados hasta el "
                        f"{fila.intereses_hasta:%d/%m/%Y}; registre los pagos en orden de fecha."
                    ]
                }
            )
        nuevos = interes.interes_mora(
            capital=fila.pendiente("capital"),
            liquidado_hasta=fila.intereses_hasta,
            hasta=fecha,
            tasas=tasas,
        )
        fila.intereses += nuevos
        fila.intereses_hasta = max(fila.intereses_hasta, fecha)
        adeudado = fila.saldo_registrado
        if monto > adeudado:
            raise CarteraError(
                {"monto": [f"El pago excede lo adeudado a la fecha ({dolares(adeudado)})."]}
            )
        aplicado: dict[str, Decimal] = {}
        resto = monto
        for componente in orden:
            parte = min(resto, fila.pendiente(componente))
            aplicado[componente] = parte
            setattr(fila, f"pagado_{componente}", getattr(fila, f"pagado_{componente}") + parte)
            resto -= parte
        if (
            fila.saldo_registrado == 0
            and isinstance(fila, Glosa)
            and fila.estado == Glosa.Estado.IMPUGNADA
        ):
            raise CarteraError(
                f"La {fila} tiene una impugnación pendiente; regístre su resolución antes "
                "de registrar el pago total."
            )
        fila.save(
            update_fields=[
                "intereses",
                "intereses_hasta",
                *(f"pagado_{c}" for c in COMPONENTES),
            ]
        )
        pago = Pago.objects.create(
            empleador_id=fila.empleador_id,
            fecha=fecha,
            monto=monto,
            canal=canal,
            referencia=referencia,
            **{_campo_obligacion(fila): fila},
            intereses_liquidados=nuevos,
            **{f"aplicado_{c}": v for c, v in aplicado.items()},
            registrado_en=momento,
            registrado_por=_usuario(por),
        )
        if fila.saldo_registrado == 0:
            motivo = f"Pago total de {dolares(monto)} el {fecha:%d/%m/%Y}."
            if isinstance(fila, Planilla):
                _planilla_transicion(
                    planilla=fila, a=Planilla.Estado.PAGADA, por=por, motivo=motivo, at=momento
                )
            elif isinstance(fila, Glosa):
                glosa_transicion(
                    glosa=fila, a=Glosa.Estado.PAGADA, por=por, at=momento, motivo=motivo
                )
            else:
                titulo_transicion(
                    titulo=fila,
                    a=TituloCredito.Estado.CANCELADO,
                    por=por,
                    at=momento,
                    motivo=motivo,
                )
    return pago


def _bloquear_vigente(
    obligacion: Planilla | Glosa | TituloCredito,
) -> Planilla | Glosa | TituloCredito:
    """Lock the row that holds the debt now. A batch job may move the debt (planilla →
    glosa → título) between finding it and locking it, so check again under the lock."""
    for _ in range(3):
        destino = obligacion_vigente(obligacion)
        fila = type(destino).objects.select_for_update().get(pk=destino.pk)
        if obligacion_vigente(fila) == fila:
            return fila
        obligacion = fila
    raise CarteraError("La obligación cambió mientras se registraba el pago; intente de nuevo.")


def _campo_obligacion(fila: Planilla | Glosa | TituloCredito) -> str:
    return {Planilla: "planilla", Glosa: "glosa", TituloCredito: "titulo"}[type(fila)]


def _validar_estado_para_pago(fila: Planilla | Glosa | TituloCredito) -> None:
    abiertos: tuple[str, ...] = (
        (Planilla.Estado.PENDIENTE,) if isinstance(fila, Planilla) else type(fila).ABIERTOS
    )
    if fila.estado not in abiertos:
        raise TransicionInvalida(
            f"La {fila} está en estado «{fila.get_estado_display()}» y no admite pagos."
        )
