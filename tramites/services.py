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

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core import calendar
from core import pdf as core_pdf
from core.email import correo_enviar
from core.formato import cifra
from core.models import DocumentoVerificable, Provincia, Unidad
from core.queue import enqueue_on_commit
from core.services import (
    documento_verificable_adjuntar_pdf,
    documento_verificable_anular,
    documento_verificable_emitir,
    sequence_next,
)
from core.storage import generated_name, private_storage
from core.uploads import ValidatedFile, regla_archivos
from tramites import condiciones, selectors
from tramites.models import (
    AutorizacionTercero,
    DocumentoSolicitud,
    HistorialSolicitud,
    PeriodoSuspension,
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
    or the process is complete). A request for documents carries the link to the page
    where the filer uploads them, and the last day to do it."""
    from django.conf import settings
    from django.urls import reverse

    subsanar_url = ""
    if solicitud.estado == Estado.OBSERVADA:
        subsanar_url = (
            f"{settings.SITE_URL}{reverse('tramites:subsanar')}?numero={solicitud.numero}"
        )
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
            "subsanar_url": subsanar_url,
            "subsanar_hasta": solicitud.subsanar_hasta if subsanar_url else None,
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
            errores[requisito.campo] = f"Adjunte «{requisito.nombre}» ({regla_archivos()})."
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
    if len(email.strip()) > 254:  # the mail standard's limit, and the column's
        errores["email"] = ["El correo electrónico puede tener hasta 254 caracteres."]
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
        e = core_pdf.escape
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
    transaction.on_commit(selectors.CATALOGO_VERSION.bump)


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
        # The files go to storage before the transaction: they do not need the number,
        # and the province's sequence row stays locked from the number to the commit
        # (with object storage each write is a network round trip).
        por_guardar: list[tuple[Requisito, ValidatedFile, str]] = []
        for requisito in aplicables:
            validado = archivos.get(requisito.pk)
            if validado is None or requisito.forma != Requisito.Forma.ARCHIVO:
                continue
            nombre = storage.save(
                generated_name("solicitudes", validado.extension),
                ContentFile(validado.content),
            )
            guardados.append(nombre)
            por_guardar.append((requisito, validado, nombre))
        recibido_el = calendar.received_on(
            ahora, cantones=calendar.cantones_de_provincia(provincia.pk)
        )
        empleador = (
            Empleador.objects.filter(identificacion=empleador_identificacion).first()
            if empleador_identificacion
            else None
        )
        with transaction.atomic():
            anio = timezone.localtime(ahora).year
            secuencia = sequence_next(clave=f"solicitud:{provincia.pk}:{anio}")
            solicitud = Solicitud.objects.create(
                numero=numero_solicitud(provincia_id=provincia.pk, anio=anio, secuencia=secuencia),
                tramite=tramite,
                provincia=provincia,
                creado_en=ahora,
                actualizado_en=ahora,
                recibido_el=recibido_el,
                **plazo_campos(
                    recibido_el=recibido_el,
                    termino=tramite.termino_atencion_dias,
                    dias_suspendidos=0,
                    provincia_id=provincia.pk,
                ),
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
            documentos = [
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
                for requisito, validado, nombre in por_guardar
            ]
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
    e = core_pdf.escape
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
                    f"{cifra(d.tamano)} bytes",
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


# --- Back office: deadlines ------------------------------------------------------------------

DIAS_ALERTA = 2  # "vence en ≤ 2 días hábiles"
FACTOR_MUY_VENCIDA = 3  # "más de 3 veces su término"
ABIERTAS = (Estado.RECIBIDA, Estado.ASIGNADA, Estado.EN_ATENCION)


def _restar_habiles(dia: dt.date, dias: int, *, cantones: Sequence[str]) -> dt.date:
    while dias > 0:
        dia -= dt.timedelta(days=1)
        if calendar.is_business_day(dia, cantones=cantones):
            dias -= 1
    return dia


def plazo_campos(
    *, recibido_el: dt.date, termino: int, dias_suspendidos: int, provincia_id: str
) -> dict[str, dt.date]:
    """The deadline dates stored on a request (DOMAIN.md §6, COA arts. 158 and 162):
    the término de atención counts business days from the business day after
    reception, plus the business days it was suspended waiting for the filer. Also the
    first day it is "por vencer" (2 business days before) and the last day before it
    is more than three times its término late."""
    cantones = calendar.cantones_de_provincia(provincia_id)
    vence = calendar.add_termino(recibido_el, termino + dias_suspendidos, cantones=cantones)
    return {
        "vence_el": vence,
        "alerta_desde": _restar_habiles(vence, DIAS_ALERTA, cantones=cantones),
        "vencida_3x_desde": calendar.add_termino(
            recibido_el, FACTOR_MUY_VENCIDA * termino + dias_suspendidos, cantones=cantones
        ),
    }


def _plazo_recalcular(fila: Solicitud) -> list[str]:
    for campo, valor in plazo_campos(
        recibido_el=fila.recibido_el,
        termino=fila.tramite.termino_atencion_dias,
        dias_suspendidos=fila.dias_suspendidos,
        provincia_id=fila.provincia_id,
    ).items():
        setattr(fila, campo, valor)
    return ["vence_el", "alerta_desde", "vencida_3x_desde", "dias_suspendidos"]


def _movimiento(
    fila: Solicitud,
    *,
    tipo: str,
    actor: Any,
    nota_interna: str = "",
    nota_publica: str = "",
    publico: bool = False,
    asignado_a: Any = None,
) -> HistorialSolicitud:
    """A history row that is not a state change (assignment, message, deadline)."""
    return HistorialSolicitud.objects.create(
        solicitud=fila,
        estado_anterior=fila.estado,
        estado=fila.estado,
        unidad=fila.unidad,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        nota_publica=nota_publica,
        nota_interna=nota_interna,
        publico=publico,
        tipo=tipo,
        asignado_a=asignado_a,
    )


def _bloquear(solicitud: Solicitud) -> Solicitud:
    return (
        Solicitud.objects.select_for_update(of=("self",))
        .select_related("tramite", "unidad", "asignado_a")
        .get(pk=solicitud.pk)
    )


# --- Back office: assignment -------------------------------------------------------------------

ASIGNABLES = {Estado.ASIGNADA, Estado.EN_ATENCION, Estado.OBSERVADA}


def solicitud_asignar(*, solicitud: Solicitud, a: Any, por: Any, nota: str = "") -> Solicitud:
    """Give a request to a staff member of the unit that attends it. Anyone of the unit
    may take a request for themselves; assigning it to someone else is for the head of
    the unit (permission tramites.asignar_solicitud). A request still waiting in the
    unit's queue becomes EN_ATENCION. History row + audit event."""
    from core.services import audit_log

    with transaction.atomic():
        fila = _bloquear(solicitud)
        if fila.estado not in ASIGNABLES:
            raise ValidationError(
                f"La solicitud {fila.numero} está «{fila.get_estado_display()}»: ya no se asigna."
            )
        if a.pk != por.pk and not por.has_perm("tramites.asignar_solicitud"):
            raise ValidationError(
                "Solo el jefe o líder de la unidad asigna solicitudes a otros funcionarios."
            )
        _verificar_alcance(por, fila)
        if not (a.is_active and a.is_staff and a.unidad_id == fila.unidad_id):
            raise ValidationError(
                {"asignado_a": f"{a.get_full_name() or a} no es funcionario de {fila.unidad}."}
            )
        actual = fila.asignado_a
        if (
            actual is not None
            and actual.pk != a.pk
            and a.pk == por.pk
            and not por.has_perm("tramites.asignar_solicitud")
        ):
            raise ValidationError(
                f"La solicitud {fila.numero} ya está asignada a "
                f"{actual.get_full_name() or actual}; pida al jefe de la unidad que la reasigne."
            )
        if fila.asignado_a_id == a.pk:
            raise ValidationError(
                f"La solicitud {fila.numero} ya está asignada a {a.get_full_name() or a}."
            )
        anterior = fila.asignado_a
        fila.asignado_a = a
        fila.asignado_en = timezone.now()
        fila.save(update_fields=["asignado_a", "asignado_en"])
        texto = (
            f"Tomada por {a.get_full_name() or a}."
            if a.pk == por.pk
            else f"Asignada a {a.get_full_name() or a} por {por.get_full_name() or por}."
        )
        if anterior is not None:
            texto += f" Antes: {anterior.get_full_name() or anterior}."
        _movimiento(
            fila,
            tipo=HistorialSolicitud.Tipo.ASIGNACION,
            actor=por,
            asignado_a=a,
            nota_interna=" ".join([texto, nota.strip()]).strip(),
        )
        audit_log(
            actor=por,
            accion="tramites.asignada",
            obj=fila,
            detalle={"a": a.username, "antes": anterior.username if anterior else ""},
        )
        if fila.estado == Estado.ASIGNADA:
            fila = solicitud_transicion(
                solicitud=fila,
                a=Estado.EN_ATENCION,
                actor=por,
                nota_publica="Un funcionario de la unidad está revisando su solicitud.",
            )
    return fila


