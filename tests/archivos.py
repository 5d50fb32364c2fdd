"""Upload test files built in memory (Pillow, pypdf): good ones and the usual bad ones."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def jpeg_bytes(
    size: tuple[int, int] = (640, 480),
    *,
    exif: bool = False,
    quality: int = 85,
    modo: str = "RGB",
    progressive: bool = False,
    orientacion: int = 0,
) -> bytes:
    """A scan-like JPEG: light blue (red in CMYK) with dark dots."""
    fondo = {"RGB": (200, 210, 230), "L": 210, "CMYK": (0, 255, 255, 0)}[modo]
    tinta = {"RGB": (10, 10, 10), "L": 10, "CMYK": (0, 0, 0, 245)}[modo]
    imagen = Image.new(modo, size, fondo)
    for x in range(0, size[0], 7):  # some detail so it compresses like a scan
        for y in range(0, size[1], 53):
            imagen.putpixel((x, y), tinta)
    salida = io.BytesIO()
    datos = Image.Exif()
    if exif:
        datos[0x010F] = "Camara Secreta"  # Make
        datos[0x8825] = {2: (0.0, 12.0, 30.0)}  # GPS
    if orientacion:
        datos[0x0112] = orientacion
    opciones = {"exif": datos.tobytes()} if (exif or orientacion) else {}
    imagen.save(salida, format="JPEG", quality=quality, progressive=progressive, **opciones)
    return salida.getvalue()


def png_bytes() -> bytes:
    salida = io.BytesIO()
    Image.new("RGB", (50, 50), (255, 0, 0)).save(salida, format="PNG")
    return salida.getvalue()


def pdf_bytes(paginas: int = 1, *, texto: str = "Solicitud firmada") -> bytes:
    escritor = PdfWriter()
    for _ in range(paginas):
        escritor.add_blank_page(width=595, height=842)
    escritor.add_metadata({"/Title": texto})
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def _pdf_con_open_action(accion: dict) -> bytes:
    escritor = PdfWriter()
    escritor.add_blank_page(width=595, height=842)
    objeto = DictionaryObject({NameObject(k): v for k, v in accion.items()})
    escritor._root_object[NameObject("/OpenAction")] = escritor._add_object(objeto)
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def pdf_con_javascript() -> bytes:
    return _pdf_con_open_action(
        {
            "/Type": NameObject("/Action"),
            "/S": NameObject("/JavaScript"),
            "/JS": TextStringObject("app.alert('hola');"),
        }
    )


def pdf_con_javascript_escondido() -> bytes:
    """JavaScript spelled with #-escapes (/J#61vaScript), as malware does to dodge scans."""
    return pdf_con_javascript().replace(b"/JavaScript", b"/J#61vaScript")


def pdf_con_adjunto() -> bytes:
    escritor = PdfWriter()
    escritor.add_blank_page(width=595, height=842)
    escritor.add_attachment("factura.exe", b"MZ\x90\x00 programa")
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def pdf_con_launch() -> bytes:
    return _pdf_con_open_action(
        {
            "/Type": NameObject("/Action"),
            "/S": NameObject("/Launch"),
            "/F": TextStringObject("cmd.exe"),
        }
    )


def pdf_cifrado() -> bytes:
    escritor = PdfWriter()
    escritor.add_blank_page(width=595, height=842)
    escritor.encrypt(user_password="", owner_password="secreto", algorithm="RC4-128")
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def pdf_crudo(*cuerpos: bytes) -> bytes:
    """A PDF written by hand, object by object (1: catalog, 2: pages, 3: the page), with
    a correct cross-reference table: for shapes pypdf's writer will not produce."""
    salida = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    posiciones = []
    for numero, cuerpo in enumerate(cuerpos, start=1):
        posiciones.append(len(salida))
        salida += f"{numero} 0 obj\n".encode() + cuerpo + b"\nendobj\n"
    xref = len(salida)
    salida += f"xref\n0 {len(cuerpos) + 1}\n0000000000 65535 f \n".encode()
    salida += b"".join(f"{p:010d} 00000 n \n".encode() for p in posiciones)
    salida += f"trailer\n<< /Size {len(cuerpos) + 1} /Root 1 0 R >>\n".encode()
    salida += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(salida)


def pdf_con_pagina(extra: bytes = b"", *otros: bytes) -> bytes:
    """A one-page PDF whose page dictionary carries `extra`; `otros` are objects 4, 5…"""
    return pdf_crudo(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + extra + b" >>",
        *otros,
    )


def pdf_anidado(niveles: int) -> bytes:
    """Dictionaries nested `niveles` deep inside the page (a parser-exhaustion trick)."""
    return pdf_con_pagina(b"/Foo " + b"<< /A " * niveles + b"1" + b" >>" * niveles)


def pdf_bomba(megas: int = 200) -> bytes:
    """A page whose content stream deflates from a few hundred KB to `megas` MB."""
    import zlib

    comprimido = zlib.compress(b"\x00" * (megas * 1_048_576), 9)
    flujo = b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(comprimido)
    return pdf_con_pagina(b"/Contents 4 0 R", flujo + comprimido + b"\nendstream")


def pdf_js_en_flujo_de_objetos(*, escapado: bool = False) -> bytes:
    """An /OpenAction whose JavaScript action lives only inside a compressed object
    stream, listed by a cross-reference stream: the raw bytes never show the name."""
    import struct
    import zlib

    nombre = b"/J#61vaScript" if escapado else b"/JavaScript"
    cabecera = b"4 0 "
    comprimido = zlib.compress(cabecera + b"<< /S " + nombre + b" /JS (app.alert\\(1\\)) >>")
    salida = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    posiciones = {}
    for numero, cuerpo in [
        (1, b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"),
        (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        (3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"),
        (
            5,
            b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (len(cabecera), len(comprimido))
            + comprimido
            + b"\nendstream",
        ),
    ]:
        posiciones[numero] = len(salida)
        salida += f"{numero} 0 obj\n".encode() + cuerpo + b"\nendobj\n"
    xref = len(salida)
    filas = struct.pack(">BIH", 0, 0, 65535)
    filas += b"".join(struct.pack(">BIH", 1, posiciones[n], 0) for n in (1, 2, 3))
    filas += struct.pack(">BIH", 2, 5, 0)  # object 4: first in object stream 5
    filas += struct.pack(">BIH", 1, posiciones[5], 0) + struct.pack(">BIH", 1, xref, 0)
    datos = zlib.compress(filas)
    salida += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
        b"/Length %d >>\nstream\n" % len(datos) + datos + b"\nendstream\nendobj\n"
    )
    salida += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(salida)


def imagen(formato: str, modo: str = "RGB") -> bytes:
    salida = io.BytesIO()
    Image.new(modo, (64, 64), 90).save(salida, format=formato)
    return salida.getvalue()


def subido(
    nombre: str, contenido: bytes, tipo: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(nombre, contenido, content_type=tipo)


def archivos_en(path) -> list:  # type: ignore[no-untyped-def]
    """Every file under a private-storage folder (empty list if it does not exist)."""
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []
