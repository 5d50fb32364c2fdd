"""Seed fidelity of the catalogue page's headings: the institution's pages (seeds 000,
002, 003) head each channel's requisites and each channel's steps with their own words,
and the page shows every heading of the seed, in the seed's order."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.factories import ROLE, staff
from tramites.models import CanalTramite, Tramite

pytestmark = pytest.mark.django_db

# Every heading and label of each seed page's sections, as the seed writes it and in
# its order («Descripción» to the transparency table's columns). Left out: the
# information table's field names whose value the page shows unlabelled (Nombre
# Trámite, Institución), the contact's inline labels, seed 000's stray «Virtual» line
# under «Requisito Adicional:» and seed 002's «Genere su turno en línea» (the first step).
COMUNES_INICIO = [
    "Descripción",
    "¿A quién está dirigido?",
    "Dirigido a:",
    "¿Qué obtendré si completo satisfactoriamente el trámite?",
    "Tipo de Resultado:",
    "Resultado a obtener:",
    "¿Qué necesito para hacer el trámite?",
    "Requisitos Generales:",
]
COMUNES_FIN = [
    "Canales de atención:",
    "¿Cuál es el costo del trámite?",
    "¿Dónde y cuál es el horario de atención?",
    "Base Legal",
    "Contacto para atención ciudadana",
    "Transparencia",
    "Año",
    "Mes",
    "Volumen de Quejas",
    "Volumen de Atenciones",
]
SEMILLAS = {
    "000 levantamiento-medidas-cautelares": [
        *COMUNES_INICIO,
        "Trámite por Ventanilla Virtual",
        "Requisitos:",
        "Trámite ingresado por ventanilla de Gestión Documental",
        "Requisitos:",
        "Requisitos Específicos:",
        "Requisito Adicional:",
        "¿Cómo hago el trámite?",
        "Trámite virtual",
        "Indicaciones:",
        "Trámite presencial, ventanilla Gestión Documental",
        "Indicaciones:",
        *COMUNES_FIN,
    ],
    "002 notificacion-de-glosas": [
        *COMUNES_INICIO,
        "Trámite virtual",
        "Requisitos:",
        "Trámite ingresado por ventanilla y resuelto en proceso back",
        "Requisitos:",
        "Requisitos Específicos:",
        "Requisito Adicional:",
        "¿Cómo hago el trámite?",
        "Trámite virtual",
        "Indicaciones:",
        "Trámite presencial, ventanilla Cartera",
        "Indicaciones:",
        *COMUNES_FIN,
    ],
    "003 certificado-atencion-salud-riesgos-trabajo": [
        *COMUNES_INICIO,
        "Trámite por ventanilla virtual",
        "Requisitos:",
        "Trámite presencial, ventanilla Gestión Documental",
        "Requisitos:",
        "Requisitos Específicos:",
        "Requisito alternativo:",
        "Requisito adicional:",
        "¿Cómo hago el trámite?",
        "Procedimiento para el trámite de ventanilla virtual:",
        "Procedimiento para trámite presencial en ventanilla Gestión Documental:",
        *COMUNES_FIN,
    ],
}
# The channel titles: on the page they are headings (h3/h4), not just text.
TITULOS_DE_CANAL = {
    "Trámite por Ventanilla Virtual",
    "Trámite ingresado por ventanilla de Gestión Documental",
    "Trámite virtual",
    "Trámite presencial, ventanilla Gestión Documental",
    "Trámite ingresado por ventanilla y resuelto en proceso back",
    "Trámite presencial, ventanilla Cartera",
    "Trámite por ventanilla virtual",
    "Procedimiento para el trámite de ventanilla virtual:",
    "Procedimiento para trámite presencial en ventanilla Gestión Documental:",
}


def _normal(texto: str) -> str:
    """Compared as a reader would: case and a closing colon aside."""
    return " ".join(texto.split()).rstrip(":").strip().casefold()


class _Textos(HTMLParser):
    """Each piece of text of the page's <main>, in order, and whether it is a heading."""

    def __init__(self) -> None:
        super().__init__()
        self.piezas: list[tuple[str, bool]] = []
        self._en_main = 0
        self._titulo = 0
        self._oculto = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self._en_main += 1
        if re.fullmatch(r"h[1-6]", tag):
            self._titulo += 1
        if tag in ("script", "style", "title"):
            self._oculto += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._en_main -= 1
        if re.fullmatch(r"h[1-6]", tag):
            self._titulo -= 1
        if tag in ("script", "style", "title"):
            self._oculto -= 1

    def handle_data(self, data: str) -> None:
        if self._en_main and not self._oculto and data.strip():
            self.piezas.append((_normal(data), self._titulo > 0))


def _piezas(html: str) -> list[tuple[str, bool]]:
    lector = _Textos()
    lector.feed(html)
    return lector.piezas


@pytest.mark.parametrize("semilla", list(SEMILLAS))
def test_every_heading_of_the_seed_page_is_on_the_page_in_the_seeds_order(
    client: Client, semilla: str
) -> None:
    slug = semilla.split()[1]
    piezas = _piezas(client.get(f"/tramites/{slug}/").content.decode())
    desde = 0
    for encabezado in SEMILLAS[semilla]:
        buscado = _normal(encabezado)
        for i in range(desde, len(piezas)):
            texto, es_titulo = piezas[i]
            if texto == buscado and (es_titulo or encabezado not in TITULOS_DE_CANAL):
                desde = i + 1
                break
        else:
            anterior = piezas[desde - 1][0] if desde else "(inicio)"
            pytest.fail(f"{semilla}: falta «{encabezado}» después de «{anterior}»")


