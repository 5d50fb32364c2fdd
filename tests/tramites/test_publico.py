"""Public pages: catalogue, status lookup (/consulta/), transparency and complaints."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from core.uploads import validate_upload
from tests import archivos
from tests.tramites.test_enrutamiento import _recibida
from tramites import services
from tramites.models import DocumentoSolicitud, Queja, Solicitud

pytestmark = pytest.mark.django_db


# --- Catalogue -------------------------------------------------------------------------------


def test_catalogue_lists_searches_and_filters_by_who_it_is_for(client: Client) -> None:
    html = client.get("/tramites/").content.decode()
    for nombre in [
        "Levantamiento de medidas cautelares",
        "Notificación de glosas",
        "Solicitud de impugnación de glosa",
        "plazo máximo de 12 meses",
        "plazo de 13 a 36 meses",
        "convenio de purga de mora",
        "Anulación de título de crédito",
        "Certificado de atención de salud",
        "Certificado de cumplimiento de obligaciones patronales",
    ]:
        assert nombre.lower() in html.lower(), nombre
    html = client.get("/tramites/", {"q": "medidas cautelares"}).content.decode()
    assert "Levantamiento de medidas cautelares" in html and "Notificación de glosas" not in html
    html = client.get("/tramites/", {"q": "GLOSA"}).content.decode()
    assert "Notificación de glosas" in html and "Levantamiento" not in html
    html = client.get("/tramites/", {"dirigido_a": "natural_extranjera"}).content.decode()
    assert (
        "certificado de atención de salud" in html.lower() and "Notificación de glosas" not in html
    )
    html = client.get("/tramites/", {"q": "xyz inexistente"}).content.decode()
    assert "No hay trámites que coincidan" in html


def test_trámite_page_has_every_field_of_the_seed_page(client: Client) -> None:
    html = client.get("/tramites/levantamiento-medidas-cautelares/").content.decode()
    for texto in [
        "Trámite orientado a que el deudor que mantiene obligaciones pendientes",
        "Persona Jurídica - Privada",
        "Oficio de levantamiento de medidas cautelares",
        "Acceder a beneficio o servicio, Cumplimiento de obligaciones.",
        "Trámite por Ventanilla Virtual",
        "Trámite presencial, ventanilla Gestión Documental",
        "Justificación debidamente motivada",
        "Certificado de hipotecas y gravámenes",
        "Aplica únicamente para el caso que la medida cautelar esté impuesta a un bien inmueble.",
        "Registro de la Propiedad del Gobierno Autónomo Descentralizado",
        "Título de crédito",
        "no presente ningún comprobante",
        "Autorización a terceros",
        "NO requiere generar un turno en línea",
        "El trámite no tiene costo",
        "de lunes a viernes de 08:00 a 17:00 horas",
        "IESS 516. Art. 176.",
        "atencionalusuario@iess.gob.ec",
        "593 23945666",
        "3.548",  # 2025-09 attended cases, from the seed's transparency table
        'role="img"',  # the chart
        "15 días hábiles",
    ]:
        assert texto in html, texto
    assert client.get("/tramites/no-existe/").status_code == 404


@pytest.mark.parametrize(
    ("slug", "textos"),
    [
        (
            "notificacion-de-glosas",
            [
                "dentro del término de ocho (8) días subsiguientes a su notificación",
                "empleadores y sujetos de protección adscritos",
                "Para mayor información consulte nuestra página web: www.iess.gob.ec.",
                "Persona Jurídica - Privada, Persona Jurídica - Pública.",
                "Notificación de pago (glosas notificadas en línea)",
                "Clave patronal",
                "Registro único de contribuyentes",
                "Presente fotocopia del documento.",
                "Trámite ingresado por ventanilla y resuelto en proceso back",
                "solicitud de acuerdo de pagos parciales plazo de 13 a 36 meses",
                "Generación, Consulta e Impresión de Comprobantes",
                "Verificar IESS turno online",
                "IESS 516. Art. 129.",
                "177.091",  # 2025-09 attended, from the seed's table
            ],
        ),
        (
            "certificado-atencion-salud-riesgos-trabajo",
            [
                "con el fin de mantener la atención médica por el Seguro de Salud",
                "Persona Natural - Ecuatoriana, Persona Natural - Extranjera.",
                "Certificado para atención médica de beneficiarios del Seguro General",
                "Carta dirigida al Director del Seguro General de Riesgos del Trabajo",
                "Código de identificación para extranjeros",
                "Requisito alternativo",
                "no se aceptarán imágenes borrosas, opacas, cortadas o ilegibles",
                "Sistema de Gestión Documental Quipux (www.gestiondocumental.gob.ec)",
                "de lunes a viernes de 8:00 a 17:00 horas",
                "Constitución de la República del Ecuador. Art. 34.",
                "atencionalusuario@iess.gob.ec",
            ],
        ),
    ],
)
def test_the_other_seed_pages_have_their_fields_too(
    client: Client, slug: str, textos: list[str]
) -> None:
    import html as html_lib

    html = html_lib.unescape(client.get(f"/tramites/{slug}/").content.decode())
    for texto in textos:
        assert texto in html, texto


def test_an_online_only_service_links_to_its_channel_instead_of_the_ventanilla(
    client: Client,
) -> None:
    html = client.get(
        "/tramites/certificado-cumplimiento-obligaciones-patronales/"
    ).content.decode()
    assert "Ir al servicio en línea" in html and "Iniciar este trámite" not in html
    response = client.get("/ventanilla/certificado-cumplimiento-obligaciones-patronales/")
    assert response.status_code == 302


def test_catalogue_pages_take_a_constant_number_of_queries(
    client: Client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    slugs = ["levantamiento-medidas-cautelares", "anulacion-titulo-credito"]
    for slug in slugs:
        client.get(f"/tramites/{slug}/")  # the transparency figures are cached for minutes
    for slug in slugs:
        with django_assert_max_num_queries(3):
            client.get(f"/tramites/{slug}/")
    with django_assert_max_num_queries(1):
        client.get("/tramites/")


# --- /consulta/ -------------------------------------------------------------------------------


def _consultar(client: Client, numero: str, identificacion: str):  # type: ignore[no-untyped-def]
    return client.post("/consulta/", {"numero": numero, "identificacion": identificacion})


@pytest.mark.postgres
def test_the_status_page_is_one_query_with_its_timeline_and_result_documents(
    client: Client, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    """The portal's busiest page reads state, timeline and result documents together
    (one query on PostgreSQL; SQLite, the embedded default, takes three)."""
    solicitud = _recibida()
    services.solicitud_enrutar(solicitud_id=solicitud.pk)
    with django_assert_num_queries(1):
        html = _consultar(client, solicitud.numero, "1710034065").content.decode()
    assert html.count('<li class="mb-3"><time') == 2  # received, then routed
    assert "Asignada a la unidad" in html


def test_status_with_the_right_credentials_shows_state_unit_and_timeline(client: Client) -> None:
    solicitud = _recibida()
    services.solicitud_enrutar(solicitud_id=solicitud.pk)
    response = _consultar(client, solicitud.numero.lower(), "1710034065")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Asignada a la unidad" in html
    assert "Unidad Provincial de Gestión de Coactiva de Pichincha" in html
    assert "Solicitud recibida por la Ventanilla Virtual" in html
    assert "Por ahora no necesita hacer nada" in html


def test_a_wrong_identification_looks_exactly_like_an_unknown_number(client: Client) -> None:
    solicitud = _recibida()
    otra = _consultar(client, solicitud.numero, "0912345675")
    inexistente = _consultar(client, "VV-17-2026-999999", "1710034065")
    assert otra.status_code == inexistente.status_code == 404
    assert "No encontramos un trámite con ese número y esa identificación" in otra.content.decode()
    import re

    def limpiar(response) -> str:  # type: ignore[no-untyped-def]
        texto = response.content.decode()
        for dato in ("VV-17-2026-999999", solicitud.numero, "0912345675", "1710034065"):
            texto = texto.replace(dato, "")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", texto)

    assert limpiar(otra) == limpiar(inexistente)


def test_both_credentials_are_required_with_spanish_messages(client: Client) -> None:
    response = client.post("/consulta/", {"numero": "", "identificacion": ""})
    errores = response.context["form"].errors
    assert errores["numero"] == ["Ingrese el número de trámite."]
    assert errores["identificacion"] == ["Ingrese la identificación."]
    response = client.post("/consulta/", {"numero": "123", "identificacion": "x"})
    assert "VV-17-2026-000123" in response.context["form"].errors["numero"][0]


def test_status_lookups_are_rate_limited(client: Client, ratelimit_clock: None) -> None:
    codigos = {
        _consultar(client, f"VV-17-2026-{i:06d}", "1710034065").status_code for i in range(31)
    }
    assert 429 in codigos


def test_one_number_has_one_limit_however_it_is_written(
    client: Client, ratelimit_clock: None
) -> None:
    """Guessing the identification of one request from many addresses is stopped by the
    per-number limit (20 an hour), and spelling the number differently does not reset it."""
    solicitud = _recibida()
    variantes = [solicitud.numero, solicitud.numero.lower(), f"  {solicitud.numero} "]
    codigos = [
        client.post(
            "/consulta/",
            {"numero": variantes[i % 3], "identificacion": f"09{i:08d}"},
            REMOTE_ADDR=f"10.0.0.{i}",
        ).status_code
        for i in range(20)
    ]
    assert 429 not in codigos
    otra_vez = client.post(
        "/consulta/",
        {"numero": solicitud.numero.lower(), "identificacion": "1710034065"},
        REMOTE_ADDR="10.0.1.1",
    )
    assert otra_vez.status_code == 429
    queja = client.post(
        "/transparencia/queja/",
        {"numero": f" {solicitud.numero.lower()}", "identificacion": "1", "motivo": "x" * 20},
        REMOTE_ADDR="10.0.1.2",
    )
    assert queja.status_code != 429  # each page has its own count


def test_what_is_expected_of_the_filer_and_the_result_document(client: Client) -> None:
    solicitud = _recibida()
    services.solicitud_enrutar(solicitud_id=solicitud.pk)
    services.solicitud_transicion(
        solicitud=solicitud, a="observada", pendiente="Cargue el certificado actualizado."
    )
    html = _consultar(client, solicitud.numero, "1710034065").content.decode()
    assert "Lo que debe hacer usted" in html and "Cargue el certificado actualizado." in html

    services.solicitud_transicion(solicitud=solicitud, a="en_atencion")
    oficio = validate_upload(io.BytesIO(archivos.pdf_bytes()), name_for_messages="Oficio")
    documento = services.documento_agregar(
        solicitud=solicitud,
        archivo=oficio,
        nombre="Oficio de levantamiento de medidas cautelares",
        origen=DocumentoSolicitud.Origen.RESULTADO,
    )
    services.solicitud_transicion(solicitud=solicitud, a="atendida", nota_publica="Oficio emitido.")
    html = _consultar(client, solicitud.numero, "1710034065").content.decode()
    assert "Descargar «Oficio de levantamiento de medidas cautelares»" in html
    url = f"/consulta/documento/{documento.pk}/"
    descarga = client.post(url, {"numero": solicitud.numero, "identificacion": "1710034065"})
    assert descarga.status_code == 200 and b"".join(descarga.streaming_content) == oficio.content
    assert descarga["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in descarga["Content-Disposition"]
    ajeno = client.post(url, {"numero": solicitud.numero, "identificacion": "0912345675"})
    assert ajeno.status_code == 404
    assert client.get(url).status_code == 405
    acuse = client.post(
        "/consulta/documento/0/", {"numero": solicitud.numero, "identificacion": "1710034065"}
    )
    assert acuse["Content-Type"] == "application/pdf"


# --- Transparency and complaints ----------------------------------------------------------------


def test_transparency_adds_the_portals_own_figures_to_the_historical_ones(client: Client) -> None:
    from django.core.cache import cache

    solicitud = _recibida()
    services.solicitud_enrutar(solicitud_id=solicitud.pk)
    services.solicitud_transicion(solicitud=solicitud, a="atendida", nota_publica="Listo.")
    services.queja_presentar(solicitud=solicitud, motivo="Tardaron demasiado en responder.")
    cache.clear()
    html = client.get("/transparencia/", {"tramite": "levantamiento-medidas-cautelares"}).content
    texto = html.decode()
    assert ">3.548<" in texto  # 2025-09 from the seed
    from django.utils import timezone

    hoy = timezone.localdate()
    celdas = '<td class="text-end">1</td><td class="text-end">1</td>'
    fila = f"<td>{hoy.year}</td><td>{hoy.month:02d}</td>{celdas}"
    assert fila in texto
    assert 'role="img"' in texto


def _fila(anio: int, mes: int, quejas: int | str, atenciones: int | str) -> str:
    return (
        f'<tr><td>{anio}</td><td>{mes:02d}</td><td class="text-end">{quejas}</td>'
        f'<td class="text-end">{atenciones}</td></tr>'
    )


def test_the_trámite_page_shows_the_seed_transparency_table_whole(client: Client) -> None:
    """Seed 003's table runs from 2024-01 to 2026-05 (29 months): every row is on the
    page, the oldest included; the chart keeps the last 24."""
    html = client.get("/tramites/certificado-atencion-salud-riesgos-trabajo/").content.decode()
    for fila in [(2024, 1, 0, 334), (2024, 5, 0, 166), (2025, 11, 3, 12), (2026, 5, 0, 15)]:
        assert _fila(*fila) in html, fila
    assert html.count("<tr><td>20") == 29
    assert "últimos 24 meses; la tabla tiene todos" in html
    html = client.get(
        "/transparencia/", {"tramite": "certificado-atencion-salud-riesgos-trabajo"}
    ).content.decode()
    assert _fila(2024, 1, 0, 334) in html
    assert "desde 01/2024 hasta 05/2026" in html


def test_the_transparency_chart_keeps_the_last_grafico_meses_and_says_so(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chart's length and its title come from one constant; both pages use them."""
    from tramites import selectors
    from tramites.models import Tramite

    slug = "certificado-atencion-salud-riesgos-trabajo"  # 29 months of seed figures
    monkeypatch.setattr(selectors, "GRAFICO_MESES", 12)
    tramite = Tramite.objects.get(slug=slug)
    datos = selectors.transparencia(tramite_id=tramite.pk)
    assert len(datos.meses) == 29 and datos.grafico_parcial
    assert len(datos.serie) == 12 and datos.serie[0][0] == "2025-06"
    for html in (
        client.get(f"/tramites/{slug}/").content.decode(),
        client.get("/transparencia/", {"tramite": slug}).content.decode(),
    ):
        assert "(últimos 12 meses; la tabla tiene todos)" in html
        assert "últimos 24" not in html
        assert html.count("<tr><td>20") == 29  # the table keeps every month
    monkeypatch.setattr(selectors, "GRAFICO_MESES", 29)
    assert not selectors.transparencia(tramite_id=tramite.pk).grafico_parcial
    html = client.get("/transparencia/", {"tramite": slug}).content.decode()
    assert "Quejas y atenciones por mes" in html and "últimos" not in html


