"""2 and 3 November as two consecutive holidays (Ley Orgánica Reformatoria a la LOSEP y
al Código del Trabajo, R.O.-S. 906 of 2016-12-20): databases seeded by 0004 took them
from `holidays`, which moves each day on its own and got the Tuesday-Wednesday years
(2021, 2027, 2032) and the Friday-Saturday years (2018, 2029, 2035) wrong. Only rows of
origin "ley" are touched; a day staff entered (decree, local) is left as it is.

The rule is written out here rather than imported so that this migration keeps meaning
what it meant when it was written (core.calendar.difuntos_y_cuenca is the live copy).
"""

import datetime as dt

from django.db import migrations

DIFUNTOS = "Día de Difuntos"
CUENCA = "Independencia de Cuenca"


def pair(year):
    difuntos, cuenca, one = dt.date(year, 11, 2), dt.date(year, 11, 3), dt.timedelta(days=1)
    return {
        0: {difuntos: DIFUNTOS, cuenca: CUENCA},
        1: {difuntos - one: CUENCA, difuntos: DIFUNTOS},
        2: {cuenca: CUENCA, cuenca + one: DIFUNTOS},
        3: {difuntos: DIFUNTOS, cuenca: CUENCA},
        4: {difuntos - one: CUENCA, difuntos: DIFUNTOS},
        5: {difuntos - one: DIFUNTOS, cuenca + one: CUENCA},
        6: {cuenca: CUENCA, cuenca + one: DIFUNTOS},
    }[difuntos.weekday()]


def forwards(apps, schema_editor):
    Feriado = apps.get_model("core", "Feriado")
    years = Feriado.objects.filter(
        canton__isnull=True, origen="ley", fecha__month=11, fecha__day__lte=5, fecha__year__gte=2017
    ).dates("fecha", "year")
    for year in (d.year for d in years):
        expected = pair(year)
        window = Feriado.objects.filter(
            canton__isnull=True, fecha__range=(dt.date(year, 11, 1), dt.date(year, 11, 5))
        )
        window.filter(origen="ley").exclude(fecha__in=expected).delete()
        for fecha, nombre in expected.items():
            window.filter(origen="ley", fecha=fecha).exclude(nombre=nombre).update(nombre=nombre)
        taken = set(window.values_list("fecha", flat=True))
        Feriado.objects.bulk_create(
            Feriado(
                fecha=fecha, nombre=nombre, origen="ley", base_legal="Código del Trabajo, art. 65"
            )
            for fecha, nombre in expected.items()
            if fecha not in taken
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0006_documentos_verificables_nacionales")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
