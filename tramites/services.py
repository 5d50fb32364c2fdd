"""Ventanilla Virtual services: filing a request, routing it to the unit that attends it,
its state machine with public history and e-mails, complaints.

Every write to a Solicitud goes through here; views, forms, admin actions and tasks only
call these functions."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core import calendar
from core import pdf as core_pdf
from core.email import correo_enviar
from core.models import DocumentoVerificable, Provincia, Unidad
from core.queue import enqueue_on_commit
from core.services import (
    documento_verificable_adjuntar_pdf,
    documento_verificable_anular,
    documento_verificable_emitir,
    sequence_next,
)
from core.storage import generated_name, private_storage
from core.uploads import ValidatedFile
from tramites import condiciones
from tramites.models import (
    AutorizacionTercero,
    DocumentoSolicitud,
    HistorialSolicitud,
    Queja,
    ReglaEnrutamiento,
    Requisito,
    Solicitud,
    Tramite,
)

logger = logging.getLogger(__name__)
Estado = Solicitud.Estado


class TransicionInvalida(ValidationError):
    """An illegal state change; nothing was changed."""


# --- State machine -------------------------------------------------------------------------

TRANSICIONES: dict[str, set[str]] = {
    Estado.RECIBIDA: {Estado.ASIGNADA},
    # ASIGNADA → ASIGNADA is a reassignment to another unit.
    Estado.ASIGNADA: {
        Estado.ASIGNADA,
        Estado.EN_ATENCION,
        Estado.OBSERVADA,
        Estado.ATENDIDA,
        Estado.NEGADA,
    },
    Estado.EN_ATENCION: {Estado.ASIGNADA, Estado.OBSERVADA, Estado.ATENDIDA, Estado.NEGADA},
    Estado.OBSERVADA: {Estado.EN_ATENCION, Estado.ARCHIVADA},
    Estado.ATENDIDA: set(),
    Estado.NEGADA: set(),
    Estado.ARCHIVADA: set(),
}
RESUELTOS = {Estado.ATENDIDA, Estado.NEGADA}

# What the filer reads about each state on /consulta/ and in the e-mails.
DESCRIPCION_PUBLICA: dict[str, str] = {
    Estado.RECIBIDA: "Su solicitud fue recibida y se está dirigiendo a la unidad que la atiende.",
    Estado.ASIGNADA: "Su solicitud está en la unidad que la atiende, en espera de un funcionario.",
    Estado.EN_ATENCION: "Un funcionario está revisando su solicitud.",
    Estado.OBSERVADA: "La unidad necesita que usted complete su solicitud.",
    Estado.ATENDIDA: "Su solicitud fue atendida.",
    Estado.NEGADA: "Su solicitud fue negada.",
    Estado.ARCHIVADA: "Su solicitud fue archivada.",
}


def solicitud_transicion(
    *,
    solicitud: Solicitud,
    a: str,
    actor: Any = None,
    nota_publica: str = "",
    nota_interna: str = "",
    unidad: Unidad | None = None,
    regla: ReglaEnrutamiento | None = None,
    pendiente: str = "",
) -> Solicitud:
    """The one way a request changes state (and unit). Locks the row, checks the
    transition against TRANSICIONES, saves, appends the history entry and e-mails the
    filer. Raises TransicionInvalida (and changes nothing) on an illegal change.

    * ASIGNADA needs the unit (routing or reassignment).
    * OBSERVADA needs `pendiente`: what the filer must do, shown on /consulta/.
    * NEGADA needs the reason in `nota_publica`.
    """
    with transaction.atomic():
        fila = Solicitud.objects.select_for_update().get(pk=solicitud.pk)
        destino = Estado(a)
        if destino not in TRANSICIONES[fila.estado]:
            raise TransicionInvalida(
                f"La solicitud {fila.numero} está «{fila.get_estado_display()}» y no puede "
                f"pasar a «{destino.label}»."
            )
        if destino == Estado.ASIGNADA and unidad is None:
            raise TransicionInvalida("Indique la unidad a la que se asigna la solicitud.")
        if destino == Estado.ASIGNADA and fila.estado == Estado.ASIGNADA and unidad == fila.unidad:
            raise TransicionInvalida("La solicitud ya está asignada a esa unidad.")
        if destino == Estado.OBSERVADA and not pendiente.strip():
            raise TransicionInvalida("Indique qué debe completar el solicitante.")
        if destino == Estado.NEGADA and not nota_publica.strip():
            raise TransicionInvalida("Indique al solicitante el motivo por el que se niega.")

        ahora = timezone.now()
        anterior = fila.estado
        fila.estado = destino
        fila.actualizado_en = ahora
        campos = ["estado", "actualizado_en", "pendiente_solicitante"]
        fila.pendiente_solicitante = pendiente.strip() if destino == Estado.OBSERVADA else ""
        if unidad is not None:
            fila.unidad = unidad
            campos.append("unidad")
        if destino == Estado.ASIGNADA and anterior == Estado.RECIBIDA:
            fila.enrutada_en = ahora
            fila.regla = regla
            fila.enrutamiento_error = ""
            campos += ["enrutada_en", "regla", "enrutamiento_error"]
        if destino in RESUELTOS:
            fila.resuelta_en = ahora
            campos.append("resuelta_en")
        fila.save(update_fields=campos)
        HistorialSolicitud.objects.create(
            solicitud=fila,
            creado_en=ahora,
            estado_anterior=anterior,
            estado=destino,
            unidad=fila.unidad,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            nota_publica=nota_publica.strip() or fila.pendiente_solicitante,
            nota_interna=nota_interna.strip(),
        )
        _avisar_cambio(fila, nota_publica=nota_publica.strip())
    return fila


def _avisar_cambio(solicitud: Solicitud, *, nota_publica: str) -> None:
    """E-mail on every public state change (seed 004: alerts when documents are needed
    or the process is complete)."""
    correo_enviar(
        para=[solicitud.email],
        asunto=f"Trámite {solicitud.numero}: {solicitud.get_estado_display()}",
        plantilla="solicitud_estado",
        contexto={
            "solicitud": solicitud,
            "estado": solicitud.get_estado_display(),
            "descripcion": DESCRIPCION_PUBLICA[solicitud.estado],
            "nota": nota_publica,
            "pendiente": solicitud.pendiente_solicitante,
            "unidad": solicitud.unidad.nombre if solicitud.unidad else "",
        },
        evento="tramites.estado",
        obj=solicitud,
    )


# --- Requisites --------------------------------------------------------------------------


def requisitos_aplicables(
    requisitos: Sequence[Requisito], respuestas: Mapping[str, Any]
) -> list[Requisito]:
    """The requisites the Ventanilla form asks for, given the answers (their
    conditions are data: tramites.condiciones)."""
    return [
        r for r in requisitos if r.en_ventanilla and condiciones.cumple(r.condicion, respuestas)
    ]


def requisitos_faltantes(
    *,
    requisitos: Sequence[Requisito],
    respuestas: Mapping[str, Any],
    archivos: Mapping[int, Any],
    datos: Mapping[int, str],
) -> dict[str, str]:
    """Field name → Spanish message for every applicable, mandatory requisite that was
    not uploaded (or typed, for the ones entered as data)."""
    errores = {}
    for requisito in requisitos_aplicables(requisitos, respuestas):
        if not requisito.obligatorio:
            continue
        if requisito.forma == Requisito.Forma.ARCHIVO and requisito.pk not in archivos:
            errores[requisito.campo] = f"Adjunte «{requisito.nombre}» (JPG o PDF, hasta 1 MB)."
        if requisito.forma == Requisito.Forma.DATO and not (datos.get(requisito.pk) or "").strip():
            errores[requisito.campo] = f"Ingrese: {requisito.etiqueta_dato or requisito.nombre}."
    return errores


def autorizacion_vigente(
    *,
    empleador_identificacion: str,
    tercero_identificacion: str,
    tramite: Tramite,
    en: dt.date,
) -> AutorizacionTercero | None:
    """The employer's authorization in force on `en` for this third party and trámite
    (DOMAIN.md §2: grantor, grantee, trámites covered, valid until, revoked), if any."""
    return (
        AutorizacionTercero.objects.filter(
            empleador__identificacion=empleador_identificacion,
            tercero_identificacion=tercero_identificacion,
            tramites=tramite,
            vigente_hasta__gte=en,
            revocada_en__isnull=True,
        )
        .order_by("-vigente_hasta", "-id")
        .first()
    )


def autorizacion_terceros_vigente(
    *,
    empleador_identificacion: str,
    tercero_identificacion: str,
    tramite: Tramite,
    en: dt.date,
) -> bool:
    """Whether the employer has an authorization in force for this third party and
    trámite: the Ventanilla accepts a third party's filing only then."""
    return (
        autorizacion_vigente(
            empleador_identificacion=empleador_identificacion,
            tercero_identificacion=tercero_identificacion,
            tramite=tramite,
            en=en,
        )
        is not None
    )