def _verificar_alcance(usuario: Any, fila: Solicitud) -> None:
    """Staff act only on requests in their scope (their unit, their province for a
    director, everything for the national level): the admin lists only those, and the
    services refuse the rest too. Tasks act as no one (None) and are not checked."""
    from core.selectors import alcance_de

    if not getattr(usuario, "is_authenticated", False):
        return
    if (
        not alcance_de(usuario)
        .filter(Solicitud.objects.filter(pk=fila.pk), unidad="unidad", provincia="provincia")
        .exists()
    ):
        raise ValidationError(
            f"La solicitud {fila.numero} es de {fila.unidad}, fuera de su unidad o provincia."
        )


def solicitud_tomar(*, solicitud: Solicitud, por: Any) -> Solicitud:
    """«Tomar»: the staff member assigns the request to themselves."""
    return solicitud_asignar(solicitud=solicitud, a=por, por=por)


# --- Back office: subsanación -------------------------------------------------------------------


def subsanacion_solicitar(
    *, solicitud: Solicitud, mensaje: str, por: Any, hoy: dt.date | None = None
) -> Solicitud:
    """Ask the filer for missing or illegible documents (COA art. 140). The request
    becomes OBSERVADA, its término de atención is suspended from today (art. 162) and
    the filer gets an e-mail with the message, the link to the upload page and the last
    day of their own término (parameter SUBSANACION_TERMINO_DIAS)."""
    from core import parametros
    from core.services import audit_log

    mensaje = mensaje.strip()
    if len(mensaje) < 10:
        raise ValidationError({"mensaje": "Escriba qué debe completar el solicitante."})
    hoy = hoy or timezone.localdate()
    with transaction.atomic():
        fila = _bloquear(solicitud)
        _verificar_alcance(por, fila)
        if Estado.OBSERVADA not in TRANSICIONES[fila.estado]:
            raise TransicionInvalida(
                f"La solicitud {fila.numero} está «{fila.get_estado_display()}»: no se pueden "
                "pedir documentos."
            )
        dias = int(parametros.valor("SUBSANACION_TERMINO_DIAS", en=hoy))
        hasta = calendar.add_termino(
            hoy, dias, cantones=calendar.cantones_de_provincia(fila.provincia_id)
        )
        fila.subsanar_hasta = hasta
        fila.save(update_fields=["subsanar_hasta"])
        PeriodoSuspension.objects.create(
            solicitud=fila, desde=hoy, motivo="Pedido de documentos al solicitante"
        )
        fila = solicitud_transicion(
            solicitud=fila,
            a=Estado.OBSERVADA,
            actor=por,
            pendiente=mensaje,
            nota_interna=f"Término del solicitante hasta el {fila.subsanar_hasta:%d/%m/%Y}.",
        )
        audit_log(
            actor=por,
            accion="tramites.subsanacion_solicitada",
            obj=fila,
            detalle={"mensaje": mensaje, "hasta": hasta.isoformat()},
        )
    return fila


