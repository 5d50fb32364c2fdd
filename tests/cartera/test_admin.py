"""The cartera back office: scoped to the province, read-only states, actions that call
the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from cartera import services
from cartera.models import Glosa, Impugnacion, Pago, TituloCredito
from core import roles
from core.models import Correo, EventoAuditoria
from tests.factories import EmpleadorFactory, GlosaFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def pichincha() -> Glosa:
    return GlosaFactory(
        planilla__empleador=EmpleadorFactory(razon_social="Textiles Pichincha S.A."),
        notificada=True,
        notificada_el=dt.date(2026, 2, 13),
    )


@pytest.fixture
def guayas() -> Glosa:
    return GlosaFactory(
        planilla__empleador=EmpleadorFactory(guayas=True, razon_social="Camaronera Guayas S.A."),
        notificada=True,
        notificada_el=dt.date(2026, 2, 13),
    )


def entrar(client: Client, role: str, unidad: str) -> Client:
    client.force_login(staff(role, unidad))
    return client


@pytest.mark.parametrize(
    "ruta",
    [
        "/admin/cartera/glosa/",
        "/admin/cartera/planilla/",
        "/admin/cartera/empleador/",
        "/admin/cartera/titulocredito/",
        "/admin/cartera/impugnacion/",
        "/admin/cartera/pago/",
        "/admin/cartera/notificacionglosa/",
    ],
)
def test_guayas_staff_never_sees_pichincha_rows(
    client: Client, pichincha: Glosa, guayas: Glosa, ruta: str
) -> None:
    services.titulo_emitir(glosas=[GlosaFactory(vencida=True, notificada_el=dt.date(2026, 1, 5))])
    entrar(client, roles.ANALISTA_CARTERA, "09-cartera")
    response = client.get(ruta)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Textiles Pichincha" not in html
    assert "Empresa de Prueba" not in html  # the título's employer is in Pichincha too


def test_guayas_staff_gets_404_on_a_pichincha_glosa(
    client: Client, pichincha: Glosa, guayas: Glosa
) -> None:
    entrar(client, roles.ANALISTA_CARTERA, "09-cartera")
    assert client.get(f"/admin/cartera/glosa/{pichincha.pk}/change/").status_code in {302, 404}
    assert client.get(f"/admin/cartera/glosa/{guayas.pk}/change/").status_code == 200
    assert client.get(f"/admin/cartera/empleador/{pichincha.empleador_id}/change/").status_code in {
        302,
        404,
    }


def test_national_supervisor_sees_every_province(
    client: Client, pichincha: Glosa, guayas: Glosa
) -> None:
    entrar(client, roles.SUPERVISOR_NACIONAL, "nacional-recaudacion")
    html = client.get("/admin/cartera/glosa/").content.decode()
    assert "Textiles Pichincha" in html and "Camaronera Guayas" in html
    html = client.get("/admin/cartera/glosa/?provincia__codigo__exact=09").content.decode()
    assert "Textiles Pichincha" not in html and "Camaronera Guayas" in html


def test_glosa_page_is_read_only_with_its_history(client: Client, pichincha: Glosa) -> None:
    entrar(client, roles.ANALISTA_CARTERA, "17-cartera")
    services.impugnacion_registrar(
        glosa=pichincha, presentada_el=dt.date(2026, 2, 20), fundamentos="Pagada en enero."
    )
    response = client.get(f"/admin/cartera/glosa/{pichincha.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="estado"' not in html  # no editable state
    assert "Impugnada" in html and "Pagada en enero." in html
    assert "historial de estados" in html.lower()


def test_impugnacion_outcome_registered_through_the_action(
    client: Client, pichincha: Glosa
) -> None:
    services.impugnacion_registrar(
        glosa=pichincha, presentada_el=dt.date(2026, 2, 20), fundamentos="Pagada."
    )
    entrar(client, roles.JEFE_UNIDAD, "17-cartera")
    datos = {"action": "resolver_impugnacion", "_selected_action": [pichincha.pk]}
    pagina = client.post("/admin/cartera/glosa/", datos)
    assert "Registrar la resolución" in pagina.content.decode()
    con_error = client.post(
        "/admin/cartera/glosa/",
        {**datos, "aplicar": "1", "aceptada": "0", "resolucion": "", "resuelta_el": "2026-03-06"},
    )
    assert (
        con_error.status_code == 200 and "Este campo es obligatorio" in con_error.content.decode()
    )
    response = client.post(
        "/admin/cartera/glosa/",
        {
            **datos,
            "aplicar": "1",
            "aceptada": "0",
            "resolucion": "CPPC-17-2026-0042",
            "resuelta_el": "2026-03-06",
        },
    )
    assert response.status_code == 302
    pichincha.refresh_from_db()
    assert pichincha.estado == Glosa.Estado.NOTIFICADA and pichincha.vence_en == dt.date(
        2026, 3, 18
    )
    assert Impugnacion.objects.get().estado == Impugnacion.Estado.RECHAZADA
    # Rejected from the admin too, the employer is told its new last day, by the
    # resolution's number (there is no Ventanilla request to quote).
    [aviso] = Correo.objects.filter(evento="cartera.impugnacion_rechazada")
    assert aviso.para == [pichincha.empleador.email]
    assert "rechazada (resolución N.º CPPC-17-2026-0042)" in aviso.cuerpo_texto
    assert "tiene hasta el 18/03/2026" in aviso.cuerpo_texto and "trámite" not in aviso.cuerpo_texto


def test_impugnacion_rejected_from_the_impugnaciones_list_is_told_to_the_employer(
    client: Client, pichincha: Glosa
) -> None:
    impugnacion = services.impugnacion_registrar(
        glosa=pichincha, presentada_el=dt.date(2026, 2, 20), fundamentos="Pagada."
    )
    entrar(client, roles.JEFE_UNIDAD, "17-cartera")
    response = client.post(
        "/admin/cartera/impugnacion/",
        {
            "action": "resolver",
            "_selected_action": [impugnacion.pk],
            "aplicar": "1",
            "aceptada": "0",
            "resolucion": "CPPC-17-2026-0043",
            "resuelta_el": "2026-03-06",
        },
    )
    assert response.status_code == 302
    [aviso] = Correo.objects.filter(evento="cartera.impugnacion_rechazada")
    assert aviso.para == [pichincha.empleador.email]
    assert "CPPC-17-2026-0043" in aviso.cuerpo_texto


def test_analyst_cannot_resolve_impugnaciones_or_annul_titulos(
    client: Client, pichincha: Glosa
) -> None:
    entrar(client, roles.ANALISTA_CARTERA, "17-cartera")
    html = client.get("/admin/cartera/glosa/").content.decode()
    assert 'value="notificar"' in html and 'value="resolver_impugnacion"' not in html


def test_payment_registered_from_the_admin_is_applied_and_reported(
    client: Client, pichincha: Glosa
) -> None:
    entrar(client, roles.ANALISTA_CARTERA, "17-cartera")
    response = client.post(
        "/admin/cartera/glosa/",
        {
            "action": "registrar_pago",
            "_selected_action": [pichincha.pk],
            "aplicar": "1",
            "fecha": "2026-02-20",
            "monto": "100.00",
            "canal": "ventanilla_bancaria",
            "referencia": "BP-0001",
        },
        follow=True,
    )
    assert "Pago de USD 100,00 aplicado" in response.content.decode()
    pago = Pago.objects.get()
    assert pago.glosa == pichincha and pago.aplicado_intereses > 0
    excede = client.post(
        "/admin/cartera/glosa/",
        {
            "action": "registrar_pago",
            "_selected_action": [pichincha.pk],
            "aplicar": "1",
            "fecha": "2026-02-21",
            "monto": "99999.00",
            "canal": "ventanilla_bancaria",
        },
    )
    assert excede.status_code == 200 and "El pago excede lo adeudado" in excede.content.decode()
    assert Pago.objects.count() == 1


def test_titulo_annulled_with_a_legal_ground_from_the_admin(client: Client) -> None:
    titulo = services.titulo_emitir(
        glosas=[GlosaFactory(vencida=True, notificada_el=dt.date(2026, 1, 5))]
    )
    entrar(client, roles.JEFE_UNIDAD, "17-cartera")
    response = client.post(
        "/admin/cartera/titulocredito/",
        {
            "action": "anular",
            "_selected_action": [titulo.pk],
            "aplicar": "1",
            "motivo": "inexistencia",
            "detalle": "La obligación fue pagada antes de la emisión.",
        },
        follow=True,
    )
    assert "anulado (Inexistencia de la obligación)" in response.content.decode()
    titulo.refresh_from_db()
    assert titulo.estado == TituloCredito.Estado.ANULADO
    html = client.get(f"/admin/cartera/titulocredito/?q={titulo.numero}").content.decode()
    assert titulo.numero in html


def test_emit_titulo_action_refuses_a_glosa_still_in_its_termino(
    client: Client, pichincha: Glosa
) -> None:
    entrar(client, roles.ANALISTA_CARTERA, "17-cartera")
    response = client.post(
        "/admin/cartera/glosa/",
        {"action": "emitir_titulo", "_selected_action": [pichincha.pk]},
        follow=True,
    )
    assert "no puede pasar a «Título de crédito emitido»" in response.content.decode()
    assert not TituloCredito.objects.exists()


def test_employer_page_shows_what_it_owes_today(client: Client, pichincha: Glosa) -> None:
    entrar(client, roles.ANALISTA_CARTERA, "17-cartera")
    html = client.get(f"/admin/cartera/empleador/{pichincha.empleador_id}/change/").content.decode()
    assert "Deuda a la fecha" in html and f"Glosa N.º {pichincha.pk}" in html


def test_responsabilidad_patronal_glosa_added_through_the_service(client: Client) -> None:
    empleador = EmpleadorFactory()
    entrar(client, roles.ANALISTA_CARTERA, "17-cartera")
    datos = {
        "empleador": empleador.pk,
        "sucursal": empleador.sucursales.get().pk,
        "origen": "responsabilidad_patronal",
        "capital": "1500.00",
        "multas": "0.00",
        "detalle": "",
        "mora_desde": "2026-01-16",
    }
    response = client.post("/admin/cartera/glosa/add/", datos)
    assert (
        response.status_code == 200
        and "Describa el origen de la glosa." in response.content.decode()
    )
    response = client.post(
        "/admin/cartera/glosa/add/", {**datos, "detalle": "Accidente de trabajo sin afiliación."}
    )
    assert response.status_code == 302
    glosa = Glosa.objects.get()
    assert glosa.capital == Decimal("1500.00") and glosa.estado == Glosa.Estado.EMITIDA
    assert glosa.emitida_por is not None


def test_interest_rates_edited_by_the_national_supervisor_are_audited(client: Client) -> None:
    entrar(client, roles.SUPERVISOR_NACIONAL, "nacional-recaudacion")
    response = client.post(
        "/admin/cartera/tasainteresmora/add/",
        {"mes": "2026-03-15", "tasa_anual": "9.5000", "fuente": "BCE marzo 2026"},
    )
    assert response.status_code == 302
    assert EventoAuditoria.objects.filter(accion="cartera.tasa_interes").exists()
    from cartera.models import TasaInteresMora

    assert TasaInteresMora.objects.get(fuente="BCE marzo 2026").mes == dt.date(2026, 3, 1)


def test_a_glosa_cannot_be_added_for_an_employer_of_another_province(client: Client) -> None:
    guayaquil = EmpleadorFactory(guayas=True)
    entrar(client, roles.ANALISTA_CARTERA, "17-cartera")
    response = client.post(
        "/admin/cartera/glosa/add/",
        {
            "empleador": guayaquil.pk,
            "sucursal": guayaquil.sucursales.get().pk,
            "origen": "multa",
            "capital": "0.00",
            "multas": "40.00",
            "detalle": "Multa por aviso de entrada tardío.",
            "mora_desde": "2026-01-16",
        },
    )
    assert response.status_code == 200 and "Escoja una opción válida" in response.content.decode()
    assert not Glosa.objects.exists()


@pytest.mark.parametrize(
    "termino", ["Andina", "17-2026-000001", "1790", "'; DROP TABLE x; --", "%"]
)
def test_any_search_answers_without_error(client: Client, pichincha: Glosa, termino: str) -> None:
    entrar(client, roles.JEFE_UNIDAD, "17-cartera")
    for modelo in ("glosa", "planilla", "titulocredito", "empleador", "impugnacion", "pago"):
        respuesta = client.get(f"/admin/cartera/{modelo}/", {"q": termino})
        assert respuesta.status_code == 200, (modelo, termino)


def test_the_add_form_does_not_label_an_employer_of_another_province(client: Client) -> None:
    """The raw-id fields of the glosa form print the chosen employer and sucursal; an
    id of another province (typed into the URL) must show nothing of it."""
    quito = EmpleadorFactory(razon_social="Textiles Pichincha S.A.")
    guayaquil = EmpleadorFactory(guayas=True, razon_social="Camaronera Guayas S.A.")
    entrar(client, roles.ANALISTA_CARTERA, "09-cartera")
    for empleador, visible in ((quito, False), (guayaquil, True)):
        sucursal = empleador.sucursales.get()
        html = client.get(
            f"/admin/cartera/glosa/add/?empleador={empleador.pk}&sucursal={sucursal.pk}"
        ).content.decode()
        assert (empleador.razon_social in html) is visible
        assert (empleador.identificacion[:10] in html) is visible


def test_the_legal_representatives_id_edited_in_the_admin_is_validated(client: Client) -> None:
    from core.identificacion import generar_cedula

    empleador = EmpleadorFactory()
    entrar(client, roles.ANALISTA_CARTERA, "17-cartera")
    url = f"/admin/cartera/empleador/{empleador.pk}/change/"
    sucursales = list(empleador.sucursales.all())
    datos = {
        "representante_nombre": "Ana Lucía Pérez",
        "representante_tipo_id": "cedula",
        "direccion": empleador.direccion,
        "email": empleador.email,
        "telefono": "",
        "celular": "",
        "sucursales-TOTAL_FORMS": str(len(sucursales)),
        "sucursales-INITIAL_FORMS": str(len(sucursales)),
        "sucursales-MIN_NUM_FORMS": "0",
        "sucursales-MAX_NUM_FORMS": "1000",
        **{f"sucursales-{i}-id": str(s.pk) for i, s in enumerate(sucursales)},
        **{f"sucursales-{i}-empleador": str(empleador.pk) for i, s in enumerate(sucursales)},
    }
    valida = generar_cedula(17, 98765)
    mala = valida[:9] + str((int(valida[9]) + 1) % 10)
    response = client.post(url, {**datos, "representante_identificacion": mala})
    assert response.status_code == 200
    assert "El dígito verificador de la cédula no corresponde" in response.content.decode()
    empleador.refresh_from_db()
    assert empleador.representante_identificacion != mala

    response = client.post(
        url, {**datos, "representante_identificacion": f"{valida[:9]}-{valida[9]}"}
    )
    assert response.status_code == 302
    empleador.refresh_from_db()
    assert empleador.representante_identificacion == valida
