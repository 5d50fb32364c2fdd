"""The adversarial battery through the Ventanilla form, as the issue will be checked:
malformed, disguised, oversized, encrypted and scripted files. Each one is refused next
to its slot with a Spanish message naming the file, the rest of the form is kept, and
nothing is left behind (no request, acuse, e-mail or stored byte). Disguises whose
content is a valid JPG or PDF are accepted and stored with the extension of what they
are."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from core.models import Correo, DocumentoVerificable
from tests import archivos
from tests.tramites.conftest import LEVANTAMIENTO, datos_levantamiento, requisito
from tramites.models import Solicitud

pytestmark = pytest.mark.django_db
URL = f"/ventanilla/{LEVANTAMIENTO}/"
PAGINA = (
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
)
JS = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"


def _zip() -> bytes:
    salida = BytesIO()
    with zipfile.ZipFile(salida, "w") as z:
        z.writestr("factura.exe", b"MZ\x90\x00")
    return salida.getvalue()


def _cifrado(algoritmo: str, clave: str = "") -> bytes:
    from pypdf import PdfWriter

    escritor = PdfWriter()
    escritor.add_blank_page(width=595, height=842)
    escritor.encrypt(user_password=clave, owner_password="dueño", algorithm=algoritmo)
    salida = BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def _jpeg_con_dimensiones(ancho: int, alto: int) -> bytes:
    contenido = bytearray(archivos.jpeg_bytes(size=(16, 16)))
    sof = contenido.index(b"\xff\xc0")
    contenido[sof + 5 : sof + 9] = alto.to_bytes(2, "big") + ancho.to_bytes(2, "big")
    return bytes(contenido)


RECHAZOS: dict[str, tuple[Callable[[], bytes], str]] = {
    # Disguised: other formats with a .jpg/.pdf name.
    "png.jpg": (lambda: archivos.imagen("PNG"), "una imagen PNG"),
    "gif.jpg": (lambda: archivos.imagen("GIF", "P"), "una imagen GIF"),
    "webp.jpg": (lambda: archivos.imagen("WEBP"), "WEBP"),
    "bmp.jpg": (lambda: archivos.imagen("BMP"), "una imagen BMP"),
    "tiff.jpg": (lambda: archivos.imagen("TIFF"), "una imagen TIFF"),
    "heic.jpg": (
        lambda: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
        "HEIC",
    ),
    "svg.pdf": (
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "una página web o XML",
    ),
    "pagina.pdf": (lambda: b"<!DOCTYPE html><script>alert(1)</script>", "una página web"),
    "comprimido.pdf": (_zip, "ZIP"),
    "programa.jpg": (lambda: b"MZ\x90\x00" + b"\x00" * 64, "un programa ejecutable"),
    "basura-antes.pdf": (lambda: b"<html>" + archivos.pdf_bytes(), "una página web"),
    # Malformed.
    "vacio.pdf": (lambda: b"", "está vacío"),
    "cortada.jpg": (lambda: archivos.jpeg_bytes()[:3000], "dañada o incompleta"),
    "solo-cabecera.jpg": (lambda: b"\xff\xd8\xff\xd9", "no es una imagen JPG válida"),
    "html-tras-soi.jpg": (lambda: b"\xff\xd8\xff<script>alert(1)</script>", "JPG válida"),
    "cortado.pdf": (lambda: archivos.pdf_bytes()[:-40], "incompleto o cortado"),
    "sin-xref.pdf": (lambda: b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "no es un PDF válido"),
    "html-en-pdf.pdf": (lambda: b"%PDF-1.4\n<script>alert(1)</script>\n%%EOF", "no es un PDF"),
    "poliglota.pdf": (lambda: archivos.pdf_bytes() + _zip(), "datos ocultos después del final"),
    "anidado.pdf": (lambda: archivos.pdf_anidado(300), "anidados a demasiada profundidad"),
    "paginas-ciclicas.pdf": (
        lambda: archivos.pdf_crudo(
            PAGINA[0],
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R >>",
        ),
        "no es un PDF válido",
    ),
    # Oversized, in bytes, pixels, pages or inflation.
    "grande.pdf": (lambda: archivos.pdf_bytes() + b"%" + b"0" * 1_100_000, "el máximo permitido"),
    "bomba.jpg": (lambda: _jpeg_con_dimensiones(65535, 65535), "megapíxeles"),
    "muchas-paginas.pdf": (lambda: archivos.pdf_bytes(paginas=60), "tiene 60 páginas"),
    "bomba.pdf": (lambda: archivos.pdf_bomba(200), "se expanden de forma desproporcionada"),
    # Encrypted, with or without an empty user password.
    "rc4.pdf": (lambda: _cifrado("RC4-128"), "cifrado"),
    "aes128.pdf": (lambda: _cifrado("AES-128"), "cifrado"),
    "aes256.pdf": (lambda: _cifrado("AES-256"), "cifrado"),
    "aes256-clave.pdf": (lambda: _cifrado("AES-256", "1234"), "cifrado"),
    # Scripted and active content, plain and hidden.
    "openaction.pdf": (archivos.pdf_con_javascript, "JavaScript"),
    "escapado.pdf": (archivos.pdf_con_javascript_escondido, "JavaScript"),
    "aa.pdf": (lambda: archivos.pdf_con_pagina(b"/AA << /O 4 0 R >>", JS), "JavaScript"),
    "nombres.pdf": (
        lambda: archivos.pdf_crudo(
            b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 4 0 R >> >>",
            PAGINA[1],
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /Names [(x) 5 0 R] >>",
            JS,
        ),
        "JavaScript",
    ),
    "flujo-objetos.pdf": (archivos.pdf_js_en_flujo_de_objetos, "JavaScript"),
    "flujo-objetos-escapado.pdf": (
        lambda: archivos.pdf_js_en_flujo_de_objetos(escapado=True),
        "JavaScript",
    ),
    "launch.pdf": (archivos.pdf_con_launch, "ejecutan programas"),
    "launch-escapado.pdf": (
        lambda: archivos.pdf_con_launch().replace(b"/Launch", b"/L#61unch"),
        "ejecutan programas",
    ),
    "adjunto.pdf": (archivos.pdf_con_adjunto, "archivos incrustados"),
    "richmedia.pdf": (
        lambda: archivos.pdf_con_pagina(
            b"/Annots [4 0 R]", b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>"
        ),
        "multimedia activo",
    ),
    "submit.pdf": (
        lambda: archivos.pdf_crudo(
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /SubmitForm /F (x) >> >>",
            PAGINA[1],
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ),
        "envían datos",
    ),
}


def _privados() -> list[Path]:
    return archivos.archivos_en(Path(settings.PRIVATE_MEDIA_ROOT))


def _enviar(client: Client, capture, nombre: str, contenido: bytes):  # type: ignore[no-untyped-def]
    hipotecas = requisito(LEVANTAMIENTO, "Certificado de hipotecas y gravámenes")
    with capture(execute=True):
        response = client.post(
            URL, datos_levantamiento(**{hipotecas.campo: archivos.subido(nombre, contenido)})
        )
    return response, hipotecas


@pytest.mark.parametrize("nombre", list(RECHAZOS))
def test_each_bad_file_is_refused_by_name_and_leaves_nothing(
    client: Client, django_capture_on_commit_callbacks, nombre: str
) -> None:  # type: ignore[no-untyped-def]
    construir, motivo = RECHAZOS[nombre]
    response, hipotecas = _enviar(client, django_capture_on_commit_callbacks, nombre, construir())
    assert response.status_code == 400
    errores = response.context["form"].errors
    assert list(errores) == [hipotecas.campo]  # next to its slot, and only there
    mensaje = errores[hipotecas.campo][0]
    assert mensaje.startswith(f"El archivo «{nombre}» (Certificado de hipotecas y gravámenes)")
    assert motivo in mensaje
    html = response.content.decode()
    assert 'value="María Fernanda Salazar Pérez"' in html and "predio 12345" in html
    assert not Solicitud.objects.exists() and not DocumentoVerificable.objects.exists()
    assert not Correo.objects.exists() and not _privados()


@pytest.mark.parametrize(
    ("nombre", "contenido", "tipo"),
    [
        ("escaneo.jpg", archivos.pdf_bytes(), "pdf"),  # a PDF named .jpg
        ("foto.pdf", archivos.jpeg_bytes(), "jpg"),  # a JPEG named .pdf
        ("foto", archivos.jpeg_bytes(), "jpg"),  # no extension at all
        ("cmyk.jpg", archivos.jpeg_bytes(modo="CMYK"), "jpg"),
        ("girada.jpg", archivos.jpeg_bytes(orientacion=6), "jpg"),
        ("con-zip.jpg", archivos.jpeg_bytes() + _zip(), "jpg"),  # the ZIP is dropped
    ],
)
def test_a_valid_file_with_the_wrong_name_is_stored_as_what_it_is(
    client: Client, django_capture_on_commit_callbacks, nombre: str, contenido: bytes, tipo: str
) -> None:  # type: ignore[no-untyped-def]
    response, hipotecas = _enviar(client, django_capture_on_commit_callbacks, nombre, contenido)
    assert response.status_code == 302
    documento = Solicitud.objects.get().documentos.get(requisito=hipotecas)
    assert documento.tipo == tipo and documento.archivo.name.endswith(f".{tipo}")
    assert documento.download_name.endswith(f".{tipo}")
    guardado = documento.archivo.open("rb").read()
    assert guardado.startswith(b"%PDF-" if tipo == "pdf" else b"\xff\xd8\xff")
    assert b"factura.exe" not in guardado