def _suspension_cerrar(fila: Solicitud, hoy: dt.date) -> int:
    periodo = PeriodoSuspension.objects.filter(solicitud=fila, hasta__isnull=True).first()
    if periodo is None:
        return 0
    periodo.hasta = max(hoy, periodo.desde)
    periodo.dias_habiles = calendar.business_days_between(
        periodo.desde, periodo.hasta, cantones=calendar.cantones_de_provincia(fila.provincia_id)
    )
    periodo.save(update_fields=["hasta", "dias_habiles"])
    return periodo.dias_habiles


def subsanacion_responder(
    *,
    solicitud: Solicitud,
    archivos: Sequence[ValidatedFile],
    comentario: str = "",
    hoy: dt.date | None = None,
) -> Solicitud:
    """The filer's answer to a request for documents: the files are stored under the
    same rules as the original ones, the suspension ends (the término resumes, its last
    day moved by the business days it was suspended) and the request goes back to the
    unit's queue as EN_ATENCION, marked «subsanada»."""
    from core.services import audit_log

    if not archivos:
        raise ValidationError({"archivo_1": "Adjunte al menos un documento (JPG o PDF)."})
    hoy = hoy or timezone.localdate()
    with transaction.atomic():
        fila = _bloquear(solicitud)
        if fila.estado != Estado.OBSERVADA:
            raise ValidationError("Su solicitud no está esperando documentos.")
        documentos = [
            documento_agregar(
                solicitud=fila,
                archivo=archivo,
                nombre="Documento para completar la solicitud",
                origen=DocumentoSolicitud.Origen.SUBSANACION,
            )
            for archivo in archivos
        ]
        fila.dias_suspendidos += _suspension_cerrar(fila, hoy)
        campos = _plazo_recalcular(fila)
        fila.subsanada_en = timezone.now()
        fila.subsanar_hasta = None
        fila.save(update_fields=[*campos, "subsanada_en", "subsanar_hasta"])
        fila = solicitud_transicion(
            solicitud=fila,
            a=Estado.EN_ATENCION,
            nota_publica=f"Recibimos {len(documentos)} documento(s) que completan su solicitud; "
            "la unidad continúa con su atención.",
            nota_interna=(
                f"Subsanada. Nuevo vencimiento: {fila.vence_el:%d/%m/%Y}. {comentario.strip()}"
            ).strip(),
        )
        audit_log(
            actor=None,
            accion="tramites.subsanada",
            obj=fila,
            detalle={"documentos": [d.pk for d in documentos], "vence_el": str(fila.vence_el)},
        )
    return fila


