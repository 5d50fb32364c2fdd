"""Back office of the Ventanilla requests: the scoped queue with deadlines, assignment,
subsanación, abandonment, resolution (with the per-trámite hook), documents, audit,
dashboard and escalation, as staff and filers would notice them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from core.models import DocumentoVerificable, EventoAuditoria
from core.services import documento_verificable_emitir
from core.uploads import validate_upload
from tests import archivos
from tests.factories import ROLE, staff
from tests.tramites.test_enrutamiento import _recibida
from tramites import resolutores, services
from tramites.models import (
    DocumentoSolicitud,
    HistorialSolicitud,
    PeriodoSuspension,
    PlantillaMensaje,
    Solicitud,
)
from tramites.tasks import solicitudes_abandonadas_archivar, solicitudes_escalar

pytestmark = pytest.mark.django_db
E = Solicitud.Estado
ADMIN = "/admin/tramites/solicitud/"
LEVANTAMIENTO = "levantamiento-medidas-cautelares"


def en_unidad(provincia: str = "17", slug: str = LEVANTAMIENTO) -> Solicitud:
    """A filed request routed to its unit (Pichincha's coactiva for a levantamiento)."""
    solicitud = _recibida(slug=slug, provincia=provincia)
    services.solicitud_enrutar(solicitud_id=solicitud.pk)
    solicitud.refresh_from_db()
    return solicitud


@pytest.fixture
def analista() -> Any:
    return staff(ROLE.ANALISTA_CARTERA, "17-coactiva")


@pytest.fixture
def jefe() -> Any:
    return staff(ROLE.JEFE_UNIDAD, "17-coactiva")


def _cliente(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _accion(client: Client, accion: str, *solicitudes: Solicitud, **datos: Any) -> Any:
    return client.post(
        ADMIN,
        {"action": accion, "_selected_action": [s.pk for s in solicitudes], "index": 0, **datos},
        follow=True,
    )


def _jpeg() -> Any:
    return validate_upload(io.BytesIO(archivos.jpeg_bytes()), name_for_messages="x")


# --- Deadlines ------------------------------------------------------------------------------


def test_deadline_starts_the_business_day_after_receipt_and_stops_while_the_filer_answers(
    analista: Any,
) -> None:
    solicitud = en_unidad()
    assert solicitud.tramite.termino_atencion_dias == 15
    # Received Monday 2 March 2026: 15 business days end on Monday 23 March; "por
    # vencer" from Thursday 19 March; more than 3× late after 45 business days.
    campos = services.plazo_campos(
        recibido_el=dt.date(2026, 3, 2), termino=15, dias_suspendidos=0, provincia_id="17"
    )
    assert campos == {
        "vence_el": dt.date(2026, 3, 23),
        "alerta_desde": dt.date(2026, 3, 19),
        "vencida_3x_desde": dt.date(2026, 5, 6),  # Good Friday (3 April) and 1 May off
    }
    Solicitud.objects.filter(pk=solicitud.pk).update(recibido_el=dt.date(2026, 3, 2), **campos)

    # Documents requested on Monday 9 March, answered on Friday 13 March: the 4 business
    # days in between are not counted (COA art. 162), so the term ends 4 days later.
    services.solicitud_tomar(solicitud=solicitud, por=analista)
    services.subsanacion_solicitar(
        solicitud=solicitud,
        mensaje="Cargue el certificado legible.",
        por=analista,
        hoy=dt.date(2026, 3, 9),
    )
    solicitud.refresh_from_db()
    assert solicitud.subsanar_hasta == dt.date(2026, 3, 23)  # 10 business days
    services.subsanacion_responder(
        solicitud=solicitud, archivos=[_jpeg()], hoy=dt.date(2026, 3, 13)
    )
    solicitud.refresh_from_db()
    assert solicitud.estado == E.EN_ATENCION
    assert solicitud.dias_suspendidos == 4
    assert solicitud.vence_el == dt.date(2026, 3, 27)
    periodo = PeriodoSuspension.objects.get(solicitud=solicitud)
    assert (periodo.desde, periodo.hasta, periodo.dias_habiles) == (
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 13),
        4,
    )


def test_a_suspension_across_a_holiday_counts_only_business_days(analista: Any) -> None:
    """Carnival 2026 (Monday 16 and Tuesday 17 February) falls inside the suspension."""
    solicitud = en_unidad()
    recibido = dt.date(2026, 2, 10)  # Tuesday: 15 business days end on Thursday 5 March
    campos = services.plazo_campos(
        recibido_el=recibido, termino=15, dias_suspendidos=0, provincia_id="17"
    )
    assert campos["vence_el"] == dt.date(2026, 3, 5)
    Solicitud.objects.filter(pk=solicitud.pk).update(recibido_el=recibido, **campos)
    services.solicitud_tomar(solicitud=solicitud, por=analista)
    # Asked on Thursday 12 February (2 days of the término used), the filer's own 10
    # business days end on Monday 2 March, skipping the weekend and Carnival.
    services.subsanacion_solicitar(
        solicitud=solicitud,
        mensaje="Cargue el certificado legible.",
        por=analista,
        hoy=dt.date(2026, 2, 12),
    )
    solicitud.refresh_from_db()
    assert solicitud.subsanar_hasta == dt.date(2026, 3, 2)
    # Answered on Thursday 19 February: Friday 13, Wednesday 18 and Thursday 19 are
    # suspended (not the weekend nor Carnival), so the término resumes on Friday 20 with
    # 13 days left and ends on Tuesday 10 March, three business days later than before.
    services.subsanacion_responder(
        solicitud=solicitud, archivos=[_jpeg()], hoy=dt.date(2026, 2, 19)
    )
    solicitud.refresh_from_db()
    assert solicitud.dias_suspendidos == 3
    assert solicitud.vence_el == dt.date(2026, 3, 10)
    assert solicitud.alerta_desde == dt.date(2026, 3, 6)


def test_a_new_request_gets_its_due_date_when_filed() -> None:
    solicitud = _recibida()
    esperado = services.plazo_campos(
        recibido_el=solicitud.recibido_el,
        termino=solicitud.tramite.termino_atencion_dias,
        dias_suspendidos=0,
        provincia_id="17",
    )
    assert solicitud.vence_el == esperado["vence_el"] > solicitud.recibido_el


def test_the_queue_filters_by_deadline_status(jefe: Any) -> None:
    hoy = timezone.localdate()
    d = dt.timedelta
    casos = {
        "a_tiempo": (hoy + d(days=30), hoy + d(days=20), hoy + d(days=90)),
        "por_vencer": (hoy + d(days=1), hoy - d(days=1), hoy + d(days=60)),
        "vencida": (hoy - d(days=3), hoy - d(days=5), hoy + d(days=30)),
        "muy_vencida": (hoy - d(days=90), hoy - d(days=92), hoy - d(days=1)),
    }
    numeros = {}
    for clave, (vence, alerta, tres) in casos.items():
        s = en_unidad()
        Solicitud.objects.filter(pk=s.pk).update(
            vence_el=vence, alerta_desde=alerta, vencida_3x_desde=tres
        )
        numeros[clave] = s.numero
    client = _cliente(jefe)
    for clave, numero in numeros.items():
        html = client.get(ADMIN, {"plazo": clave}).content.decode()
        otros = [n for c, n in numeros.items() if c != clave]
        assert numero in html and not any(o in html for o in otros), clave
    html = client.get(ADMIN).content.decode()
    assert "Vencida &gt; 3×" in html and "Por vencer" in html and "A tiempo" in html
    # Most urgent first.
    assert html.index(numeros["muy_vencida"]) < html.index(numeros["a_tiempo"])


def test_a_director_filters_the_province_queue_by_any_of_its_staff(analista: Any) -> None:
    tomada, libre = en_unidad(), en_unidad()
    services.solicitud_tomar(solicitud=tomada, por=analista)
    director = _cliente(staff(ROLE.DIRECTOR_PROVINCIAL, "17-direccion"))
    html = director.get(ADMIN).content.decode()
    assert f"?asignado={analista.pk}" in html  # a colleague of another unit of the province
    html = director.get(ADMIN, {"asignado": analista.pk}).content.decode()
    assert tomada.numero in html and libre.numero not in html
    html = director.get(ADMIN, {"asignado": "nadie"}).content.decode()
    assert libre.numero in html and tomada.numero not in html


def test_search_by_number_identification_and_name(jefe: Any) -> None:
    s = en_unidad()
    otra = en_unidad()
    Solicitud.objects.filter(pk=otra.pk).update(
        solicitante_nombre="Zoila Vaca", solicitante_identificacion="0912345675"
    )
    client = _cliente(jefe)
    html = client.get(ADMIN, {"q": s.numero.lower()}).content.decode()
    assert s.numero in html and otra.numero not in html
    html = client.get(ADMIN, {"q": "0912345675"}).content.decode()
    assert otra.numero in html and s.numero not in html
    html = client.get(ADMIN, {"q": "zoila"}).content.decode()
    assert otra.numero in html and s.numero not in html
    for raro in ["%", "' OR 1=1 --", "VV-99-9999-9", "ñ" * 300]:
        assert client.get(ADMIN, {"q": raro}).status_code == 200


def test_the_queue_page_makes_the_same_number_of_queries_at_any_size(jefe: Any) -> None:
    client = _cliente(jefe)
    en_unidad()
    client.get(ADMIN)  # warm caches (content types, session)

    def consultas() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(ADMIN).status_code == 200
        return len(ctx.captured_queries)

    pocas = consultas()
    for _ in range(12):
        s = en_unidad()
        services.solicitud_asignar(solicitud=s, a=jefe, por=jefe)
    assert consultas() == pocas
    assert pocas <= 15


# --- Scope ------------------------------------------------------------------------------------


def test_guayas_staff_get_403_or_404_on_every_pichincha_url(jefe: Any) -> None:
    solicitud = en_unidad("17")
    documento = solicitud.documentos.first()
    assert documento is not None
    ajena = _cliente(staff(ROLE.JEFE_UNIDAD, "09-coactiva"))
    director = _cliente(staff(ROLE.DIRECTOR_PROVINCIAL, "09-direccion"))
    urls = [
        f"{ADMIN}{solicitud.pk}/change/",
        f"{ADMIN}{solicitud.pk}/history/",
        f"/tramites/documentos/{documento.pk}/",
        f"/tramites/documentos/{documento.pk}/?ver=1",
        f"/gestion/solicitudes/{solicitud.pk}/expediente/",
    ]
    for client in (ajena, director):
        for url in urls:
            assert client.get(url).status_code in {403, 404}, url
        assert solicitud.numero not in client.get(ADMIN).content.decode()
        assert solicitud.numero not in client.get("/gestion/tablero/").content.decode()
        # An action posted with a Pichincha id does nothing.
        _accion(client, "tomar", solicitud)
        solicitud.refresh_from_db()
        assert solicitud.asignado_a is None and solicitud.estado == E.ASIGNADA
    # The unit's own head sees it all, with the actions that apply as buttons.
    propia = _cliente(jefe)
    for url in urls:
        assert propia.get(url).status_code == 200, url
    pagina = propia.get(urls[0]).content.decode()
    for etiqueta in ("Tomar", "Asignar…", "Pedir documentos…", "Aprobar…", "Negar…"):
        assert f">{etiqueta}</button>" in pagina, etiqueta
    assert "Archivar por abandono</button>" not in pagina
    # An employer or anonymous visitor gets nothing of the back office.
    assert Client().get(urls[2]).status_code in {302, 403, 404}


def test_the_read_only_auditor_sees_the_queue_but_cannot_act_on_it() -> None:
    recibida = _recibida()
    asignada = en_unidad()
    auditor = _cliente(staff(ROLE.AUDITOR, "17-coactiva"))
    html = auditor.get(ADMIN).content.decode()
    assert recibida.numero in html and asignada.numero in html
    assert 'name="action"' not in html  # no action is offered…
    for accion, solicitud in [("enrutar_ahora", recibida), ("tomar", asignada)]:
        _accion(auditor, accion, solicitud)  # …and a forged one does nothing
    recibida.refresh_from_db()
    asignada.refresh_from_db()
    assert recibida.estado == E.RECIBIDA and recibida.unidad is None
    assert asignada.asignado_a is None
    # The national supervisor, who may change requests, routes it.
    supervisor = _cliente(staff(ROLE.SUPERVISOR_NACIONAL, "17-coactiva"))
    assert "enrutar_ahora" in supervisor.get(ADMIN).content.decode()
    _accion(supervisor, "enrutar_ahora", recibida)
    recibida.refresh_from_db()
    assert recibida.estado == E.ASIGNADA


# --- Assignment ---------------------------------------------------------------------------------


def test_staff_take_a_request_and_heads_assign_in_bulk_within_the_unit(
    analista: Any, jefe: Any
) -> None:
    a, b = en_unidad(), en_unidad()
    res = _accion(_cliente(analista), "tomar", a)
    assert "Tomó 1 solicitud" in res.content.decode()
    a.refresh_from_db()
    assert a.asignado_a == analista and a.estado == E.EN_ATENCION
    fila = HistorialSolicitud.objects.filter(solicitud=a, tipo="asignacion").get()
    assert fila.actor == analista and fila.asignado_a == analista and not fila.publico
    assert EventoAuditoria.objects.filter(accion="tramites.asignada", object_id=str(a.pk)).exists()

    # A colleague cannot take it over; only the head reassigns.
    colega = staff(ROLE.SECRETARIO_ABOGADO, "17-coactiva", username="colega")
    res = _accion(_cliente(colega), "tomar", a)
    assert "ya está asignada a" in res.content.decode()
    a.refresh_from_db()
    assert a.asignado_a == analista
    # An analyst does not assign to others (the action is not even offered).
    assert "Asignar a un funcionario" not in _cliente(analista).get(ADMIN).content.decode()
    with pytest.raises(ValidationError):
        services.solicitud_asignar(solicitud=b, a=jefe, por=analista)

    # The head reassigns both through the intermediate form.
    otro = staff(ROLE.SECRETARIO_ABOGADO, "17-coactiva")
    client = _cliente(jefe)
    pagina = _accion(client, "asignar", a, b)
    assert "Funcionario" in pagina.content.decode() and a.numero in pagina.content.decode()
    res = _accion(client, "asignar", a, b, asignado_a=otro.pk, nota="Reparto", aplicar="1")
    assert res.status_code == 200
    for s in (a, b):
        s.refresh_from_db()
        assert s.asignado_a == otro
    assert "Antes:" in HistorialSolicitud.objects.filter(solicitud=a).last().nota_interna

    # The head of another unit cannot hand it out (not even to its own staff), ask for
    # documents or resolve it: the services check the scope, not only the admin's list.
    jefe_guayas = staff(ROLE.JEFE_UNIDAD, "09-coactiva")
    with pytest.raises(ValidationError, match="fuera de su unidad"):
        services.solicitud_asignar(solicitud=a, a=analista, por=jefe_guayas)
    with pytest.raises(ValidationError, match="fuera de su unidad"):
        services.subsanacion_solicitar(
            solicitud=a, mensaje="Cargue el certificado legible.", por=jefe_guayas
        )
    with pytest.raises(ValidationError, match="fuera de su unidad"):
        services.solicitud_resolver(
            solicitud=a, aprobada=False, motivo="Negada desde otra provincia.", por=jefe_guayas
        )
    a.refresh_from_db()
    assert a.estado == E.EN_ATENCION
    # Someone of another unit cannot receive it.
    ajeno = staff(ROLE.ANALISTA_CARTERA, "09-coactiva")
    with pytest.raises(ValidationError):
        services.solicitud_asignar(solicitud=a, a=ajeno, por=jefe)
    res = _accion(client, "asignar", a, asignado_a=ajeno.pk, aplicar="1")
    assert "opción válida" in res.content.decode()
    a.refresh_from_db()
    assert a.asignado_a == otro


# --- Subsanación and abandonment -----------------------------------------------------------


def test_subsanacion_from_the_email_link_to_the_queue(
    analista: Any, django_capture_on_commit_callbacks: Any
) -> None:
    solicitud = en_unidad()
    services.solicitud_tomar(solicitud=solicitud, por=analista)
    plantilla = PlantillaMensaje.objects.get(nombre="Documento ilegible")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _accion(
            _cliente(analista), "pedir_documentos", solicitud, plantilla=plantilla.pk, aplicar="1"
        )
    solicitud.refresh_from_db()
    assert solicitud.estado == E.OBSERVADA
    assert "no se puede leer con claridad" in solicitud.pendiente_solicitante
    assert solicitud.numero in solicitud.pendiente_solicitante  # {numero} filled in
    correo = mail.outbox[-1]
    enlace = re.search(r"https?://\S+/consulta/subsanar/\?numero=\S+", correo.body)
    assert enlace and solicitud.numero in enlace.group(0)
    assert f"{solicitud.subsanar_hasta:%d/%m/%Y}" in correo.body

    filer = Client()
    ruta = enlace.group(0).split("://", 1)[1].split("/", 1)[1]
    pagina = filer.get("/" + ruta)
    assert f'value="{solicitud.numero}"' in pagina.content.decode()

    # Wrong identification: refused, nothing stored.
    res = filer.post(
        "/consulta/subsanar/",
        {
            "numero": solicitud.numero,
            "identificacion": "0102030405",
            "archivo_1": archivos.subido("cert.jpg", archivos.jpeg_bytes(), "image/jpeg"),
        },
    )
    assert res.status_code == 400 and "No encontramos un trámite" in res.content.decode()
    # A disguised file: refused next to its field, in Spanish.
    res = filer.post(
        "/consulta/subsanar/",
        {
            "numero": solicitud.numero,
            "identificacion": solicitud.solicitante_identificacion,
            "archivo_1": archivos.subido("cert.jpg", archivos.png_bytes(), "image/jpeg"),
        },
    )
    assert res.status_code == 400 and "«cert.jpg»" in res.content.decode()
    # An empty file is named too (not Django's anonymous «El fichero enviado está vacío»).
    res = filer.post(
        "/consulta/subsanar/",
        {
            "numero": solicitud.numero,
            "identificacion": solicitud.solicitante_identificacion,
            "archivo_1": archivos.subido("vacio.pdf", b"", "application/pdf"),
        },
    )
    assert res.status_code == 400
    assert "El archivo «vacio.pdf» (Documento) está vacío." in res.content.decode()
    assert not solicitud.documentos.filter(origen="subsanacion").exists()

    with django_capture_on_commit_callbacks(execute=True):
        res = filer.post(
            "/consulta/subsanar/",
            {
                "numero": solicitud.numero,
                "identificacion": solicitud.solicitante_identificacion,
                "archivo_1": archivos.subido("cert.jpg", archivos.jpeg_bytes(), "image/jpeg"),
                "comentario": "Adjunto el certificado legible.",
            },
        )
    assert res.status_code == 200 and "Recibimos sus documentos" in res.content.decode()
    solicitud.refresh_from_db()
    assert solicitud.estado == E.EN_ATENCION and solicitud.subsanada_en is not None
    nuevo = solicitud.documentos.get(origen="subsanacion")
    assert nuevo.tipo == "jpg" and len(nuevo.sha256) == 64
    html = _cliente(analista).get(ADMIN, {"asignado": "yo"}).content.decode()
    assert solicitud.numero in html and "(subsanada)" in html
    # A second answer is refused: it is no longer waiting.
    res = filer.post(
        "/consulta/subsanar/",
        {
            "numero": solicitud.numero,
            "identificacion": solicitud.solicitante_identificacion,
            "archivo_1": archivos.subido("otra.jpg", archivos.jpeg_bytes(), "image/jpeg"),
        },
    )
    assert "no está esperando documentos" in res.content.decode()


def test_unanswered_requests_are_archived_after_the_filer_term_with_notice(
    analista: Any, django_capture_on_commit_callbacks: Any
) -> None:
    vencida, vigente = en_unidad(), en_unidad()
    hace = timezone.localdate() - dt.timedelta(days=40)
    for s in (vencida, vigente):
        services.solicitud_tomar(solicitud=s, por=analista)
        services.subsanacion_solicitar(
            solicitud=s, mensaje="Cargue el certificado de gravámenes.", por=analista
        )
    Solicitud.objects.filter(pk=vencida.pk).update(subsanar_hasta=hace)
    # The admin refuses to archive one still in its term.
    res = _accion(_cliente(analista), "archivar_abandono", vigente)
    assert "tiene hasta el" in res.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert solicitudes_abandonadas_archivar.delay().get() == 1
    vencida.refresh_from_db()
    vigente.refresh_from_db()
    assert vencida.estado == E.ARCHIVADA and vigente.estado == E.OBSERVADA
    assert any(vencida.numero in m.subject and "Archivada" in m.subject for m in mail.outbox)
    assert PeriodoSuspension.objects.get(solicitud=vencida).hasta is not None
    assert solicitudes_abandonadas_archivar.delay().get() == 0  # idempotent


# --- Resolution ------------------------------------------------------------------------


def test_approval_issues_a_verifiable_letter_the_filer_downloads_on_consulta(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # A trámite with no resolutor of its own (a levantamiento gets coactiva's oficios).
    analista = staff(ROLE.ANALISTA_CARTERA, "17-cartera")
    solicitud = en_unidad(slug="anulacion-titulo-credito")
    services.solicitud_tomar(solicitud=solicitud, por=analista)
    client = _cliente(analista)
    # Without a reason or template the form says so next to the field.
    res = _accion(client, "aprobar", solicitud, aplicar="1")
    assert "Elija una plantilla o escriba el texto." in res.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _accion(
            client,
            "aprobar",
            solicitud,
            motivo="Los títulos del proceso {numero} están cancelados.",
            aplicar="1",
        )
    solicitud.refresh_from_db()
    assert solicitud.estado == E.ATENDIDA and solicitud.resuelta_en is not None
    resultado = solicitud.documentos.get(origen="resultado")
    verificable = DocumentoVerificable.objects.get(tipo="resolucion")
    assert resultado.sha256 == verificable.sha256 and resultado.paginas == 1
    assert any("Atendida" in m.subject for m in mail.outbox)

    consulta = Client().post(
        "/consulta/",
        {"numero": solicitud.numero, "identificacion": solicitud.solicitante_identificacion},
    )
    html = consulta.content.decode()
    assert "Resolución del trámite" in html and f"{solicitud.numero} están cancelados" in html
    descarga = Client().post(
        f"/consulta/documento/{resultado.pk}/",
        {"numero": solicitud.numero, "identificacion": solicitud.solicitante_identificacion},
    )
    pdf = PdfReader(io.BytesIO(b"".join(descarga.streaming_content)))
    texto = pdf.pages[0].extract_text()
    assert "APROBADA" in texto and verificable.codigo in texto
    verificacion = Client().get(f"/verificar/{verificable.codigo}/").content.decode()
    assert solicitud.numero in verificacion and "APROBADA" in verificacion

    # Resolved is final: the admin cannot move it again.
    res = _accion(client, "negar", solicitud, motivo="Otro motivo cualquiera.", aplicar="1")
    assert "no puede pasar" in res.content.decode()
    solicitud.refresh_from_db()
    assert solicitud.estado == E.ATENDIDA
    # And the change form has no editable state.
    cambio = client.get(f"{ADMIN}{solicitud.pk}/change/").content.decode()
    assert 'name="estado"' not in cambio and 'name="asignado_a"' not in cambio
    assert 'name="_save"' not in cambio
    # A forged POST of the change form changes nothing.
    client.post(f"{ADMIN}{solicitud.pk}/change/", {"estado": "asignada", "_save": "1"})
    solicitud.refresh_from_db()
    assert solicitud.estado == E.ATENDIDA


def test_rejection_needs_a_reason_and_says_it(analista: Any) -> None:
    solicitud = en_unidad()
    with pytest.raises(ValidationError):
        services.solicitud_resolver(solicitud=solicitud, aprobada=False, motivo="", por=analista)
    plantilla = PlantillaMensaje.objects.get(nombre="Obligaciones pendientes")
    _accion(_cliente(analista), "negar", solicitud, plantilla=plantilla.pk, aplicar="1")
    solicitud.refresh_from_db()
    assert solicitud.estado == E.NEGADA
    assert "obligaciones pendientes" in solicitud.historial.last().nota_publica


def test_each_tramite_offers_its_own_templates_besides_the_general_ones(analista: Any) -> None:
    levantamiento = en_unidad()
    client = _cliente(analista)
    formularios = {
        accion: _accion(client, accion, levantamiento).content.decode()
        for accion in ("pedir_documentos", "aprobar", "negar")
    }
    assert "Certificado de la medida" in formularios["pedir_documentos"]
    assert "Levantamiento dispuesto" in formularios["aprobar"]
    assert "Títulos pendientes de pago" in formularios["negar"]
    assert "Obligaciones pendientes" in formularios["negar"]  # a general one
    assert "Impugnación rechazada" not in formularios["negar"]  # another trámite's
    assert "Acuerdo aprobado" not in formularios["aprobar"]
    plantilla = PlantillaMensaje.objects.get(
        nombre="Títulos pendientes de pago", tramite=levantamiento.tramite
    )
    _accion(client, "negar", levantamiento, plantilla=plantilla.pk, aplicar="1")
    levantamiento.refresh_from_db()
    assert levantamiento.estado == E.NEGADA
    assert (
        f"trámite {levantamiento.numero}: el proceso" in levantamiento.historial.last().nota_publica
    )


@pytest.fixture
def resolutor_de_prueba() -> Iterator[list[dict[str, Any]]]:
    llamadas: list[dict[str, Any]] = []

    def resolver(*, solicitud: Any, aprobada: bool, motivo: str, por: Any) -> list[Any]:
        llamadas.append({"solicitud": solicitud.numero, "aprobada": aprobada})
        if "rechazar" in motivo:
            raise ValidationError("La medida ya fue levantada por otro oficio.")
        return [
            documento_verificable_emitir(
                tipo=DocumentoVerificable.Tipo.OFICIO_LEVANTAMIENTO,
                titulo=f"Oficio al Registro de la Propiedad ({solicitud.numero})",
                datos_publicos={"Trámite": solicitud.numero},
                pdf=archivos.pdf_bytes(2, texto="Oficio de levantamiento"),
            )
        ]

    anterior = resolutores.resolutor_de(LEVANTAMIENTO)
    resolutores.registrar(LEVANTAMIENTO, resolver)
    yield llamadas
    resolutores._REGISTRO.pop(LEVANTAMIENTO, None)
    if anterior is not None:
        resolutores.registrar(LEVANTAMIENTO, anterior)


def test_the_tramite_resolutor_supplies_the_output_documents(
    analista: Any, resolutor_de_prueba: list[dict[str, Any]]
) -> None:
    solicitud = en_unidad()
    # A resolutor that refuses: nothing changes and the reason is shown.
    res = _accion(
        _cliente(analista), "aprobar", solicitud, motivo="Por favor rechazar esto", aplicar="1"
    )
    assert "ya fue levantada" in res.content.decode()
    solicitud.refresh_from_db()
    assert solicitud.estado == E.ASIGNADA and not solicitud.documentos.filter(origen="resultado")

    services.solicitud_resolver(
        solicitud=solicitud, aprobada=True, motivo="Títulos cancelados.", por=analista
    )
    solicitud.refresh_from_db()
    assert solicitud.estado == E.ATENDIDA
    assert resolutor_de_prueba[-1] == {"solicitud": solicitud.numero, "aprobada": True}
    resultado = solicitud.documentos.get(origen="resultado")
    assert resultado.nombre.startswith("Oficio al Registro de la Propiedad")
    assert resultado.paginas == 2
    assert not DocumentoVerificable.objects.filter(tipo="resolucion").exists()


# --- Documents, expediente and audit -----------------------------------------------------


def test_staff_read_documents_inline_and_download_the_expediente_all_audited(
    analista: Any,
) -> None:
    solicitud = en_unidad()
    services.documento_agregar(
        solicitud=solicitud,
        archivo=_jpeg(),
        nombre="Certificado",
        origen=DocumentoSolicitud.Origen.SUBSANACION,
    )
    client = _cliente(analista)
    cambio = client.get(f"{ADMIN}{solicitud.pk}/change/").content.decode()
    documento = solicitud.documentos.order_by("pk").first()
    assert documento is not None and documento.sha256 in cambio
    assert f"/tramites/documentos/{documento.pk}/?ver=1" in cambio
    res = client.get(f"/tramites/documentos/{documento.pk}/", {"ver": "1"})
    assert res["Content-Disposition"].startswith("inline")
    assert res["X-Content-Type-Options"] == "nosniff"
    assert res["Content-Type"] in {"application/pdf", "image/jpeg"}

    expediente = client.get(f"/gestion/solicitudes/{solicitud.pk}/expediente/")
    assert expediente["Content-Disposition"].startswith("attachment")
    pdf = PdfReader(io.BytesIO(expediente.content))
    paginas_docs = sum(d.paginas or 1 for d in solicitud.documentos.all())
    assert len(pdf.pages) >= 1 + paginas_docs
    assert solicitud.numero in pdf.pages[0].extract_text()

    acciones = set(EventoAuditoria.objects.filter(actor=analista).values_list("accion", flat=True))
    assert {"tramites.documento_visto", "tramites.expediente_descargado"} <= acciones
    # The trail is shown on the request's page.
    cambio = client.get(f"{ADMIN}{solicitud.pk}/change/").content.decode()
    assert "tramites.expediente_descargado" in cambio


@pytest.mark.postgres  # the database trigger exists on PostgreSQL only
def test_the_history_and_the_audit_trail_cannot_be_rewritten_even_in_bulk(
    analista: Any,
) -> None:
    from django.db import DatabaseError, transaction

    solicitud = en_unidad()
    services.solicitud_tomar(solicitud=solicitud, por=analista)
    historial = HistorialSolicitud.objects.filter(solicitud=solicitud)
    eventos = EventoAuditoria.objects.filter(object_id=str(solicitud.pk))
    assert historial.count() >= 2 and eventos.exists()
    for filas, cambio in [(historial, {"nota_interna": "borrado"}), (eventos, {"actor": None})]:
        with pytest.raises(DatabaseError, match="solo inserción"), transaction.atomic():
            filas.update(**cambio)
        with pytest.raises(DatabaseError, match="solo inserción"), transaction.atomic():
            filas.all()._raw_delete(filas.db)
    assert historial.filter(nota_interna="borrado").count() == 0
    assert eventos.filter(actor=analista).exists()


def test_auditors_export_the_trail_of_their_scope_by_date(analista: Any, jefe: Any) -> None:
    propia = en_unidad("17")
    ajena = en_unidad("09")
    services.solicitud_tomar(solicitud=propia, por=analista)
    guayas = staff(ROLE.ANALISTA_CARTERA, "09-coactiva")
    services.solicitud_tomar(solicitud=ajena, por=guayas)
    hoy = timezone.localdate()
    res = _cliente(jefe).get(
        "/gestion/auditoria/", {"desde": hoy - dt.timedelta(days=1), "hasta": hoy, "formato": "csv"}
    )
    texto = b"".join(res.streaming_content).decode("utf-8-sig")
    filas = list(csv.reader(io.StringIO(texto)))
    assert filas[0] == ["Fecha", "Usuario", "Acción", "Objeto", "Detalle", "IP"]
    assert any(f[2] == "tramites.asignada" and f[3] == propia.numero for f in filas[1:])
    assert not any(ajena.numero in f[3] for f in filas[1:])  # another province
    # A range before the events is empty; a reversed range is an error by its field.
    res = _cliente(jefe).get(
        "/gestion/auditoria/", {"desde": "2020-01-01", "hasta": "2020-01-31", "formato": "csv"}
    )
    assert len(b"".join(res.streaming_content).decode("utf-8-sig").splitlines()) == 1
    res = _cliente(jefe).get("/gestion/auditoria/", {"desde": "2020-02-01", "hasta": "2020-01-01"})
    assert res.status_code == 400 and "no puede ser anterior" in res.content.decode()
    # XLSX for the auditor (national scope) includes both provinces.
    auditor = staff(ROLE.AUDITOR, "17-coactiva")
    res = _cliente(auditor).get(
        "/gestion/auditoria/", {"desde": hoy, "hasta": hoy, "formato": "xlsx"}
    )
    from openpyxl import load_workbook

    hoja = load_workbook(io.BytesIO(res.content)).active
    objetos = {fila[3] for fila in hoja.iter_rows(values_only=True)}
    assert {propia.numero, ajena.numero} <= objetos
    # Analysts do not export.
    assert _cliente(analista).get("/gestion/auditoria/").status_code == 403


# --- Dashboard and escalation ------------------------------------------------------------


def test_the_dashboard_shows_open_requests_overdue_and_weekly_throughput(
    jefe: Any, analista: Any
) -> None:
    vencida = en_unidad()
    hoy = timezone.localdate()
    Solicitud.objects.filter(pk=vencida.pk).update(
        vence_el=hoy - dt.timedelta(days=2),
        alerta_desde=hoy - dt.timedelta(days=4),
        vencida_3x_desde=hoy + dt.timedelta(days=30),
    )
    resuelta = en_unidad()
    services.solicitud_resolver(
        solicitud=resuelta, aprobada=False, motivo="No hay medidas que levantar.", por=jefe
    )
    res = _cliente(jefe).get("/gestion/tablero/")
    html = res.content.decode()
    assert res.status_code == 200
    assert '<strong class="fs-3" id="total-abiertas">1</strong>' in html
    assert '<strong class="fs-3 text-danger" id="total-vencidas">1</strong>' in html
    assert vencida.numero in html and "<svg" in html
    assert "Recibidas y resueltas por semana" in html
    assert _cliente(analista).get("/gestion/tablero/").status_code == 403


def test_the_director_sees_the_age_of_open_requests_unit_by_unit() -> None:
    hoy = timezone.localdate()
    reciente = en_unidad()  # coactiva, received today
    # Coactiva, filed on a Saturday: received on the coming Monday, still 0-5 days old.
    Solicitud.objects.filter(pk=en_unidad().pk).update(recibido_el=hoy + dt.timedelta(days=2))
    antigua = en_unidad(slug="anulacion-titulo-credito")  # cartera, 40 days old
    Solicitud.objects.filter(pk=antigua.pk).update(recibido_el=hoy - dt.timedelta(days=40))
    en_unidad("09")  # Guayas: not in the director's province
    director = _cliente(staff(ROLE.DIRECTOR_PROVINCIAL, "17-direccion"))
    res = director.get("/gestion/tablero/")
    tabla = res.content.decode().split('id="tabla-antiguedad"', 1)[1].split("</table>", 1)[0]
    filas = {
        re.sub(r"<[^>]+>", "", f.split("</th>")[0]).strip(): re.findall(r">(\d+)</td>", f)
        for f in tabla.split("<tr>")[2:]
    }
    # Columns: 0-5 days, 6-15, 16-30, more than 30.
    assert filas == {
        antigua.unidad.nombre: ["0", "0", "0", "1"],
        reciente.unidad.nombre: ["2", "0", "0", "0"],
    }
    assert res.context["datos"].antiguedad == [
        ("0-5 días", 2),
        ("6-15 días", 0),
        ("16-30 días", 0),
        ("más de 30", 1),
    ]


def test_unit_heads_get_one_daily_email_with_due_and_overdue_requests(
    jefe: Any, django_capture_on_commit_callbacks: Any
) -> None:
    hoy = timezone.localdate()
    vence_hoy, vencida, a_tiempo = en_unidad(), en_unidad(), en_unidad()
    Solicitud.objects.filter(pk=vence_hoy.pk).update(vence_el=hoy)
    Solicitud.objects.filter(pk=vencida.pk).update(vence_el=hoy - dt.timedelta(days=3))
    Solicitud.objects.filter(pk=a_tiempo.pk).update(vence_el=hoy + dt.timedelta(days=10))
    guayas = en_unidad("09")
    Solicitud.objects.filter(pk=guayas.pk).update(vence_el=hoy)  # no head there: no e-mail
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert solicitudes_escalar.delay().get() == 1
    [correo] = mail.outbox
    assert correo.to == [jefe.email]
    assert vence_hoy.numero in correo.body and vencida.numero in correo.body
    assert a_tiempo.numero not in correo.body and guayas.numero not in correo.body
    assert "1 solicitud(es) vencen hoy y 1 están vencidas" in correo.subject
    with django_capture_on_commit_callbacks(execute=True):
        assert solicitudes_escalar.delay().get() == 0  # once a day


def test_no_escalation_email_on_a_holiday_of_the_units_city(
    jefe: Any, django_capture_on_commit_callbacks: Any
) -> None:
    vencida = en_unidad()
    Solicitud.objects.filter(pk=vencida.pk).update(vence_el=dt.date(2026, 12, 1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # Monday 7 December 2026: Fundación de Quito (6 December, a Sunday) is observed.
        assert services.escalamiento_enviar(hoy=dt.date(2026, 12, 7)) == 0
        assert services.escalamiento_enviar(hoy=dt.date(2026, 12, 25)) == 0  # Christmas
        assert services.escalamiento_enviar(hoy=dt.date(2026, 12, 8)) == 1
    [correo] = mail.outbox
    assert vencida.numero in correo.body and "08/12/2026" in correo.body


def test_demo_requests_have_due_dates_and_assignees() -> None:
    from io import StringIO

    from django.core.management import call_command

    salida = StringIO()
    call_command("seed_demo", "--empleadores", "60", "--sin-progreso", stdout=salida)
    abiertas = Solicitud.objects.filter(estado__in=[E.ASIGNADA, E.EN_ATENCION])
    assert abiertas.exists() and not abiertas.filter(vence_el__isnull=True).exists()
    assert Solicitud.objects.filter(estado=E.EN_ATENCION, asignado_a__isnull=False).exists()
    observadas = Solicitud.objects.filter(estado=E.OBSERVADA)
    assert not observadas.filter(subsanar_hasta__isnull=True).exists()
    assert PeriodoSuspension.objects.filter(hasta__isnull=True).count() == observadas.count()
    assert "jefe.coactiva.17" in salida.getvalue()


def test_the_upload_page_is_rate_limited_like_the_status_lookup(
    client: Client, ratelimit_clock: None
) -> None:
    codigos = {
        client.post(
            "/consulta/subsanar/", {"numero": f"VV-17-2026-{i:06d}", "identificacion": "1710034065"}
        ).status_code
        for i in range(31)
    }
    assert 429 in codigos
