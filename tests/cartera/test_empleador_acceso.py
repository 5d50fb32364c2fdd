"""Employer login (RUC/cédula + clave patronal), lockout, password reset, separation of
staff and employer accounts, session expiry that keeps a form, and access-control
probes across two employers on every /empleador/ URL."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cartera.models import AcuerdoPago
from core.models import Correo
from tests.cartera.portal import empleador_con_cuenta, glosa_notificada, ingresar
from tests.factories import PASSWORD, ROLE, staff
from tramites.models import AutorizacionTercero

pytestmark = pytest.mark.django_db


def test_employer_logs_in_with_ruc_and_clave_patronal(client: Client) -> None:
    empleador = empleador_con_cuenta()
    response = client.get("/empleador/")
    assert response.status_code == 302 and response["Location"].startswith("/empleador/ingresar/")
    response = client.post(
        "/empleador/ingresar/",
        {"username": f" {empleador.identificacion} ", "password": PASSWORD, "next": "/empleador/"},
    )
    assert response["Location"] == "/empleador/"
    html = client.get("/empleador/").content.decode()
    assert empleador.razon_social in html and "Mis obligaciones" in html


def test_wrong_clave_is_told_in_spanish_and_locks_out_after_repeated_failures(
    client: Client,
) -> None:
    empleador = empleador_con_cuenta()
    response = client.post(
        "/empleador/ingresar/", {"username": empleador.identificacion, "password": "mala"}
    )
    assert "la clave patronal no son correctos" in response.content.decode()
    for _ in range(5):
        response = client.post(
            "/empleador/ingresar/", {"username": empleador.identificacion, "password": "mala"}
        )
    assert response.status_code == 429
    assert "Cuenta bloqueada temporalmente" in response.content.decode()
    # Even the right clave is refused while locked.
    response = client.post(
        "/empleador/ingresar/", {"username": empleador.identificacion, "password": PASSWORD}
    )
    assert response.status_code == 429


def test_staff_cannot_use_the_portal_and_employers_cannot_reach_the_admin(client: Client) -> None:
    funcionario = staff(ROLE.ANALISTA_CARTERA, "17-cartera")
    response = client.post(
        "/empleador/ingresar/", {"username": funcionario.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "no es de un empleador" in response.content.decode()
    client.force_login(funcionario)
    assert client.get("/empleador/").status_code == 403

    empleador = empleador_con_cuenta()
    otro = Client()
    ingresar(otro, empleador)
    response = otro.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = Client().post(
        "/admin/login/?next=/admin/",
        {"username": empleador.identificacion, "password": PASSWORD},
    )
    assert response.status_code == 200  # the admin login refuses non-staff accounts


def test_password_reset_by_email_sets_a_new_clave(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    empleador = empleador_con_cuenta()
    empleador.cuenta.email = empleador.email
    empleador.cuenta.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/empleador/clave/", {"email": empleador.email})
    assert response["Location"] == "/empleador/clave/enviada/"
    correo = Correo.objects.get(evento="cartera.clave_restablecer")
    assert correo.para == [empleador.email]
    enlace = re.search(r"http://[^\s]+/empleador/clave/[^\s]+/", correo.cuerpo_texto)
    assert enlace is not None
    ruta = enlace.group(0).split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + ruta, follow=True)
    nueva = "Otra-Clave-Patronal-2026"
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": nueva, "new_password2": nueva}
    )
    assert response["Location"] == "/empleador/clave/lista/"
    nuevo = Client()
    response = nuevo.post(
        "/empleador/ingresar/", {"username": empleador.identificacion, "password": nueva}
    )
    assert response.status_code == 302


def test_password_reset_cannot_flood_an_inbox(
    client: Client, django_capture_on_commit_callbacks, ratelimit_clock
) -> None:  # type: ignore[no-untyped-def]
    empleador = empleador_con_cuenta()
    empleador.cuenta.email = empleador.email
    empleador.cuenta.save(update_fields=["email"])
    codigos = []
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(6):
            codigos.append(client.post("/empleador/clave/", {"email": empleador.email}).status_code)
    assert codigos == [302, 302, 302, 429, 429, 429]
    assert Correo.objects.filter(evento="cartera.clave_restablecer").count() == 3


def test_an_expired_session_keeps_the_form_being_filled(client: Client) -> None:
    empleador = empleador_con_cuenta()
    ingresar(client, empleador)
    client.get("/empleador/autorizaciones/")
    client.session.flush()  # what the session expiry does
    client.cookies.pop("sessionid", None)
    datos = {
        "cedula": "1710034065",
        "nombre": "Carlos Contador Ruiz",
        "email": "contador@correo.test",
        "vigente_hasta": "2099-01-01",
    }
    response = client.post("/empleador/autorizaciones/", datos)
    assert response.status_code == 302
    assert response["Location"] == "/empleador/ingresar/?next=/empleador/autorizaciones/"
    html = client.get(response["Location"]).content.decode()
    assert "Su sesión expiró por inactividad" in html
    response = client.post(
        "/empleador/ingresar/?next=/empleador/autorizaciones/",
        {
            "username": empleador.identificacion,
            "password": PASSWORD,
            "next": "/empleador/autorizaciones/",
        },
    )
    assert response["Location"] == "/empleador/autorizaciones/"
    html = client.get("/empleador/autorizaciones/").content.decode()
    assert 'value="Carlos Contador Ruiz"' in html and 'value="contador@correo.test"' in html
    assert not AutorizacionTercero.objects.exists()  # nothing was filed behind their back
    html = client.get("/empleador/autorizaciones/").content.decode()
    assert "Carlos Contador Ruiz" not in html  # shown once


def test_a_form_kept_across_expiry_is_csrf_checked_on_upload_pages_too() -> None:
    """The upload pages check CSRF themselves (after installing the size limit); the
    expired-session wrapper used to read the posted form before that, so a cross-site
    POST could plant form data in a visitor's session."""
    empleador = empleador_con_cuenta()
    glosa = glosa_notificada(empleador)
    navegador = Client(enforce_csrf_checks=True)
    for url in (f"/empleador/glosas/{glosa.pk}/impugnar/", "/empleador/acuerdos/purga-de-mora/"):
        falsificado = navegador.post(url, {"fundamentos": "Texto plantado por otro sitio."})
        assert falsificado.status_code == 403, url
    html = navegador.get("/empleador/ingresar/").content.decode()
    assert "Su sesión expiró" not in html
    # The employer's own expired form (with its token) is kept as before.
    token = navegador.cookies["csrftoken"].value
    url = f"/empleador/glosas/{glosa.pk}/impugnar/"
    propio = navegador.post(
        url, {"fundamentos": "La planilla fue pagada a tiempo.", "csrfmiddlewaretoken": token}
    )
    assert propio["Location"] == f"/empleador/ingresar/?next={url}"
    navegador.post(
        propio["Location"],
        {
            "username": empleador.identificacion,
            "password": PASSWORD,
            "next": url,
            "csrfmiddlewaretoken": token,
        },
    )
    assert "La planilla fue pagada a tiempo." in navegador.get(url).content.decode()


