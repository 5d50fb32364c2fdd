"""Routing by staff-editable rules, idempotent and independent of the broker; the state
machine with its public history and e-mails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from core.models import Provincia, Unidad
from tests.conftest import reconfigure_celery
from tests.factories import ROLE, staff
from tramites import services
from tramites.models import HistorialSolicitud, ReglaEnrutamiento, Solicitud, Tramite
from tramites.tasks import solicitud_enrutar_task, solicitudes_sin_enrutar_barrer

pytestmark = pytest.mark.django_db


def _recibida(slug: str = "levantamiento-medidas-cautelares", provincia: str = "17") -> Solicitud:
    """A filed request still waiting for its routing task (the task is not run)."""
    tramite = Tramite.objects.get(slug=slug)
    return services.solicitud_presentar(
        tramite=tramite,
        provincia=Provincia.objects.get(pk=provincia),
        solicitante=services.Solicitante(
            tipo_identificacion="cedula",
            identificacion="1710034065",
            nombre="Ana Pérez",
            email="ana@correo.test",
            direccion="Quito",
        ),
        calidad="representante_legal" if tramite.requiere_empleador else "titular",
        detalle="Detalle",
        respuestas={
            "medidas": ["entidad_financiera"],
            "titulos": "anulados",
            "causa": "resolucion",
        },
        archivos=_archivos(tramite),
        datos={r.pk: "N-1" for r in tramite.requisitos.filter(forma="dato")},
    )


def _archivos(tramite: Tramite) -> dict:
    import io

    from core.uploads import validate_upload
    from tests import archivos

    pdf = validate_upload(io.BytesIO(archivos.pdf_bytes()), name_for_messages="x")
    return {r.pk: pdf for r in tramite.requisitos.filter(forma="archivo")}


def test_each_trámite_goes_to_the_unit_that_attends_it() -> None:
    casos = {
        ("levantamiento-medidas-cautelares", "09"): "09-coactiva",
        ("impugnacion-de-glosa", "13"): "13-cartera",
        ("acuerdo-pagos-parciales-12-meses", "01"): "01-cartera",
        ("convenio-purga-mora", "17"): "17-cartera",
        ("anulacion-titulo-credito", "24"): "24-cartera",
        ("certificado-atencion-salud-riesgos-trabajo", "11"): "nacional-riesgos",
    }
    for (slug, provincia), unidad in casos.items():
        _, encontrada = services.unidad_para(
            tramite=Tramite.objects.get(slug=slug), provincia_id=provincia
        )
        assert encontrada is not None and encontrada.codigo == unidad, slug


def test_first_matching_rule_by_priority_wins_and_inactive_units_are_skipped() -> None:
    tramite = Tramite.objects.get(slug="levantamiento-medidas-cautelares")
    pichincha = Provincia.objects.get(pk="17")
    # A province-specific rule with a higher priority (lower number) wins.
    regla = ReglaEnrutamiento.objects.create(
        tramite=tramite,
        provincia=pichincha,
        unidad=Unidad.objects.get(codigo="17-direccion"),
        prioridad=10,
    )
    assert services.unidad_para(tramite=tramite, provincia_id="17") == (regla, regla.unidad)
    assert services.unidad_para(tramite=tramite, provincia_id="09")[1].codigo == "09-coactiva"
    # Its unit closes: the next rule applies.
    Unidad.objects.filter(codigo="17-direccion").update(activa=False)
    assert services.unidad_para(tramite=tramite, provincia_id="17")[1].codigo == "17-coactiva"
    # Without any rule of its own, the default: the Dirección Provincial.
    ReglaEnrutamiento.objects.filter(tramite=tramite).delete()
    Unidad.objects.filter(codigo="09-direccion").update(activa=True)
    regla_defecto, unidad = services.unidad_para(tramite=tramite, provincia_id="09")
    assert unidad.codigo == "09-direccion" and regla_defecto.tramite is None


def test_routing_is_idempotent_and_emails_the_filer() -> None:
    solicitud = _recibida()
    assert solicitud.estado == Solicitud.Estado.RECIBIDA and solicitud.unidad is None
    mail.outbox.clear()
    assert solicitud_enrutar_task.apply(args=[solicitud.pk]).get() is True
    assert solicitud_enrutar_task.apply(args=[solicitud.pk]).get() is False
    assert services.solicitud_enrutar(solicitud_id=solicitud.pk) is False
    solicitud.refresh_from_db()
    assert solicitud.unidad.codigo == "17-coactiva" and solicitud.enrutada_en is not None
    assert solicitud.historial.filter(estado="asignada").count() == 1
    from core.email import correo_entregar
    from core.models import Correo

    for correo in Correo.objects.filter(evento="tramites.estado"):
        correo_entregar(correo_id=correo.pk)
    asuntos = [m.subject for m in mail.outbox]
    assert asuntos == [f"Trámite {solicitud.numero}: Asignada a la unidad"]
    assert "Unidad Provincial de Gestión de Coactiva de Pichincha" in mail.outbox[0].body


def test_a_request_filed_while_the_broker_is_down_is_accepted_and_routed_by_the_sweep(
    client,
    dead_broker,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    from tests.tramites.conftest import datos_levantamiento

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/ventanilla/levantamiento-medidas-cautelares/", datos_levantamiento()
        )
    assert response.status_code == 302  # accepted
    solicitud = Solicitud.objects.get()
    assert solicitud.estado == Solicitud.Estado.RECIBIDA
    reconfigure_celery(task_always_eager=True)  # the broker is back (in-process here)
    assert solicitudes_sin_enrutar_barrer(antiguedad_segundos=120) == 0  # too recent
    Solicitud.objects.update(creado_en=timezone.now() - dt.timedelta(minutes=5))
    assert solicitudes_sin_enrutar_barrer(antiguedad_segundos=120) == 1
    solicitud.refresh_from_db()
    assert solicitud.estado == Solicitud.Estado.ASIGNADA
    assert solicitudes_sin_enrutar_barrer(antiguedad_segundos=120) == 0


def test_a_routing_failure_is_recorded_on_the_row_and_retried_later() -> None:
    solicitud = _recibida()
    Unidad.objects.filter(codigo__in=["17-coactiva", "17-direccion"]).update(activa=False)
    with pytest.raises(LookupError):
        services.solicitud_enrutar(solicitud_id=solicitud.pk)
    solicitud.refresh_from_db()
    assert solicitud.estado == Solicitud.Estado.RECIBIDA
    assert "Ninguna regla" in solicitud.enrutamiento_error
    Unidad.objects.filter(codigo="17-coactiva").update(activa=True)
    assert services.solicitud_enrutar(solicitud_id=solicitud.pk) is True
    solicitud.refresh_from_db()
    assert solicitud.enrutamiento_error == ""


def test_the_state_machine_refuses_illegal_changes_and_keeps_a_public_history() -> None:
    solicitud = _recibida()
    services.solicitud_enrutar(solicitud_id=solicitud.pk)
    analista = staff(ROLE.SECRETARIO_ABOGADO, "17-coactiva")
    with pytest.raises(services.TransicionInvalida, match="no puede pasar a «Archivada»"):
        services.solicitud_transicion(solicitud=solicitud, a="archivada", actor=analista)
    with pytest.raises(services.TransicionInvalida, match="qué debe completar"):
        services.solicitud_transicion(solicitud=solicitud, a="observada", actor=analista)
    solicitud.refresh_from_db()
    assert solicitud.estado == "asignada" and solicitud.historial.count() == 2

    services.solicitud_transicion(solicitud=solicitud, a="en_atencion", actor=analista)
    services.solicitud_transicion(
        solicitud=solicitud,
        a="observada",
        actor=analista,
        pendiente="Cargue el certificado de hipotecas actualizado (máximo 30 días).",
        nota_interna="El certificado es de 2023.",
    )
    solicitud.refresh_from_db()
    assert solicitud.pendiente_solicitante.startswith("Cargue el certificado")
    services.solicitud_transicion(solicitud=solicitud, a="en_atencion", actor=analista)
    with pytest.raises(services.TransicionInvalida, match="motivo"):
        services.solicitud_transicion(solicitud=solicitud, a="negada", actor=analista)
    services.solicitud_transicion(
        solicitud=solicitud, a="atendida", actor=analista, nota_publica="Se emitió el oficio."
    )
    solicitud.refresh_from_db()
    assert solicitud.resuelta_en is not None and solicitud.pendiente_solicitante == ""
    assert list(solicitud.historial.values_list("estado", flat=True)) == [
        "recibida",
        "asignada",
        "en_atencion",
        "observada",
        "en_atencion",
        "atendida",
    ]
    observada = solicitud.historial.get(estado="observada")
    assert observada.actor == analista and observada.nota_interna == "El certificado es de 2023."
    with pytest.raises(services.TransicionInvalida):
        services.solicitud_transicion(solicitud=solicitud, a="en_atencion", actor=analista)
    from core.models import AppendOnlyError

    with pytest.raises(AppendOnlyError):
        HistorialSolicitud.objects.first().delete()  # type: ignore[union-attr]
    from core.models import Correo

    assert Correo.objects.filter(evento="tramites.estado").count() == 5


def test_admin_lists_only_requests_of_the_staff_members_scope(client) -> None:  # type: ignore[no-untyped-def]
    pichincha = _recibida(provincia="17")
    guayas = _recibida(provincia="09")
    for s in (pichincha, guayas):
        services.solicitud_enrutar(solicitud_id=s.pk)
    secretario = staff(ROLE.SECRETARIO_ABOGADO, "17-coactiva")
    client.force_login(secretario)
    html = client.get("/admin/tramites/solicitud/").content.decode()
    assert pichincha.numero in html and guayas.numero not in html
    assert client.get(f"/admin/tramites/solicitud/{guayas.pk}/change/").status_code in (302, 404)
    html = client.get(f"/admin/tramites/solicitud/{pichincha.pk}/change/").content.decode()
    documento = pichincha.documentos.first()
    assert f"/tramites/documentos/{documento.pk}/" in html
    descarga = client.get(f"/tramites/documentos/{documento.pk}/")
    assert descarga.status_code == 200 and descarga["X-Content-Type-Options"] == "nosniff"
    otro = guayas.documentos.first()
    assert client.get(f"/tramites/documentos/{otro.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/tramites/documentos/{documento.pk}/").status_code == 302  # to login


def test_director_provincial_sees_the_province_and_the_catalogue_is_editable(client) -> None:  # type: ignore[no-untyped-def]
    _recibida(provincia="17")  # not routed yet: no unit, but in the province
    director = staff(ROLE.DIRECTOR_PROVINCIAL, "17-direccion")
    client.force_login(director)
    assert "VV-17-" in client.get("/admin/tramites/solicitud/").content.decode()
    supervisor = staff(ROLE.SUPERVISOR_NACIONAL, "nacional-recaudacion")
    client.force_login(supervisor)
    tramite = Tramite.objects.get(slug="levantamiento-medidas-cautelares")
    assert client.get(f"/admin/tramites/tramite/{tramite.pk}/change/").status_code == 200
    assert client.get("/admin/tramites/reglaenrutamiento/").status_code == 200
