"""Impugnación de glosa online: filed as a Ventanilla request routed to the province's
cartera unit, the glosa IMPUGNADA while pending; the resolution hook applies the
Comisión's decision."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from cartera.models import Glosa, Impugnacion
from core.models import Correo
from tests import archivos
from tests.cartera.portal import empleador_con_cuenta, glosa_notificada, ingresar
from tests.factories import ROLE, staff
from tramites import resolutores
from tramites.models import Solicitud

pytestmark = pytest.mark.django_db


def _impugnar(client: Client, glosa: Glosa, capture, **cambios):  # type: ignore[no-untyped-def]
    datos = {
        "fundamentos": "La sucursal no tuvo trabajadores en ese periodo; adjunto el aviso.",
        "sustento": archivos.subido("aviso-salida.pdf", archivos.pdf_bytes(), "application/pdf"),
        **cambios,
    }
    with capture(execute=True):
        return client.post(f"/empleador/glosas/{glosa.pk}/impugnar/", datos)


def test_challenge_is_filed_routed_and_the_glosa_is_impugnada(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    empleador = empleador_con_cuenta()
    glosa = glosa_notificada(empleador)
    ingresar(client, empleador)
    response = _impugnar(client, glosa, django_capture_on_commit_callbacks)
    assert response["Location"] == f"/empleador/glosas/{glosa.pk}/"
    glosa.refresh_from_db()
    assert glosa.estado == Glosa.Estado.IMPUGNADA
    solicitud = Solicitud.objects.get()
    assert solicitud.tramite.slug == "impugnacion-de-glosa"
    assert solicitud.estado == Solicitud.Estado.ASIGNADA
    assert solicitud.unidad.codigo == "17-cartera"
    assert solicitud.empleador == empleador and solicitud.calidad == "representante_legal"
    nombres = sorted(solicitud.documentos.values_list("nombre", flat=True))
    assert nombres == ["Documentos de sustento", "Solicitud de impugnación de glosa"]
    assert solicitud.respuestas["Número de la glosa que impugna"] == glosa.numero
    html = client.get(response["Location"]).content.decode()
    assert "Impugnada" in html and solicitud.numero in html
    # Cannot be challenged twice while pending.
    assert client.get(f"/empleador/glosas/{glosa.pk}/").context["puede_impugnar"] is False


def test_bad_upload_and_missing_reasons_are_told_next_to_the_fields(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    empleador = empleador_con_cuenta()
    glosa = glosa_notificada(empleador)
    ingresar(client, empleador)
    response = _impugnar(
        client,
        glosa,
        django_capture_on_commit_callbacks,
        fundamentos="corto",
        sustento=archivos.subido("foto.jpg", archivos.png_bytes(), "image/jpeg"),
    )
    assert response.status_code == 400
    errores = response.context["form"].errors
    assert "al menos 20 caracteres" in errores["fundamentos"][0]
    assert "no es un JPG o PDF" in errores["sustento"][0]
    glosa.refresh_from_db()
    assert glosa.estado == Glosa.Estado.NOTIFICADA and not Solicitud.objects.exists()


@pytest.mark.parametrize(("aprobada", "estado"), [(True, "anulada"), (False, "notificada")])
def test_resolution_hook_applies_the_decision(
    client: Client, django_capture_on_commit_callbacks, aprobada: bool, estado: str
) -> None:  # type: ignore[no-untyped-def]
    empleador = empleador_con_cuenta()
    glosa = glosa_notificada(empleador)
    ingresar(client, empleador)
    _impugnar(client, glosa, django_capture_on_commit_callbacks)
    solicitud = Solicitud.objects.get()
    resolutor = resolutores.resolutor_de("impugnacion-de-glosa")
    assert resolutor is not None
    jefe = staff(ROLE.JEFE_UNIDAD, "17-cartera")
    assert resolutor(solicitud=solicitud, aprobada=aprobada, motivo="Revisado.", por=jefe) == []
    glosa.refresh_from_db()
    assert glosa.estado == estado
    impugnacion = Impugnacion.objects.get()
    assert impugnacion.estado == ("aceptada" if aprobada else "rechazada")
    assert impugnacion.resolucion == f"Trámite {solicitud.numero}"
    # Rejected, the término runs again: the employer is told its new last day.
    avisos = Correo.objects.filter(evento="cartera.impugnacion_rechazada")
    if aprobada:
        assert not avisos.exists()
    else:
        [aviso] = avisos
        assert aviso.para == [empleador.email]
        assert glosa.vence_en > timezone.localdate()
        assert f"tiene hasta el {glosa.vence_en:%d/%m/%Y}" in aviso.cuerpo_texto
        assert f"rechazada (trámite {solicitud.numero})" in aviso.cuerpo_texto


def test_the_upload_slots_state_the_rule_in_force(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """The employer's upload slots (impugnación, purga de mora) follow UPLOAD_TIPOS and
    UPLOAD_MAX_BYTES like the Ventanilla's: staff change them, the labels change."""
    import datetime as dt

    from core.services import parametro_set

    empleador = empleador_con_cuenta()
    glosa = glosa_notificada(empleador)
    ingresar(client, empleador)
    paginas = [f"/empleador/glosas/{glosa.pk}/impugnar/", "/empleador/acuerdos/purga-de-mora/"]
    html = client.get(paginas[0]).content.decode()
    assert "Documento de sustento (JPG o PDF de hasta 1 MB)" in html
    with django_capture_on_commit_callbacks(execute=True):
        parametro_set(clave="UPLOAD_TIPOS", valor=["pdf"], vigente_desde=dt.date(2020, 1, 1))
        parametro_set(clave="UPLOAD_MAX_BYTES", valor=2_097_152, vigente_desde=dt.date(2020, 1, 1))
    html = client.get(paginas[0]).content.decode()
    assert "Documento de sustento (PDF de hasta 2 MB)" in html
    assert "1 MB" not in html and "JPG" not in html
    assert 'accept=".pdf,application/pdf"' in html
    html = client.get(paginas[1]).content.decode()
    assert "Pruebas de la fuerza mayor (PDF de hasta 2 MB)" in html
    assert "Propuesta de garantía (PDF de hasta 2 MB)" in html and "1 MB" not in html
    assert "PDF de hasta 2 MB" in client.get("/").content.decode()
