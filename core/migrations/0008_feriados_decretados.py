"""Working days suspended nationwide by executive decree (the "puentes"), 2024-2026.

The `holidays` package knows only the days of the law; a decree that suspends the
working day for the public sector closes the IESS offices too, so the day does not
count in a término. Later decrees are entered by staff in the admin (Feriados, origin
"Decreto ejecutivo"). A date already in the table (entered by staff) is left alone.
"""

import datetime as dt

from django.db import migrations

DECRETOS = [
    (dt.date(2024, 10, 31), "Decreto Ejecutivo 438 (2024-10-25)"),
    (dt.date(2025, 1, 2), "Decreto Ejecutivo 474 (2024-12-06)"),
    (dt.date(2025, 1, 3), "Decreto Ejecutivo 474 (2024-12-06)"),
    (dt.date(2025, 4, 17), "Decreto Ejecutivo 598 (2025-04-11)"),
    (dt.date(2025, 10, 9), "Decreto ejecutivo de 2025-10-02"),
    (dt.date(2026, 1, 2), "Decreto Ejecutivo 249 (2025-12-17)"),
]


def forwards(apps, schema_editor):
    Feriado = apps.get_model("core", "Feriado")
    taken = set(
        Feriado.objects.filter(
            canton__isnull=True, fecha__in=[fecha for fecha, _ in DECRETOS]
        ).values_list("fecha", flat=True)
    )
    Feriado.objects.bulk_create(
        Feriado(
            fecha=fecha,
            nombre="Suspensión de la jornada de trabajo",
            origen="decreto",
            base_legal=base,
        )
        for fecha, base in DECRETOS
        if fecha not in taken
    )


def backwards(apps, schema_editor):
    Feriado = apps.get_model("core", "Feriado")
    Feriado.objects.filter(
        canton__isnull=True,
        origen="decreto",
        fecha__in=[fecha for fecha, _ in DECRETOS],
        base_legal__in=[base for _, base in DECRETOS],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0007_feriados_difuntos_cuenca")]
    operations = [migrations.RunPython(forwards, backwards)]