def test_a_channel_without_its_own_steps_heading_uses_the_requisites_one(
    client: Client,
) -> None:
    html = client.get("/tramites/anulacion-titulo-credito/").content.decode()
    pasos = html[html.index('id="sec-pasos"') :]
    assert '<h3 class="h6">Trámite por Ventanilla Virtual</h3>' in pasos


def _formulario(html: str) -> dict[str, list[str]]:
    """The values a browser would submit from the admin's change form."""

    class Lector(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.datos: dict[str, list[str]] = {}
            self._select: str | None = None
            self._textarea: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k: v or "" for k, v in attrs}
            nombre = a.get("name", "")
            if tag == "input" and nombre and a.get("type") not in ("submit", "button", "file"):
                marcable = a.get("type") in ("checkbox", "radio")
                if marcable and "checked" not in a:
                    return
                self.datos.setdefault(nombre, []).append(a.get("value", "on" if marcable else ""))
            elif tag == "select":
                self._select = nombre
                self.datos.setdefault(nombre, [])
            elif tag == "option" and self._select and "selected" in a:
                self.datos[self._select].append(a.get("value", ""))
            elif tag == "textarea":
                self._textarea = nombre
                self.datos[nombre] = [""]

        def handle_endtag(self, tag: str) -> None:
            if tag == "select":
                self._select = None
            elif tag == "textarea":
                self._textarea = None

        def handle_data(self, data: str) -> None:
            if self._textarea:
                valor = self.datos[self._textarea][0] + data
                self.datos[self._textarea] = [valor.removeprefix("\n")]

    lector = Lector()
    lector.feed(html[html.index('id="tramite_form"') :])
    return lector.datos


def test_staff_edit_the_steps_heading_in_the_admin_and_the_page_shows_it(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    tramite = Tramite.objects.get(slug="certificado-atencion-salud-riesgos-trabajo")
    canal = tramite.canales.get(canal="virtual")
    client.force_login(staff(ROLE.SUPERVISOR_NACIONAL, "nacional-recaudacion"))
    url = f"/admin/tramites/tramite/{tramite.pk}/change/"
    datos = _formulario(client.get(url).content.decode())
    campo = next(
        k for k, v in datos.items() if k.endswith("-titulo_pasos") and v == [canal.titulo_pasos]
    )
    datos[campo] = ["Procedimiento en la Ventanilla Virtual"]
    with django_capture_on_commit_callbacks(execute=True):
        respuesta = client.post(url, datos)
    assert respuesta.status_code == 302, re.findall(
        r"errorlist.{0,300}", respuesta.content.decode()
    )
    assert (
        CanalTramite.objects.get(pk=canal.pk).titulo_pasos
        == "Procedimiento en la Ventanilla Virtual"
    )
    client.logout()
    html = client.get(tramite.get_absolute_url()).content.decode()
    assert '<h3 class="h6">Procedimiento en la Ventanilla Virtual</h3>' in html
    assert '<h4 class="h6 mb-1">Trámite por ventanilla virtual</h4>' in html  # requisites


def test_the_migration_fills_a_database_created_before_the_headings_existed(
    client: Client,
) -> None:
    """Migration 0009 brings a catalogue loaded from the older fixture up to the seeds:
    empty steps headings filled, seed 000's presencial heading and the class of its
    conditional requisites corrected; what staff changed themselves is kept."""
    import importlib

    from django.apps import apps

    from tramites.models import Requisito

    migracion = importlib.import_module("tramites.migrations.0009_canal_titulo_pasos")
    CanalTramite.objects.update(titulo_pasos="")  # as the column was added
    levantamiento = CanalTramite.objects.filter(tramite__slug="levantamiento-medidas-cautelares")
    levantamiento.filter(canal="presencial").update(
        titulo="Trámite presencial, ventanilla Gestión Documental"
    )
    Requisito.objects.filter(
        tramite__slug="levantamiento-medidas-cautelares", nombre__startswith="Certificado"
    ).update(clase="especifico")
    editado = CanalTramite.objects.get(tramite__slug="notificacion-de-glosas", canal="presencial")
    editado.titulo = "Trámite presencial en la ventanilla de Cartera"  # staff's own words
    editado.save()
    assert "Trámite virtual" not in _textos_de_pasos(client, "levantamiento-medidas-cautelares")

    migracion.forwards(apps, None)

    assert set(levantamiento.values_list("canal", "titulo", "titulo_pasos")) == {
        ("virtual", "Trámite por Ventanilla Virtual", "Trámite virtual"),
        (
            "presencial",
            "Trámite ingresado por ventanilla de Gestión Documental",
            "Trámite presencial, ventanilla Gestión Documental",
        ),
    }
    assert set(
        Requisito.objects.filter(
            tramite__slug="levantamiento-medidas-cautelares", nombre__startswith="Certificado"
        ).values_list("clase", flat=True)
    ) == {"adicional"}
    editado.refresh_from_db()
    assert editado.titulo == "Trámite presencial en la ventanilla de Cartera"
    assert editado.titulo_pasos == "Trámite presencial, ventanilla Cartera"
    assert (
        CanalTramite.objects.get(
            tramite__slug="anulacion-titulo-credito", canal="virtual"
        ).titulo_pasos
        == ""
    )  # no page of its own: the requisites heading serves


def _textos_de_pasos(client: Client, slug: str) -> str:
    from django.core.cache import cache

    cache.clear()
    html = client.get(f"/tramites/{slug}/").content.decode()
    return html[html.index('id="sec-pasos"') :]