def solicitud_archivar_abandono(
    *, solicitud: Solicitud, por: Any = None, hoy: dt.date | None = None
) -> Solicitud:
    """Close as ARCHIVADA a request whose filer did not answer the request for
    documents within their término (COA art. 140: desistimiento); the filer is told by
    e-mail."""
    from core.services import audit_log

    hoy = hoy or timezone.localdate()
    with transaction.atomic():
        fila = _bloquear(solicitud)
        _verificar_alcance(por, fila)
        if fila.estado != Estado.OBSERVADA or fila.subsanar_hasta is None:
            raise ValidationError(f"La solicitud {fila.numero} no está esperando documentos.")
        if fila.subsanar_hasta >= hoy:
            raise ValidationError(
                f"El solicitante tiene hasta el {fila.subsanar_hasta:%d/%m/%Y} para completar "
                f"la solicitud {fila.numero}."
            )
        _suspension_cerrar(fila, hoy)
        fila = solicitud_transicion(
            solicitud=fila,
            a=Estado.ARCHIVADA,
            actor=por,
            nota_publica="Su solicitud se archivó porque no se completó la información pedida "
            f"hasta el {fila.subsanar_hasta:%d/%m/%Y}. Puede presentar una nueva solicitud.",
        )
        audit_log(actor=por, accion="tramites.archivada_abandono", obj=fila)
    return fila


