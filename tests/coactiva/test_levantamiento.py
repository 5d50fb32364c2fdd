"""Levantamiento de medidas cautelares (Reglamento C.D. 516 art. 176): only when every
título of the process is cancelled or annulled, then automatic, with one verifiable
oficio per entity, in force once the Director Provincial signs it."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from cartera import interes
from cartera import services as cartera_services
from cartera.models import Pago, TituloCredito
from cartera.selectors import linea_deuda
from coactiva import selectors, services
from coactiva.models import JuicioCoactivo, Levantamiento, MedidaCautelar
from core.models import Correo, DocumentoVerificable, User
from tests.factories import EmpleadorFactory, JuicioCoactivoFactory

pytestmark = pytest.mark.django_db


def texto_pdf(contenido: bytes) -> str:
    paginas = PdfReader(io.BytesIO(contenido)).pages
    return " ".join(" ".join(pagina.extract_text() for pagina in paginas).split())


def pagar_todo(titulo: TituloCredito) -> Pago:
    hoy = timezone.localdate()
    deuda = linea_deuda("titulo", titulo, "", hoy, interes.tabla_tasas())
    return cartera_services.pago_registrar(
        obligacion=titulo, monto=deuda.total, fecha=hoy, canal=Pago.Canal.COACTIVA
    )


def director_de(provincia: str = "17", **datos: object) -> User:
    """The Director Provincial (the signer of the oficios) of a province."""
    from core import roles
    from tests.factories import staff

    existente = User.objects.filter(username=f"director-{provincia}-direccion").first()
    return existente or staff(
        roles.DIRECTOR_PROVINCIAL,
        f"{provincia}-direccion",
        username=f"director-{provincia}-direccion",
        **datos,
    )


def firmar_todo(juicio: JuicioCoactivo, director: User | None = None) -> list[Levantamiento]:
    """The Director signs every oficio of the process waiting for the signature."""
    director = director or director_de(juicio.unidad.provincia_id)
    resultado = services.oficios_firmar(
        levantamientos=juicio.levantamientos.filter(estado=Levantamiento.Estado.POR_FIRMAR),
        por=director,
    )
    assert resultado.errores == []
    return resultado.firmados


def test_paying_two_of_three_keeps_the_measures_and_the_third_lifts_them(
    django_capture_on_commit_callbacks, client: Client
) -> None:
    juicio = JuicioCoactivoFactory(con_medidas=True)
    titulos = list(juicio.titulos.order_by("secuencial"))
    assert len(titulos) == 3 and juicio.medidas.filter(estado="vigente").count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        pagar_todo(titulos[0])
        pagar_todo(titulos[1])
    assert juicio.medidas.filter(estado="vigente").count() == 3
    assert not Levantamiento.objects.exists()
    precheck = selectors.levantamiento_precheck(empleador=juicio.empleador)
    assert [p.elegible for p in precheck] == [False]
    assert titulos[2].numero in precheck[0].motivos[0]
    assert precheck[0].pendientes[0].saldo > 0
    with pytest.raises(services.CoactivaError, match=titulos[2].numero):
        services.levantamiento_abrir(juicio=juicio, origen=Levantamiento.Origen.MANUAL)

    with django_capture_on_commit_callbacks(execute=True):
        pagar_todo(titulos[2])
    juicio.refresh_from_db()
    assert juicio.etapa == JuicioCoactivo.Etapa.CANCELADO
    # Ordered at once, the oficios wait for the Director's signature: not in force yet.
    assert set(juicio.levantamientos.values_list("estado", flat=True)) == {"por_firmar"}
    assert set(juicio.medidas.values_list("estado", flat=True)) == {"levantamiento"}
    with django_capture_on_commit_callbacks(execute=True):
        firmar_todo(juicio)
    assert set(juicio.medidas.values_list("estado", flat=True)) == {"levantada"}
    levantamientos = list(juicio.levantamientos.select_related("oficio"))
    assert sorted(lev.entidad_nombre for lev in levantamientos) == [
        "Agencia Nacional de Tránsito",
        "Banco del Pichincha C.A.",
        "Registro de la Propiedad de Quito",
    ]
    for lev in levantamientos:
        assert lev.estado == Levantamiento.Estado.EMITIDO
        oficio = lev.oficio
        assert oficio.tipo == DocumentoVerificable.Tipo.OFICIO_LEVANTAMIENTO
        texto = texto_pdf(oficio.archivo.open("rb").read())
        assert juicio.numero in texto and juicio.empleador.identificacion in texto
        assert "art. 176" in texto and oficio.codigo in texto
        respuesta = client.get(f"/verificar/{oficio.codigo}/")
        assert respuesta.status_code == 200
        assert "auténtico y vigente" in respuesta.content.decode()
        assert lev.entidad_nombre in respuesta.content.decode()
    # The bank account appears masked on the public page (never more than the oficio).
    banco = next(lev for lev in levantamientos if lev.entidad_tipo == "institucion_financiera")
    pagina = client.get(f"/verificar/{banco.oficio.codigo}/").content.decode()
    assert "2200123456" not in pagina and "terminada en 3456" in pagina
    # The employer is told by e-mail when the levantamiento is ordered, and gets the
    # verification links once the oficios are signed.
    abierto = Correo.objects.get(evento="coactiva.levantamiento")
    assert abierto.para == [juicio.empleador.email]
    assert not any(lev.oficio.codigo in abierto.cuerpo_texto for lev in levantamientos)
    assert "pasan a la firma" in abierto.cuerpo_texto
    correo = Correo.objects.get(evento="coactiva.oficios_firmados")
    assert correo.para == [juicio.empleador.email]
    assert all(lev.oficio.codigo in correo.cuerpo_texto for lev in levantamientos)
    assert len(mail.outbox) == 2


def test_the_precheck_says_elegible_after_annulment_and_the_resolutor_reuses_oficios(
    django_capture_on_commit_callbacks,
) -> None:
    juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=2)
    primero, segundo = juicio.titulos.order_by("secuencial")
    with django_capture_on_commit_callbacks(execute=True):
        pagar_todo(primero)
        cartera_services.titulo_anular(
            titulo=segundo,
            motivo=TituloCredito.MotivoAnulacion.ERROR_EVIDENTE,
            detalle="Planilla registrada dos veces.",
        )
    juicio.refresh_from_db()
    assert juicio.etapa == JuicioCoactivo.Etapa.CANCELADO
    automaticos = set(juicio.levantamientos.values_list("oficio_id", flat=True))
    assert len(automaticos) == 3

    class Solicitud:
        numero = "VV-2026-000001"
        solicitante_nombre = "Contador Autorizado"
        empleador = juicio.empleador
        empleador_identificacion = juicio.empleador.identificacion

    # Not signed yet: the filer gets a constancia with the oficios' codes, no oficio.
    (constancia,) = services.levantamiento_resolver(
        solicitud=Solicitud(), aprobada=True, motivo="", por=None
    )
    assert constancia.tipo == DocumentoVerificable.Tipo.RESOLUCION
    codigos = set(
        DocumentoVerificable.objects.filter(pk__in=automaticos).values_list("codigo", flat=True)
    )
    texto = texto_pdf(constancia.archivo.open("rb").read())
    assert all(c in texto for c in codigos) and "pendientes de la firma" in texto
    assert juicio.levantamientos.count() == 3  # reused, not opened again
    firmar_todo(juicio)
    oficios = services.levantamiento_resolver(
        solicitud=Solicitud(), aprobada=True, motivo="", por=None
    )
    assert {o.pk for o in oficios} == automaticos
    assert (
        services.levantamiento_resolver(
            solicitud=Solicitud(), aprobada=False, motivo="No procede.", por=None
        )
        == []
    )


def test_the_resolutor_refuses_saying_which_titulo_owes_how_much() -> None:
    juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=1)
    titulo = juicio.titulos.get()

    class Solicitud:
        empleador = juicio.empleador
        empleador_identificacion = ""

    with pytest.raises(services.CoactivaError) as error:
        services.levantamiento_resolver(solicitud=Solicitud(), aprobada=True, motivo="", por=None)
    assert titulo.numero in str(error.value) and "adeuda USD" in str(error.value)
    assert not Levantamiento.objects.exists()


def test_an_annulled_oficio_says_so_and_the_measures_stand_again(
    django_capture_on_commit_callbacks, client: Client
) -> None:
    juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=1)
    with django_capture_on_commit_callbacks(execute=True):
        pagar_todo(juicio.titulos.get())
    firmar_todo(juicio)
    lev = juicio.levantamientos.get(entidad_tipo="ant")
    services.oficio_anular(levantamiento=lev, motivo="Placa mal transcrita.")
    pagina = client.get(f"/verificar/{lev.oficio.codigo}/")
    assert "Documento anulado" in pagina.content.decode()
    assert "Placa mal transcrita" in pagina.content.decode()
    medida = MedidaCautelar.objects.get(juicio=juicio, tipo="prohibicion_vehiculo")
    assert medida.estado == MedidaCautelar.Estado.VIGENTE
    # A new levantamiento gives a new oficio for that entity only.
    with django_capture_on_commit_callbacks(execute=True):
        services.levantamiento_abrir(juicio=juicio, origen=Levantamiento.Origen.MANUAL)
    nuevo = juicio.levantamientos.exclude(pk=lev.pk).get(entidad_tipo="ant")
    assert nuevo.oficio.codigo != lev.oficio.codigo and nuevo.estado == "por_firmar"


def test_tampered_and_unknown_codes_say_so(
    django_capture_on_commit_callbacks, client: Client
) -> None:
    juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=1)
    with django_capture_on_commit_callbacks(execute=True):
        pagar_todo(juicio.titulos.get())
    codigo = juicio.levantamientos.first().oficio.codigo
    alterado = codigo[:3] + ("A" if codigo[3] != "A" else "B") + codigo[4:]
    respuesta = client.get(f"/verificar/{alterado}/")
    assert respuesta.status_code == 404
    assert "Código no válido" in respuesta.content.decode()
    from core.services import new_verification_code

    desconocido = client.get(f"/verificar/{new_verification_code()}/")
    assert desconocido.status_code == 404
    assert "Documento no encontrado" in desconocido.content.decode()
    assert juicio.empleador.razon_social not in desconocido.content.decode()


def test_the_oficio_task_is_idempotent(django_capture_on_commit_callbacks) -> None:
    from coactiva.tasks import oficio_generar

    juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pagar_todo(juicio.titulos.get())
    lev = juicio.levantamientos.first()
    assert lev.estado == Levantamiento.Estado.PENDIENTE
    assert juicio.medidas.filter(estado="levantamiento").count() == 3
    for callback in callbacks:
        callback()
    lev.refresh_from_db()
    sha = lev.oficio.sha256
    actuaciones = juicio.actuaciones.count()
    assert oficio_generar.apply(args=[lev.pk]).get() is True
    lev.refresh_from_db()
    assert lev.oficio.sha256 == sha and juicio.actuaciones.count() == actuaciones


def test_a_ventanilla_request_approved_through_the_registered_resolutor(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    from tests.tramites.conftest import LEVANTAMIENTO, RUC_EMPLEADOR, datos_levantamiento
    from tramites.models import Solicitud
    from tramites.resolutores import resolutor_de

    empleador = EmpleadorFactory(identificacion=RUC_EMPLEADOR)
    juicio = JuicioCoactivoFactory(empleador=empleador, con_medidas=True, n_titulos=1)
    with django_capture_on_commit_callbacks(execute=True):
        respuesta = client.post(f"/ventanilla/{LEVANTAMIENTO}/", datos_levantamiento())
    assert respuesta.status_code == 302
    solicitud = Solicitud.objects.get()
    resolutor = resolutor_de(LEVANTAMIENTO)
    assert resolutor is not None
    with pytest.raises(services.CoactivaError, match="adeuda"):
        resolutor(solicitud=solicitud, aprobada=True, motivo="", por=None)
    # Paid with the interest of the day: the approval returns one oficio per entity.
    titulo = juicio.titulos.get()
    linea = linea_deuda("titulo", titulo, "", timezone.localdate(), interes.tabla_tasas())
    with django_capture_on_commit_callbacks(execute=True):
        cartera_services.pago_registrar(
            obligacion=titulo,
            monto=linea.total,
            fecha=timezone.localdate(),
            canal=Pago.Canal.COACTIVA,
        )
    (constancia,) = resolutor(solicitud=solicitud, aprobada=True, motivo="", por=None)
    assert constancia.tipo == DocumentoVerificable.Tipo.RESOLUCION and constancia.archivo
    assert set(juicio.levantamientos.values_list("solicitud", flat=True)) == {solicitud.pk}
    with django_capture_on_commit_callbacks(execute=True):
        firmar_todo(juicio)
    oficios = resolutor(solicitud=solicitud, aprobada=True, motivo="", por=None)
    assert len(oficios) == 3 and all(o.archivo and not o.pendiente_firma for o in oficios)
    # The filer, who was promised the links, gets them with the employer.
    correo = Correo.objects.get(evento="coactiva.oficios_firmados")
    assert correo.para == [empleador.email, solicitud.email]


def test_each_oficio_states_what_the_issue_asks_and_its_qr_encodes_the_verification_url(
    django_capture_on_commit_callbacks,
) -> None:
    """Process number, debtor (razón social, RUC), the measure and its asset, Reglamento
    art. 176, the signing authority (stamped when it signs), and a QR code whose
    content is exactly the public verification address of that oficio."""
    from core import roles
    from core.pdf import qr_png, verification_url
    from tests.factories import staff

    director = staff(roles.DIRECTOR_PROVINCIAL, "17-direccion", first_name="Ana", last_name="Ruiz")
    juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=1)
    with django_capture_on_commit_callbacks(execute=True):
        pagar_todo(juicio.titulos.get())
    firmar_todo(juicio, director)
    bienes = {
        "institucion_financiera": "cuenta N.º 2200123456",
        "registro_propiedad": "predio N.º 1234567 (Quito, Pichincha)",
        "ant": "vehículo de placa PBA-1234",
    }
    for lev in juicio.levantamientos.select_related("oficio"):
        contenido = lev.oficio.archivo.open("rb").read()
        texto = texto_pdf(contenido)
        for dato in (
            juicio.numero,
            juicio.empleador.razon_social,
            juicio.empleador.identificacion,
            lev.entidad_nombre,
            bienes[lev.entidad_tipo],
            "art. 176",
            # the signature stamped in its space: name, title, date and time
            f"FIRMADO POR {director.get_full_name()} Director(a) Provincial de Pichincha, "
            f"Juez(a) de Coactiva Fecha y hora: {timezone.localtime():%d/%m/%Y}",
            lev.oficio.codigo,
        ):
            assert dato in texto, (lev.entidad_nombre, dato)
        # The QR: the image in the PDF, module for module, is the one of the URL.
        imagenes = [
            img.image for pagina in PdfReader(io.BytesIO(contenido)).pages for img in pagina.images
        ]
        esperada = Image.open(io.BytesIO(qr_png(verification_url(lev.oficio.codigo)))).convert("L")
        assert verification_url(lev.oficio.codigo).endswith(f"/verificar/{lev.oficio.codigo}/")
        assert any(
            img.size == esperada.size and img.convert("L").tobytes() == esperada.tobytes()
            for img in imagenes
        ), "the oficio's QR does not encode its verification URL"
