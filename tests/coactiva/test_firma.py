"""The signature of the oficios de levantamiento: they wait for the Director Provincial
in a queue of their province (oldest first, with the time waited), who opens the PDF
and signs one or many; only the signature puts them in force and lifts the measures."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from cartera import services as cartera_services
from cartera.models import TituloCredito
from coactiva import selectors, services
from coactiva.models import Actuacion, FirmaOficio, Levantamiento, MedidaCautelar
from core import calendar, roles
from core.models import Correo, DocumentoVerificable, EventoAuditoria
from core.services import parametro_set
from tests.coactiva.test_levantamiento import director_de, firmar_todo, pagar_todo, texto_pdf
from tests.factories import EmpleadorFactory, JuicioCoactivoFactory, staff

pytestmark = pytest.mark.django_db
COLA = "/admin/coactiva/oficioporfirmar/"


def pagado(capture, **kwargs: object) -> object:  # type: ignore[no-untyped-def]
    juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=1, **kwargs)
    with capture(execute=True):
        pagar_todo(juicio.titulos.get())
    juicio.refresh_from_db()
    return juicio


def test_the_director_signs_from_the_queue_and_only_then_the_oficios_are_in_force(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    director = director_de("17", first_name="Gabriela", last_name="Mena")
    juicio = pagado(django_capture_on_commit_callbacks)
    levantamientos = list(juicio.levantamientos.select_related("oficio").order_by("id"))
    assert {lev.estado for lev in levantamientos} == {"por_firmar"}
    # Before the signature: not in force, measures not lifted, nothing in the file.
    for lev in levantamientos:
        pagina = client.get(f"/verificar/{lev.oficio.codigo}/").content.decode()
        assert "pendiente de firma" in pagina and "aún no está en vigor" in pagina
        assert "auténtico y vigente" not in pagina
    assert set(juicio.medidas.values_list("estado", flat=True)) == {"levantamiento"}
    assert not juicio.actuaciones.filter(tipo=Actuacion.Tipo.OFICIO).exists()
    assert not Correo.objects.filter(evento="coactiva.oficios_firmados").exists()

    # The queue of the Director's province, with the time waited and each PDF.
    client.force_login(director)
    cola = client.get(COLA).content.decode()
    for lev in levantamientos:
        assert lev.numero_oficio in cola and lev.entidad_nombre in cola
    assert "0 días hábiles" in cola and juicio.empleador.razon_social in cola
    pdf = client.get(f"/coactiva/oficios/{levantamientos[0].pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "inline" in pdf["Content-Disposition"]
    revisado = b"".join(pdf.streaming_content)  # type: ignore[attr-defined]
    assert "FIRMADO POR" not in texto_pdf(revisado)
    assert EventoAuditoria.objects.filter(accion="coactiva.oficio_visto").count() == 1

    # Signing asks for confirmation, then signs the three at once.
    datos = {"action": "firmar", "_selected_action": [lev.pk for lev in levantamientos]}
    confirmar = client.post(COLA, datos).content.decode()
    assert "Va a firmar 3 oficios" in confirmar and "Abrir el PDF" in confirmar
    sin_marcar = client.post(COLA, {**datos, "aplicar": "1"}).content.decode()
    assert "Confirme que revisó los oficios" in sin_marcar
    assert not FirmaOficio.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        hecho = client.post(COLA, {**datos, "aplicar": "1", "confirmo": "on"}, follow=True)
    html = hecho.content.decode()
    assert html.count("firmado y en vigor") == 3
    # The queue is empty: its counter reads exactly 0 (not 10, 20, …).
    assert re.search(r'<p class="paginator">\s*0 oficios por firmar\s*</p>', html), html

    momento = timezone.localtime()
    for lev in levantamientos:
        lev.refresh_from_db()
        assert lev.estado == "emitido" and lev.emitido_en is not None
        firma = lev.firma
        assert firma.firmado_por == director and firma.origen == FirmaOficio.Origen.PLATAFORMA
        assert firma.nombre == "Gabriela Mena"
        assert firma.cargo == "Director(a) Provincial de Pichincha, Juez(a) de Coactiva"
        # The reviewed PDF is kept; the signed one is it plus the stamp.
        assert firma.sha256_revisado != firma.sha256_firmado == lev.oficio.sha256
        revisado = firma.archivo_revisado.open("rb").read()
        firmado = lev.oficio.archivo.open("rb").read()
        assert len(PdfReader(io.BytesIO(firmado)).pages) == len(
            PdfReader(io.BytesIO(revisado)).pages
        )
        texto = texto_pdf(firmado)
        assert texto.startswith(texto_pdf(revisado).rsplit(" Verifique", 1)[0][:200])
        assert "FIRMADO POR Gabriela Mena Director(a) Provincial de Pichincha" in texto
        assert f"Fecha y hora: {momento:%d/%m/%Y}" in texto
        pagina = client.get(f"/verificar/{lev.oficio.codigo}/").content.decode()
        assert "auténtico y vigente" in pagina and "Gabriela Mena" in pagina
    assert set(juicio.medidas.values_list("estado", flat=True)) == {"levantada"}
    # Each signature is in the file under its folio, and in the audit trail.
    oficios = juicio.actuaciones.filter(tipo=Actuacion.Tipo.OFICIO).order_by("numero")
    assert [a.documento_id for a in oficios] == [lev.oficio_id for lev in levantamientos]
    assert all("firmado por Gabriela Mena" in a.descripcion and a.folio_desde for a in oficios)
    assert EventoAuditoria.objects.filter(accion="coactiva.oficio_firmado").count() == 3
    # One e-mail to the employer with the three verification links.
    correo = Correo.objects.get(evento="coactiva.oficios_firmados")
    assert correo.para == [juicio.empleador.email]
    assert all(f"/verificar/{lev.oficio.codigo}/" in correo.cuerpo_texto for lev in levantamientos)
    assert "Aún esperan" not in correo.cuerpo_texto
    assert len(mail.outbox) == 2  # ordered, then signed
    assert juicio.numero not in client.get(COLA).content.decode()
    # Signed once: the history says so, a second signature is refused.
    lev = levantamientos[0]
    assert list(lev.historial.values_list("a", flat=True)) == ["por_firmar", "emitido"]
    resultado = services.oficios_firmar(levantamientos=[lev], por=director)
    assert resultado.firmados == [] and "solo se firman oficios por firmar" in resultado.errores[0]


def test_only_the_director_of_the_province_signs(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    juicio = pagado(django_capture_on_commit_callbacks)
    lev = juicio.levantamientos.order_by("id").first()
    jefe = staff(roles.JEFE_UNIDAD, "17-coactiva")
    guayas = director_de("09")
    from core.models import User

    admin = User.objects.create_superuser("raiz", "raiz@iess.test", "x", tipo="funcionario")
    for quien, motivo in [
        (jefe, "Solo el/la Director(a) Provincial de Pichincha"),
        (juicio.secretario.usuario, "Solo el/la Director(a) Provincial de Pichincha"),
        (admin, "Solo el/la Director(a) Provincial de Pichincha"),
        (guayas, "otra provincia"),
    ]:
        resultado = services.oficios_firmar(levantamientos=[lev], por=quien)
        assert resultado.firmados == [] and motivo in resultado.errores[0], quien
    lev.refresh_from_db()
    assert lev.estado == "por_firmar" and not FirmaOficio.objects.exists()
    # In the admin: the head of unit sees the queue but is not offered the signature;
    # Guayas' Director does not see Pichincha's oficios at all.
    client.force_login(jefe)
    cola = client.get(COLA).content.decode()
    assert lev.numero_oficio in cola and 'value="firmar"' not in cola
    client.force_login(guayas)
    assert lev.numero_oficio not in client.get(COLA).content.decode()
    assert client.get(f"/coactiva/oficios/{lev.pk}/pdf/").status_code == 404
    client.force_login(staff(roles.ANALISTA_CARTERA, "17-cartera"))
    assert client.get(f"/coactiva/oficios/{lev.pk}/pdf/").status_code == 403


def test_the_queue_puts_the_longest_waiting_first_and_marks_the_late_ones(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    antes = timezone.now() - dt.timedelta(days=8)
    viejo = JuicioCoactivoFactory(con_medidas=True, n_titulos=1)
    with django_capture_on_commit_callbacks(execute=True):  # annulled eight days ago
        cartera_services.titulo_anular(
            titulo=viejo.titulos.get(),
            motivo=TituloCredito.MotivoAnulacion.ERROR_EVIDENTE,
            detalle="Planilla registrada dos veces.",
            at=antes,
        )
    nuevo = pagado(django_capture_on_commit_callbacks)
    director = director_de("17")
    filas = list(selectors.oficios_por_firmar(director))
    assert [lev.juicio_id for lev in filas] == [viejo.pk] * 3 + [nuevo.pk] * 3
    dias = calendar.business_days_between(
        timezone.localdate(antes), timezone.localdate(), cantones=["1701"]
    )
    assert dias > 2 and selectors.espera_habil(filas[0]) == dias
    client.force_login(director)
    cola = client.get(COLA).content.decode()
    tabla = re.search(r'<table id="result_list">.*?</table>', cola, flags=re.S)
    assert tabla is not None
    filas_html = re.findall(r"<tr.*?</tr>", tabla.group(0), flags=re.S)[1:]
    assert viejo.numero in filas_html[0] and nuevo.numero in filas_html[-1]
    assert f'<strong style="color:#b00">{dias} días hábiles</strong>' in filas_html[0]
    assert "color:#b00" not in filas_html[-1]


def test_the_director_is_reminded_of_oficios_waiting_too_long_once_a_day(
    django_capture_on_commit_callbacks,
) -> None:
    juicio = pagado(django_capture_on_commit_callbacks)
    director = director_de("17")
    staff(roles.DIRECTOR_PROVINCIAL, "09-direccion", username="director-guayas")
    hoy = timezone.localdate()
    assert services.oficios_por_firmar_recordar(hoy=hoy) == 0  # not late yet
    tarde = calendar.add_termino(hoy, 3, cantones=["1701"])
    # The limit is a parameter: with 5 days, three are not late.
    with django_capture_on_commit_callbacks(execute=True):  # the cache is cleared on commit
        parametro_set(clave="COACTIVA_FIRMA_RECORDATORIO_DIAS", valor=5, vigente_desde=hoy)
    assert services.oficios_por_firmar_recordar(hoy=tarde) == 0
    with django_capture_on_commit_callbacks(execute=True):
        parametro_set(clave="COACTIVA_FIRMA_RECORDATORIO_DIAS", valor=2, vigente_desde=hoy)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.oficios_por_firmar_recordar(hoy=tarde) == 1
        assert services.oficios_por_firmar_recordar(hoy=tarde) == 0  # once per day
    correo = Correo.objects.get(evento="coactiva.firma_recordatorio")
    assert correo.para == [director.email]  # not Guayas' Director
    lev = juicio.levantamientos.order_by("id").first()
    assert lev.numero_oficio in correo.cuerpo_texto and "3 día(s) hábil(es)" in correo.cuerpo_texto
    assert COLA in correo.cuerpo_texto
    # Another day: reminded again while unsigned, no longer once signed.
    Correo.objects.filter(evento="coactiva.firma_recordatorio").delete()
    assert services.oficios_por_firmar_recordar(hoy=tarde) == 1
    Correo.objects.filter(evento="coactiva.firma_recordatorio").delete()
    firmar_todo(juicio, director)
    assert services.oficios_por_firmar_recordar(hoy=tarde) == 0


def test_no_reminder_on_a_local_holiday_of_the_directors_seat(
    django_capture_on_commit_callbacks,
) -> None:
    """The beat entry runs Monday to Friday; a local holiday of the provincial capital
    (the Director's office) sends nothing, the next business day sends the digest."""
    from core.models import Feriado

    pagado(django_capture_on_commit_callbacks)
    director_de("17")
    hoy = timezone.localdate()
    fiesta = calendar.add_termino(hoy, 4, cantones=["1701"])  # late by then
    siguiente = calendar.add_termino(fiesta, 1, cantones=["1701"])
    Feriado.objects.create(
        fecha=fiesta,
        nombre="Feriado local de prueba",
        origen=Feriado.Origen.LOCAL,
        canton_id="1701",
    )
    calendar.invalidate()
    assert not calendar.is_business_day(fiesta, cantones=["1701"])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.oficios_por_firmar_recordar(hoy=fiesta) == 0
        assert services.oficios_por_firmar_recordar(hoy=siguiente) == 1


def test_the_signing_queue_issues_the_same_queries_for_one_or_many_oficios(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """Each row shows its oficio's number and PDF link: joined, not one query a row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pagado(django_capture_on_commit_callbacks)
    client.force_login(director_de("17"))
    client.get(COLA)

    def consultas() -> int:
        with CaptureQueriesContext(connection) as capturadas:
            assert client.get(COLA).status_code == 200
        return len(capturadas)

    uno = consultas()
    for _ in range(3):
        pagado(django_capture_on_commit_callbacks)
    assert Levantamiento.objects.filter(estado=Levantamiento.Estado.POR_FIRMAR).count() == 12
    assert consultas() == uno


def test_an_oficio_annulled_before_its_signature_is_never_in_force(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    juicio = pagado(django_capture_on_commit_callbacks)
    lev = juicio.levantamientos.get(entidad_tipo="ant")
    services.oficio_anular(levantamiento=lev, motivo="Placa mal transcrita.")
    assert "Documento anulado" in client.get(f"/verificar/{lev.oficio.codigo}/").content.decode()
    medida = MedidaCautelar.objects.get(juicio=juicio, tipo="prohibicion_vehiculo")
    assert medida.estado == MedidaCautelar.Estado.VIGENTE
    resultado = services.oficios_firmar(levantamientos=[lev], por=director_de("17"))
    assert resultado.firmados == [] and "Oficio anulado" in resultado.errores[0]
    lev.refresh_from_db()
    assert lev.estado == "anulado" and lev.oficio.pendiente_firma


def test_partly_signed_the_email_says_which_oficios_still_wait(
    django_capture_on_commit_callbacks,
) -> None:
    juicio = pagado(django_capture_on_commit_callbacks, empleador=EmpleadorFactory())
    primero, *resto = juicio.levantamientos.order_by("id")
    with django_capture_on_commit_callbacks(execute=True):
        services.oficios_firmar(levantamientos=[primero], por=director_de("17"))
    correo = Correo.objects.get(evento="coactiva.oficios_firmados")
    assert primero.oficio.codigo in correo.cuerpo_texto
    assert "Aún esperan la firma" in correo.cuerpo_texto
    assert all(lev.entidad_nombre in correo.cuerpo_texto for lev in resto)
    assert all(lev.oficio.codigo not in correo.cuerpo_texto for lev in resto)


def test_oficios_issued_before_the_signature_step_count_as_signed_by_the_printed_authority(
    django_capture_on_commit_callbacks,
) -> None:
    """The migration that introduced the signature: an EMITIDO oficio gets a signature
    record of the authority printed on it; one still PENDIENTE becomes «pendiente de
    firma»."""
    migracion = importlib.import_module("coactiva.migrations.0005_firma_oficios")
    juicio = pagado(django_capture_on_commit_callbacks)
    emitido, pendiente, *_ = juicio.levantamientos.select_related("oficio").order_by("id")
    # The rows as the code before the signature left them.
    impreso = "Ana Ruiz, Director(a) Provincial de Pichincha, Juez(a) de Coactiva"
    cuando = timezone.now() - dt.timedelta(days=30)
    Levantamiento.objects.filter(pk=emitido.pk).update(estado="emitido", emitido_en=cuando)
    Levantamiento.objects.filter(pk=pendiente.pk).update(estado="pendiente")
    for lev in (emitido, pendiente):
        DocumentoVerificable.objects.filter(pk=lev.oficio_id).update(
            pendiente_firma=False, datos_publicos={**lev.oficio.datos_publicos, "Firma": impreso}
        )
    migracion.datos(apps, None)
    firma = FirmaOficio.objects.get()
    assert firma.levantamiento_id == emitido.pk and firma.origen == "impreso"
    assert (firma.nombre, firma.cargo) == ("Ana Ruiz", impreso.split(", ", 1)[1])
    assert firma.firmado_en == cuando and firma.firmado_por is None
    pendiente.oficio.refresh_from_db()
    assert pendiente.oficio.pendiente_firma
    assert pendiente.oficio.datos_publicos["Firma"].startswith("Pendiente de la firma")


def test_one_batch_over_two_processes_tells_each_debtor_once_and_skips_the_annulled(
    django_capture_on_commit_callbacks,
) -> None:
    """The Director selects the whole queue: two processes of two debtors, one oficio
    annulled meanwhile. The others are signed, each debtor gets one e-mail, the
    annulled one is reported and stays out of force."""
    uno = pagado(django_capture_on_commit_callbacks, empleador=EmpleadorFactory())
    dos = pagado(django_capture_on_commit_callbacks, empleador=EmpleadorFactory())
    anulado = dos.levantamientos.order_by("id").first()
    services.oficio_anular(levantamiento=anulado, motivo="Entidad equivocada en el oficio.")
    cola = list(Levantamiento.objects.filter(juicio__in=[uno, dos]).order_by("id"))
    with django_capture_on_commit_callbacks(execute=True):
        resultado = services.oficios_firmar(levantamientos=cola, por=director_de("17"))
    assert len(resultado.firmados) == 5 and len(resultado.errores) == 1
    assert str(anulado) in resultado.errores[0]
    correos = Correo.objects.filter(evento="coactiva.oficios_firmados")
    assert sorted(c.para[0] for c in correos) == sorted([uno.empleador.email, dos.empleador.email])
    anulado.refresh_from_db()
    assert anulado.estado == Levantamiento.Estado.ANULADO
    assert not FirmaOficio.objects.filter(levantamiento=anulado).exists()
