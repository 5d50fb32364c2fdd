"""Staff roles (Django groups) and the model permissions each holds.

The groups and their permissions are created by migrations, never by hand: when a
role gains a permission on a new model, add it to ROLE_PERMISSIONS and add a migration
in that model's app that runs `sync_role_permissions` (see core/migrations/0002_roles.py).
What a role may *see* is narrowed further by core.selectors.alcance_de (province/unit).
"""

from __future__ import annotations

from typing import Any

ANALISTA_CARTERA = "Analista de cartera"
SECRETARIO_ABOGADO = "Secretario-Abogado"
JEFE_UNIDAD = "Jefe o Líder de unidad"
DIRECTOR_PROVINCIAL = "Director provincial"
SUPERVISOR_NACIONAL = "Supervisor nacional"
AUDITOR = "Auditor"

ROLES = [
    ANALISTA_CARTERA,
    SECRETARIO_ABOGADO,
    JEFE_UNIDAD,
    DIRECTOR_PROVINCIAL,
    SUPERVISOR_NACIONAL,
    AUDITOR,
]

_REFERENCIA_LECTURA = [
    "core.view_provincia",
    "core.view_canton",
    "core.view_unidad",
    "core.view_feriado",
    "core.view_parametro",
    "core.view_documentoverificable",
]

# Ventanilla Virtual (tramites): staff read the catalogue and work the requests of their
# scope; the national supervisor edits the catalogue and the routing rules.
_TRAMITES_LECTURA = [
    "tramites.view_tramite",
    "tramites.view_canaltramite",
    "tramites.view_pregunta",
    "tramites.view_requisito",
    "tramites.view_estadisticahistorica",
    "tramites.view_reglaenrutamiento",
    "tramites.view_solicitud",
    "tramites.view_historialsolicitud",
    "tramites.view_documentosolicitud",
    "tramites.view_queja",
]
_TRAMITES_TRABAJO = [*_TRAMITES_LECTURA, "tramites.change_solicitud"]
_TRAMITES_CATALOGO = [
    f"tramites.{accion}_{modelo}"
    for modelo in (
        "tramite",
        "canaltramite",
        "pregunta",
        "requisito",
        "estadisticahistorica",
        "reglaenrutamiento",
    )
    for accion in ("add", "change", "delete")
]

# Cartera (cartera/migrations/0004_roles.py): everyone who works with obligations reads
# them (scoped to their province by cartera.selectors); acting on them is split by role.
_CARTERA_LECTURA = [
    f"cartera.view_{modelo}"
    for modelo in (
        "empleador",
        "sucursal",
        "planilla",
        "planillahistorial",
        "glosa",
        "glosahistorial",
        "impugnacion",
        "notificacionglosa",
        "titulocredito",
        "tituloglosa",
        "titulohistorial",
        "pago",
        "tasainteresmora",
        # employer portal (cartera/migrations/0006_roles_portal.py)
        "acuerdopago",
        "cuotaacuerdo",
        "acuerdohistorial",
        "certificadocumplimiento",
    )
]
_CARTERA_GESTION = [
    "cartera.change_empleador",
    "cartera.add_glosa",
    "cartera.notificar_glosa",
    "cartera.impugnacion_registrar",
    "cartera.emitir_titulo",
    "cartera.registrar_pago",
    "cartera.ver_reportes",
]
_CARTERA_DECISION = ["cartera.impugnacion_resolver", "cartera.anular_titulo"]

# role -> permissions "app_label.codename". Apps append their own entries here.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    ANALISTA_CARTERA: [
        *_REFERENCIA_LECTURA,
        *_TRAMITES_TRABAJO,
        *_CARTERA_LECTURA,
        *_CARTERA_GESTION,
    ],
    SECRETARIO_ABOGADO: [*_REFERENCIA_LECTURA, *_TRAMITES_TRABAJO, *_CARTERA_LECTURA],
    JEFE_UNIDAD: [
        *_REFERENCIA_LECTURA,
        "core.add_feriado",
        "core.change_feriado",
        *_TRAMITES_TRABAJO,
        *_CARTERA_LECTURA,
        *_CARTERA_GESTION,
        *_CARTERA_DECISION,
    ],
    DIRECTOR_PROVINCIAL: [
        *_REFERENCIA_LECTURA,
        "core.add_feriado",
        "core.change_feriado",
        *_TRAMITES_TRABAJO,
        *_CARTERA_LECTURA,
        *_CARTERA_DECISION,
        "cartera.emitir_titulo",
        "cartera.ver_reportes",
    ],
    SUPERVISOR_NACIONAL: [
        *_REFERENCIA_LECTURA,
        *_CARTERA_LECTURA,
        "cartera.ver_reportes",
        "cartera.add_tasainteresmora",
        "cartera.change_tasainteresmora",
        "core.add_feriado",
        "core.change_feriado",
        "core.delete_feriado",
        "core.add_parametro",
        "core.change_parametro",
        "core.view_eventoauditoria",
        *_TRAMITES_TRABAJO,
        *_TRAMITES_CATALOGO,
    ],
    AUDITOR: [
        *_REFERENCIA_LECTURA,
        "core.view_eventoauditoria",
        *_TRAMITES_LECTURA,
        *_CARTERA_LECTURA,
        "cartera.ver_reportes",
    ],
}


def sync_role_permissions(
    apps: Any, schema_editor: Any = None, app_labels: list[str] | None = None
) -> None:
    """Create the groups and grant the permissions of ROLE_PERMISSIONS that belong to
    `app_labels` (all apps when None). Safe to run any number of times."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        if app_labels is None or app_config.label in app_labels:
            app_config.models_module = True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for perm in perms:
            app_label, codename = perm.split(".")
            if app_labels is not None and app_label not in app_labels:
                continue
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None and _modelo_posterior(apps, app_label, codename):
                continue  # its model comes in a later migration, whose own sync grants it
            if permission is None:
                raise LookupError(f"Permiso inexistente en ROLE_PERMISSIONS: {perm}")
            group.permissions.add(permission)


def _modelo_posterior(apps: Any, app_label: str, codename: str) -> bool:
    """Whether `codename` is a default permission of a model the migration state does
    not have yet (an earlier migration syncing roles on a fresh database)."""
    accion, _, modelo = codename.partition("_")
    if accion not in {"add", "change", "delete", "view"} or not modelo:
        return False
    try:
        apps.get_model(app_label, modelo)
    except LookupError:
        return True
    return False
