"""Upload fuzzing: hypothesis mutates valid JPEG and PDF files and feeds them to the
validators and to the Ventanilla form. Whatever the bytes:

* validation ends in an accepted file or a Spanish ValidationError, never another
  exception (which would be a 500);
* an accepted file opens again with Pillow / pypdf, exactly as stored;
* validation time stays bounded (the parsing child is killed past its limit);
* the form answers 400 with the errors next to the slot, or 302 (accepted), never 500,
  and a refused file leaves nothing in private storage.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from core.uploads import validate_upload
from tests import archivos

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

JPEG = archivos.jpeg_bytes()
PDF = archivos.pdf_bytes(paginas=2)
# Fragments that matter to a PDF parser or to the active-content checks.
PDF_TOKENS = [
    b"/JavaScript",
    b"/JS (app.alert(1))",
    b"/OpenAction",
    b"/Launch",
    b"/EmbeddedFile",
    b"/Encrypt",
    b"/XFA",
    b"/AA",
    b"/URI",
    b"obj",
    b"endobj",
    b"stream\n",
    b"endstream",
    b"xref",
    b"trailer",
    b"startxref",
    b"%%EOF",
    b"<<",
    b">>",
    b"[",
    b"]",
    b"(",
    b")",
    b"/Type /Page",
    b"/Count 999999",
    b"/Length 99999999",
    b"0 0 R",
    b"99 0 R",
    b"\x00",
]
JPEG_MARKERS = [
    b"\xff\xd8",
    b"\xff\xd9",
    b"\xff\xc0",
    b"\xff\xc4",
    b"\xff\xda",
    b"\xff\xe1",
    b"\xff\xdb",
    b"\xff\xfe",
    b"Exif\x00\x00",
    b"\xff\xff\xff\xff",
]
LIMITE_SEGUNDOS = 8.0  # sandbox limit (UPLOAD_ANALISIS_SEGUNDOS, 5 s) plus fork/IPC slack


@st.composite
def mutated(draw: st.DrawFn, base: bytes, tokens: list[bytes]) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        kind = draw(
            st.sampled_from(["flip", "truncate", "insert", "delete", "token", "dup", "zero"])
        )
        pos = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[pos] ^= draw(st.integers(min_value=1, max_value=255))
        elif kind == "truncate":
            del data[max(pos, 1) :]
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del data[pos : pos + draw(st.integers(min_value=1, max_value=512))]
        elif kind == "token":
            data[pos:pos] = draw(st.sampled_from(tokens))
        elif kind == "dup":
            size = draw(st.integers(min_value=1, max_value=2048))
            data[pos:pos] = data[pos : pos + size]
        elif kind == "zero":
            size = draw(st.integers(min_value=1, max_value=256))
            data[pos : pos + size] = bytes(min(size, len(data) - pos))
    return bytes(data)


def _check(contenido: bytes, nombre: str) -> None:
    started = time.monotonic()
    try:
        validado = validate_upload(
            archivos.subido(nombre, contenido), name_for_messages="Documento"
        )
    except ValidationError as exc:
        assert exc.messages and f"«{nombre}»" in exc.messages[0]
        validado = None
    assert time.monotonic() - started < LIMITE_SEGUNDOS
    if validado is None:
        return
    if validado.tipo == "jpg":
        with Image.open(io.BytesIO(validado.content)) as imagen:
            assert imagen.format == "JPEG"
            imagen.load()
            assert not imagen.getexif()
    else:
        lector = PdfReader(io.BytesIO(validado.content))
        assert not lector.is_encrypted
        assert len(lector.pages) == validado.paginas


FUZZ = hsettings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(contenido=mutated(JPEG, JPEG_MARKERS))
def test_mutated_jpegs_are_accepted_whole_or_refused_cleanly(contenido: bytes) -> None:
    _check(contenido, "certificado.jpg")


@FUZZ
@given(contenido=mutated(PDF, PDF_TOKENS))
def test_mutated_pdfs_are_accepted_whole_or_refused_cleanly(contenido: bytes) -> None:
    _check(contenido, "carta.pdf")


@FUZZ
@given(
    contenido=st.binary(max_size=4096),
    prefijo=st.sampled_from([b"", b"%PDF-1.7\n", b"\xff\xd8\xff\xe0"]),
)
def test_arbitrary_bytes_behind_a_plausible_header_never_crash(
    contenido: bytes, prefijo: bytes
) -> None:
    _check(prefijo + contenido, "documento.pdf")


@hsettings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pdf=mutated(PDF, PDF_TOKENS), jpg=mutated(JPEG, JPEG_MARKERS))
def test_the_ventanilla_form_never_answers_500_and_refusals_store_nothing(
    client, django_capture_on_commit_callbacks, pdf: bytes, jpg: bytes
) -> None:  # type: ignore[no-untyped-def]
    from tests.tramites.conftest import LEVANTAMIENTO, datos_levantamiento, requisito
    from tramites.models import DocumentoSolicitud, Solicitud

    carta = requisito(LEVANTAMIENTO, "Solicitud de levantamiento de medidas cautelares")
    certificado = requisito(LEVANTAMIENTO, "Certificado de hipotecas y gravámenes")
    antes = set(archivos.archivos_en(Path(settings.PRIVATE_MEDIA_ROOT)))
    solicitudes = Solicitud.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/ventanilla/{LEVANTAMIENTO}/",
            datos_levantamiento(
                **{
                    carta.campo: archivos.subido("carta.pdf", pdf, "application/pdf"),
                    certificado.campo: archivos.subido("certificado.jpg", jpg, "image/jpeg"),
                }
            ),
        )
    assert response.status_code in (400, 302)
    if response.status_code == 400:  # refused: said next to the slot, nothing kept
        assert (
            "is-invalid" in response.content.decode()
            or "invalid-feedback" in response.content.decode()
        )
        assert Solicitud.objects.count() == solicitudes
        assert set(archivos.archivos_en(Path(settings.PRIVATE_MEDIA_ROOT))) == antes
    else:
        assert DocumentoSolicitud.objects.filter(solicitud__numero__isnull=False).exists()
