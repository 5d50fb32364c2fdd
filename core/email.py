"""Outgoing e-mail through the outbox (core.Correo): render Spanish templates, store the
message, send it after commit. Templates live in templates/correo/<name>.txt (required)
and <name>.html (optional); both get `site_url` in their context. The plain text is
rendered by the "texto" template engine (settings.TEMPLATES), which does not escape
HTML; the HTML part by the default one, which does."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import connection, models, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from core.formato import separadores
from core.models import Correo
from core.queue import enqueue_on_commit
from core.storage import private_storage

MAX_INTENTOS = 6
TEXTO = "texto"  # the template engine of plain-text bodies (no HTML escaping)


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
    texto = render_to_string(f"correo/{plantilla}.txt", ctx, using=TEXTO)
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


# --- Bulk e-mail: one outbox row per recipient, written by the database ----------------

_SENTINELA = re.compile(r"\x00([A-Za-z_][A-Za-z0-9_]*)\x00")
LOTE_ENVIO = 200  # e-mails per delivery task


def sql_fecha(expresion: str) -> str:
    """SQL that formats a date column as dd/mm/yyyy on this database (for bulk
    templates, which receive values already formatted)."""
    if connection.vendor == "postgresql":
        return f"to_char({expresion}, 'DD/MM/YYYY')"
    return f"strftime('%%d/%%m/%%Y', {expresion})"


def sql_mes(expresion: str) -> str:
    """A date column as mm/yyyy (a planilla's period), as pages print it."""
    if connection.vendor == "postgresql":
        return f"to_char({expresion}, 'MM/YYYY')"
    return f"strftime('%%m/%%Y', {expresion})"


def sql_ceros(expresion: str, digitos: int) -> str:
    """An integer column zero-padded to `digitos` (glosa 00000012, título …-000123)."""
    if connection.vendor == "postgresql":
        return f"lpad(CAST({expresion} AS TEXT), {int(digitos)}, '0')"
    return f"printf('%%0{int(digitos)}d', {expresion})"


def _separadores_sql() -> tuple[str, str]:
    miles, coma = separadores()
    if any(len(c) != 1 or c in "'%\\" for c in (miles, coma)):
        raise ValueError("Separadores numéricos no admitidos en SQL.")
    return miles, coma


def _sql_agrupado(entero: str) -> str:
    """A non-negative integer with its thousands grouped the portal's way."""
    miles, _ = _separadores_sql()
    if connection.vendor == "postgresql":
        # to_char's «,» is a literal comma whatever the server's locale.
        texto = f"to_char({entero}, 'FM999,999,999,999,999,990')"
    else:
        texto = f"printf('%%,d', {entero})"
    return f"replace({texto}, ',', '{miles}')"


def sql_cifra(expresion: str) -> str:
    """An integer column written as core.formato.cifra writes it: 1.066."""
    signo = f"CASE WHEN {expresion} < 0 THEN '-' ELSE '' END"
    return f"({signo} || {_sql_agrupado(f'ABS({expresion})')})"


def sql_dolares(expresion: str) -> str:
    """A money column written as core.formato.dolares writes it: USD 1.234,56 (half up
    to the cent; SQLite's floating point is rounded to cents first). Like the other
    sql_* helpers it doubles «%» for a statement executed with parameters."""
    _, coma = _separadores_sql()
    centavos = f"CAST(ROUND(ABS({expresion}) * 100) AS BIGINT)"
    if connection.vendor == "postgresql":
        decimales = f"lpad(CAST({centavos} %% 100 AS TEXT), 2, '0')"
    else:
        decimales = f"printf('%%02d', {centavos} %% 100)"
    return (
        f"(CASE WHEN ROUND({expresion} * 100) < 0 THEN '-' ELSE '' END || 'USD ' || "
        f"{_sql_agrupado(f'{centavos} / 100')} || '{coma}' || {decimales})"
    )


def sql_lista(expresion: str, *, orden: str) -> str:
    """The rows' `expresion` joined one per line (an aggregate). PostgreSQL orders them
    by `orden`; SQLite before 3.44 cannot, so there they come in the order the rows are
    read (feed it an ordered subquery)."""
    if connection.vendor == "postgresql":
        return f"string_agg({expresion}, E'\\n' ORDER BY {orden})"
    return f"group_concat({expresion}, char(10))"


def correos_encolar_sql(
    *,
    plantilla: str,
    asunto: str,
    origen_sql: str,
    params: Sequence[Any] = (),
    campos: Sequence[str],
    evento: str = "",
    modelo: type[models.Model] | None = None,
    contexto: dict[str, Any] | None = None,
    creado_en: dt.datetime | None = None,
) -> list[int]:
    """Queue one e-mail per row of `origen_sql` in a single INSERT … SELECT, for mass
    notices (tens of thousands of employers) where rendering each message in Python
    would dominate the job.

    `origen_sql` is a SELECT giving a column `para` (the address), a column `objeto_id`
    (the pk of the `modelo` row the e-mail is about, or NULL) and one column per name
    in `campos`, already formatted as text (see `sql_fecha`). The plain-text template
    `correo/<plantilla>.txt` is rendered once with a marker per field (and `contexto`
    for constant values); the database fills the markers in. Fields must therefore be
    printed as they are (no filters), and bulk templates have no HTML part. Rows
    without an address are skipped. Delivery is queued after commit, LOTE_ENVIO
    e-mails per task; the periodic sweep resends anything left pending."""
    campos = list(campos)
    if _template_exists(f"correo/{plantilla}.html"):
        raise ValueError(f"La plantilla masiva «{plantilla}» no puede tener parte HTML.")
    ctx = {
        "site_url": settings.SITE_URL,
        **(contexto or {}),
        **{campo: f"\x00{campo}\x00" for campo in campos},
    }
    texto = render_to_string(f"correo/{plantilla}.txt", ctx, using=TEXTO)
    piezas = _SENTINELA.split(texto)
    literales, variables = piezas[0::2], piezas[1::2]
    if set(variables) != set(campos) or any("\x00" in parte for parte in literales):
        raise ValueError(
            f"La plantilla «{plantilla}» debe mostrar cada campo ({', '.join(campos)}) sin filtros."
        )
    cuerpo_sql = ["%s"]
    cuerpo_params: list[Any] = [literales[0]]
    for variable, literal in zip(variables, literales[1:], strict=True):
        cuerpo_sql += [f"COALESCE(CAST(fuente.{variable} AS TEXT), '')", "%s"]
        cuerpo_params.append(literal)
    postgres = connection.vendor == "postgresql"
    para_sql = "jsonb_build_array(fuente.para)" if postgres else "json_array(fuente.para)"
    lista_vacia = "'[]'::jsonb" if postgres else "'[]'"
    momento = creado_en or timezone.now()
    content_type = ContentType.objects.get_for_model(modelo) if modelo is not None else None
    tabla = connection.ops.quote_name(Correo._meta.db_table)
    # Only identifiers written in code are interpolated; every value is a parameter.
    sql = (
        f"INSERT INTO {tabla} (creado_en, evento, para, asunto, cuerpo_texto, cuerpo_html, "  # noqa: S608  # nosec B608
        "adjuntos, estado, intentos, ultimo_error, enviado_en, content_type_id, object_id) "
        f"SELECT %s, %s, {para_sql}, %s, {' || '.join(cuerpo_sql)}, '', {lista_vacia}, "
        "%s, 0, '', NULL, %s, COALESCE(CAST(fuente.objeto_id AS TEXT), '') "
        f"FROM ({origen_sql}) fuente WHERE COALESCE(fuente.para, '') <> '' RETURNING id"
    )
    todos = [
        connection.ops.adapt_datetimefield_value(momento),
        evento,
        asunto[:200],
        *cuerpo_params,
        Correo.Estado.PENDIENTE,
        content_type.pk if content_type is not None else None,
        *params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, todos)
        ids = sorted(fila[0] for fila in cursor.fetchall())
    from core.tasks import correos_enviar_lote_task

    for inicio in range(0, len(ids), LOTE_ENVIO):
        enqueue_on_commit(correos_enviar_lote_task, ids[inicio : inicio + LOTE_ENVIO])
    return ids


def _template_exists(nombre: str) -> bool:
    try:
        get_template(nombre)
    except TemplateDoesNotExist:
        return False
    return True