def solicitudes_abandonadas(*, hoy: dt.date) -> list[int]:
    return list(
        Solicitud.objects.filter(estado=Estado.OBSERVADA, subsanar_hasta__lt=hoy)
        .order_by("subsanar_hasta", "pk")
        .values_list("pk", flat=True)
    )


# --- Back office: resolution ------------------------------------------------------------------


def solicitud_resolver(*, solicitud: Solicitud, aprobada: bool, motivo: str, por: Any) -> Solicitud:
    """Approve (ATENDIDA) or reject (NEGADA) a request with its reason. The trámite's
    resolutor (tramites.resolutores; e.g. coactiva's oficios for a levantamiento) does
    the domain work and returns the output documents; without one, or when it returns
    none, the unit's resolution letter is issued. Every output is a verifiable PDF (QR
    to /verificar/) attached as a result document that the filer downloads on
    /consulta/; the filer is told by e-mail."""
    from core.services import audit_log
    from tramites.resolutores import resolutor_de

    motivo = motivo.strip()
    if len(motivo) < 10:
        raise ValidationError({"motivo": "Escriba el motivo de la resolución para el solicitante."})
    with transaction.atomic():
        fila = _bloquear(solicitud)
        _verificar_alcance(por, fila)
        destino = Estado.ATENDIDA if aprobada else Estado.NEGADA
        if destino not in TRANSICIONES[fila.estado]:
            raise TransicionInvalida(
                f"La solicitud {fila.numero} está «{fila.get_estado_display()}» y no puede "
                f"pasar a «{destino.label}»."
            )
        resolutor = resolutor_de(fila.tramite.slug)
        emitidos = (
            list(resolutor(solicitud=fila, aprobada=aprobada, motivo=motivo, por=por))
            if resolutor is not None
            else []
        )
        if not emitidos:
            emitidos = [_resolucion_emitir(fila, aprobada=aprobada, motivo=motivo, por=por)]
        for documento in emitidos:
            _resultado_adjuntar(fila, documento, por=por)
        fila = solicitud_transicion(
            solicitud=fila,
            a=destino,
            actor=por,
            nota_publica=motivo,
            nota_interna=f"Documentos emitidos: {', '.join(d.codigo for d in emitidos)}.",
        )
        audit_log(
            actor=por,
            accion="tramites.resuelta",
            obj=fila,
            detalle={"estado": destino, "documentos": [d.codigo for d in emitidos]},
        )
    return fila


def _resultado_adjuntar(fila: Solicitud, documento: DocumentoVerificable, *, por: Any) -> None:
    """The verifiable document as a result document of the request (same private file)."""
    import io

    from pypdf import PdfReader

    storage = private_storage()
    nombre = documento.archivo.name
    with storage.open(nombre, "rb") as handle:
        contenido = handle.read()
    DocumentoSolicitud.objects.create(
        solicitud=fila,
        origen=DocumentoSolicitud.Origen.RESULTADO,
        nombre=documento.titulo[:200],
        nombre_original=f"{documento.get_tipo_display()} {fila.numero}.pdf"[:160],
        archivo=nombre,
        tipo="pdf",
        tamano=len(contenido),
        sha256=documento.sha256,
        paginas=len(PdfReader(io.BytesIO(contenido)).pages),
        subido_por=por if getattr(por, "is_authenticated", False) else None,
    )