def autorizacion_otorgar(
    *,
    empleador: Any,
    cedula: str,
    nombre: str,
    email: str,
    tramites: Sequence[Tramite],
    vigente_hasta: dt.date,
    por: Any = None,
) -> AutorizacionTercero:
    """The employer authorizes a person (cédula, validated) to file the chosen trámites
    on its behalf until a date (seed 002: «Autorización a terceros», generated in the
    portal). Issues the verifiable PDF the third party attaches, and e-mails it to
    them."""
    from core.identificacion import validar_cedula

    errores: dict[str, list[str]] = {}
    try:
        cedula = validar_cedula(cedula)
    except ValidationError as exc:
        errores["cedula"] = exc.messages
    if not nombre.strip():
        errores["nombre"] = ["Ingrese los nombres y apellidos de la persona autorizada."]
    if not tramites:
        errores["tramites"] = ["Elija al menos un trámite."]
    hoy = timezone.localdate()
    if vigente_hasta is None or vigente_hasta < hoy:
        errores["vigente_hasta"] = ["La fecha de vigencia no puede ser anterior a hoy."]
    elif vigente_hasta > calendar.add_plazo(hoy, years=1):
        errores["vigente_hasta"] = ["La autorización puede durar hasta un año."]
    if errores:
        raise ValidationError(errores)
    with transaction.atomic():
        autorizacion = AutorizacionTercero.objects.create(
            empleador=empleador,
            tercero_identificacion=cedula,
            tercero_nombre=nombre.strip(),
            tercero_email=email.strip(),
            vigente_hasta=vigente_hasta,
        )
        autorizacion.tramites.set(tramites)
        nombres = "; ".join(t.nombre for t in tramites)
        documento = documento_verificable_emitir(
            tipo=DocumentoVerificable.Tipo.AUTORIZACION_TERCEROS,
            titulo="Autorización a terceros",
            datos_publicos={
                "Empleador": empleador.razon_social,
                "RUC / cédula del empleador": empleador.identificacion,
                "Persona autorizada": f"{autorizacion.tercero_nombre} (cédula {cedula})",
                "Trámites": nombres,
            },
            vigente_hasta=vigente_hasta,
        )
        e = escape
        pdf = core_pdf.render(
            titulo="Autorización a terceros",
            story=[
                core_pdf.p(
                    f"<b>{e(empleador.razon_social)}</b> "
                    f"(RUC/cédula {e(empleador.identificacion)}) "
                    f"autoriza a <b>{e(autorizacion.tercero_nombre)}</b>, con cédula "
                    f"<b>{cedula}</b>, a presentar en su nombre ante el Instituto Ecuatoriano de "
                    "Seguridad Social los trámites indicados, hasta la fecha señalada."
                ),
                core_pdf.key_value_table(
                    [
                        ("Trámites", e(nombres)),
                        ("Vigente hasta", f"{vigente_hasta:%d/%m/%Y}"),
                        ("Otorgada el", f"{timezone.localtime():%d/%m/%Y %H:%M}"),
                    ]
                ),
                core_pdf.p(
                    "La persona autorizada adjunta este documento a su solicitud y presenta su "
                    "cédula. El empleador puede revocarla en cualquier momento desde su portal; "
                    "una autorización revocada aparece como anulada al verificarla.",
                    "pequeno",
                ),
            ],
            codigo_verificacion=documento.codigo,
            dependencia="Portal del empleador",
        )
        documento_verificable_adjuntar_pdf(documento=documento, pdf=pdf)
        autorizacion.documento = documento
        autorizacion.save(update_fields=["documento"])
        correo_enviar(
            para=[autorizacion.tercero_email],
            asunto=f"Autorización de {empleador.razon_social} para trámites en el IESS",
            plantilla="autorizacion_terceros",
            contexto={"autorizacion": autorizacion, "empleador": empleador, "tramites": nombres},
            adjuntos=[
                {
                    "nombre": "autorizacion-terceros.pdf",
                    "ruta": documento.archivo.name,
                    "tipo": "application/pdf",
                }
            ],
            evento="tramites.autorizacion",
            obj=autorizacion,
        )
    return autorizacion


