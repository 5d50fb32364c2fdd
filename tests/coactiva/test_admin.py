"""The coactiva back office: pages open for each role, actions call the services,
términos are visible, states are read-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from coactiva.models import JuicioCoactivo, MedidaCautelar, SecretarioAbogado, SorteoRegistro
from core import calendar, roles
from core.models import EventoAuditoria, Unidad
from tests.coactiva.test_sorteo import titulos_de
from tests.factories import (
    EmpleadorFactory,
    JuicioCoactivoFactory,
    SecretarioAbogadoFactory,
    staff,
)

pytestmark = pytest.mark.django_db

PAGINAS = [
    "/admin/coactiva/juiciocoactivo/",
    "/admin/coactiva/titulorecibido/",
    "/admin/coactiva/secretarioabogado/",
    "/admin/coactiva/medidacautelar/",
    "/admin/coactiva/levantamiento/",
    "/admin/coactiva/sorteoregistro/",
]


@pytest.mark.parametrize(
    ("rol", "unidad"),
    [
        (roles.JEFE_UNIDAD, "17-coactiva"),
        (roles.DIRECTOR_PROVINCIAL, "17-direccion"),
        (roles.SUPERVISOR_NACIONAL, "nacional-recaudacion"),
        (roles.AUDITOR, "nacional-recaudacion"),
    ],
)
def test_every_page_opens_for_each_role(client: Client, rol: str, unidad: str) -> None:
    juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=1)
    client.force_login(staff(rol, unidad))
    for pagina in PAGINAS:
        assert client.get(pagina).status_code == 200, pagina
    detalle = client.get(f"/admin/coactiva/juiciocoactivo/{juicio.pk}/change/")
    assert detalle.status_code == 200
    html = detalle.content.decode()
    assert "Banco del Pichincha" in html and "expediente foliado" in html
    assert 'name="etapa"' not in html  # the stage is read-only


def test_advancing_the_stage_records_its_termino_and_staff_see_it_due(client: Client) -> None:
    juicio = JuicioCoactivoFactory()
    jefe = staff(roles.JEFE_UNIDAD, "17-coactiva")
    client.force_login(juicio.secretario.usuario)
    respuesta = client.post(
        "/admin/coactiva/juiciocoactivo/",
        {
            "action": "avanzar",
            "_selected_action": [juicio.pk],
            "aplicar": "1",
            "etapa": "requerimiento",
            "motivo": "Se dicta el requerimiento de pago voluntario.",
        },
        follow=True,
    )
    assert respuesta.status_code == 200
    juicio.refresh_from_db()
    hoy = timezone.localdate()
    assert juicio.etapa == "requerimiento"
    assert juicio.vence_en == calendar.add_termino(hoy, 10, cantones=["1701"])
    assert set(juicio.titulos.values_list("estado", flat=True)) == {"en_coactiva"}
    # A stage out of order is refused next to the form, in Spanish.
    respuesta = client.post(
        "/admin/coactiva/juiciocoactivo/",
        {
            "action": "avanzar",
            "_selected_action": [juicio.pk],
            "aplicar": "1",
            "etapa": "remate",
            "motivo": "",
        },
    )
    assert "no puede pasar a «Remate»" in respuesta.content.decode()
    respuesta = client.post(
        "/admin/coactiva/juiciocoactivo/",
        {
            "action": "avanzar",
            "_selected_action": [juicio.pk],
            "aplicar": "1",
            "etapa": "cancelado",
        },
    )
    assert "tiene títulos de crédito pendientes" in respuesta.content.decode()
    # The término ran out: the list says so and the filter finds it.
    JuicioCoactivo.objects.filter(pk=juicio.pk).update(vence_en=hoy - dt.timedelta(days=1))
    client.force_login(jefe)
    lista = client.get("/admin/coactiva/juiciocoactivo/").content.decode()
    assert "Vencido el" in lista and "<strong>1</strong> vencido" in lista
    assert (
        juicio.numero
        in client.get("/admin/coactiva/juiciocoactivo/?termino=vencido").content.decode()
    )
    assert (
        juicio.numero
        not in client.get("/admin/coactiva/juiciocoactivo/?termino=hoy").content.decode()
    )


def test_ordering_a_measure_checks_its_asset_data(client: Client) -> None:
    juicio = JuicioCoactivoFactory(en_medidas=True, n_titulos=1)
    client.force_login(juicio.secretario.usuario)
    datos = {
        "action": "ordenar_medida",
        "_selected_action": [juicio.pk],
        "aplicar": "1",
        "tipo": "prohibicion_inmueble",
        "entidad_tipo": "registro_propiedad",
        "entidad_nombre": "Registro de la Propiedad de Quito",
        "predio": "",
    }
    respuesta = client.post("/admin/coactiva/juiciocoactivo/", datos)
    html = respuesta.content.decode()
    assert "Indique el número de predio." in html and "Indique el cantón del inmueble." in html
    assert not MedidaCautelar.objects.exists()
    client.post("/admin/coactiva/juiciocoactivo/", {**datos, "predio": "55501", "canton": "1701"})
    medida = MedidaCautelar.objects.get()
    assert (
        medida.estado == "ordenada" and "predio N.º 55501 (Quito, Pichincha)" in medida.descripcion
    )
    client.post(
        "/admin/coactiva/medidacautelar/",
        {"action": "registrar_vigencia", "_selected_action": [medida.pk]},
    )
    medida.refresh_from_db()
    assert medida.estado == "vigente"


def test_the_sorteo_runs_from_the_admin_and_an_auditor_can_reproduce_it(client: Client) -> None:
    SecretarioAbogadoFactory()
    SecretarioAbogadoFactory()
    titulos = [t for _ in range(3) for t in titulos_de(EmpleadorFactory(), 1)]
    client.force_login(staff(roles.SECRETARIO_ABOGADO, "17-coactiva", username="sin-permiso"))
    client.post(
        "/admin/coactiva/titulorecibido/",
        {"action": "sortear", "_selected_action": [t.pk for t in titulos]},
    )
    assert not SorteoRegistro.objects.exists()  # a lawyer does not run the sorteo
    jefe = staff(roles.JEFE_UNIDAD, "17-coactiva")
    client.force_login(jefe)
    respuesta = client.post(
        "/admin/coactiva/titulorecibido/",
        {"action": "sortear", "_selected_action": [t.pk for t in titulos]},
        follow=True,
    )
    registro = SorteoRegistro.objects.get()
    assert registro.realizado_por == jefe
    assert "3 proceso(s) asignado(s)" in respuesta.content.decode()
    assert JuicioCoactivo.objects.count() == 3
    client.force_login(staff(roles.AUDITOR, "nacional-recaudacion"))
    respuesta = client.post(
        "/admin/coactiva/sorteoregistro/",
        {"action": "reproducir", "_selected_action": [registro.pk]},
        follow=True,
    )
    assert "el resultado coincide" in respuesta.content.decode()
    assert EventoAuditoria.objects.filter(accion="coactiva.sorteo_reproducido").exists()


def test_the_lawyer_filter_lists_only_the_units_lawyers(client: Client) -> None:
    JuicioCoactivoFactory(n_titulos=1)
    propio = SecretarioAbogadoFactory(nombre="Abogada de Quito")
    SecretarioAbogadoFactory(
        nombre="Abogado de Guayaquil", unidad=Unidad.objects.get(codigo="09-coactiva")
    )
    client.force_login(staff(roles.JEFE_UNIDAD, "17-coactiva"))
    html = client.get("/admin/coactiva/juiciocoactivo/").content.decode()
    assert propio.nombre in html and "Abogado de Guayaquil" not in html


def test_a_lawyer_account_can_only_be_linked_within_the_unit(client: Client) -> None:
    """SecretarioAbogado.usuario is a raw-id field: the head of another unit neither
    sees the account's name behind an id nor can link it."""
    cuenta = staff(roles.SECRETARIO_ABOGADO, "17-coactiva", username="abogada.quito")
    datos = {
        "nombre": "Abogada de Quito",
        "identificacion": "",
        "vinculo": "interno",
        "usuario": cuenta.pk,
        "email": "",
        "activo": "on",
    }
    client.force_login(staff(roles.JEFE_UNIDAD, "09-coactiva"))
    html = client.get(f"/admin/coactiva/secretarioabogado/add/?usuario={cuenta.pk}")
    assert html.status_code == 200 and "abogada.quito" not in html.content.decode()
    unidad_gye = Unidad.objects.get(codigo="09-coactiva")
    respuesta = client.post(
        "/admin/coactiva/secretarioabogado/add/", {**datos, "unidad": unidad_gye.pk}
    )
    assert respuesta.status_code == 200 and "Escoja una opción válida" in respuesta.content.decode()
    assert not SecretarioAbogado.objects.filter(usuario=cuenta).exists()
    # The head of the account's own unit links it.
    client.force_login(staff(roles.JEFE_UNIDAD, "17-coactiva"))
    propia = client.get(f"/admin/coactiva/secretarioabogado/add/?usuario={cuenta.pk}")
    assert "abogada.quito" in propia.content.decode()
    unidad_uio = Unidad.objects.get(codigo="17-coactiva")
    respuesta = client.post(
        "/admin/coactiva/secretarioabogado/add/", {**datos, "unidad": unidad_uio.pk}
    )
    assert respuesta.status_code == 302
    assert SecretarioAbogado.objects.get(usuario=cuenta).unidad == unidad_uio