def test_counts_are_written_one_way_on_the_page_the_table_and_the_chart(client: Client) -> None:
    """es-EC groups thousands with a point, as money is written (USD 1.234,56): the
    trámite page, its chart (axis, bars, data table) and /transparencia/ all write
    seed 000's 1066 attended cases of 12/2025 as «1.066» (not «1066», nor «1 066»)."""
    import re

    from django.core.cache import cache

    cache.clear()
    detalle = client.get("/tramites/levantamiento-medidas-cautelares/").content.decode()
    transparencia = client.get(
        "/transparencia/", {"tramite": "levantamiento-medidas-cautelares"}
    ).content.decode()
    for html in (detalle, transparencia):
        assert _fila(2025, 12, 2, "1.066") in html
        svg = html[html.index("<svg") : html.index("</svg>")]
        ejes = re.findall(r'dominant-baseline="middle">([^<]*)</text>', svg)
        assert ejes == ["0", "1.250", "2.500", "3.750", "5.000"], ejes  # top: 3548
        assert "Volumen de atenciones: 3.548</title>" in svg
        tabla_grafico = html[html.index("<details") : html.index("</details>")]
        assert '<td class="text-end">3.548</td>' in tabla_grafico
        assert "1066" not in html and "\xa0" not in html and "1 066" not in html
    totales = re.search(r"<strong>([^<]*)</strong> atenciones", transparencia)
    assert totales and re.fullmatch(r"\d{1,3}(\.\d{3})+", totales.group(1)), totales


