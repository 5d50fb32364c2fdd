"""Uploads and generated documents on S3-compatible object storage (django-storages),
against a real S3-compatible server (moto in server mode) started by the test."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from core.services import documento_verificable_emitir


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("el servidor S3 de prueba no arrancó")
            time.sleep(0.2)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def s3_storage(s3_server: str, settings):  # type: ignore[no-untyped-def]
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="prueba",
        aws_secret_access_key="prueba",
        region_name="us-east-1",
    )
    bucket = f"ventanilla-{time.monotonic_ns()}"
    client.create_bucket(Bucket=bucket)
    config = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": s3_server,
            "access_key": "prueba",
            "secret_key": "prueba",
            "region_name": "us-east-1",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "location": "privado",
        },
    }
    settings.STORAGES = {**settings.STORAGES, "default": config, "private": config}
    return client, bucket


@pytest.mark.django_db
def test_generated_pdf_is_stored_privately_in_the_bucket_and_served_by_the_portal(
    s3_storage, client
) -> None:  # type: ignore[no-untyped-def]
    s3, bucket = s3_storage
    pdf = b"%PDF-1.4\n% prueba\n"
    doc = documento_verificable_emitir(
        tipo="resolucion", titulo="Resolución de prueba", datos_publicos={"Número": "1"}, pdf=pdf
    )
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [f"privado/{doc.archivo.name}"]
    acl = s3.get_object_acl(Bucket=bucket, Key=keys[0])
    assert not [g for g in acl["Grants"] if "AllUsers" in str(g.get("Grantee", {}))]
    assert s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read() == pdf

    from core.storage import private_file_response

    response = private_file_response(
        doc.archivo.name, download_name="r.pdf", content_type="application/pdf"
    )
    assert b"".join(response.streaming_content) == pdf
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_a_ventanilla_upload_lands_in_the_bucket_and_reaches_only_its_staff(
    s3_storage, client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """The whole upload path (streamed to a temporary file, checked, re-encoded, stored)
    against the bucket, then read back by the unit's staff and cleaned up by the daily
    task, which walks the bucket for files no row refers to."""
    import datetime as dt

    from django.utils import timezone

    from core.cleanup import orphan_files_delete
    from tests.factories import ROLE, staff
    from tests.tramites.conftest import LEVANTAMIENTO, datos_levantamiento
    from tramites.models import DocumentoSolicitud, Solicitud

    s3, bucket = s3_storage
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/ventanilla/{LEVANTAMIENTO}/", datos_levantamiento())
    assert response.status_code == 302, response.content.decode()[:300]
    solicitud = Solicitud.objects.get()
    documentos = list(DocumentoSolicitud.objects.filter(solicitud=solicitud))
    assert len(documentos) >= 2
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert {f"privado/{d.archivo.name}" for d in documentos} <= keys
    assert solicitud.unidad is not None and solicitud.unidad.codigo == "17-coactiva"

    jpeg = next(d for d in documentos if d.archivo.name.endswith(".jpg"))
    guardado = s3.get_object(Bucket=bucket, Key=f"privado/{jpeg.archivo.name}")["Body"].read()
    client.force_login(staff(ROLE.ANALISTA_CARTERA, "17-coactiva"))
    visto = client.get(f"/tramites/documentos/{jpeg.pk}/?ver=1")
    assert visto.status_code == 200 and visto["Content-Type"] == "image/jpeg"
    assert b"".join(visto.streaming_content) == guardado
    client.force_login(staff(ROLE.ANALISTA_CARTERA, "09-coactiva"))
    assert client.get(f"/tramites/documentos/{jpeg.pk}/?ver=1").status_code == 404

    s3.put_object(Bucket=bucket, Key="privado/solicitudes/zz/perdido.pdf", Body=b"%PDF-1.4 x")
    assert orphan_files_delete() == 0  # too recent: may belong to a transaction in flight
    assert orphan_files_delete(now=timezone.now() + dt.timedelta(days=2)) == 1
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert "privado/solicitudes/zz/perdido.pdf" not in keys
    assert {f"privado/{d.archivo.name}" for d in documentos} <= keys