def test_following_a_link_after_the_session_expired_says_so(client: Client) -> None:
    empleador = empleador_con_cuenta()
    ingresar(client, empleador)
    client.session.flush()
    client.cookies.pop("sessionid", None)  # the browser drops it with the session
    response = client.get("/empleador/glosas/")
    assert response["Location"] == "/empleador/ingresar/?next=/empleador/glosas/"
    assert "Su sesión expiró por inactividad" in client.get(response["Location"]).content.decode()
    # Said once; and never to someone who logged out or never logged in.
    assert (
        "Su sesión expiró" not in client.get(client.get("/empleador/")["Location"]).content.decode()
    )
    ingresar(client, empleador)
    client.post("/empleador/salir/")
    assert (
        "Su sesión expiró" not in client.get(client.get("/empleador/")["Location"]).content.decode()
    )
    nuevo = Client()
    assert (
        "Su sesión expiró" not in nuevo.get(nuevo.get("/empleador/")["Location"]).content.decode()
    )


def test_no_url_reaches_another_employers_rows(client: Client) -> None:
    propio = empleador_con_cuenta()
    ajeno = empleador_con_cuenta()
    glosa = glosa_notificada(ajeno)
    acuerdo = AcuerdoPago.objects.create(
        empleador=ajeno,
        tipo=AcuerdoPago.Tipo.APP,
        monto=100,
        meses=3,
        tasa_anual=9,
        aprueba=AcuerdoPago.Aprueba.JEFE_UNIDAD,
        monto_en_sbu=1,
    )
    autorizacion = AutorizacionTercero.objects.create(
        empleador=ajeno,
        tercero_identificacion="1710034065",
        tercero_nombre="X",
        tercero_email="x@correo.test",
        vigente_hasta="2099-01-01",
    )
    ingresar(client, propio)
    for url in [
        f"/empleador/glosas/{glosa.pk}/",
        f"/empleador/glosas/{glosa.pk}/impugnar/",
        f"/empleador/acuerdos/{acuerdo.pk}/",
        f"/empleador/autorizaciones/{autorizacion.pk}/pdf/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/empleador/glosas/{glosa.pk}/impugnar/", {}).status_code == 404
    assert client.post(f"/empleador/autorizaciones/{autorizacion.pk}/revocar/").status_code == 404
    autorizacion.refresh_from_db()
    assert autorizacion.revocada_en is None
    html = (
        client.get("/empleador/").content.decode()
        + client.get("/empleador/glosas/").content.decode()
    )
    assert glosa.numero not in html
