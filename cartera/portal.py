"""Services of the employer portal (/empleador/): reading the glosa notices, filing an
impugnación or a payment agreement as a Ventanilla Virtual request, the resolution
hooks the back office runs when it resolves those requests, and the employer's e-mail
notices with their preferences."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cartera import acuerdos
from cartera.models import (
    AcuerdoPago,
    CuotaAcuerdo,
    Empleador,
    Glosa,
    Impugnacion,
    NotificacionGlosa,
    PreferenciasAviso,
    TituloCredito,
)
from cartera.selectors import deuda_empleador
from cartera.services import CarteraError, impugnacion_registrar, impugnacion_resolver
from core import pdf as core_pdf
from core.email import correo_enviar
from core.services import audit_log
from core.templatetags.portal import dolares
from core.uploads import ValidatedFile
from tramites import services as tramites_services
from tramites.models import Solicitud, Tramite

IMPUGNACION = "impugnacion-de-glosa"
PURGA_MORA = "convenio-purga-mora"
APP_SLUGS = ("acuerdo-pagos-parciales-12-meses", "acuerdo-pagos-parciales-13-36-meses")
CUOTA_AVISO_DIAS = 5  # reminder this many days before an installment is due


# --- Notices ------------------------------------------------------------------------------


def preferencias_de(empleador: Empleador) -> PreferenciasAviso:
    preferencias, _ = PreferenciasAviso.objects.get_or_create(empleador=empleador)
    return preferencias


def preferencias_guardar(*, empleador: Empleador, **valores: bool) -> PreferenciasAviso:
    preferencias = preferencias_de(empleador)
    campos = [c for c in valores if c in AVISOS_OPCIONALES]
    for campo in campos:
        setattr(preferencias, campo, bool(valores[campo]))
    preferencias.save(update_fields=[*campos, "actualizado_en"])
    return preferencias


AVISOS_OPCIONALES = (
    "glosa_por_vencer",
    "cuota_por_vencer",
    "cuota_vencida",
    "acuerdo_incumplido",
    "certificado_emitido",
)


def aviso_empleador(
    *,
    empleador: Empleador,
    preferencia: str,
    asunto: str,
    plantilla: str,
    contexto: dict[str, Any],
    obj: Any = None,
) -> bool:
    """E-mail the employer about an event it must act on, unless it switched that
    notice off. Returns whether it was queued."""
    if not getattr(preferencias_de(empleador), preferencia, True):
        return False
    correo_enviar(
        para=[empleador.email],
        asunto=asunto,
        plantilla=plantilla,
        contexto={"empleador": empleador, **contexto},
        evento=f"cartera.{preferencia}",
        obj=obj,
    )
    return True


def cuotas_avisar(*, hoy: dt.date) -> dict[str, int]:
    """Reminders of installments due within CUOTA_AVISO_DIAS days and notices of
    overdue ones, once per installment each (the row records the notice)."""
    ahora = timezone.now()
    enviados = {"por_vencer": 0, "vencidas": 0}
    casos = [
        (
            "por_vencer",
            CuotaAcuerdo.objects.filter(
                vence_el__gte=hoy,
                vence_el__lte=hoy + dt.timedelta(days=CUOTA_AVISO_DIAS),
                aviso_previo_en__isnull=True,
            ),
            "aviso_previo_en",
            "cuota_por_vencer",
        ),
        (
            "vencidas",
            CuotaAcuerdo.objects.filter(vence_el__lt=hoy, aviso_vencida_en__isnull=True),
            "aviso_vencida_en",
            "cuota_vencida",
        ),
    ]
    for clave, qs, campo, preferencia in casos:
        for cuota in qs.filter(
            pagada_el__isnull=True, acuerdo__estado=AcuerdoPago.Estado.VIGENTE
        ).select_related("acuerdo__empleador"):
            with transaction.atomic():
                marcadas = CuotaAcuerdo.objects.filter(
                    pk=cuota.pk, **{f"{campo}__isnull": True}
                ).update(**{campo: ahora})
                if not marcadas:
                    continue
                aviso_empleador(
                    empleador=cuota.acuerdo.empleador,
                    preferencia=preferencia,
                    asunto=f"IESS: cuota {cuota.numero} de su acuerdo de pago "
                    + ("por vencer" if clave == "por_vencer" else "vencida"),
                    plantilla="cuota_aviso",
                    contexto={"cuota": cuota, "vencida": clave == "vencidas"},
                    obj=cuota.acuerdo,
                )
                enviados[clave] += 1
    return enviados


# --- Glosa notices --------------------------------------------------------------------------


def notificacion_leer(*, empleador: Empleador, notificacion: NotificacionGlosa, por: Any) -> bool:
    """The employer opened a glosa notice in the portal: the first reading is recorded
    (date and audit trail). Seed 002: the notification is automatic, so the término
    runs from the notice's date, not from this reading."""
    if notificacion.empleador_id != empleador.pk or notificacion.leida_en is not None:
        return False
    leidas = NotificacionGlosa.objects.filter(pk=notificacion.pk, leida_en__isnull=True).update(
        leida_en=timezone.now()
    )
    if leidas:
        audit_log(actor=por, accion="cartera.notificacion_leida", obj=notificacion)
    return bool(leidas)


