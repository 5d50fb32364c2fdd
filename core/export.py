"""Tabular exports (CSV for any size, streamed; XLSX for spreadsheets) with Spanish
headers. Every export of private data should also be audited by its caller."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMATOS = {"csv", "xlsx"}

# Spreadsheet formula injection (OWASP "CSV injection"): a text cell that starts with one
# of these is read by Excel or LibreOffice as a formula (=HYPERLINK(...), DDE payloads).
FORMULA_PREFIJOS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if value is None:
        return ""
    return value


def _parece_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIJOS)


def _csv_text(value: Any) -> Any:
    # A leading apostrophe makes the spreadsheet show the cell as text.
    if _parece_formula(value):
        return "'" + value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return _cell(value)


def _xlsx_cell(hoja: WriteOnlyWorksheet, value: Any) -> Any:
    """openpyxl stores any string starting with "=" as a formula. A cell that looks like
    one is written as a string with the "quote prefix" style (what Excel sets when a
    user types an apostrophe): it shows as typed, is not evaluated, and stays text if
    someone edits it."""
    if not _parece_formula(value):
        return _cell(value)
    celda = WriteOnlyCell(hoja, value=value)
    celda.data_type = "s"
    celda.quotePrefix = True
    return celda


def tabla_respuesta(
    *,
    nombre: str,
    encabezados: Sequence[str],
    filas: Iterable[Sequence[Any]],
    formato: str = "csv",
) -> HttpResponse | StreamingHttpResponse:
    """A download named `<nombre>.<formato>` with `encabezados` and `filas`."""
    response: HttpResponse | StreamingHttpResponse
    if formato not in FORMATOS:
        formato = "csv"
    if formato == "xlsx":
        libro = Workbook(write_only=True)
        hoja = libro.create_sheet(title=nombre[:31])
        hoja.append([_xlsx_cell(hoja, v) for v in encabezados])
        for fila in filas:
            hoja.append([_xlsx_cell(hoja, v) for v in fila])
        buffer = io.BytesIO()
        libro.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        writer = csv.writer(_Echo())

        def stream() -> Iterator[str]:
            yield "\ufeff"  # BOM: Excel opens UTF-8 with accents correctly
            yield writer.writerow(list(encabezados))
            for fila in filas:
                yield writer.writerow([_csv_text(v) for v in fila])

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{nombre}.{formato}"'
    response["Cache-Control"] = "private, no-store"
    return response