def autorizacion_revocar(
    *, autorizacion: AutorizacionTercero, por: Any = None
) -> AutorizacionTercero:
    """Revoke an authorization: it no longer admits filings and its PDF verifies as
    annulled."""
    with transaction.atomic():
        fila = AutorizacionTercero.objects.select_for_update().get(pk=autorizacion.pk)
        if fila.revocada_en is not None:
            return fila
        fila.revocada_en = timezone.now()
        fila.save(update_fields=["revocada_en"])
        if fila.documento is not None:
            documento_verificable_anular(
                documento=fila.documento, motivo="Revocada por el empleador.", por=por
            )
    return fila


# --- Catalogue ---------------------------------------------------------------------------


def catalogo_cambiado() -> None:
    """Call after staff change the catalogue (the admin does): cached catalogue pages
    are dropped once the change commits."""
    from django.core.cache import cache

    def bump() -> None:
        try:
            cache.incr("tramites:catalogo:version")
        except ValueError:
            cache.set("tramites:catalogo:version", 2, timeout=None)

    transaction.on_commit(bump)


# --- Filing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Solicitante:
    tipo_identificacion: str
    identificacion: str
    nombre: str
    email: str
    direccion: str
    telefono: str = ""
    celular: str = ""


def numero_solicitud(*, provincia_id: str, anio: int, secuencia: int) -> str:
    return f"VV-{provincia_id}-{anio}-{secuencia:06d}"


