"""Platform services: sequences, parameters, holidays, audit, verifiable documents."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from stdnum.iso7064 import mod_37_36

from core import calendar, parametros
from core.models import (
    DocumentoVerificable,
    EventoAuditoria,
    Feriado,
    Parametro,
    Provincia,
    Secuencia,
    Unidad,
    User,
)
from core.storage import generated_name, sha256_of


def sequence_next(*, clave: str) -> int:
    """Next number of a gap-free sequence. Must run inside the transaction that stores
    the number: the row stays locked until it commits, and a rollback gives the number
    back, so numbers have neither gaps nor duplicates under concurrency."""
    return sequence_next_block(clave=clave, cantidad=1)


def sequence_next_block(*, clave: str, cantidad: int) -> int:
    """Reserve `cantidad` consecutive numbers of a gap-free sequence and return the
    first (batch jobs numbering many rows at once). Same rules as sequence_next: call
    it inside the transaction that stores every one of the numbers."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sequence_next debe llamarse dentro de transaction.atomic().")
    if cantidad < 1:
        raise ValueError("cantidad debe ser al menos 1.")
    try:
        with transaction.atomic():
            Secuencia.objects.get_or_create(clave=clave)
    except IntegrityError:
        pass  # another transaction created it first; it is there now
    fila = Secuencia.objects.select_for_update().get(clave=clave)
    primero = fila.ultimo + 1
    fila.ultimo += cantidad
    fila.save(update_fields=["ultimo"])
    return primero


def parametro_set(
    *,
    clave: str,
    valor: Any,
    vigente_desde: dt.date,
    base_legal: str = "",
    por: User | None = None,
) -> Parametro:
    """Record a parameter's value from a date on (DOMAIN.md §7). Values are never
    overwritten silently: a new row per validity date; correcting a row of the same
    date replaces it and is audited."""
    with transaction.atomic():
        fila, _ = Parametro.objects.update_or_create(
            clave=clave,
            vigente_desde=vigente_desde,
            defaults={
                "valor": parametros.serializar(clave, valor),
                "base_legal": base_legal,
                "registrado_por": por,
                "registrado_en": timezone.now(),
            },
        )
        audit_log(actor=por, accion="parametro.cambio", obj=fila, detalle={"valor": fila.valor})
        transaction.on_commit(parametros.invalidar_cache)
    return fila


# The provincial units whose category follows the province's nivel (C.D. 497 art. 3:
# 3.5.1 Afiliación y Cobertura, 3.5.2 Gestión de Cartera); Coactiva follows art. 1.
_NOMBRES_POR_NIVEL = {
    Unidad.Tipo.CARTERA: {
        Unidad.Categoria.UNIDAD_PROVINCIAL: "Unidad Provincial de Gestión de Cartera de {}",
        Unidad.Categoria.GRUPO_TRABAJO: "Grupo de Trabajo de Gestión de Cartera de {}",
    },
    Unidad.Tipo.AFILIACION: {
        Unidad.Categoria.UNIDAD_PROVINCIAL: "Unidad Provincial de Afiliación y Cobertura de {}",
        Unidad.Categoria.GRUPO_TRABAJO: "Grupo Provincial de Afiliación y Cobertura de {}",
    },
}


def provincia_nivel_cambiar(
    *, provincia: Provincia, nivel: int, por: Any = None, request: HttpRequest | None = None
) -> Provincia:
    """Set a province's nivel and reorganise its units by C.D. 497 art. 3: in nivel 4
    Gestión de Cartera and Afiliación y Cobertura are Unidades Provinciales, in nivel
    1-3 groups. A unit keeps a name staff gave it; the standard name follows the
    category. Audited."""
    if not 1 <= nivel <= 4:
        raise ValueError("El nivel de una provincia va de 1 a 4.")
    with transaction.atomic():
        provincia = Provincia.objects.select_for_update().get(pk=provincia.pk)
        anterior = provincia.nivel
        provincia.nivel = nivel
        provincia.save(update_fields=["nivel"])
        categoria = (
            Unidad.Categoria.UNIDAD_PROVINCIAL if nivel == 4 else Unidad.Categoria.GRUPO_TRABAJO
        )
        for unidad in Unidad.objects.select_for_update().filter(
            provincia=provincia, tipo__in=list(_NOMBRES_POR_NIVEL)
        ):
            nombres = _NOMBRES_POR_NIVEL[Unidad.Tipo(unidad.tipo)]
            if unidad.categoria == categoria:
                continue
            estandar = nombres.get(Unidad.Categoria(unidad.categoria), "")
            if unidad.nombre == estandar.format(provincia.nombre):
                unidad.nombre = nombres[categoria].format(provincia.nombre)
            unidad.categoria = categoria
            unidad.save(update_fields=["categoria", "nombre"])
        audit_log(
            actor=por,
            accion="provincia.nivel",
            obj=provincia,
            detalle={"anterior": anterior, "nivel": nivel},
            request=request,
        )
    return provincia


