"""The signature of the oficios de levantamiento (FirmaOficio, LevantamientoHistorial,
the POR_FIRMAR state, the signer's queue and permission) and what it means for the rows
already there:

* an oficio already EMITIDO counts as signed by the authority printed on it: it gets a
  FirmaOficio of origen IMPRESO with that name and title, at its issue time;
* an oficio still PENDIENTE (not rendered yet) is registered «pendiente de firma": the
  task renders it into the signer's queue like any new one;
* the Director Provincial may sign (core.roles), COACTIVA_FIRMA_RECORDATORIO_DIAS gets
  its default."""

import datetime as dt

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import coactiva.models
import core.storage
from core.parametros import DEFINICIONES, serializar
from core.roles import sync_role_permissions

CARGO = "Director(a) Provincial"
JUEZ = "Juez(a) de Coactiva"


def _firmante(impreso):
    """("Ana Ruiz", "Director(a) Provincial de Pichincha, Juez(a) de Coactiva") from the
    string printed on the oficio; the name is empty when none was printed."""
    impreso = (impreso or "").strip()
    if CARGO not in impreso:
        return "", impreso or "Autoridad que suscribe el oficio"
    inicio = impreso.index(CARGO)
    nombre = impreso[:inicio].rstrip(", ")
    if nombre.lower().startswith("pendiente"):
        nombre = ""
    cargo = impreso[inicio:]
    if JUEZ in cargo:
        cargo = cargo[: cargo.index(JUEZ) + len(JUEZ)]
    return nombre, cargo