# --- Filing from the portal --------------------------------------------------------------


def _solicitante(empleador: Empleador) -> tramites_services.Solicitante:
    return tramites_services.Solicitante(
        tipo_identificacion="cedula"
        if empleador.representante_tipo_id == Empleador.TipoRepresentanteId.CEDULA
        else "extranjero",
        identificacion=empleador.representante_identificacion,
        nombre=empleador.representante_nombre,
        email=empleador.email,
        direccion=empleador.direccion,
        telefono=empleador.telefono,
        celular=empleador.celular,
    )


def carta_pdf(
    *, titulo: str, empleador: Empleador, filas: Sequence[tuple[str, str]], texto: str
) -> ValidatedFile:
    """The request letter the portal writes for the employer (its login with the clave
    patronal stands for the handwritten signature of a scanned letter)."""
    e = core_pdf.escape
    story = [
        core_pdf.p(
            f"{e(empleador.razon_social)} (RUC/cédula {e(empleador.identificacion)}), por "
            f"medio de su representante legal {e(empleador.representante_nombre)}, presenta "
            "desde el portal del empleador la siguiente solicitud:"
        ),
        core_pdf.key_value_table([(e(k), e(v)) for k, v in filas]),
        core_pdf.p("Fundamentos", "h2"),
        core_pdf.p(e(texto).replace("\n", "<br/>")),
        core_pdf.p(
            f"Presentada el {timezone.localtime():%d/%m/%Y %H:%M} con la clave patronal del "
            "empleador.",
            "pequeno",
        ),
    ]
    contenido = core_pdf.render(titulo=titulo, story=story, dependencia="Portal del empleador")
    return ValidatedFile(
        nombre_original=f"{titulo.lower().replace(' ', '-')}.pdf"[:150],
        tipo="pdf",
        content=contenido,
        sha256=hashlib.sha256(contenido).hexdigest(),
        paginas=None,
    )


def _presentar(
    *,
    empleador: Empleador,
    slug: str,
    detalle: str,
    carta: ValidatedFile,
    archivos: Mapping[str, ValidatedFile],
    datos: Mapping[str, str] | None = None,
    respuestas: Mapping[str, Any] | None = None,
    cuenta: Any = None,
) -> Solicitud:
    """File a request of trámite `slug` for the employer: the generated letter goes in
    the «Solicitud…» requisite, `archivos` and `datos` by requisite name."""
    tramite = Tramite.objects.get(slug=slug)
    requisitos = list(tramite.requisitos.all())
    por_archivo: dict[int, ValidatedFile] = {}
    por_dato: dict[int, str] = {}
    for requisito in requisitos:
        if requisito.clase == requisito.Clase.GENERAL and requisito.nombre.startswith("Solicitud"):
            por_archivo[requisito.pk] = carta
        elif requisito.nombre in archivos:
            por_archivo[requisito.pk] = archivos[requisito.nombre]
        if datos and requisito.nombre in datos:
            por_dato[requisito.pk] = datos[requisito.nombre]
    return tramites_services.solicitud_presentar(
        tramite=tramite,
        provincia=empleador.provincia,
        solicitante=_solicitante(empleador),
        calidad=Solicitud.Calidad.REPRESENTANTE,
        detalle=detalle,
        respuestas=dict(respuestas or {}),
        archivos=por_archivo,
        datos=por_dato,
        empleador_identificacion=empleador.identificacion,
        empleador_razon_social=empleador.razon_social,
        cuenta=cuenta,
    )


