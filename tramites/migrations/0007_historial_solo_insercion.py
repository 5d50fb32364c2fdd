"""The request history and the audit trail are append-only in the database too: on
PostgreSQL a trigger refuses UPDATE and DELETE of their rows, so not even a bulk
queryset update or raw SQL rewrites who did what (the models refuse it only for
instance saves). TRUNCATE, used by test flushes and restores, is not a row change.
The embedded SQLite default keeps the model-level guard only."""

from django.db import migrations

TABLAS = ["tramites_historialsolicitud", "core_eventoauditoria"]

FUNCION = """
CREATE OR REPLACE FUNCTION solo_insercion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% es de solo inserción: sus filas no se modifican ni se borran',
        TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$;
"""


def crear(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCION, params=None)
    for tabla in TABLAS:
        schema_editor.execute(
            f"CREATE TRIGGER {tabla}_solo_insercion BEFORE UPDATE OR DELETE ON {tabla} "
            "FOR EACH ROW EXECUTE FUNCTION solo_insercion()"
        )


def quitar(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for tabla in TABLAS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {tabla}_solo_insercion ON {tabla}")
    schema_editor.execute("DROP FUNCTION IF EXISTS solo_insercion()")


class Migration(migrations.Migration):
    dependencies = [
        ("tramites", "0006_autorizacion_terceros"),
        ("core", "0006_documentos_verificables_nacionales"),
    ]
    operations = [migrations.RunPython(crear, quitar)]