def solicitud_presentar(
    *,
    tramite: Tramite,
    provincia: Provincia,
    solicitante: Solicitante,
    calidad: str,
    detalle: str,
    respuestas: Mapping[str, Any],
    archivos: Mapping[int, ValidatedFile],
    datos: Mapping[int, str] | None = None,
    empleador_identificacion: str = "",
    empleador_razon_social: str = "",
    sucursal: str = "",
    cuenta: Any = None,
) -> Solicitud:
    """Receive a request through the Ventanilla Virtual (DOMAIN.md §5): one transaction
    stores it with its tracking number VV-<provincia>-<año>-<secuencia> (gap-free per
    province and year), its documents in private storage, its first history entry and
    its acuse de recibo; the routing task is queued after commit. The acceptance never
    depends on the broker: an unqueued request is routed by the periodic sweep.

    `archivos` maps requisite ids to files already checked by core.uploads; files of
    requisites that do not apply are ignored (never stored)."""
    from cartera.models import Empleador

    datos = datos or {}
    if not tramite.recepcion_ventanilla or not tramite.activo:
        raise ValidationError("Este trámite no se recibe por la Ventanilla Virtual.")
    requisitos = list(tramite.requisitos.all())
    respuestas = {
        **respuestas,
        "calidad": calidad,
        "tipo_identificacion": solicitante.tipo_identificacion,
    }
    faltan = requisitos_faltantes(
        requisitos=requisitos, respuestas=respuestas, archivos=archivos, datos=datos
    )
    if faltan:
        raise ValidationError(faltan)
    aplicables = requisitos_aplicables(requisitos, respuestas)
    ahora = timezone.now()
    autorizacion = None
    if calidad == Solicitud.Calidad.TERCERO and empleador_identificacion:
        autorizacion = autorizacion_vigente(
            empleador_identificacion=empleador_identificacion,
            tercero_identificacion=solicitante.identificacion,
            tramite=tramite,
            en=timezone.localdate(ahora),
        )
        if autorizacion is None:
            raise ValidationError(
                {
                    "calidad": [
                        "No encontramos una autorización a terceros vigente del empleador a su "
                        "nombre para este trámite."
                    ]
                }
            )
    respuestas_guardadas = dict(respuestas)
    for requisito in aplicables:
        if requisito.forma == Requisito.Forma.DATO and datos.get(requisito.pk):
            respuestas_guardadas[requisito.etiqueta_dato or requisito.nombre] = datos[
                requisito.pk
            ].strip()

    guardados: list[str] = []
    storage = private_storage()
    try:
        with transaction.atomic():
            anio = timezone.localtime(ahora).year
            secuencia = sequence_next(clave=f"solicitud:{provincia.pk}:{anio}")
            empleador = (
                Empleador.objects.filter(identificacion=empleador_identificacion).first()
                if empleador_identificacion
                else None
            )
            solicitud = Solicitud.objects.create(
                numero=numero_solicitud(provincia_id=provincia.pk, anio=anio, secuencia=secuencia),
                tramite=tramite,
                provincia=provincia,
                creado_en=ahora,
                actualizado_en=ahora,
                recibido_el=calendar.received_on(ahora, cantones=[f"{provincia.pk}01"]),
                solicitante_tipo_id=solicitante.tipo_identificacion,
                solicitante_identificacion=solicitante.identificacion,
                solicitante_nombre=solicitante.nombre.strip(),
                email=solicitante.email.strip(),
                telefono=solicitante.telefono.strip(),
                celular=solicitante.celular.strip(),
                direccion=solicitante.direccion.strip(),
                calidad=calidad,
                empleador=empleador,
                empleador_identificacion=empleador_identificacion,
                empleador_razon_social=(
                    empleador_razon_social.strip() or (empleador.razon_social if empleador else "")
                ),
                sucursal=sucursal,
                detalle=detalle.strip(),
                respuestas=respuestas_guardadas,
                cuenta=cuenta if getattr(cuenta, "is_authenticated", False) else None,
                autorizacion=autorizacion,
            )
            documentos = []
            for requisito in aplicables:
                validado = archivos.get(requisito.pk)
                if validado is None or requisito.forma != Requisito.Forma.ARCHIVO:
                    continue
                nombre = storage.save(
                    generated_name("solicitudes", validado.extension),
                    ContentFile(validado.content),
                )
                guardados.append(nombre)
                documentos.append(
                    DocumentoSolicitud(
                        solicitud=solicitud,
                        requisito=requisito,
                        origen=DocumentoSolicitud.Origen.SOLICITANTE,
                        nombre=requisito.nombre,
                        nombre_original=validado.nombre_original,
                        archivo=nombre,
                        tipo=validado.tipo,
                        tamano=validado.size,
                        sha256=validado.sha256,
                        paginas=validado.paginas,
                        creado_en=ahora,
                    )
                )
            DocumentoSolicitud.objects.bulk_create(documentos)
            HistorialSolicitud.objects.create(
                solicitud=solicitud,
                creado_en=ahora,
                estado=Estado.RECIBIDA,
                nota_publica=f"Solicitud recibida por la Ventanilla Virtual con {len(documentos)} "
                f"documento(s).",
            )
            acuse = _acuse_emitir(solicitud, documentos)
            guardados.append(acuse.archivo.name)
            solicitud.acuse = acuse
            solicitud.save(update_fields=["acuse"])
            correo_enviar(
                para=[solicitud.email],
                asunto=f"Acuse de recibo del trámite {solicitud.numero}",
                plantilla="solicitud_recibida",
                contexto={"solicitud": solicitud, "documentos": documentos, "tramite": tramite},
                adjuntos=[
                    {
                        "nombre": f"acuse-{solicitud.numero}.pdf",
                        "ruta": acuse.archivo.name,
                        "tipo": "application/pdf",
                    }
                ],
                evento="tramites.recibida",
                obj=solicitud,
            )
            from tramites.tasks import solicitud_enrutar_task

            enqueue_on_commit(solicitud_enrutar_task, solicitud.pk)
    except BaseException:
        for nombre in guardados:  # a rolled-back request leaves no file behind
            storage.delete(nombre)
        raise
    return solicitud


