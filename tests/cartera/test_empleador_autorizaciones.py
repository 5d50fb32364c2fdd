"""Autorización a terceros: granted in the portal (cédula validated), a verifiable PDF,
revocable; the Ventanilla accepts a third party's filing only with one in force and
records it on the request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from core.identificacion import generar_cedula
from core.models import Correo
from tests import archivos
from tests.cartera.portal import empleador_con_cuenta, ingresar
from tests.factories import ROLE, staff
from tests.tramites.conftest import LEVANTAMIENTO, datos_levantamiento, requisito
from tramites import services
from tramites.models import AutorizacionTercero, Solicitud, Tramite

pytestmark = pytest.mark.django_db
CONTADOR = generar_cedula(17, 777123)


def _autorizar(client: Client, capture, **cambios):  # type: ignore[no-untyped-def]
    datos = {
        "cedula": CONTADOR,
        "nombre": "Carlos Andrés Contador Ruiz",
        "email": "contador@correo.test",
        "tramites": [Tramite.objects.get(slug=LEVANTAMIENTO).pk],
        "vigente_hasta": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
        **cambios,
    }
    with capture(execute=True):
        return client.post("/empleador/autorizaciones/", datos)


def test_grant_download_and_revoke(client: Client, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    empleador = empleador_con_cuenta()
    ingresar(client, empleador)
    response = _autorizar(client, django_capture_on_commit_callbacks, cedula="1234567890")
    assert response.status_code == 400
    assert response.context["form"].errors["cedula"]
    response = _autorizar(client, django_capture_on_commit_callbacks)
    assert response["Location"] == "/empleador/autorizaciones/"
    autorizacion = AutorizacionTercero.objects.get()
    assert autorizacion.empleador == empleador and autorizacion.tercero_identificacion == CONTADOR
    pdf = client.get(f"/empleador/autorizaciones/{autorizacion.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    codigo = autorizacion.documento.codigo
    assert Client().get(f"/verificar/{codigo}/").context["estado"] == "vigente"
    correo = Correo.objects.get(evento="tramites.autorizacion")
    assert correo.para == ["contador@correo.test"] and correo.adjuntos

    client.post(f"/empleador/autorizaciones/{autorizacion.pk}/revocar/")
    autorizacion.refresh_from_db()
    assert autorizacion.revocada_en is not None
    assert Client().get(f"/verificar/{codigo}/").context["estado"] == "anulado"
    assert "Revocada el" in client.get("/empleador/autorizaciones/").content.decode()


def test_an_authorization_for_an_overlong_address_is_a_form_error(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """The authorization form (tramites.services.autorizacion_otorgar) refused an address
    over 254 characters only in the database, as a server error."""
    ingresar(client, empleador_con_cuenta())
    largo = "a" * 250 + "@correo.ec"
    response = _autorizar(client, django_capture_on_commit_callbacks, email=largo)
    assert response.status_code == 400
    assert "hasta 254 caracteres" in response.content.decode()
    assert not AutorizacionTercero.objects.exists()


def _presentar_como_tercero(client: Client, empleador, capture):  # type: ignore[no-untyped-def]
    adjunto = requisito(LEVANTAMIENTO, "Autorización a terceros")
    datos = datos_levantamiento(
        calidad="tercero_autorizado",
        identificacion=CONTADOR,
        nombre="Carlos Andrés Contador Ruiz",
        empleador_identificacion=empleador.identificacion,
        **{adjunto.campo: archivos.subido("autorizacion.pdf", archivos.pdf_bytes())},
    )
    with capture(execute=True):
        return client.post(f"/ventanilla/{LEVANTAMIENTO}/", datos)


def test_third_party_files_only_with_an_authorization_in_force(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    empleador = empleador_con_cuenta()
    tercero = Client()
    response = _presentar_como_tercero(tercero, empleador, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "autorización a terceros vigente" in response.context["form"].errors["calidad"][0]

    ingresar(client, empleador)
    _autorizar(client, django_capture_on_commit_callbacks)
    autorizacion = AutorizacionTercero.objects.get()
    response = _presentar_como_tercero(tercero, empleador, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    solicitud = Solicitud.objects.get()
    assert solicitud.autorizacion == autorizacion and solicitud.calidad == "tercero_autorizado"
    # Staff see on the request which authorization it came with, and can verify it.
    services.solicitud_enrutar(solicitud_id=solicitud.pk)
    funcionario = Client()
    funcionario.force_login(staff(ROLE.ANALISTA_CARTERA, "17-coactiva"))
    pagina = funcionario.get(f"/admin/tramites/solicitud/{solicitud.pk}/change/").content.decode()
    assert "Carlos Andrés Contador Ruiz (cédula " in pagina
    assert f"/verificar/{autorizacion.documento.codigo}/" in pagina

    # A revoked authorization admits nothing.
    client.post(f"/empleador/autorizaciones/{autorizacion.pk}/revocar/")
    response = _presentar_como_tercero(tercero, empleador, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert Solicitud.objects.count() == 1
    pagina = funcionario.get(f"/admin/tramites/solicitud/{solicitud.pk}/change/").content.decode()
    assert f"revocada el {timezone.localdate():%d/%m/%Y}" in pagina