def feriado_changed() -> None:
    """Hook for every write to core.Feriado (admin and services): clears the cached
    calendar so términos computed afterwards see the change."""
    transaction.on_commit(calendar.invalidate)


def audit_log(
    *,
    actor: Any,
    accion: str,
    obj: models.Model | None = None,
    detalle: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> EventoAuditoria:
    """Append one audit event. `actor` may be anonymous (None or AnonymousUser)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    return EventoAuditoria.objects.create(
        actor=actor,
        accion=accion,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        objeto=str(obj)[:200] if obj is not None else "",
        detalle=detalle or {},
        ip=ip,
    )


_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_verification_code() -> str:
    """An unguessable code (≈100 bits) with an ISO 7064 check character, grouped for
    reading aloud: XXXXX-XXXXX-XXXXX-XXXXX-C. A mistyped code is told apart from an
    unknown one."""
    body = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(20))
    check = mod_37_36.calc_check_digit(body)
    groups = [body[i : i + 5] for i in range(0, 20, 5)]
    return "-".join([*groups, check])


def verification_code_is_well_formed(code: str) -> bool:
    compact = code.replace("-", "").upper()
    return len(compact) == 21 and mod_37_36.is_valid(compact)


def documento_verificable_emitir(
    *,
    tipo: str,
    titulo: str,
    datos_publicos: dict[str, Any],
    pdf: bytes | None = None,
    vigente_hasta: dt.date | None = None,
    codigo: str | None = None,
    pendiente_firma: bool = False,
) -> DocumentoVerificable:
    """Register an issued document so its QR code can be verified. `datos_publicos` must
    hold only what the document itself states (the verification page shows it). With
    `pendiente_firma` the page says it awaits its signature and is not in force until
    documento_verificable_firmar."""
    documento = DocumentoVerificable(
        codigo=codigo or new_verification_code(),
        tipo=tipo,
        titulo=titulo,
        datos_publicos=datos_publicos,
        vigente_hasta=vigente_hasta,
        pendiente_firma=pendiente_firma,
    )
    documento.save()
    if pdf is not None:
        documento_verificable_adjuntar_pdf(documento=documento, pdf=pdf)
    return documento


def documento_verificable_adjuntar_pdf(*, documento: DocumentoVerificable, pdf: bytes) -> None:
    """Attach the rendered PDF to a registered document (the PDF carries the document's
    own QR code, so it is rendered after the code exists)."""
    contenido = ContentFile(pdf)
    documento.sha256 = sha256_of(contenido)
    documento.archivo.save(generated_name("verificables", "pdf"), contenido, save=False)
    documento.save(update_fields=["archivo", "sha256"])


def documento_verificable_firmar(
    *, documento: DocumentoVerificable, pdf: bytes, datos_publicos: dict[str, Any]
) -> DocumentoVerificable:
    """A document that awaited its signature is signed: its signed PDF replaces the one
    reviewed (the caller keeps that one, e.g. in its signature record), the public data
    gain what the signature states, and it is in force from now on."""
    with transaction.atomic():
        fila = DocumentoVerificable.objects.select_for_update().get(pk=documento.pk)
        if not fila.pendiente_firma or fila.anulado_en:
            raise ValueError(f"{fila} no está pendiente de firma.")
        fila.datos_publicos = {**fila.datos_publicos, **datos_publicos}
        fila.pendiente_firma = False
        fila.save(update_fields=["datos_publicos", "pendiente_firma"])
        documento_verificable_adjuntar_pdf(documento=fila, pdf=pdf)
    return fila


def documento_verificable_anular(*, documento: DocumentoVerificable, motivo: str, por: Any) -> None:
    with transaction.atomic():
        documento = DocumentoVerificable.objects.select_for_update().get(pk=documento.pk)
        if documento.anulado_en:
            return
        documento.anulado_en = timezone.now()
        documento.motivo_anulacion = motivo
        documento.save(update_fields=["anulado_en", "motivo_anulacion"])
        audit_log(actor=por, accion="documento.anulado", obj=documento, detalle={"motivo": motivo})


def feriados_nacionales_cargar(*, years: range) -> int:
    """Insert the national holidays of `years` that are missing (idempotent)."""
    antes = Feriado.objects.filter(canton__isnull=True).count()
    Feriado.objects.bulk_create(
        [
            Feriado(
                fecha=fecha,
                nombre=nombre,
                origen=Feriado.Origen.LEY,
                base_legal="Código del Trabajo, art. 65",
            )
            for fecha, nombre in calendar.national_holidays(years).items()
        ],
        ignore_conflicts=True,
    )
    feriado_changed()
    return Feriado.objects.filter(canton__isnull=True).count() - antes
