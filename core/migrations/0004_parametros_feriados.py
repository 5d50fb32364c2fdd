"""Initial legal parameters (DOMAIN.md §7) and holidays.

National holidays 2015-2035 come from the `holidays` package with the moved-holiday
duplicate removed (core.calendar.national_holidays). The foundation days of Quito and
Guayaquil are seeded as local holidays of their cantons, moved by the 2017 rule.
"""

import datetime as dt

from django.db import migrations

from core.calendar import move_local_holiday, national_holidays
from core.parametros import DEFINICIONES, serializar

# Values that changed over time: (clave, vigente_desde, valor, base_legal)
HISTORICOS = [
    ("SBU", dt.date(2024, 1, 1), "460.00", "Acuerdo Ministerial MDT-2023-175"),
    ("SBU", dt.date(2025, 1, 1), "470.00", "Acuerdo Ministerial MDT-2024-194"),
    (
        "SBU",
        dt.date(2026, 1, 1),
        "482.00",
        "Acuerdo Ministerial del Ministerio del Trabajo para 2026",
    ),
]
DESDE = dt.date(2015, 1, 1)
LOCALES = [("1701", 12, 6, "Fundación de Quito"), ("0901", 7, 25, "Fundación de Guayaquil")]


def forwards(apps, schema_editor):
    Parametro = apps.get_model("core", "Parametro")
    Feriado = apps.get_model("core", "Feriado")

    con_historia = {clave for clave, *_ in HISTORICOS}
    for clave, definicion in DEFINICIONES.items():
        if clave in con_historia:
            continue
        Parametro.objects.create(
            clave=clave,
            valor=serializar(clave, definicion.inicial),
            vigente_desde=DESDE,
            base_legal=definicion.base_legal,
        )
    for clave, desde, valor, base in HISTORICOS:
        Parametro.objects.create(clave=clave, valor=valor, vigente_desde=desde, base_legal=base)

    Feriado.objects.bulk_create(
        Feriado(fecha=fecha, nombre=nombre, origen="ley", base_legal="Código del Trabajo, art. 65")
        for fecha, nombre in national_holidays(range(2015, 2036)).items()
    )
    Feriado.objects.bulk_create(
        Feriado(
            fecha=move_local_holiday(dt.date(year, month, day)),
            nombre=nombre,
            origen="local",
            canton_id=canton,
            base_legal="Ordenanza municipal",
        )
        for year in range(2015, 2036)
        for canton, month, day, nombre in LOCALES
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0003_territorio")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