def datos(apps, schema_editor):
    Levantamiento = apps.get_model("coactiva", "Levantamiento")
    FirmaOficio = apps.get_model("coactiva", "FirmaOficio")
    for lev in Levantamiento.objects.filter(estado="emitido", oficio__isnull=False).select_related(
        "oficio"
    ):
        nombre, cargo = _firmante(lev.oficio.datos_publicos.get("Firma"))
        FirmaOficio.objects.get_or_create(
            levantamiento=lev,
            defaults={
                "origen": "impreso",
                "nombre": nombre,
                "cargo": cargo,
                "firmado_en": lev.emitido_en or lev.oficio.emitido_en,
                "sha256_firmado": lev.oficio.sha256,
            },
        )
    for lev in Levantamiento.objects.filter(
        estado="pendiente", oficio__isnull=False
    ).select_related("oficio"):
        oficio = lev.oficio
        _, cargo = _firmante(oficio.datos_publicos.get("Firma"))
        oficio.datos_publicos = {
            **oficio.datos_publicos,
            "Firma": f"Pendiente de la firma del/de la {cargo}",
        }
        oficio.pendiente_firma = True
        oficio.save(update_fields=["datos_publicos", "pendiente_firma"])

    sync_role_permissions(apps, schema_editor, app_labels=["coactiva"])
    Parametro = apps.get_model("core", "Parametro")
    clave = "COACTIVA_FIRMA_RECORDATORIO_DIAS"
    if not Parametro.objects.filter(clave=clave).exists():
        definicion = DEFINICIONES[clave]
        Parametro.objects.create(
            clave=clave,
            valor=serializar(clave, definicion.inicial),
            vigente_desde=dt.date(2015, 1, 1),
            base_legal=definicion.base_legal,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("coactiva", "0004_convenio_suspende"),
        ("core", "0010_documento_pendiente_firma"),
        ("tramites", "0006_autorizacion_terceros"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FirmaOficio",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "origen",
                    models.CharField(
                        choices=[
                            ("plataforma", "Firmado en la plataforma"),
                            (
                                "impreso",
                                "Firmante impreso en el oficio (emitido antes de la firma)",
                            ),
                        ],
                        max_length=10,
                        verbose_name="origen",
                    ),
                ),
                ("nombre", models.CharField(blank=True, max_length=200, verbose_name="firmante")),
                ("cargo", models.CharField(max_length=200, verbose_name="cargo")),
                ("firmado_en", models.DateTimeField(verbose_name="firmado en")),
                (
                    "archivo_revisado",
                    models.FileField(
                        blank=True,
                        storage=core.storage.private_storage,
                        upload_to=coactiva.models._firma_archivo,
                        verbose_name="PDF revisado (antes de la firma)",
                    ),
                ),
                (
                    "sha256_revisado",
                    models.CharField(
                        blank=True, max_length=64, verbose_name="SHA-256 del PDF revisado"
                    ),
                ),
                (
                    "sha256_firmado",
                    models.CharField(
                        blank=True, max_length=64, verbose_name="SHA-256 del PDF firmado"
                    ),
                ),
            ],
            options={
                "verbose_name": "firma de oficio",
                "verbose_name_plural": "firmas de oficios",
                "ordering": ["-firmado_en", "-id"],
            },
        ),
        migrations.CreateModel(
            name="LevantamientoHistorial",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "de",
                    models.CharField(
                        choices=[
                            ("pendiente", "Oficio en preparación"),
                            ("por_firmar", "Oficio por firmar"),
                            ("emitido", "Oficio firmado y emitido"),
                            ("anulado", "Oficio anulado"),
                        ],
                        max_length=10,
                        verbose_name="de",
                    ),
                ),
                (
                    "a",
                    models.CharField(
                        choices=[
                            ("pendiente", "Oficio en preparación"),
                            ("por_firmar", "Oficio por firmar"),
                            ("emitido", "Oficio firmado y emitido"),
                            ("anulado", "Oficio anulado"),
                        ],
                        max_length=10,
                        verbose_name="a",
                    ),
                ),
                (
                    "en",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="fecha"),
                ),
                ("motivo", models.CharField(blank=True, max_length=500, verbose_name="motivo")),
            ],
            options={
                "verbose_name": "cambio de estado de levantamiento",
                "verbose_name_plural": "historial de levantamientos",
                "ordering": ["en", "id"],
            },
        ),
        migrations.CreateModel(
            name="OficioPorFirmar",
            fields=[],
            options={
                "verbose_name": "oficio por firmar",
                "verbose_name_plural": "oficios por firmar",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("coactiva.levantamiento",),
        ),
        migrations.AlterModelOptions(
            name="juiciocoactivo",
            options={
                "ordering": ["-anio", "-secuencial"],
                "permissions": [
                    ("gestionar_juicio", "Puede impulsar procesos coactivos (etapas y medidas)"),
                    ("sortear_titulos", "Puede realizar el sorteo de títulos de crédito"),
                    ("anular_oficio", "Puede anular oficios de levantamiento"),
                    (
                        "firmar_oficio",
                        "Puede firmar oficios de levantamiento (Director Provincial, juez de coactiva)",
                    ),
                    ("ver_reportes", "Puede ver los reportes de coactiva"),
                ],
                "verbose_name": "juicio coactivo",
                "verbose_name_plural": "juicios coactivos",
            },
        ),
        migrations.AlterField(
            model_name="levantamiento",
            name="emitido_en",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="oficio firmado y emitido en"
            ),
        ),
        migrations.AlterField(
            model_name="levantamiento",
            name="estado",
            field=models.CharField(
                choices=[
                    ("pendiente", "Oficio en preparación"),
                    ("por_firmar", "Oficio por firmar"),
                    ("emitido", "Oficio firmado y emitido"),
                    ("anulado", "Oficio anulado"),
                ],
                default="pendiente",
                max_length=10,
                verbose_name="estado",
            ),
        ),
        migrations.AddIndex(
            model_name="levantamiento",
            index=models.Index(
                condition=models.Q(("estado", "por_firmar")),
                fields=["abierto_en"],
                name="levantamiento_por_firmar",
            ),
        ),
        migrations.AddField(
            model_name="firmaoficio",
            name="firmado_por",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="usuario firmante",
            ),
        ),
        migrations.AddField(
            model_name="firmaoficio",
            name="levantamiento",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="firma",
                to="coactiva.levantamiento",
            ),
        ),
        migrations.AddField(
            model_name="levantamientohistorial",
            name="levantamiento",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="historial",
                to="coactiva.levantamiento",
            ),
        ),
        migrations.AddField(
            model_name="levantamientohistorial",
            name="por",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="firmaoficio",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("origen", "plataforma"), _negated=True),
                    ("firmado_por__isnull", False),
                    _connector="OR",
                ),
                name="firma_plataforma_con_usuario",
            ),
        ),
        migrations.RunPython(datos, migrations.RunPython.noop),
    ]