def _resolucion_emitir(
    fila: Solicitud, *, aprobada: bool, motivo: str, por: Any
) -> DocumentoVerificable:
    """The generic resolution letter: decision, reason and verification QR."""
    e = core_pdf.escape
    decision = "APROBADA" if aprobada else "NEGADA"
    hoy = timezone.localdate()
    unidad = fila.unidad.nombre if fila.unidad else ""
    documento = documento_verificable_emitir(
        tipo=DocumentoVerificable.Tipo.RESOLUCION,
        titulo=f"Resolución del trámite {fila.numero}",
        datos_publicos={
            "Número de trámite": fila.numero,
            "Trámite": fila.tramite.nombre,
            "Solicitante": fila.solicitante_nombre,
            "Decisión": decision,
            "Fecha": f"{hoy:%d/%m/%Y}",
            "Unidad": unidad,
        },
    )
    firmante = (por.get_full_name() or por.username) if getattr(por, "pk", None) else unidad
    story = [
        core_pdf.key_value_table(
            [
                ("Número de trámite", fila.numero),
                ("Trámite", e(fila.tramite.nombre)),
                (
                    "Solicitante",
                    f"{e(fila.solicitante_nombre)} ({e(fila.solicitante_identificacion)})",
                ),
                ("Fecha de recepción", f"{fila.recibido_el:%d/%m/%Y}"),
                ("Unidad", e(unidad)),
                ("Fecha de la resolución", f"{hoy:%d/%m/%Y}"),
            ]
        ),
        core_pdf.p(f"Decisión: solicitud {decision}", "h2"),
        core_pdf.p(e(motivo).replace("\n", "<br/>")),
        core_pdf.p("Atentamente,", "normal"),
        core_pdf.p(f"<b>{e(firmante)}</b><br/>{e(unidad)}"),
    ]
    pdf = core_pdf.render(
        titulo=f"Resolución del trámite {fila.numero}",
        story=story,
        codigo_verificacion=documento.codigo,
        dependencia=unidad,
    )
    documento_verificable_adjuntar_pdf(documento=documento, pdf=pdf)
    return documento


# --- Back office: expediente --------------------------------------------------------------------


def expediente_pdf(solicitud: Solicitud) -> bytes:
    """The whole request as one PDF: a cover (data, history, list of documents with
    their checks) followed by every document, PDFs as they are and JPEGs one per page."""
    import io

    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas as rl_canvas

    e = core_pdf.escape
    documentos = list(solicitud.documentos.order_by("creado_en", "id"))
    historial = list(solicitud.historial.select_related("actor").order_by("creado_en", "id"))
    story = [
        core_pdf.key_value_table(
            [
                ("Número de trámite", solicitud.numero),
                ("Trámite", e(solicitud.tramite.nombre)),
                ("Estado", e(solicitud.get_estado_display())),
                ("Unidad", e(solicitud.unidad.nombre if solicitud.unidad else "—")),
                (
                    "Solicitante",
                    f"{e(solicitud.solicitante_nombre)} "
                    f"({e(solicitud.solicitante_identificacion)})",
                ),
                ("Recibida el", f"{solicitud.recibido_el:%d/%m/%Y}"),
                ("Vence el", f"{solicitud.vence_el:%d/%m/%Y}" if solicitud.vence_el else "—"),
            ]
        ),
        core_pdf.p("Detalle", "h2"),
        core_pdf.p(e(solicitud.detalle).replace("\n", "<br/>")),
        core_pdf.p("Documentos", "h2"),
        core_pdf.data_table(
            ["#", "Documento", "Archivo", "Tipo", "Págs.", "SHA-256"],
            [
                [
                    str(i),
                    e(d.nombre),
                    e(d.nombre_original),
                    d.tipo.upper(),
                    str(d.paginas or 1),
                    f"<font face='Courier' size='6'>{d.sha256}</font>",
                ]
                for i, d in enumerate(documentos, start=1)
            ]
            or [["—", "Sin documentos", "", "", "", ""]],
            widths=[8, 40, 35, 12, 12, 63],
        ),
        core_pdf.p("Historial", "h2"),
        core_pdf.data_table(
            ["Fecha", "Estado", "Funcionario", "Nota"],
            [
                [
                    f"{timezone.localtime(h.creado_en):%d/%m/%Y %H:%M}",
                    e(h.get_estado_display()),
                    e(h.actor.get_full_name() or h.actor.username) if h.actor else "—",
                    e(h.nota_interna or h.nota_publica),
                ]
                for h in historial
            ],
            widths=[28, 30, 35, 77],
        ),
    ]
    escritor = PdfWriter()
    portada = core_pdf.render(
        titulo=f"Expediente del trámite {solicitud.numero}",
        story=story,
        dependencia=solicitud.unidad.nombre if solicitud.unidad else "",
    )
    escritor.append(PdfReader(io.BytesIO(portada)))
    storage = private_storage()
    for documento in documentos:
        with storage.open(documento.archivo.name, "rb") as handle:
            contenido = handle.read()
        if documento.tipo == "pdf":
            escritor.append(PdfReader(io.BytesIO(contenido)))
            continue
        pagina = io.BytesIO()
        lienzo = rl_canvas.Canvas(pagina, pagesize=A4)
        ancho, alto = A4
        from reportlab.lib.utils import ImageReader

        imagen = ImageReader(io.BytesIO(contenido))
        iw, ih = imagen.getSize()
        escala = min((ancho - 60) / iw, (alto - 90) / ih, 1.0 if iw < ancho else 10)
        lienzo.setFont("Helvetica", 8)
        lienzo.drawString(30, alto - 30, f"{documento.nombre} · {documento.nombre_original}"[:120])
        lienzo.drawImage(imagen, 30, alto - 50 - ih * escala, width=iw * escala, height=ih * escala)
        lienzo.showPage()
        lienzo.save()
        escritor.append(PdfReader(io.BytesIO(pagina.getvalue())))
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


