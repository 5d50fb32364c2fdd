"""Outgoing e-mail through the outbox (core.Correo): render Spanish templates, store the
message, send it after commit. Templates live in templates/correo/<name>.txt (required)
and <name>.html (optional); both get `site_url` in their context."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from core.models import Correo
from core.queue import enqueue_on_commit
from core.storage import private_storage

MAX_INTENTOS = 6


def correo_enviar(
    *,
    para: Sequence[str],
    asunto: str,
    plantilla: str,
    contexto: dict[str, Any] | None = None,
    adjuntos: Iterable[dict[str, str]] = (),
    evento: str = "",
    obj: models.Model | None = None,
) -> Correo | None:
    """Queue an e-mail. `adjuntos` are files already in private storage:
    [{"nombre": "acuse.pdf", "ruta": "<storage name>", "tipo": "application/pdf"}].
    Returns None (and stores nothing) when there is no recipient."""
    destinatarios = [d for d in dict.fromkeys(para) if d]
    if not destinatarios:
        return None
    ctx = {"site_url": settings.SITE_URL, **(contexto or {})}
    texto = render_to_string(f"correo/{plantilla}.txt", ctx)
    html: str
    try:
        html = render_to_string(f"correo/{plantilla}.html", ctx)
    except TemplateDoesNotExist:
        html = ""
    correo = Correo.objects.create(
        evento=evento,
        para=destinatarios,
        asunto=asunto[:200],
        cuerpo_texto=texto,
        cuerpo_html=html,
        adjuntos=list(adjuntos),
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
    )
    from core.tasks import correo_enviar_task

    enqueue_on_commit(correo_enviar_task, correo.pk)
    return correo


def correo_entregar(*, correo_id: int) -> bool:
    """Deliver one queued e-mail (idempotent: a sent one is not sent again). Raises on
    SMTP failure so the task retries; marks FALLIDO after MAX_INTENTOS."""
    with transaction.atomic():
        correo = Correo.objects.select_for_update().filter(pk=correo_id).first()
        if correo is None or correo.estado != Correo.Estado.PENDIENTE:
            return False
        mensaje = EmailMultiAlternatives(
            subject=correo.asunto,
            body=correo.cuerpo_texto,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=correo.para,
        )
        if correo.cuerpo_html:
            mensaje.attach_alternative(correo.cuerpo_html, "text/html")
        for adjunto in correo.adjuntos:
            with private_storage().open(adjunto["ruta"], "rb") as handle:
                mensaje.attach(
                    adjunto["nombre"],
                    handle.read(),
                    adjunto.get("tipo", "application/octet-stream"),
                )
        correo.intentos += 1
        try:
            mensaje.send(fail_silently=False)
        except Exception as exc:
            correo.ultimo_error = f"{type(exc).__name__}: {exc}"[:2000]
            if correo.intentos >= MAX_INTENTOS:
                correo.estado = Correo.Estado.FALLIDO
            correo.save(update_fields=["intentos", "ultimo_error", "estado"])
            if correo.estado == Correo.Estado.FALLIDO:
                return False
            raise
        correo.estado = Correo.Estado.ENVIADO
        correo.enviado_en = timezone.now()
        correo.save(update_fields=["estado", "enviado_en", "intentos"])
        return True
