"""Filing a request through the Ventanilla Virtual: requisites by condition, checked
uploads, the tracking number, the acuse de recibo and the e-mail."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from pypdf import PdfReader

from core.models import Correo, DocumentoVerificable, Secuencia
from tests import archivos
from tests.factories import EmpleadorFactory, empleador_user
from tests.tramites.conftest import (
    CEDULA,
    LEVANTAMIENTO,
    RUC_EMPLEADOR,
    SALUD,
    datos_levantamiento,
    requisito,
)
from tramites.models import DocumentoSolicitud, HistorialSolicitud, Solicitud

pytestmark = pytest.mark.django_db
URL = f"/ventanilla/{LEVANTAMIENTO}/"


def _privados() -> list[Path]:
    return archivos.archivos_en(Path(settings.PRIVATE_MEDIA_ROOT))


def _enviar(client: Client, django_capture_on_commit_callbacks, **cambios):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(URL, datos_levantamiento(**cambios))


def test_selection_step_leads_to_the_form_of_the_chosen_trámite(client: Client) -> None:
    html = client.get("/ventanilla/").content.decode()
    assert "Levantamiento de medidas cautelares" in html
    assert "Notificación de glosas" not in html  # not received through the Ventanilla
    response = client.get("/ventanilla/", {"provincia": "17", "tramite": LEVANTAMIENTO})
    assert response.status_code == 302 and response["Location"] == f"{URL}?provincia=17"
    html = client.get(response["Location"]).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert '<option value="17" selected>Pichincha</option>' in html


def test_a_levantamiento_is_received_routed_and_acknowledged(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    response = _enviar(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302, response.content.decode()[:3000]
    solicitud = Solicitud.objects.get()
    assert response["Location"] == f"/ventanilla/recibida/{solicitud.numero}/"
    assert solicitud.numero.startswith("VV-17-2026-") or solicitud.numero.startswith("VV-17-")
    assert solicitud.numero.endswith("-000001")

    # Routed by the task after commit (eager here) to Pichincha's coactiva unit.
    assert solicitud.estado == Solicitud.Estado.ASIGNADA
    assert solicitud.unidad.codigo == "17-coactiva"
    estados = list(solicitud.historial.values_list("estado", flat=True))
    assert estados == ["recibida", "asignada"]

    # Two files, in private storage under generated names; the JPEG re-encoded.
    documentos = {d.nombre: d for d in solicitud.documentos.all()}
    assert set(documentos) == {
        "Solicitud de levantamiento de medidas cautelares",
        "Certificado de hipotecas y gravámenes",
    }
    for documento in documentos.values():
        assert "carta" not in documento.archivo.name and "certificado" not in documento.archivo.name
        assert documento.archivo.storage.exists(documento.archivo.name)
    assert solicitud.respuestas["Número del título de crédito cancelado"] == "TC-17-2024-000981"
    assert solicitud.respuestas["medidas"] == ["inmueble"]

    # The acuse: a verifiable PDF with each file's SHA-256, attached to the e-mail.
    acuse = solicitud.acuse
    assert acuse.tipo == DocumentoVerificable.Tipo.ACUSE_RECIBO
    texto = "".join(p.extract_text() for p in PdfReader(acuse.archivo.open("rb")).pages)
    assert solicitud.numero in texto
    assert documentos["Certificado de hipotecas y gravámenes"].sha256[:20] in texto.replace(
        "\n", ""
    )
    correo = next(m for m in mail.outbox if "Acuse de recibo" in m.subject)
    assert correo.to == ["maria@empresa.test"]
    assert correo.attachments[0][0] == f"acuse-{solicitud.numero}.pdf"
    assert correo.attachments[0][1].startswith(b"%PDF")
    assert any("Asignada" in m.subject for m in mail.outbox)  # public state change

    # The confirmation page, in the filer's session only.
    html = client.get(response["Location"]).content.decode()
    assert solicitud.numero in html and "Unidad Provincial de Gestión de Coactiva" in html
    acuse_descarga = client.get(f"/ventanilla/recibida/{solicitud.numero}/acuse/")
    assert acuse_descarga["Content-Type"] == "application/pdf"
    assert acuse_descarga["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in acuse_descarga["Content-Disposition"]
    assert Client().get(response["Location"]).status_code == 404


def test_the_conditional_requisite_follows_the_declared_measure(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    hipotecas = requisito(LEVANTAMIENTO, "Certificado de hipotecas y gravámenes")
    vehicular = requisito(LEVANTAMIENTO, "Certificado del historial vehicular")
    response = _enviar(
        client,
        django_capture_on_commit_callbacks,
        medidas=["inmueble", "vehiculo"],
    )
    assert response.status_code == 400
    errores = response.context["form"].errors
    assert list(errores) == [vehicular.campo]
    assert "Adjunte «Certificado del historial vehicular»" in errores[vehicular.campo][0]
    # Everything else typed is kept; nothing was stored.
    html = response.content.decode()
    assert 'value="María Fernanda Salazar Pérez"' in html
    assert "predio 12345" in html
    assert not Solicitud.objects.exists() and not _privados()
    # A measure on a bank account does not need the real-estate certificate.
    retencion = requisito(LEVANTAMIENTO, "Certificado de retención de fondos")
    response = _enviar(
        client,
        django_capture_on_commit_callbacks,
        medidas=["entidad_financiera"],
        **{
            hipotecas.campo: None,
            retencion.campo: archivos.subido("retencion.pdf", archivos.pdf_bytes()),
        },
    )
    assert response.status_code == 302
    assert [d.nombre for d in Solicitud.objects.get().documentos.order_by("id")] == [
        "Solicitud de levantamiento de medidas cautelares",
        "Certificado de retención de fondos",
    ]


def test_a_file_sent_for_a_slot_that_does_not_apply_is_not_stored(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    vehicular = requisito(LEVANTAMIENTO, "Certificado del historial vehicular")
    response = _enviar(
        client,
        django_capture_on_commit_callbacks,
        **{vehicular.campo: archivos.subido("auto.pdf", archivos.pdf_bytes())},
    )
    assert response.status_code == 302
    assert DocumentoSolicitud.objects.count() == 2
    assert len(_privados()) == 3  # two requisites and the acuse


def test_a_third_party_must_attach_the_authorization(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from tramites.models import AutorizacionTercero, Tramite

    autorizacion = requisito(LEVANTAMIENTO, "Autorización a terceros")
    response = _enviar(client, django_capture_on_commit_callbacks, calidad="tercero_autorizado")
    assert response.status_code == 400  # no authorization in force from the employer
    assert "autorización a terceros vigente" in response.context["form"].errors["calidad"][0]

    empleador = EmpleadorFactory(identificacion=RUC_EMPLEADOR)
    vigente = AutorizacionTercero.objects.create(
        empleador=empleador,
        tercero_identificacion=CEDULA,
        tercero_nombre="María Fernanda Salazar Pérez",
        tercero_email="maria@empresa.test",
        vigente_hasta=dt.date.today() + dt.timedelta(days=30),
    )
    vigente.tramites.set([Tramite.objects.get(slug=LEVANTAMIENTO)])
    response = _enviar(client, django_capture_on_commit_callbacks, calidad="tercero_autorizado")
    assert response.status_code == 400
    assert (
        "Adjunte «Autorización a terceros»"
        in response.context["form"].errors[autorizacion.campo][0]
    )
    response = _enviar(
        client,
        django_capture_on_commit_callbacks,
        calidad="tercero_autorizado",
        **{autorizacion.campo: archivos.subido("autorizacion.pdf", archivos.pdf_bytes())},
    )
    assert response.status_code == 302
    solicitud = Solicitud.objects.get()
    assert solicitud.calidad == "tercero_autorizado"
    assert solicitud.autorizacion == vigente
    assert solicitud.documentos.filter(nombre="Autorización a terceros").exists()


@pytest.mark.parametrize(
    ("nombre", "contenido", "motivo"),
    [
        ("certificado.jpg", archivos.png_bytes(), "no es un JPG o PDF"),
        ("certificado.pdf", archivos.pdf_con_javascript(), "contiene JavaScript"),
        ("certificado.pdf", archivos.pdf_cifrado(), "cifrado"),
        ("certificado.jpg", archivos.jpeg_bytes()[:3000], "dañada o incompleta"),
        ("certificado.pdf", b"", "está vacío"),
    ],
)
def test_a_refused_upload_names_the_file_keeps_the_form_and_stores_nothing(
    client: Client, django_capture_on_commit_callbacks, nombre: str, contenido: bytes, motivo: str
) -> None:  # type: ignore[no-untyped-def]
    hipotecas = requisito(LEVANTAMIENTO, "Certificado de hipotecas y gravámenes")
    response = _enviar(
        client,
        django_capture_on_commit_callbacks,
        **{hipotecas.campo: archivos.subido(nombre, contenido)},
    )
    assert response.status_code == 400
    mensaje = response.context["form"].errors[hipotecas.campo][0]
    assert f"«{nombre}» (Certificado de hipotecas y gravámenes)" in mensaje and motivo in mensaje
    html = response.content.decode()
    assert 'value="maria@empresa.test"' in html and 'value="TC-17-2024-000981"' in html
    assert f'id="error_1_id_{hipotecas.campo}"' in html or mensaje.split("«")[0] in html
    assert not Solicitud.objects.exists() and not _privados() and not Correo.objects.exists()


def test_an_oversize_upload_is_refused_with_every_other_field_kept(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    solicitud = requisito(LEVANTAMIENTO, "Solicitud de levantamiento de medidas cautelares")
    grande = archivos.pdf_bytes() + b"%" + b"0" * 2_000_000
    response = _enviar(
        client,
        django_capture_on_commit_callbacks,
        **{solicitud.campo: archivos.subido("carta-grande.pdf", grande)},
    )
    assert response.status_code == 400
    mensaje = response.context["form"].errors[solicitud.campo][0]
    assert "«carta-grande.pdf»" in mensaje and "el máximo permitido es 1 MB" in mensaje
    assert response.context["form"].data["detalle"].startswith("Solicito el levantamiento")
    assert not _privados()


def test_identification_and_contact_errors_are_in_spanish_next_to_their_fields(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    response = _enviar(
        client,
        django_capture_on_commit_callbacks,
        identificacion="1710034066",
        email_confirmacion="otra@empresa.test",
        celular="12345",
        empleador_identificacion="1790012345000",
    )
    errores = response.context["form"].errors
    assert "dígito verificador" in errores["identificacion"][0]
    assert errores["email_confirmacion"] == ["Los dos correos electrónicos no coinciden."]
    assert "09" in errores["celular"][0]
    assert "establecimiento" in errores["empleador_identificacion"][0]
    assert not _privados()


def test_an_address_longer_than_the_mail_standard_is_refused_not_a_server_error(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    largo = "a" * 250 + "@correo.ec"  # a valid shape, but longer than 254 characters
    response = _enviar(
        client, django_capture_on_commit_callbacks, email=largo, email_confirmacion=largo
    )
    assert response.status_code == 400
    assert "254 caracteres" in response.context["form"].errors["email"][0]
    assert not Solicitud.objects.exists() and not _privados()


def test_the_pages_state_the_upload_rule_in_force(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """The limit and the types are parameters: when staff change them, every page and
    message says the new rule (and the file inputs offer the new types)."""
    import datetime as dt

    from core.services import parametro_set

    html = client.get(URL).content.decode()
    assert "JPG o PDF de hasta 1 MB" in html
    with django_capture_on_commit_callbacks(execute=True):
        parametro_set(clave="UPLOAD_TIPOS", valor=["pdf"], vigente_desde=dt.date(2020, 1, 1))
        parametro_set(clave="UPLOAD_MAX_BYTES", valor=2_097_152, vigente_desde=dt.date(2020, 1, 1))
    for url in ["/ventanilla/", URL, "/consulta/subsanar/"]:
        html = client.get(url).content.decode()
        assert "PDF de hasta 2 MB" in html and "1 MB" not in html, url
    assert 'accept=".pdf,application/pdf"' in client.get(URL).content.decode()
    hipotecas = requisito(LEVANTAMIENTO, "Certificado de hipotecas y gravámenes")
    response = _enviar(client, django_capture_on_commit_callbacks, **{hipotecas.campo: None})
    assert response.context["form"].errors[hipotecas.campo] == [
        "Adjunte «Certificado de hipotecas y gravámenes» (PDF de hasta 2 MB)."
    ]


def test_the_form_shows_every_slot_with_its_condition_for_browsers_without_javascript(
    client: Client,
) -> None:
    html = client.get(URL).content.decode()
    for nombre in [
        "Certificado de hipotecas y gravámenes",
        "Certificado de retención de fondos",
        "Certificado del historial vehicular",
        "Autorización a terceros",
    ]:
        assert nombre in html
    assert 'data-reveal-when="medidas=inmueble"' in html
    assert 'data-reveal-when="calidad=tercero_autorizado"' in html
    assert "Aplica únicamente para el caso que la medida cautelar esté impuesta a un bien" in html
    assert 'data-reveal-when="titulos=cancelados|ambos"' in html


def test_a_foreigner_attaches_the_identification_code_instead_of_the_cédula(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    carta = requisito(
        SALUD,
        "Solicitud de certificado para atención médica de beneficiarios "
        "del Seguro General de Riesgos del Trabajo",
    )
    codigo = requisito(SALUD, "Código de identificación para extranjeros")
    datos = {
        "provincia": "09",
        "tipo_identificacion": "extranjero",
        "identificacion": "PA1234567",
        "nombre": "John Smith",
        "email": "john@correo.test",
        "email_confirmacion": "john@correo.test",
        "celular": "0987654321",
        "direccion": "Guayaquil",
        "calidad": "titular",
        "detalle": "Necesito el certificado para mantener la atención médica.",
        "declaracion": "on",
        carta.campo: archivos.subido("carta.pdf", archivos.pdf_bytes()),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/ventanilla/{SALUD}/", datos)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [codigo.campo]
    datos[carta.campo] = archivos.subido("carta.pdf", archivos.pdf_bytes())
    datos[codigo.campo] = archivos.subido("codigo.jpg", archivos.jpeg_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/ventanilla/{SALUD}/", datos)
    assert response.status_code == 302
    solicitud = Solicitud.objects.get()
    assert solicitud.numero.startswith("VV-09-")
    assert solicitud.unidad.codigo == "nacional-riesgos"  # a national directorate


def test_numbers_are_per_province_and_year_without_gaps(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    numeros = []
    for provincia in ["17", "17", "09", "17"]:
        response = _enviar(client, django_capture_on_commit_callbacks, provincia=provincia)
        assert response.status_code == 302
        numeros.append(Solicitud.objects.order_by("-id").first().numero)
    assert [n.split("-")[1] for n in numeros] == ["17", "17", "09", "17"]
    assert [n[-6:] for n in numeros] == ["000001", "000002", "000001", "000003"]


def test_a_submission_that_fails_midway_leaves_no_file_and_no_gap(
    client: Client, django_capture_on_commit_callbacks, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The files are already in storage when the acuse is rendered: if that fails, the
    transaction rolls back, the files go, and the number is given back."""
    from tramites import services

    def falla(**kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disco lleno")

    monkeypatch.setattr(services.core_pdf, "render", falla)
    with pytest.raises(OSError, match="disco lleno"):
        _enviar(client, django_capture_on_commit_callbacks)
    assert not Solicitud.objects.exists() and not DocumentoVerificable.objects.exists()
    assert not _privados() and not Correo.objects.exists() and not mail.outbox
    monkeypatch.undo()
    response = _enviar(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"].endswith("-000001/")


def test_a_logged_in_employer_sees_the_precheck_and_chooses_its_measures(
    client: Client, django_capture_on_commit_callbacks, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from coactiva import selectors as coactiva_selectors
    from coactiva.selectors import MedidaResumen, ProcesoElegibilidad, TituloPendiente

    empleador = EmpleadorFactory()
    client.force_login(empleador_user(empleador))
    procesos = [
        ProcesoElegibilidad(
            juicio_id=1,
            numero="JC-17-2025-000010",
            elegible=True,
            medidas=[
                MedidaResumen(
                    7,
                    "prohibicion_inmueble",
                    "Predio 555 (Quito)",
                    "Registro de la Propiedad de Quito",
                    "vigente",
                ),
                MedidaResumen(
                    8, "retencion_fondos", "Cuenta 123", "Banco del Pichincha", "vigente"
                ),
            ],
        ),
        ProcesoElegibilidad(
            juicio_id=2,
            numero="JC-17-2025-000011",
            elegible=False,
            motivos=["El título TC-1 tiene saldo pendiente."],
            pendientes=[TituloPendiente("TC-1", "en_coactiva", Decimal("120.50"))],
            medidas=[MedidaResumen(9, "prohibicion_vehiculo", "PBA-1234", "ANT", "vigente")],
        ),
    ]
    monkeypatch.setattr(coactiva_selectors, "levantamiento_precheck", lambda *, empleador: procesos)
    html = client.get(URL).content.decode()
    assert "JC-17-2025-000010" in html and "cumple la condición" in html
    assert "El título TC-1 tiene saldo pendiente." in html and "USD 120,50" in html
    assert "Predio 555 (Quito)" in html and "PBA-1234" not in html  # only liftable ones
    assert f'value="{empleador.identificacion}"' in html

    # Chose the bank-account measure but declared only real estate: told what to tick.
    datos = datos_levantamiento(medidas_ids=["7", "8"])
    datos.pop("empleador_identificacion")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, datos)
    assert "Fondos en una entidad financiera" in response.context["form"].errors["medidas"][0]
    retencion = requisito(LEVANTAMIENTO, "Certificado de retención de fondos")
    datos = datos_levantamiento(
        medidas_ids=["7", "8"],
        medidas=["inmueble", "entidad_financiera"],
        **{retencion.campo: archivos.subido("retencion.pdf", archivos.pdf_bytes())},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, datos)
    assert response.status_code == 302
    solicitud = Solicitud.objects.get()
    assert solicitud.empleador == empleador and solicitud.respuestas["medidas_elegidas"] == [
        "7",
        "8",
    ]
    assert solicitud.cuenta == empleador.cuenta


def test_an_employer_signs_in_from_the_form_and_sees_its_real_processes_before_filing(
    client: Client,
) -> None:
    """No stand-in for coactiva here: a process with three unpaid títulos and three
    measures in force, read by coactiva's eligibility selector."""
    import html as html_lib
    import re

    from tests.factories import PASSWORD, JuicioCoactivoFactory

    juicio = JuicioCoactivoFactory(con_medidas=True)
    empleador = juicio.empleador
    empleador_user(empleador)
    formulario = f"{URL}?provincia=17"
    html = client.get(formulario).content.decode()
    assert 'id="precheck-ingresar"' in html and juicio.numero not in html
    enlace = re.search(r'href="(/empleador/ingresar/\?next=[^"]+)"', html)
    assert enlace
    response = client.post(
        html_lib.unescape(enlace.group(1)),
        {"username": empleador.identificacion, "password": PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == formulario
    html = client.get(formulario).content.decode()
    assert 'id="precheck-ingresar"' not in html
    assert f"Proceso {juicio.numero}:</strong> todavía no cumple la condición" in html
    for titulo in juicio.titulos.all():
        assert titulo.numero in html  # each título still owed, with its balance
    assert f'value="{empleador.identificacion}"' in html
    # Somewhere else to go after signing in is refused: only the portal and the form.
    client.logout()
    response = client.post(
        "/empleador/ingresar/?next=/admin/",
        {"username": empleador.identificacion, "password": PASSWORD},
    )
    assert response["Location"] == "/empleador/"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_submissions_get_fifty_gap_free_numbers() -> None:
    from core.models import Provincia
    from tramites import services
    from tramites.models import Tramite

    tramite = Tramite.objects.get(slug=LEVANTAMIENTO)
    hipotecas = requisito(LEVANTAMIENTO, "Certificado de hipotecas y gravámenes")
    carta = requisito(LEVANTAMIENTO, "Solicitud de levantamiento de medidas cautelares")
    from core.uploads import validate_upload

    provincia = Provincia.objects.get(pk="17")
    pdf = validate_upload(io.BytesIO(archivos.pdf_bytes()), name_for_messages="x")
    numeros: list[str] = []
    errores: list[BaseException] = []
    barrera = threading.Barrier(50)

    def presentar(i: int) -> None:
        try:
            barrera.wait()
            solicitud = services.solicitud_presentar(
                tramite=tramite,
                provincia=provincia,
                solicitante=services.Solicitante(
                    tipo_identificacion="cedula",
                    identificacion="1710034065",
                    nombre=f"Solicitante {i}",
                    email=f"s{i}@correo.test",
                    direccion="Quito",
                ),
                calidad="representante_legal",
                detalle="Concurrencia",
                respuestas={"medidas": ["inmueble"], "titulos": "anulados"},
                archivos={carta.pk: pdf, hipotecas.pk: pdf},
                empleador_identificacion="1790012345001",
            )
            numeros.append(solicitud.numero)
        except BaseException as exc:  # pragma: no cover - reported below
            errores.append(exc)
        finally:
            connection.close()

    hilos = [threading.Thread(target=presentar, args=(i,)) for i in range(50)]
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join()
    assert not errores, errores[:3]
    assert sorted(int(n[-6:]) for n in numeros) == list(range(1, 51))
    assert len(set(numeros)) == 50
    anio = numeros[0].split("-")[2]
    assert Secuencia.objects.get(clave=f"solicitud:17:{anio}").ultimo == 50
    assert HistorialSolicitud.objects.filter(estado="recibida").count() == 50
