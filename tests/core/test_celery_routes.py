"""Every Celery task goes to the queue of its kind of work (docs/deploy.md): a nightly
batch job on the routing workers' queue would hold up the routing of requests filed
meanwhile, and a batch of e-mails would wait behind (or delay) both."""

from __future__ import annotations

from django.conf import settings

from ventanilla.celery import app


def _queue(task: str) -> str:
    return app.amqp.router.route({}, task)["queue"].name


def _project_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {
        name
        for name in app.tasks
        if name.split(".")[0] in {"core", "cartera", "coactiva", "tramites"}
    }


def test_every_task_has_an_explicit_queue_a_worker_consumes() -> None:
    missing = sorted(_project_tasks() - set(settings.CELERY_TASK_ROUTES))
    assert not missing, f"tasks without a route in CELERY_TASK_ROUTES: {missing}"
    for task in _project_tasks():
        assert _queue(task) in settings.CELERY_WORKER_QUEUES, task


def test_nightly_jobs_run_on_lotes_and_email_on_correo() -> None:
    for task in (
        "cartera.tasks.generar_glosas",
        "cartera.tasks.notificar_glosas",
        "cartera.tasks.emitir_titulos",
        "tramites.tasks.solicitudes_abandonadas_archivar",
        "tramites.tasks.solicitudes_escalar",
    ):
        assert _queue(task) == "lotes", task
    for task in ("core.tasks.correos_enviar_lote_task", "core.tasks.correos_pendientes_reenviar"):
        assert _queue(task) == "correo", task
    assert _queue("tramites.tasks.solicitud_enrutar_task") == "ventanilla"
    assert _queue("coactiva.tasks.oficio_generar") == "documentos"
