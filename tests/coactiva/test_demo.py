"""The coactiva demo data tells the levantamiento story and fills the back office."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from cartera.models import Empleador
from coactiva import selectors
from coactiva.models import JuicioCoactivo, Levantamiento, SorteoRegistro
from core.models import User

pytestmark = pytest.mark.django_db


def test_demo_processes_stages_and_the_two_stories(client: Client) -> None:
    salida = StringIO()
    call_command("seed_demo", "--empleadores", "60", "--sin-progreso", stdout=salida)
    assert "secretario.17" in salida.getvalue()
    etapas = set(JuicioCoactivo.objects.values_list("etapa", flat=True))
    # (How many processes the bulk employers get depends on their ids; the stages below
    # are there whatever the size.)
    assert {"medidas", "cancelado"} <= etapas
    assert all(
        selectors.sorteo_reproducir(registro=r).coincide for r in SorteoRegistro.objects.all()
    )

    andina = Empleador.objects.get(razon_social="Comercial Andina S.A.")
    precheck = selectors.levantamiento_precheck(empleador=andina)
    assert len(precheck) == 1 and not precheck[0].elegible
    assert len(precheck[0].pendientes) == 1 and len(precheck[0].medidas) == 3
    # The stories' processes belong to the lawyers with a demo login.
    assert (
        JuicioCoactivo.objects.get(empleador=andina).secretario.usuario.username == "secretario.17"
    )

    exportadora = Empleador.objects.get(razon_social="Exportadora del Guayas Cía. Ltda.")
    pagado = JuicioCoactivo.objects.get(empleador=exportadora)
    assert pagado.etapa == "cancelado"
    assert set(pagado.medidas.values_list("estado", flat=True)) == {"levantada"}
    oficios = Levantamiento.objects.filter(juicio=pagado, estado="emitido")
    assert oficios.count() == 2
    for levantamiento in oficios:
        assert levantamiento.firma.firmado_por.username == "director.09"
        pagina = client.get(f"/verificar/{levantamiento.oficio.codigo}/").content.decode()
        assert "auténtico y vigente" in pagina and "Ricardo Villacís" in pagina
    # Pichincha's Director finds an oficio waiting for the signature, late.
    client.force_login(User.objects.get(username="director.17"))
    cola = client.get("/admin/coactiva/oficioporfirmar/").content.decode()
    espera = Levantamiento.objects.get(estado="por_firmar", juicio__unidad__provincia_id="17")
    assert espera.numero_oficio in cola and 'style="color:#b00"' in cola
    assert (
        "pendiente de firma" in client.get(f"/verificar/{espera.oficio.codigo}/").content.decode()
    )

    client.force_login(User.objects.get(username="secretario.17"))
    lista = client.get("/admin/coactiva/juiciocoactivo/")
    assert lista.status_code == 200
    propios = JuicioCoactivo.objects.filter(secretario__usuario__username="secretario.17")
    assert propios.exists()
    assert all(j.numero in lista.content.decode() for j in propios[:5])
