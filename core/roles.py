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
_TRAMITES_TRABAJO = [
    *_TRAMITES_LECTURA,
    "tramites.change_solicitud",
    "tramites.view_plantillamensaje",
    "tramites.view_periodosuspension",
]
# Back office (tramites/migrations/0005): heads assign work, edit the message templates,
# see the dashboard and export the audit trail of their scope.
_TRAMITES_JEFATURA = [
    "tramites.asignar_solicitud",
    "tramites.ver_tablero",
    "tramites.exportar_auditoria",
    "tramites.add_plantillamensaje",
    "tramites.change_plantillamensaje",
]
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

# Coactiva (coactiva/migrations/0002_roles.py): staff of the unit read its processes
# (a Secretario-Abogado only those assigned, coactiva.selectors.juicios_visibles); the
# lawyers move them forward, the head of unit also runs the sorteo.
_COACTIVA_LECTURA = [
    f"coactiva.view_{modelo}"
    for modelo in (
        "juiciocoactivo",
        "juiciotitulo",
        "actuacion",
        "secretarioabogado",
        "sorteoregistro",
        "medidacautelar",
        "medidahistorial",
        "levantamiento",
        "levantamientohistorial",
        "firmaoficio",
        "oficioporfirmar",
        "titulorecibido",
    )
]
_COACTIVA_TRAMITE = [
    *_COACTIVA_LECTURA,
    "coactiva.gestionar_juicio",
]

# role -> permissions "app_label.codename". Apps append their own entries here.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    ANALISTA_CARTERA: [
        *_REFERENCIA_LECTURA,
        *_TRAMITES_TRABAJO,
        *_CARTERA_LECTURA,
        *_CARTERA_GESTION,
    ],
    SECRETARIO_ABOGADO: [
        *_REFERENCIA_LECTURA,
        *_TRAMITES_TRABAJO,
        *_CARTERA_LECTURA,
        *_COACTIVA_TRAMITE,
    ],
    JEFE_UNIDAD: [
        *_REFERENCIA_LECTURA,
        "core.add_feriado",
        "core.change_feriado",
        *_TRAMITES_TRABAJO,
        *_TRAMITES_JEFATURA,
        *_CARTERA_LECTURA,
        *_CARTERA_GESTION,
        *_CARTERA_DECISION,
        *_COACTIVA_TRAMITE,
        "coactiva.sortear_titulos",
        "coactiva.anular_oficio",
        "coactiva.ver_reportes",
        "coactiva.add_secretarioabogado",
        "coactiva.change_secretarioabogado",
    ],
    DIRECTOR_PROVINCIAL: [
        *_REFERENCIA_LECTURA,
        "core.add_feriado",
        "core.change_feriado",
        *_TRAMITES_TRABAJO,
        *_TRAMITES_JEFATURA,
        *_CARTERA_LECTURA,
        *_CARTERA_DECISION,
        "cartera.emitir_titulo",
        "cartera.ver_reportes",
        *_COACTIVA_LECTURA,
        "coactiva.sortear_titulos",
        "coactiva.anular_oficio",
        # The Director Provincial holds the coercive jurisdiction (DOMAIN.md §4): the
        # oficios de levantamiento are theirs to sign. No role models a delegation.
        "coactiva.firmar_oficio",
        "coactiva.ver_reportes",
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
        "core.view_documentoverificable",
        *_TRAMITES_TRABAJO,
        *_TRAMITES_CATALOGO,
        *_COACTIVA_LECTURA,
        "coactiva.ver_reportes",
        *_TRAMITES_JEFATURA,
        "tramites.delete_plantillamensaje",
    ],
    AUDITOR: [
        *_REFERENCIA_LECTURA,
        "core.view_eventoauditoria",
        "core.view_documentoverificable",
        *_TRAMITES_LECTURA,
        "tramites.view_plantillamensaje",
        "tramites.view_periodosuspension",
        "tramites.ver_tablero",
        "tramites.exportar_auditoria",
        *_CARTERA_LECTURA,
        "cartera.ver_reportes",
        *_COACTIVA_LECTURA,
        "coactiva.ver_reportes",
    ],
}


def sync_role_permissions(
    apps: Any, schema_editor: Any = None, app_labels: list[str] | None = None
) -> None:
    """Create the groups and make their permissions of `app_labels` (all apps when None)
    exactly those of ROLE_PERMISSIONS: missing ones are granted, ones no longer listed
    are revoked. Safe to run any number of times."""
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
        listed = {tuple(p.split(".")) for p in perms}
        stale = [
            permission
            for permission in group.permissions.select_related("content_type")
            if (app_labels is None or permission.content_type.app_label in app_labels)
            and (permission.content_type.app_label, permission.codename) not in listed
        ]
        group.permissions.remove(*stale)
        for perm in perms:
            app_label, codename = perm.split(".")
            if app_labels is not None and app_label not in app_labels:
                continue
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None and not _declarado(apps, app_label, codename):
                continue  # a model or permission of a later migration, which grants it
            if permission is None:
                raise LookupError(f"Permiso inexistente en ROLE_PERMISSIONS: {perm}")
            group.permissions.add(permission)


def _declarado(apps: Any, app_label: str, codename: str) -> bool:
    """Whether the migration state `apps` already declares permission `codename` (a
    default permission of one of its models, or one in a model's Meta.permissions)."""
    try:
        modelos = apps.get_app_config(app_label).get_models()
    except LookupError:
        return False
    for modelo in modelos:
        opts = modelo._meta
        if codename in {f"{a}_{opts.model_name}" for a in opts.default_permissions}:
            return True
        if codename in {c for c, _ in opts.permissions}:
            return True
    return False
