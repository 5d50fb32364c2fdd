"""Generated PDFs (reportlab) with the institution's letterhead and, for verifiable
documents, a QR code (segno) pointing to /verificar/<codigo>/."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

# Only escapes text for reportlab's markup; it parses no XML (bandit B406).
from xml.sax.saxutils import escape as escape  # nosec B406

import segno
from django.conf import settings
from django.urls import reverse
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

INSTITUCION = "INSTITUTO ECUATORIANO DE SEGURIDAD SOCIAL"


def verification_url(codigo: str) -> str:
    return settings.SITE_URL + reverse("core:verificar", args=[codigo])


def qr_png(data: str, *, scale: int = 4) -> bytes:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=scale, border=1)
    return buffer.getvalue()


def qr_flowable(data: str, *, size_mm: float = 28) -> Image:
    return Image(io.BytesIO(qr_png(data)), width=size_mm * mm, height=size_mm * mm)


def styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "titulo": ParagraphStyle("titulo", parent=base["Title"], fontSize=14, spaceAfter=6),
        "subtitulo": ParagraphStyle(
            "subtitulo",
            parent=base["Normal"],
            alignment=TA_CENTER,
            fontSize=9,
            textColor=colors.grey,
        ),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=11, spaceBefore=8),
        "normal": ParagraphStyle("normal", parent=base["Normal"], fontSize=10, leading=14),
        "pequeno": ParagraphStyle("pequeno", parent=base["Normal"], fontSize=8, leading=10),
    }


def p(text: str, style: str = "normal") -> Paragraph:
    """A paragraph; `text` is reportlab mini-HTML, so escape user data before passing it."""
    return Paragraph(text, styles()[style])


def key_value_table(rows: Sequence[tuple[str, Any]]) -> Table:
    data = [[p(f"<b>{k}</b>"), p(str(v))] for k, v in rows]
    table = Table(data, colWidths=[55 * mm, 115 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
            ]
        )
    )
    return table


def data_table(
    header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float] | None = None
) -> Table:
    data = [[p(f"<b>{h}</b>", "pequeno") for h in header]]
    data += [[p(str(c), "pequeno") for c in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths] if widths else None, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def render(
    *,
    titulo: str,
    story: list[Flowable],
    codigo_verificacion: str | None = None,
    dependencia: str = "",
) -> bytes:
    """Render a document: letterhead, title, `story`, and on each page a footer with
    the page number and, when given, the verification code and URL; the QR code goes
    at the end of the document."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=30 * mm,
        bottomMargin=22 * mm,
        title=titulo,
        author=INSTITUCION,
        lang="es-EC",
    )

    def on_page(canvas: Any, document: Any) -> None:
        canvas.saveState()
        width, height = A4
        canvas.setFillColor(colors.HexColor("#0b3d91"))
        canvas.rect(0, height - 18 * mm, width, 18 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawString(20 * mm, height - 11 * mm, INSTITUCION)
        if dependencia:
            canvas.setFont("Helvetica", 8)
            canvas.drawString(20 * mm, height - 15.5 * mm, dependencia)
        canvas.setFillColor(colors.grey)
        canvas.setFont("Helvetica", 7.5)
        canvas.drawRightString(width - 20 * mm, 12 * mm, f"Página {document.page}")
        if codigo_verificacion:
            canvas.drawString(
                20 * mm,
                12 * mm,
                f"Código de verificación: {codigo_verificacion} · "
                + verification_url(codigo_verificacion),
            )
        canvas.restoreState()

    flow: list[Flowable] = [p(titulo, "titulo"), Spacer(1, 4 * mm), *story]
    if codigo_verificacion:
        url = verification_url(codigo_verificacion)
        flow += [
            Spacer(1, 8 * mm),
            Table(
                [
                    [
                        qr_flowable(url),
                        p(
                            "Verifique la autenticidad y vigencia de este documento escaneando el "
                            f"código QR o ingresando a <b>{url}</b>.<br/>"
                            f"Código: <b>{codigo_verificacion}</b>",
                            "pequeno",
                        ),
                    ]
                ],
                colWidths=[32 * mm, 138 * mm],
                style=[("VALIGN", (0, 0), (-1, -1), "MIDDLE")],
            ),
        ]
    doc.build(flow, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