def test_a_month_without_figures_inside_the_period_counts_as_zero(client: Client) -> None:
    from tramites.models import EstadisticaHistorica, Tramite

    tramite = Tramite.objects.get(slug="anulacion-titulo-credito")
    EstadisticaHistorica.objects.create(tramite=tramite, anio=2024, mes=11, quejas=1, atenciones=9)
    EstadisticaHistorica.objects.create(tramite=tramite, anio=2025, mes=2, quejas=0, atenciones=4)
    html = client.get("/tramites/anulacion-titulo-credito/").content.decode()
    assert _fila(2024, 12, 0, 0) in html and _fila(2025, 1, 0, 0) in html
    assert html.count("<tr><td>20") == 4


def test_a_complaint_is_tied_to_a_request_by_its_credentials(client: Client) -> None:
    solicitud = _recibida()
    response = client.post(
        "/transparencia/queja/",
        {"numero": solicitud.numero, "identificacion": "0000000000", "motivo": "No me atienden."},
    )
    assert (
        "No encontramos una solicitud" in response.content.decode() and not Queja.objects.exists()
    )
    response = client.post(
        "/transparencia/queja/",
        {"numero": solicitud.numero, "identificacion": "1710034065", "motivo": "Corto"},
    )
    assert "al menos 10 caracteres" in response.content.decode()
    response = client.post(
        "/transparencia/queja/",
        {
            "numero": solicitud.numero,
            "identificacion": "1710034065",
            "motivo": "Pasaron dos meses y no hay respuesta.",
        },
    )
    assert "Su queja fue recibida" in response.content.decode()
    assert Queja.objects.get().solicitud == solicitud
    assert Solicitud.objects.count() == 1
    from core.models import Correo

    assert Correo.objects.filter(evento="tramites.queja", para=[solicitud.email]).exists()


