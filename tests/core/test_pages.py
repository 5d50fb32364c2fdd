"""Public pages of the platform: home, health, verification, error pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from core.services import (
    documento_verificable_anular,
    documento_verificable_emitir,
    new_verification_code,
)

pytestmark = pytest.mark.django_db


def test_home_is_spanish_with_skip_link_and_local_bootstrap(client: Client) -> None:
    html = client.get("/").content.decode()
    assert '<html lang="es-EC">' in html
    assert 'href="#contenido"' in html and 'id="contenido"' in html
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()


def test_security_headers_on_every_page(client: Client) -> None:
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp


def test_health_reports_database_and_broker(client: Client) -> None:
    data = client.get("/health/").json()
    assert data["base_de_datos"] == "ok"
    assert data["broker"].startswith("sin broker")
    assert data["estado"] == "ok"


def test_health_reports_a_dead_broker_as_degraded(client: Client, settings, dead_broker) -> None:  # type: ignore[no-untyped-def]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


def test_unknown_page_is_a_spanish_404(client: Client) -> None:
    response = client.get("/no-existe/")
    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()


@pytest.mark.urls("tests.urls_errores")
@pytest.mark.parametrize(
    ("url", "status", "titulo"),
    [
        ("/_errores/500/", 500, "Error del sistema"),
        ("/_errores/403/", 403, "Acceso no permitido"),
        ("/_errores/400/", 400, "Solicitud incorrecta"),
        ("/no-existe/", 404, "Página no encontrada"),
    ],
)
def test_error_pages_are_spanish_in_the_portal_layout(url: str, status: int, titulo: str) -> None:
    response = Client(raise_request_exception=False).get(url)
    html = response.content.decode()
    assert response.status_code == status
    assert '<html lang="es-EC">' in html and f'<h1 class="h3">{titulo}</h1>' in html
    assert 'href="#contenido"' in html and "portal-footer" in html
    assert "Traceback" not in html and "falla de prueba" not in html


def test_a_form_refused_by_the_csrf_check_gets_the_portals_spanish_page() -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/consulta/", {"numero": "VV-17-2026-000001", "identificacion": "1710034065"}
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "No pudimos aceptar el formulario" in html and "recárguela" in html
    assert '<html lang="es-EC">' in html and "portal-footer" in html
    assert "CSRF" not in html  # no technical jargon for the person in front of it


def test_the_csrf_page_links_home_under_the_sites_prefix() -> None:
    """Served under a path prefix (SCRIPT_NAME), «Ir al inicio» still leads home."""
    from django.test.utils import override_script_prefix

    with override_script_prefix("/portal/"):
        html = (
            Client(enforce_csrf_checks=True)
            .post("/consulta/", {"numero": "VV-17-2026-000001"})
            .content.decode()
        )
    assert '<a class="btn btn-primary" href="/portal/">Ir al inicio</a>' in html


def test_verification_of_an_authentic_document_shows_only_its_public_data(client: Client) -> None:
    doc = documento_verificable_emitir(
        tipo="certificado_cumplimiento",
        titulo="Certificado de cumplimiento de obligaciones patronales",
        datos_publicos={"RUC": "1790001008001", "Estado": "Al día"},
        vigente_hasta=dt.date.today() + dt.timedelta(days=30),
    )
    html = client.get(f"/verificar/{doc.codigo}/").content.decode()
    assert "Documento auténtico y vigente" in html
    assert "1790001008001" in html and "Al día" in html


def test_verification_tells_expired_and_annulled_documents(client: Client) -> None:
    vencido = documento_verificable_emitir(
        tipo="certificado_cumplimiento",
        titulo="Cert",
        datos_publicos={},
        vigente_hasta=dt.date(2020, 1, 1),
    )
    assert "vencido" in client.get(f"/verificar/{vencido.codigo}/").content.decode()
    anulado = documento_verificable_emitir(tipo="resolucion", titulo="Res", datos_publicos={})
    documento_verificable_anular(documento=anulado, motivo="Error de digitación", por=None)
    html = client.get(f"/verificar/{anulado.codigo}/").content.decode()
    assert "Documento anulado" in html and "Error de digitación" in html


def test_a_documents_state_on_a_day_annulled_first_then_unsigned_then_expired() -> None:
    from django.utils import timezone

    from core.models import DocumentoVerificable

    hoy = dt.date(2026, 3, 10)
    doc = DocumentoVerificable(vigente_hasta=hoy)
    assert doc.estado_en(hoy) == "vigente"  # in force through its last day
    assert doc.estado_en(hoy + dt.timedelta(days=1)) == "vencido"
    doc.pendiente_firma = True
    assert doc.estado_en(hoy + dt.timedelta(days=1)) == "pendiente_firma"
    doc.anulado_en = timezone.now()
    assert doc.estado_en(hoy) == "anulado"
    assert DocumentoVerificable().estado_en(hoy) == "vigente"  # no end date


def test_a_document_awaiting_its_signature_is_authentic_but_not_in_force(
    client: Client,
) -> None:
    from core.services import documento_verificable_firmar
    from tests import archivos

    doc = documento_verificable_emitir(
        tipo="oficio_levantamiento",
        titulo="Oficio",
        datos_publicos={"Firma": "Pendiente"},
        pendiente_firma=True,
    )
    html = client.get(f"/verificar/{doc.codigo}/").content.decode()
    assert "Documento pendiente de firma: aún no está en vigor." in html
    assert "auténtico y vigente" not in html
    documento_verificable_firmar(
        documento=doc, pdf=archivos.pdf_bytes(), datos_publicos={"Firma": "Ana Ruiz, Directora"}
    )
    html = client.get(f"/verificar/{doc.codigo}/").content.decode()
    assert "Documento auténtico y vigente" in html and "Ana Ruiz, Directora" in html
    with pytest.raises(ValueError, match="no está pendiente de firma"):
        documento_verificable_firmar(documento=doc, pdf=archivos.pdf_bytes(), datos_publicos={})


def test_unknown_and_tampered_codes_are_told_apart(client: Client) -> None:
    doc = documento_verificable_emitir(tipo="resolucion", titulo="Res", datos_publicos={})
    unknown = new_verification_code()
    response = client.get(f"/verificar/{unknown}/")
    assert response.status_code == 404 and "Documento no encontrado" in response.content.decode()
    flipped = doc.codigo[:-3] + ("A" if doc.codigo[-3] != "A" else "B") + doc.codigo[-2:]
    response = client.get(f"/verificar/{flipped}/")
    assert response.status_code == 404 and "Código no válido" in response.content.decode()


def test_verification_is_rate_limited(client: Client) -> None:
    code = new_verification_code()
    statuses = {client.get(f"/verificar/{code}/").status_code for _ in range(61)}
    assert 429 in statuses
    assert "Demasiadas solicitudes" in client.get(f"/verificar/{code}/").content.decode()


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("", "", "127.0.0.1"),
        ("HTTP_X_REAL_IP", "", "127.0.0.1"),  # header missing: the peer
        ("HTTP_X_REAL_IP", "203.0.113.9", "203.0.113.9"),
        ("HTTP_X_REAL_IP", "no-es-una-ip", "127.0.0.1"),  # forged junk: the peer
        ("HTTP_X_FORWARDED_FOR", "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # only the proxy's entry
    ],
)
def test_client_address_comes_only_from_the_proxy_header_and_junk_never_errors(
    client: Client,
    settings,
    header: str,
    value: str,
    expected: str,  # type: ignore[no-untyped-def]
) -> None:
    from django.test import RequestFactory

    from core.ratelimit import client_ip

    settings.RATELIMIT_CLIENT_IP_HEADER = header
    extra = {header: value} if header and value else {}
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", **extra)) == expected
    code = new_verification_code()
    assert client.get(f"/verificar/{code}/", **{"HTTP_X_REAL_IP": "basura"}).status_code == 404


def test_opening_a_form_only_action_by_link_explains_in_spanish(client: Client) -> None:
    response = client.get("/empleador/salir/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "Esta acción se realiza desde su formulario" in response.content.decode()
    assert int(response["Content-Length"]) == len(response.content)