def impugnacion_presentar(
    *,
    empleador: Empleador,
    glosa: Glosa,
    fundamentos: str,
    sustentos: Sequence[ValidatedFile],
    cuenta: Any = None,
) -> Solicitud:
    """Challenge a notified glosa online (seed 002): filed as a Ventanilla Virtual
    request of «Impugnación de glosa», routed to the province's cartera unit, and
    registered at once (C.D. 497, 5th general disposition) so the glosa is IMPUGNADA
    while it is pending."""
    if glosa.empleador_id != empleador.pk:
        raise CarteraError("La glosa no pertenece al empleador.")
    if not fundamentos.strip():
        raise CarteraError({"fundamentos": ["Explique por qué impugna la glosa."]})
    hoy = timezone.localdate()
    with transaction.atomic():
        impugnacion_registrar(glosa=glosa, presentada_el=hoy, fundamentos=fundamentos, por=None)
        carta = carta_pdf(
            titulo="Solicitud de impugnación de glosa",
            empleador=empleador,
            filas=[
                ("Glosa N.º", glosa.numero),
                ("Periodo", f"{glosa.periodo:%m/%Y}" if glosa.periodo else "—"),
                ("Valor", dolares(glosa.saldo_registrado)),
                ("Último día del término", f"{glosa.vence_en:%d/%m/%Y}" if glosa.vence_en else "—"),
            ],
            texto=fundamentos,
        )
        archivos = {"Documentos de sustento": sustentos[0]} if sustentos else {}
        solicitud = _presentar(
            empleador=empleador,
            slug=IMPUGNACION,
            detalle=f"Impugnación de la glosa N.º {glosa.numero}.\n\n{fundamentos.strip()}",
            carta=carta,
            archivos=archivos,
            datos={"Número de la glosa impugnada": glosa.numero},
            respuestas={"glosa_id": glosa.pk},
            cuenta=cuenta,
        )
        for extra in sustentos[1:]:
            tramites_services.documento_agregar(
                solicitud=solicitud,
                archivo=extra,
                nombre="Documentos de sustento",
                origen="solicitante",
                por=cuenta,
            )
    return solicitud


def acuerdo_solicitar(
    *,
    empleador: Empleador,
    tipo: str,
    glosas: Sequence[Glosa],
    titulos: Sequence[TituloCredito],
    meses: int,
    cuota_inicial: Decimal = Decimal("0.00"),
    fuerza_mayor: str = "",
    garantia_tipo: str = "",
    garantia_valor: Decimal = Decimal("0.00"),
    archivos: Mapping[str, ValidatedFile] | None = None,
    cuenta: Any = None,
) -> AcuerdoPago:
    """Request a payment agreement over notified glosas and títulos (DOMAIN.md §3): the
    debt owed today is financed in `meses` within the tiers in force (APP) or the
    maximum years (purga de mora, with its fuerza mayor and a guarantee of at least
    PURGA_MORA_GARANTIA_PCT %). Records who must approve it by its amount in SBU and
    files the Ventanilla request (APP 12 or 13-36 months, or convenio de purga de mora)
    with the amortization table."""
    hoy = timezone.localdate()
    errores: dict[str, list[str]] = {}
    financiables = acuerdos.obligaciones_financiables(empleador=empleador, tipo=tipo)
    ids_glosas = set(financiables["glosas"].values_list("pk", flat=True))
    ids_titulos = set(financiables["titulos"].values_list("pk", flat=True))
    if not glosas and not titulos:
        errores["obligaciones"] = ["Elija al menos una glosa o título a incluir en el acuerdo."]
    elif any(g.pk not in ids_glosas for g in glosas) or any(
        t.pk not in ids_titulos for t in titulos
    ):
        errores["obligaciones"] = ["Una de las obligaciones elegidas no admite este acuerdo."]
    if plazo := acuerdos.plazo_validar(tipo=tipo, meses=meses, en=hoy):
        errores["meses"] = plazo
    deuda = deuda_empleador(empleador=empleador, en=hoy)
    elegidas = {("glosa", g.pk) for g in glosas} | {("titulo", t.pk) for t in titulos}
    monto = sum(
        (linea.total for linea in deuda.lineas if (linea.tipo, linea.id) in elegidas),
        Decimal("0.00"),
    )
    if cuota_inicial < 0 or (monto and cuota_inicial >= monto):
        errores["cuota_inicial"] = ["La cuota inicial debe ser menor que la deuda a financiar."]
    if tipo == AcuerdoPago.Tipo.PURGA_MORA:
        if len(fuerza_mayor.strip()) < 20:
            errores["fuerza_mayor"] = [
                "Describa la causa de fuerza mayor (al menos 20 caracteres)."
            ]
        if not garantia_tipo.strip():
            errores["garantia_tipo"] = ["Indique la garantía que ofrece."]
        requerida = acuerdos.garantia_requerida(monto=monto, en=hoy)
        if garantia_valor < requerida:
            errores["garantia_valor"] = [
                f"La garantía debe cubrir al menos {dolares(requerida)} "
                f"({acuerdos.parametros.valor('PURGA_MORA_GARANTIA_PCT', en=hoy)} % de la deuda)."
            ]
    if errores:
        raise CarteraError(errores)
    aprobacion = acuerdos.aprobacion_requerida(empleador=empleador, monto=monto, en=hoy, tipo=tipo)
    tasa = acuerdos.tasa_vigente(hoy)
    tabla = acuerdos.tabla_amortizacion(
        monto=monto,
        meses=meses,
        tasa_anual=tasa,
        desde=hoy,
        cuota_inicial=cuota_inicial,
        vence_inicial=acuerdos.vence_cuota_inicial(hoy, empleador=empleador),
    )
    slug = acuerdos.app_tramite_slug(meses, hoy) if tipo == AcuerdoPago.Tipo.APP else PURGA_MORA
    etiqueta = AcuerdoPago.Tipo(tipo).label
    filas = [
        (
            "Obligaciones",
            ", ".join(
                [f"glosa {g.numero}" for g in glosas] + [f"título {t.numero}" for t in titulos]
            ),
        ),
        ("Deuda a financiar", dolares(monto)),
        ("Cuota inicial", dolares(cuota_inicial)),
        ("Plazo", f"{meses} meses"),
        ("Tasa de interés anual", f"{tasa} %"),
        (
            "Cuota mensual",
            dolares(tabla[-1 if len(tabla) == 1 else (1 if cuota_inicial > 0 else 0)].valor),
        ),
        (
            "Aprueba",
            f"{AcuerdoPago.Aprueba(aprobacion.aprueba).label} ({aprobacion.monto_en_sbu} SBU)",
        ),
    ]
    if tipo == AcuerdoPago.Tipo.PURGA_MORA:
        filas.append(
            ("Garantía ofrecida", f"{garantia_tipo.strip()} por {dolares(garantia_valor)}")
        )
    with transaction.atomic():
        solicitud = _presentar(
            empleador=empleador,
            slug=slug,
            detalle=f"{etiqueta}: {dolares(monto)} en {meses} meses.\n"
            + "\n".join(f"{k}: {v}" for k, v in filas),
            carta=carta_pdf(
                titulo=f"Solicitud de {etiqueta.lower()}",
                empleador=empleador,
                filas=filas,
                texto=fuerza_mayor
                or "Solicito el acuerdo según la tabla de amortización simulada.",
            ),
            archivos=archivos or {},
            respuestas={
                "aprueba": aprobacion.aprueba,
                "monto_en_sbu": str(aprobacion.monto_en_sbu),
            },
            cuenta=cuenta,
        )
        acuerdo = AcuerdoPago.objects.create(
            empleador=empleador,
            tipo=tipo,
            solicitud=solicitud,
            monto=monto,
            cuota_inicial=cuota_inicial,
            meses=meses,
            tasa_anual=tasa,
            aprueba=aprobacion.aprueba,
            monto_en_sbu=aprobacion.monto_en_sbu,
            fuerza_mayor=fuerza_mayor.strip(),
            garantia_tipo=garantia_tipo.strip(),
            garantia_valor=garantia_valor,
        )
        acuerdo.glosas.set(glosas)
        acuerdo.titulos.set(titulos)
    return acuerdo


