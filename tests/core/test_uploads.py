"""Upload checks (core/uploads.py): by content, with Spanish messages that name the file,
and oversize files cut off while the request streams."""

from __future__ import annotations

import io
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.test import RequestFactory
from PIL import Image

from core import uploads
from core.uploads import LimitedUploadHandler, OversizeUpload, run_sandboxed, validate_upload
from tests import archivos

pytestmark = pytest.mark.django_db

LIMITE = 1_048_576


def _bytes(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _rechazo(nombre: str, contenido: bytes) -> str:
    with pytest.raises(ValidationError) as exc:
        validate_upload(archivos.subido(nombre, contenido), name_for_messages="Solicitud")
    mensaje = exc.value.messages[0]
    assert f"«{nombre}» (Solicitud)" in mensaje  # names the file and the requisite
    return mensaje


def test_a_good_pdf_is_kept_byte_for_byte_with_its_hash_and_pages() -> None:
    contenido = archivos.pdf_bytes(paginas=3)
    validado = validate_upload(archivos.subido("carta.pdf", contenido), name_for_messages="Carta")
    assert validado.tipo == "pdf" and validado.content == contenido
    assert validado.paginas == 3 and validado.content_type == "application/pdf"
    import hashlib

    assert validado.sha256 == hashlib.sha256(contenido).hexdigest()


def test_a_jpeg_is_reencoded_without_metadata_or_appended_data() -> None:
    original = archivos.jpeg_bytes(exif=True) + b"PK\x03\x04 zip escondido al final"
    validado = validate_upload(archivos.subido("foto.JPG", original), name_for_messages="Cédula")
    assert validado.tipo == "jpg" and validado.content_type == "image/jpeg"
    assert b"zip escondido" not in validado.content
    assert b"Camara Secreta" not in validado.content
    with Image.open(io.BytesIO(validado.content)) as imagen:
        assert imagen.format == "JPEG" and imagen.size == (640, 480)
        assert not imagen.getexif()


def test_the_type_is_decided_by_content_not_by_name() -> None:
    assert "su contenido corresponde a una imagen PNG" in _rechazo("foto.jpg", archivos.png_bytes())
    assert "programa ejecutable" in _rechazo("carta.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    assert "no es un JPG o PDF" in _rechazo("carta.pdf", b"hola, soy un texto")
    # A real PDF with a .jpg name is still a PDF.
    validado = validate_upload(
        archivos.subido("escaneo.jpg", archivos.pdf_bytes()), name_for_messages="Carta"
    )
    assert validado.tipo == "pdf"


def test_empty_and_oversize_files_are_refused() -> None:
    assert "está vacío" in _rechazo("vacio.pdf", b"")
    grande = archivos.pdf_bytes() + b"%" + b"0" * LIMITE
    mensaje = _rechazo("grande.pdf", grande)
    # Just over the limit the size is told in bytes too: "1,0 MB" alone would look allowed.
    assert f"pesa 1,0 MB ({_bytes(len(grande))} bytes); el máximo permitido es 1 MB" in mensaje
    assert "(1.048.576 bytes)" in mensaje


def test_the_limit_and_types_are_parameters() -> None:
    import datetime as dt

    from core.services import parametro_set

    parametro_set(clave="UPLOAD_TIPOS", valor=["pdf"], vigente_desde=dt.date(2020, 1, 1))
    parametro_set(clave="UPLOAD_MAX_BYTES", valor=300, vigente_desde=dt.date(2020, 1, 1))
    assert "Solo se aceptan archivos PDF" in _rechazo("foto.jpg", archivos.jpeg_bytes()[:250])
    assert "el máximo permitido es 300 bytes" in _rechazo("carta.pdf", archivos.pdf_bytes())


def test_common_jpeg_variants_are_accepted_upright_and_in_colour() -> None:
    def validar(contenido: bytes) -> Image.Image:
        validado = validate_upload(archivos.subido("foto.jpg", contenido), name_for_messages="x")
        return Image.open(io.BytesIO(validado.content))

    # CMYK (Adobe) scans keep their colour once converted to RGB.
    r, g, b = validar(archivos.jpeg_bytes(modo="CMYK")).convert("RGB").getpixel((3, 3))
    assert r > 200 and g < 60 and b < 60, (r, g, b)
    assert validar(archivos.jpeg_bytes(modo="L")).mode == "L"
    assert validar(archivos.jpeg_bytes(progressive=True)).size == (640, 480)
    # A phone photo taken sideways (EXIF orientation 6) is stored upright, without EXIF.
    girada = validar(archivos.jpeg_bytes(size=(400, 200), orientacion=6))
    assert girada.size == (200, 400) and not girada.getexif()


def test_a_detailed_jpeg_saved_at_low_quality_still_fits_once_cleaned() -> None:
    """Re-encoding at our qualities would make it bigger than 1 MB; its own quantization
    keeps it within the limit instead of refusing a file that was within it."""
    salida = io.BytesIO()
    Image.effect_noise((2400, 1800), 40).convert("RGB").save(salida, "JPEG", quality=30)
    contenido = salida.getvalue()
    assert 900_000 < len(contenido) <= LIMITE
    validado = validate_upload(archivos.subido("foto.jpg", contenido), name_for_messages="x")
    assert validado.size <= LIMITE and validado.tipo == "jpg"


def test_broken_and_truncated_jpegs_are_refused() -> None:
    bueno = archivos.jpeg_bytes()
    assert "dañada o incompleta" in _rechazo("cortada.jpg", bueno[: len(bueno) // 2])
    assert "JPG" in _rechazo("basura.jpg", b"\xff\xd8\xff\xe0" + b"\x13" * 500)


def test_a_jpeg_declaring_gigantic_dimensions_is_refused_as_a_bomb() -> None:
    pequeno = bytearray(archivos.jpeg_bytes(size=(16, 16)))
    sof = pequeno.index(b"\xff\xc0")
    pequeno[sof + 5 : sof + 9] = b"\xff\xff\xff\xff"  # height, width = 65535
    assert "megapíxeles" in _rechazo("bomba.jpg", bytes(pequeno))


def test_pdfs_with_active_content_are_refused() -> None:
    assert "JavaScript" in _rechazo("js.pdf", archivos.pdf_con_javascript())
    assert "JavaScript" in _rechazo("js2.pdf", archivos.pdf_con_javascript_escondido())
    assert "ejecutan programas" in _rechazo("launch.pdf", archivos.pdf_con_launch())
    assert "archivos incrustados" in _rechazo("adjunto.pdf", archivos.pdf_con_adjunto())


def test_active_content_hidden_in_other_places_is_refused_too() -> None:
    js = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    assert "JavaScript" in _rechazo("aa.pdf", archivos.pdf_con_pagina(b"/AA << /O 4 0 R >>", js))
    assert "JavaScript" in _rechazo(
        "anotacion.pdf",
        archivos.pdf_con_pagina(
            b"/Annots [4 0 R]", b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A 5 0 R >>", js
        ),
    )
    assert "XFA" in _rechazo(
        "xfa.pdf",
        archivos.pdf_crudo(
            b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA [] >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ),
    )
    # A web address the document opens by itself is refused; a link to click is not.
    uri = b"<< /S /URI /URI (https://example.test/) >>"
    assert "abren direcciones web por sí solas" in _rechazo(
        "abre.pdf", archivos.pdf_con_pagina(b"/AA << /O 4 0 R >>", uri)
    )
    al_abrir = archivos.pdf_crudo(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        uri,
    )
    assert "abren direcciones web por sí solas" in _rechazo("al-abrir.pdf", al_abrir)
    enlace = archivos.pdf_con_pagina(
        b"/Annots [4 0 R]", b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A 5 0 R >>", uri
    )
    assert validate_upload(archivos.subido("enlace.pdf", enlace), name_for_messages="x")


def test_truncated_pdfs_and_pdfs_with_something_appended_are_refused() -> None:
    bueno = archivos.pdf_bytes()
    assert "incompleto o cortado" in _rechazo("cortado.pdf", bueno[: len(bueno) - 40])
    zip_oculto = bueno + b"PK\x03\x04\x14\x00 archivo escondido"
    assert "datos ocultos después del final" in _rechazo("poliglota.pdf", zip_oculto)
    # Trailing line breaks or NUL padding from scanners are fine.
    validate_upload(archivos.subido("ok.pdf", bueno + b"\r\n\x00\x00"), name_for_messages="x")


def test_encrypted_corrupt_and_long_pdfs_are_refused() -> None:
    import datetime as dt

    from core.services import parametro_set

    parametro_set(clave="PDF_MAX_PAGINAS", valor=2, vigente_desde=dt.date(2020, 1, 1))
    assert "cifrado" in _rechazo("cifrado.pdf", archivos.pdf_cifrado())
    assert "no es un PDF válido" in _rechazo(
        "roto.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50 + b"\n%%EOF\n"
    )
    assert "tiene 3 páginas; el máximo permitido es 2" in _rechazo(
        "largo.pdf", archivos.pdf_bytes(paginas=3)
    )


def test_deeply_nested_objects_and_decompression_bombs_are_refused() -> None:
    assert "anidados a demasiada profundidad" in _rechazo("anidado.pdf", archivos.pdf_anidado(500))
    mensaje = _rechazo("bomba.pdf", archivos.pdf_bomba(200))
    assert "se expanden de forma desproporcionada (más de 128 MB)" in mensaje
    # Ordinary nesting and ordinary compressed content pass.
    validate_upload(archivos.subido("normal.pdf", archivos.pdf_anidado(20)), name_for_messages="x")
    validate_upload(archivos.subido("escaneo.pdf", archivos.pdf_bomba(40)), name_for_messages="x")


def _lento(segundos: float) -> str:
    time.sleep(segundos)
    return "terminó"


def test_analysis_past_the_time_limit_is_killed_and_refused(settings) -> None:  # type: ignore[no-untyped-def]
    settings.UPLOAD_ANALISIS_SEGUNDOS = 0.5
    inicio = time.monotonic()
    resultado = run_sandboxed(_lento, 30)
    assert isinstance(resultado, uploads._Rechazo) and resultado.code == "tiempo"
    assert time.monotonic() - inicio < 5
    assert run_sandboxed(_lento, 0) == "terminó"


def _glotona(megas: int) -> int:
    return len(bytearray(megas * 1024 * 1024))


def test_analysis_that_eats_memory_is_refused_and_the_worker_lives_on(settings) -> None:  # type: ignore[no-untyped-def]
    settings.UPLOAD_ANALISIS_MEMORIA_MB = 256
    resultado = run_sandboxed(_glotona, 2048)
    assert isinstance(resultado, uploads._Rechazo) and resultado.code == "memoria"
    assert "demasiada memoria" in resultado.motivo
    # Within the cap the same work completes, and this (parent) process was not capped.
    assert run_sandboxed(_glotona, 64) == 64 * 1024 * 1024
    assert _glotona(512) == 512 * 1024 * 1024


def _multipart(campos: dict[str, str], archivo: tuple[str, str, bytes]) -> tuple[bytes, str]:
    limite = "----limite"
    partes = []
    for nombre, valor in campos.items():
        cabecera = f'--{limite}\r\nContent-Disposition: form-data; name="{nombre}"\r\n\r\n'
        partes.append(f"{cabecera}{valor}\r\n".encode())
    campo, nombre_archivo, contenido = archivo
    partes.append(
        (
            f'--{limite}\r\nContent-Disposition: form-data; name="{campo}"; '
            f'filename="{nombre_archivo}"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + contenido
        + b"\r\n"
    )
    partes.append(f"--{limite}--\r\n".encode())
    return b"".join(partes), f"multipart/form-data; boundary={limite}"


class _Contador(MemoryFileUploadHandler):
    """The next handler in the chain: records how many bytes of a file reach it."""

    def handle_raw_input(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.activated = True
        self.maximo = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.maximo = max(self.maximo, start + len(raw_data))
        super().receive_data_chunk(raw_data, start)


def test_an_oversize_upload_is_cut_off_while_streaming_and_other_fields_arrive() -> None:
    grande = b"%PDF-1.7\n" + b"x" * (3 * LIMITE)
    cuerpo, tipo = _multipart({"antes": "uno"}, ("carta", "enorme.pdf", grande))
    cuerpo += b""  # the field after the file must still arrive
    cuerpo = cuerpo.replace(
        b"------limite--\r\n",
        b'------limite\r\nContent-Disposition: form-data; name="despues"\r\n\r\ndos\r\n'
        b"------limite--\r\n",
    )
    request = RequestFactory().generic("POST", "/", data=cuerpo, content_type=tipo)
    contador = _Contador(request)
    request.upload_handlers = [LimitedUploadHandler(request), contador]
    archivo = request.FILES["carta"]
    assert isinstance(archivo, OversizeUpload)
    assert archivo.name == "enorme.pdf" and archivo.read() == b""
    assert archivo.size == len(grande)  # it knows how big it was…
    assert contador.maximo <= LIMITE + 64 * 1024  # …but nothing past the limit was kept
    assert request.POST["antes"] == "uno" and request.POST["despues"] == "dos"
    esperado = rf"pesa 3,0 MB \({_bytes(len(grande))} bytes\); el máximo permitido es 1 MB"
    with pytest.raises(ValidationError, match=esperado):
        validate_upload(archivo, name_for_messages="Carta")


def test_a_file_within_the_limit_passes_the_streaming_handler_untouched() -> None:
    contenido = archivos.pdf_bytes()
    cuerpo, tipo = _multipart({}, ("carta", "carta.pdf", contenido))
    request = RequestFactory().generic("POST", "/", data=cuerpo, content_type=tipo)
    request.upload_handlers.insert(0, LimitedUploadHandler(request))
    assert request.FILES["carta"].read() == contenido