# --- Back office: escalation ---------------------------------------------------------------------


def escalamiento_enviar(*, hoy: dt.date | None = None) -> int:
    """Daily notice to each unit's heads (role JEFE_UNIDAD) of the open requests whose
    término ends today (overdue tomorrow) and those already overdue. One e-mail per
    unit and business day (none on a national holiday or a local one of the unit's
    city): running it again the same day sends nothing new. Returns the number of
    e-mails queued."""
    from django.conf import settings
    from django.urls import reverse

    from core import roles
    from core.models import Correo, User

    hoy = hoy or timezone.localdate()
    filas = (
        Solicitud.objects.filter(estado__in=ABIERTAS, vence_el__lte=hoy, unidad__isnull=False)
        .select_related("tramite", "asignado_a")
        .order_by("unidad_id", "vence_el", "pk")
    )
    por_unidad: dict[int, list[Solicitud]] = {}
    for fila in filas:
        por_unidad.setdefault(fila.unidad_id, []).append(fila)  # type: ignore[arg-type]
    if not por_unidad:
        return 0
    jefes: dict[int, list[str]] = {}
    for unidad_id, email in User.objects.filter(
        unidad_id__in=por_unidad,
        groups__name=roles.JEFE_UNIDAD,
        is_active=True,
    ).values_list("unidad_id", "email"):
        if email:
            jefes.setdefault(unidad_id, []).append(email)
    ya_enviadas = set(
        Correo.objects.filter(
            evento="tramites.escalamiento",
            creado_en__date=hoy,
            object_id__in=[str(u) for u in por_unidad],
        ).values_list("object_id", flat=True)
    )
    unidades = Unidad.objects.in_bulk(list(por_unidad))
    enviados = 0
    url = settings.SITE_URL + reverse("admin:tramites_solicitud_changelist")
    for unidad_id, solicitudes in por_unidad.items():
        if str(unidad_id) in ya_enviadas or not jefes.get(unidad_id):
            continue
        unidad = unidades[unidad_id]
        cantones = (
            calendar.cantones_de_provincia(unidad.provincia_id) if unidad.provincia_id else []
        )
        if not calendar.is_business_day(hoy, cantones=cantones):
            continue
        vencen_hoy = [s for s in solicitudes if s.vence_el == hoy]
        vencidas = [s for s in solicitudes if s.vence_el and s.vence_el < hoy]
        with transaction.atomic():
            correo_enviar(
                para=jefes[unidad_id],
                asunto=f"{unidad.nombre}: {len(vencen_hoy)} solicitud(es) vencen hoy y "
                f"{len(vencidas)} están vencidas",
                plantilla="solicitudes_escalamiento",
                contexto={
                    "unidad": unidad,
                    "hoy": hoy,
                    "vencen_hoy": vencen_hoy,
                    "vencidas": vencidas,
                    "url": url,
                },
                evento="tramites.escalamiento",
                obj=unidad,
            )
        enviados += 1
    return enviados
