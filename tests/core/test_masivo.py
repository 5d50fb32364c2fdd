"""Pieces added to core for batch jobs: bulk e-mail through the outbox, blocks of a
gap-free sequence."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from cartera.models import Empleador
from core.email import correos_encolar_sql
from core.models import Correo, Secuencia
from core.services import sequence_next, sequence_next_block
from tests.factories import EmpleadorFactory

pytestmark = pytest.mark.django_db

ORIGEN = (
    "SELECT e.email AS para, e.id AS objeto_id, e.razon_social AS razon_social, "
    "e.identificacion AS identificacion, '1' AS cantidad, '01/12/2025' AS fecha, "
    "'11/12/2025' AS vence FROM cartera_empleador e WHERE e.id IN (%s, %s)"
)
CAMPOS = ["razon_social", "identificacion", "cantidad", "fecha", "vence"]


def test_one_outbox_row_per_row_rendered_by_the_database_and_sent_after_commit(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    uno = EmpleadorFactory(razon_social="Pérez & Hijos <Cía.>", email="uno@correo.test")
    sin_correo = EmpleadorFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        ids = correos_encolar_sql(
            plantilla="glosas_notificadas",
            asunto="Aviso",
            origen_sql=ORIGEN,
            params=[uno.pk, sin_correo.pk],
            campos=CAMPOS,
            evento="prueba.masivo",
            modelo=Empleador,
        )
        assert len(ids) == 1 and not mail.outbox  # nothing sent before commit
    correo = Correo.objects.get(pk=ids[0])
    assert correo.para == ["uno@correo.test"] and correo.object_id == str(uno.pk)
    assert correo.estado == Correo.Estado.ENVIADO
    assert len(mail.outbox) == 1
    cuerpo = mail.outbox[0].body
    assert "Pérez & Hijos <Cía.> (" + uno.identificacion + ")" in cuerpo  # plain text
    assert "hasta el 11/12/2025" in cuerpo and "no responda" in cuerpo


def test_a_template_that_filters_its_fields_is_refused(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    carpeta = tmp_path / "correo"
    carpeta.mkdir()
    (carpeta / "filtrada.txt").write_text("Hola {{ razon_social|upper }}")
    settings.TEMPLATES = [
        {**motor, "DIRS": [tmp_path, *motor["DIRS"]]} for motor in settings.TEMPLATES
    ]
    with pytest.raises(ValueError, match="sin filtros"):
        correos_encolar_sql(
            plantilla="filtrada", asunto="x", origen_sql=ORIGEN, params=[0, 0], campos=CAMPOS
        )
    assert not Correo.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_block_of_numbers_continues_the_sequence_without_gaps() -> None:
    with transaction.atomic():
        assert sequence_next(clave="bloque") == 1
        assert sequence_next_block(clave="bloque", cantidad=5) == 2
        assert sequence_next(clave="bloque") == 7
    with pytest.raises(RuntimeError), transaction.atomic():
        sequence_next_block(clave="bloque", cantidad=3)
        raise RuntimeError
    assert Secuencia.objects.get(clave="bloque").ultimo == 7
    with pytest.raises(ValueError), transaction.atomic():
        sequence_next_block(clave="bloque", cantidad=0)