# --- Resolution hooks (tramites/resolutores.py) -------------------------------------------


def impugnacion_resolutor(
    *, solicitud: Solicitud, aprobada: bool, motivo: str, por: Any
) -> list[Any]:
    """Back office resolved an «Impugnación de glosa» request: the Comisión's decision
    is applied to the pending impugnación (accepted: glosa ANULADA; rejected: NOTIFICADA
    with a new término, whose last day impugnacion_resolver e-mails the employer, quoting
    the request's number)."""
    glosa_id = solicitud.respuestas.get("glosa_id")
    impugnacion = (
        Impugnacion.objects.filter(glosa_id=glosa_id, estado=Impugnacion.Estado.PENDIENTE).first()
        if glosa_id
        else None
    )
    if impugnacion is None:
        raise ValidationError("La solicitud no tiene una impugnación pendiente registrada.")
    impugnacion_resolver(
        impugnacion=impugnacion,
        aceptada=aprobada,
        resolucion=f"Trámite {solicitud.numero}",
        resuelta_el=timezone.localdate(),
        detalle=motivo,
        por=por,
        tramite=solicitud.numero,
    )
    return []


def acuerdo_resolutor(*, solicitud: Solicitud, aprobada: bool, motivo: str, por: Any) -> list[Any]:
    """Back office resolved an agreement request. Approval needs the authority the
    amount requires: above the SBU threshold, and for every convenio de purga de mora,
    only the Director Provincial approves (checked by acuerdos.acuerdo_aprobar)."""
    acuerdo = AcuerdoPago.objects.filter(solicitud=solicitud).first()
    if acuerdo is None:
        raise ValidationError("La solicitud no tiene un acuerdo de pago registrado.")
    if not aprobada:
        acuerdos.acuerdo_negar(acuerdo=acuerdo, motivo=motivo, por=por)
        return []
    acuerdos.acuerdo_aprobar(acuerdo=acuerdo, por=por)
    return []


def registrar_resolutores() -> None:
    from tramites import resolutores

    resolutores.registrar(IMPUGNACION, impugnacion_resolutor)
    for slug in (*APP_SLUGS, PURGA_MORA):
        resolutores.registrar(slug, acuerdo_resolutor)
