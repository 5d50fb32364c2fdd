"""A convenio de purga de mora is always authorized by the Director Provincial (C.D. 497
art. 3, 3.5.2 c). Requests filed before that rule recorded the head of unit when the
amount was under the APP threshold: the ones still awaiting approval record the
Director, so the agreement page and the admin say who decides."""

from django.db import migrations


def forwards(apps, schema_editor):
    AcuerdoPago = apps.get_model("cartera", "AcuerdoPago")
    AcuerdoPago.objects.filter(tipo="purga_mora", estado="solicitado").exclude(
        aprueba="director_provincial"
    ).update(aprueba="director_provincial")


class Migration(migrations.Migration):
    dependencies = [("cartera", "0009_avisos_glosa_por_vencer")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