def test_catalogue_pages_are_cached_until_staff_change_the_catalogue(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from tramites.models import Tramite

    url = "/tramites/anulacion-titulo-credito/"
    assert "Anulación de título de crédito" in client.get(url).content.decode()
    Tramite.objects.filter(slug="anulacion-titulo-credito").update(
        nombre="Anulación de títulos de crédito"
    )
    assert "Anulación de título de crédito" in client.get(url).content.decode()  # cached
    with django_capture_on_commit_callbacks(execute=True):
        services.catalogo_cambiado()  # what the admin calls after saving
    assert "Anulación de títulos de crédito" in client.get(url).content.decode()


def test_catalogue_list_is_cached_for_visitors_but_searches_are_fresh(
    client: Client, django_capture_on_commit_callbacks, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    from tramites.models import Tramite

    assert "Anulación de título de crédito" in client.get("/tramites/").content.decode()
    Tramite.objects.filter(slug="anulacion-titulo-credito").update(
        nombre="Anulación de títulos de crédito"
    )
    with django_assert_num_queries(0):
        assert "Anulación de título de crédito" in client.get("/tramites/").content.decode()
    # A search is answered from the database, never from the cache.
    assert (
        "Anulación de títulos de crédito" in client.get("/tramites/?q=anulacion").content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.catalogo_cambiado()
    assert "Anulación de títulos de crédito" in client.get("/tramites/").content.decode()


def test_a_catalogue_edit_is_seen_at_once_by_the_process_that_made_it(
    client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from tramites import selectors, services

    antes = selectors.catalogo_version()
    with django_capture_on_commit_callbacks(execute=True):
        services.catalogo_cambiado()
    assert selectors.catalogo_version() != antes
    # A lost version (the cache was emptied) restarts above every earlier one.
    from django.core.cache import cache

    ultima = selectors.catalogo_version()
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.catalogo_cambiado()
    assert selectors.catalogo_version() > ultima