def _acuse_emitir(
    solicitud: Solicitud, documentos: Sequence[DocumentoSolicitud]
) -> DocumentoVerificable:
    """The acuse de recibo: what was filed, when, and each file with its SHA-256, as a
    verifiable PDF (QR to /verificar/)."""
    momento = timezone.localtime(solicitud.creado_en)
    documento = documento_verificable_emitir(
        tipo=DocumentoVerificable.Tipo.ACUSE_RECIBO,
        titulo=f"Acuse de recibo del trámite {solicitud.numero}",
        datos_publicos={
            "Número de trámite": solicitud.numero,
            "Trámite": solicitud.tramite.nombre,
            "Provincia": solicitud.provincia.nombre,
            "Presentada": f"{momento:%d/%m/%Y %H:%M}",
            "Archivos (SHA-256)": "; ".join(f"{d.nombre_original}: {d.sha256}" for d in documentos)
            or "ninguno",
        },
    )
    e = escape
    filas: list[tuple[str, Any]] = [
        ("Número de trámite", solicitud.numero),
        ("Trámite", e(solicitud.tramite.nombre)),
        ("Provincia", e(solicitud.provincia.nombre)),
        ("Presentada el", f"{momento:%d/%m/%Y a las %H:%M:%S} (hora de Ecuador)"),
        ("Fecha de recepción", f"{solicitud.recibido_el:%d/%m/%Y}"),
        (
            "Solicitante",
            f"{e(solicitud.solicitante_nombre)} ({e(solicitud.get_solicitante_tipo_id_display())}"
            f" {e(solicitud.solicitante_identificacion)})",
        ),
        ("Actúa como", e(solicitud.get_calidad_display())),
        ("Correo electrónico", e(solicitud.email)),
    ]
    if solicitud.empleador_identificacion:
        filas.append(
            (
                "Empleador",
                f"{e(solicitud.empleador_razon_social)} ({e(solicitud.empleador_identificacion)})",
            )
        )
    story = [
        core_pdf.p(
            "El Instituto Ecuatoriano de Seguridad Social deja constancia de haber recibido por "
            "la Ventanilla Virtual la siguiente solicitud. Consulte su estado en "
            f"<b>{e(_url_consulta())}</b> con el número de trámite y su identificación."
        ),
        core_pdf.key_value_table(filas),
        core_pdf.p("Detalle de la solicitud", "h2"),
        core_pdf.p(e(solicitud.detalle).replace("\n", "<br/>")),
    ]
    datos = [(k, v) for k, v in solicitud.respuestas.items() if k not in {"calidad"}]
    if datos:
        story += [core_pdf.p("Respuestas del formulario", "h2")]
        story.append(
            core_pdf.key_value_table(
                [(e(str(k)), e(", ".join(v) if isinstance(v, list) else str(v))) for k, v in datos]
            )
        )
    story += [
        core_pdf.p("Documentos recibidos", "h2"),
        core_pdf.data_table(
            ["Requisito", "Archivo", "Tamaño", "SHA-256"],
            [
                [
                    e(d.nombre),
                    e(d.nombre_original),
                    f"{d.tamano:,} bytes".replace(",", "."),
                    f"<font face='Courier' size='6'>{d.sha256}</font>",
                ]
                for d in documentos
            ]
            or [["—", "Sin archivos", "", ""]],
            widths=[45, 40, 22, 63],
        ),
        core_pdf.p(
            "El código SHA-256 identifica exactamente cada archivo recibido: cualquier cambio "
            "en el archivo produce otro código.",
            "pequeno",
        ),
    ]
    pdf = core_pdf.render(
        titulo="Acuse de recibo",
        story=story,
        codigo_verificacion=documento.codigo,
        dependencia="Ventanilla Virtual · Recepción de trámites",
    )
    documento_verificable_adjuntar_pdf(documento=documento, pdf=pdf)
    return documento


