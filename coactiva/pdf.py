"""Coactiva's PDFs: the oficio de levantamiento (reportlab through core.pdf, with its
QR code and the space where the authority signs), the signature stamp, and the
expediente of a process (pypdf: cover and index, every document in order, each page
stamped with its folio number, C.D. 497 3.5.3 a)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from core.pdf import data_table, key_value_table, p, render
from core.templatetags.portal import dolares


def _fecha(valor: Any) -> str:
    with translation.override("es"):
        return date_format(valor, r"j \d\e F \d\e Y")


# Where the signature space of an oficio is, written into the PDF's metadata when it is
# rendered ("page x y width height", points) and read back when it is signed.
CLAVE_ESPACIO_FIRMA = "/IESSEspacioFirma"


class EspacioFirma(Flowable):
    """The empty, framed space above the signer's title where the signature goes. It
    records where it was drawn (page and rectangle), so that the signature can be
    stamped there later on the very PDF that was reviewed."""

    def __init__(self, ancho: float = 95 * mm, alto: float = 30 * mm) -> None:
        super().__init__()
        self.ancho, self.alto = ancho, alto
        self.posicion: tuple[int, float, float, float, float] | None = None

    def wrap(self, *args: Any) -> tuple[float, float]:
        return self.ancho, self.alto

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        self.posicion = (canvas.getPageNumber(), x, y, self.ancho, self.alto)
        super().drawOn(canvas, x, y, _sW)

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setStrokeColor(colors.grey)
        self.canv.setDash(2, 2)
        self.canv.setLineWidth(0.5)
        self.canv.rect(0, 0, self.ancho, self.alto)
        self.canv.restoreState()


def oficio_levantamiento(
    *,
    oficio: Any,
    levantamiento: Any,
    medidas: Sequence[Any],
    titulos: Sequence[Any],
    cargo_firmante: str,
) -> bytes:
    """The Oficio de levantamiento de medidas cautelares addressed to one entity: the
    process, the debtor, the measures and assets, the legal basis and, under an empty
    signature space, the title of the authority who signs it (firmar_oficio stamps the
    signature there)."""
    juicio = levantamiento.juicio
    empleador = juicio.empleador
    unidad = juicio.unidad
    ciudad = unidad.provincia.capital if unidad.provincia else ""
    datos = oficio.datos_publicos
    espacio = EspacioFirma()
    story: list[Flowable] = [
        p(f"{escape(ciudad)}, {_fecha(timezone.localdate(oficio.emitido_en))}"),
        Spacer(1, 3 * mm),
        p(f"Señores<br/><b>{escape(levantamiento.entidad_nombre)}</b><br/>Presente.-"),
        Spacer(1, 3 * mm),
        p("<b>Asunto:</b> Levantamiento de medidas cautelares"),
        Spacer(1, 2 * mm),
        p(
            f"Dentro del juicio coactivo N.º <b>{escape(juicio.numero)}</b> que sigue el "
            "Instituto Ecuatoriano de Seguridad Social en contra de "
            f"<b>{escape(empleador.razon_social)}</b>, con RUC/cédula "
            f"<b>{escape(empleador.identificacion)}</b>, por cuanto la totalidad de los "
            "títulos de crédito que lo originaron se encuentran cancelados o anulados, y de "
            f"conformidad con el {escape(datos.get('Base legal', ''))}, se dispone el "
            "<b>levantamiento</b> de las siguientes medidas cautelares ordenadas a su "
            "institución:"
        ),
        Spacer(1, 2 * mm),
        data_table(
            ["Medida", "Bien o cuenta", "Ordenada el"],
            [
                [
                    m.get_tipo_display(),
                    escape(m.descripcion),
                    f"{timezone.localtime(m.ordenada_en):%d/%m/%Y}",
                ]
                for m in medidas
            ],
            widths=[45, 90, 35],
        ),
        Spacer(1, 3 * mm),
        key_value_table(
            [
                ("Oficio N.º", escape(datos.get("Oficio N.º", ""))),
                (
                    "Títulos de crédito",
                    escape(
                        "; ".join(f"{t.numero} ({t.get_estado_display().lower()})" for t in titulos)
                    ),
                ),
                ("Unidad", escape(unidad.nombre)),
                ("Secretario-Abogado", escape(juicio.secretario.nombre)),
            ]
        ),
        Spacer(1, 3 * mm),
        p(
            "Sírvase registrar el levantamiento y comunicarlo a este juzgado de coactivas. "
            "La autenticidad y vigencia de este oficio pueden verificarse con el código QR."
        ),
        Spacer(1, 6 * mm),
        KeepTogether(
            [
                espacio,
                p(f"<b>{escape(cargo_firmante)}</b>"),
                p(
                    f"Certifica: {escape(juicio.secretario.nombre)}, Secretario(a)-Abogado(a)",
                    "pequeno",
                ),
            ]
        ),
    ]
    pdf = render(
        titulo=oficio.titulo,
        story=story,
        codigo_verificacion=oficio.codigo,
        dependencia=unidad.nombre,
    )
    if espacio.posicion is None:  # pragma: no cover - reportlab always draws it
        raise RuntimeError("El oficio se generó sin espacio para la firma.")
    escritor = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    escritor.add_metadata({CLAVE_ESPACIO_FIRMA: " ".join(f"{v:.2f}" for v in espacio.posicion)})
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def estampar_firma(*, pdf: bytes, nombre: str, cargo: str, firmado_en: dt.datetime) -> bytes:
    """The signed oficio: the reviewed PDF with, in its signature space, who signed it
    (name and title) and when (date and time, Ecuador). Nothing else on the page
    changes.

    There is no electronic-signature infrastructure here (no certificate, no PAdES
    signature such as FirmaEC would produce): this stamp records on the document the
    signing act registered in the platform (coactiva.FirmaOficio: who, when, the
    hashes of the reviewed and the signed PDF), and the verification page is what
    proves it in force. A real e-signature would sign this same PDF instead."""
    lector = PdfReader(io.BytesIO(pdf))
    metadatos: dict[str, Any] = dict(lector.metadata or {})
    espacio = metadatos.get(CLAVE_ESPACIO_FIRMA)
    if not espacio:
        raise ValueError("El PDF del oficio no tiene espacio de firma.")
    pagina_n, x, y, ancho, alto = (float(v) for v in str(espacio).split())
    pagina = lector.pages[int(pagina_n) - 1]
    momento = timezone.localtime(firmado_en)
    lineas = [
        ("Helvetica-Bold", 8.5, "FIRMADO POR"),
        ("Helvetica-Bold", 9, nombre),
        ("Helvetica", 7.5, cargo),
        ("Helvetica", 7.5, f"Fecha y hora: {momento:%d/%m/%Y %H:%M:%S} (hora de Ecuador)"),
        (
            "Helvetica-Oblique",
            6,
            "Firma registrada en la plataforma del IESS; verifique su vigencia con el código QR.",
        ),
    ]
    buffer = io.BytesIO()
    ancho_pagina, alto_pagina = float(pagina.mediabox.width), float(pagina.mediabox.height)
    lienzo = rl_canvas.Canvas(buffer, pagesize=(ancho_pagina, alto_pagina))
    lienzo.setFillColor(colors.HexColor("#0b3d91"))
    cursor = y + alto - 4 * mm
    for fuente, tamano, texto in lineas:
        for renglon in simpleSplit(texto, fuente, tamano, ancho - 6 * mm):
            lienzo.setFont(fuente, tamano)
            lienzo.drawString(x + 3 * mm, cursor, renglon)
            cursor -= tamano + 1.5
    lienzo.save()
    sello = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
    escritor = PdfWriter(clone_from=lector)
    escritor.pages[int(pagina_n) - 1].merge_page(sello)
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def _razones(juicio: Any, actuaciones: Sequence[Any]) -> PdfReader:
    """One page per entry without its own document (a "razón" of what was done)."""
    story: list[Flowable] = []
    for i, a in enumerate(actuaciones):
        if i:
            story.append(PageBreak())
        story += [
            p(f"<b>Razón N.º {a.numero}</b> · juicio coactivo N.º {escape(juicio.numero)}", "h2"),
            key_value_table(
                [
                    ("Fecha", f"{timezone.localtime(a.en):%d/%m/%Y %H:%M}"),
                    ("Tipo", a.get_tipo_display()),
                    ("Etapa", a.get_etapa_display() if a.etapa else "—"),
                    ("Registrado por", escape(a.por.get_full_name() if a.por else "Sistema")),
                ]
            ),
            Spacer(1, 4 * mm),
            p(escape(a.descripcion)),
        ]
    pdf = render(titulo="Razones del expediente", story=story or [p("")])
    return PdfReader(io.BytesIO(pdf))


def _caratula(juicio: Any, actuaciones: Sequence[Any]) -> PdfReader:
    empleador = juicio.empleador
    titulos = list(juicio.titulos.order_by("anio", "secuencial"))
    story: list[Flowable] = [
        key_value_table(
            [
                ("Juicio coactivo N.º", escape(juicio.numero)),
                ("Unidad", escape(juicio.unidad.nombre)),
                ("Coactivado", escape(f"{empleador.razon_social} ({empleador.identificacion})")),
                ("Secretario-Abogado", escape(juicio.secretario.nombre)),
                ("Etapa", juicio.get_etapa_display()),
                ("Abierto el", f"{timezone.localtime(juicio.abierto_en):%d/%m/%Y}"),
                ("Monto al iniciar", dolares(juicio.monto_inicial)),
                ("Títulos de crédito", escape(", ".join(t.numero for t in titulos))),
                (
                    "Fojas",
                    str(actuaciones[-1].folio_hasta if actuaciones else 0),
                ),
            ]
        ),
        Spacer(1, 6 * mm),
        p("Índice", "h2"),
        data_table(
            ["N.º", "Fecha", "Actuación", "Folios"],
            [
                [
                    a.numero,
                    f"{timezone.localtime(a.en):%d/%m/%Y}",
                    escape(a.descripcion),
                    f"{a.folio_desde}-{a.folio_hasta}" if a.paginas > 1 else str(a.folio_desde),
                ]
                for a in actuaciones
            ],
            widths=[12, 22, 111, 25],
        ),
    ]
    pdf = render(
        titulo=f"Expediente del juicio coactivo N.º {juicio.numero}",
        story=story,
        dependencia=juicio.unidad.nombre,
    )
    return PdfReader(io.BytesIO(pdf))


def _sello(paginas: Sequence[Any], inicio: int, rotulo: str) -> PdfReader:
    """An overlay page per page of the documents, the size of each, with its folio."""
    buffer = io.BytesIO()
    lienzo = rl_canvas.Canvas(buffer, pagesize=A4)
    for i, pagina in enumerate(paginas):
        ancho, alto = float(pagina.mediabox.width), float(pagina.mediabox.height)
        lienzo.setPageSize((ancho, alto))
        lienzo.setFont("Helvetica-Bold", 11)
        lienzo.drawRightString(ancho - 12 * mm, alto - 8 * mm, f"Folio {inicio + i}")
        lienzo.setFont("Helvetica", 6.5)
        lienzo.drawRightString(ancho - 12 * mm, alto - 11.5 * mm, rotulo)
        lienzo.showPage()
    lienzo.save()
    return PdfReader(io.BytesIO(buffer.getvalue()))


def expediente(*, juicio: Any, actuaciones: Sequence[Any]) -> bytes:
    """The process file as one PDF: cover and index (not foliated), then each entry's
    document in order, every page stamped with its folio (the numbers recorded on the
    entries when they were added)."""
    sin_documento = [a for a in actuaciones if not _archivo(a)]
    razones = _razones(juicio, sin_documento)
    pagina_razon = {a.pk: razones.pages[i] for i, a in enumerate(sin_documento)}
    escritor = PdfWriter()
    for pagina in _caratula(juicio, actuaciones).pages:
        escritor.add_page(pagina)
    documentos = []
    for a in actuaciones:
        archivo = _archivo(a)
        if archivo:
            with archivo.open("rb") as handle:
                lector = PdfReader(io.BytesIO(handle.read()))
            documentos += list(lector.pages)[: a.paginas]
        else:
            documentos.append(pagina_razon[a.pk])
    sellos = _sello(documentos, 1, f"Juicio coactivo N.º {juicio.numero}")
    for pagina, sello in zip(documentos, sellos.pages, strict=True):
        nueva = escritor.add_page(pagina)
        nueva.merge_page(sello)
    escritor.add_metadata({"/Title": f"Expediente {juicio.numero}", "/Author": "IESS"})
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def _archivo(actuacion: Any) -> Any:
    if actuacion.archivo:
        return actuacion.archivo
    if actuacion.documento_id and actuacion.documento.archivo:
        return actuacion.documento.archivo
    return None


def constancia_por_firmar(
    *,
    documento: Any,
    solicitud: Any,
    filas: Sequence[tuple[str, str, str, str]],
    cargo: str,
    unidad: Any,
) -> bytes:
    """The filer's proof that the levantamiento was ordered while its oficios wait for
    the authority's signature: each oficio, the entity it goes to and the code that
    will show it in force once signed."""
    story: list[Flowable] = [
        key_value_table(
            [
                ("Trámite N.º", escape(solicitud.numero)),
                ("Solicitante", escape(solicitud.solicitante_nombre)),
                ("Fecha", _fecha(timezone.localdate(documento.emitido_en))),
            ]
        ),
        Spacer(1, 4 * mm),
        p(
            "Se dispuso el levantamiento de las medidas cautelares de los procesos siguientes, "
            "cuyos títulos de crédito están cancelados o anulados. Los oficios están "
            f"<b>pendientes de la firma del/de la {escape(cargo)}</b> y no surten efecto hasta "
            "que se firmen. Cuando se firmen recibirá un correo electrónico con sus enlaces "
            "de verificación; mientras tanto, la página de verificación de cada código dirá "
            "«pendiente de firma»."
        ),
    ]
    # One block per oficio: a verification code is too wide for a table column and
    # must stay on one line to be typed.
    for juicio, entidad, numero, codigo in filas:
        story += [
            Spacer(1, 3 * mm),
            key_value_table(
                [
                    ("Oficio N.º", escape(numero)),
                    ("Juicio coactivo N.º", escape(juicio)),
                    ("Dirigido a", escape(entidad)),
                    ("Código de verificación", f"<b>{escape(codigo)}</b>"),
                ]
            ),
        ]
    return render(
        titulo=documento.titulo,
        story=story,
        codigo_verificacion=documento.codigo,
        dependencia=unidad.nombre,
    )