def _url_consulta() -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.SITE_URL + reverse("tramites:consulta")


# --- Routing -----------------------------------------------------------------------------


def unidad_para(
    *, tramite: Tramite, provincia_id: str
) -> tuple[ReglaEnrutamiento | None, Unidad | None]:
    """The unit that attends `tramite` filed in a province: the first active rule (by
    priority) whose trámite and province match (empty = any) and that finds an active
    unit. Without any, the province's Dirección Provincial."""
    reglas = (
        ReglaEnrutamiento.objects.filter(activa=True)
        .filter(Q(tramite=tramite) | Q(tramite__isnull=True))
        .filter(Q(provincia_id=provincia_id) | Q(provincia__isnull=True))
        .select_related("unidad")
        .order_by("prioridad", "id")
    )
    for regla in reglas:
        unidad = (
            regla.unidad if regla.unidad_id else _unidad_de_tipo(regla.unidad_tipo, provincia_id)
        )
        if unidad is not None and unidad.activa:
            return regla, unidad
    return None, _unidad_de_tipo(Unidad.Tipo.DIRECCION_PROVINCIAL, provincia_id)


def _unidad_de_tipo(tipo: str, provincia_id: str) -> Unidad | None:
    if tipo in Unidad.PROVINCIAL_TIPOS:
        return Unidad.objects.filter(provincia_id=provincia_id, tipo=tipo, activa=True).first()
    return Unidad.objects.filter(provincia__isnull=True, tipo=tipo, activa=True).first()


def solicitud_enrutar(*, solicitud_id: int) -> bool:
    """Assign a received request to its unit (idempotent: a request already routed is
    left alone, so a duplicate task or sweep never routes it twice). Returns whether it
    routed it now."""
    with transaction.atomic():
        solicitud = Solicitud.objects.select_for_update().filter(pk=solicitud_id).first()
        if solicitud is None or solicitud.estado != Estado.RECIBIDA:
            return False
        regla, unidad = unidad_para(tramite=solicitud.tramite, provincia_id=solicitud.provincia_id)
        if unidad is not None:
            Solicitud.objects.filter(pk=solicitud.pk).update(
                enrutamiento_intentos=F("enrutamiento_intentos") + 1
            )
            solicitud_transicion(
                solicitud=solicitud,
                a=Estado.ASIGNADA,
                unidad=unidad,
                regla=regla,
                nota_publica=f"Asignada a {unidad.nombre}.",
            )
            return True
    Solicitud.objects.filter(pk=solicitud_id).update(
        enrutamiento_intentos=F("enrutamiento_intentos") + 1,
        enrutamiento_error="Ninguna regla de enrutamiento encontró una unidad activa.",
    )
    raise LookupError(f"Sin unidad para la solicitud {solicitud.numero}.")


def solicitud_enrutamiento_fallido(*, solicitud_id: int, error: str) -> None:
    """Record on the row why routing failed (the sweep will try again)."""
    Solicitud.objects.filter(pk=solicitud_id, estado=Estado.RECIBIDA).update(
        enrutamiento_error=error[:2000]
    )


def solicitudes_sin_enrutar(*, antiguedad: dt.timedelta) -> list[int]:
    """Ids of requests still RECIBIDA `antiguedad` after being filed (their task was
    never queued or was lost)."""
    limite = timezone.now() - antiguedad
    return list(
        Solicitud.objects.filter(estado=Estado.RECIBIDA, creado_en__lte=limite)
        .order_by("creado_en")
        .values_list("pk", flat=True)[:1000]
    )


# --- Results and complaints ----------------------------------------------------------------


def documento_agregar(
    *,
    solicitud: Solicitud,
    archivo: ValidatedFile,
    nombre: str,
    origen: str,
    por: Any = None,
    requisito: Requisito | None = None,
) -> DocumentoSolicitud:
    """Store one more checked file of a request (a correction from the filer, or the
    result document issued by the unit)."""
    storage = private_storage()
    ruta = storage.save(
        generated_name("solicitudes", archivo.extension), ContentFile(archivo.content)
    )
    try:
        with transaction.atomic():
            Solicitud.objects.filter(pk=solicitud.pk).update(actualizado_en=timezone.now())
            return DocumentoSolicitud.objects.create(
                solicitud=solicitud,
                requisito=requisito,
                origen=origen,
                nombre=nombre,
                nombre_original=archivo.nombre_original,
                archivo=ruta,
                tipo=archivo.tipo,
                tamano=archivo.size,
                sha256=archivo.sha256,
                paginas=archivo.paginas,
                subido_por=por if getattr(por, "is_authenticated", False) else None,
            )
    except BaseException:
        storage.delete(ruta)
        raise


def queja_presentar(*, solicitud: Solicitud, motivo: str) -> Queja:
    """A complaint about a request's attention (transparency counts them per trámite
    and month); the filer gets an acknowledgement."""
    motivo = motivo.strip()
    if len(motivo) < 10:
        raise ValidationError(
            {"motivo": "Describa el motivo de su queja (al menos 10 caracteres)."}
        )
    with transaction.atomic():
        queja = Queja.objects.create(solicitud=solicitud, motivo=motivo)
        correo_enviar(
            para=[solicitud.email],
            asunto=f"Queja recibida sobre el trámite {solicitud.numero}",
            plantilla="queja_recibida",
            contexto={"solicitud": solicitud, "queja": queja},
            evento="tramites.queja",
            obj=queja,
        )
    return queja
