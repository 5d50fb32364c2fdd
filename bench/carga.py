"""Load scenario (issue 8): the national mix of catalogue views, status lookups and
submissions against gunicorn + PostgreSQL + Redis + a real Celery worker, driven by
locust. Prints, per request type, throughput, p50/p95/p99 and error rate; then each
page's throughput as a ratio to a bare Django view returning the same bytes, measured in
the same run; and checks that every accepted submission was routed by the worker.

    .venv/bin/python bench/carga.py [--usuarios 30] [--segundos 60] [--workers 3]

Creates and drops its own database, Redis and worker; needs PostgreSQL on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ventanilla import BASE, PG, PY, free_port, psql, wait_port

LOCUST = str(Path(PY).parent / "locust")


def locust(
    host: str, env: dict[str, str], modo: str, usuarios: int, segundos: int, out: Path
) -> list[dict[str, str]]:
    """One headless locust run; rate-limit counters are reset first (each phase stands for
    fresh visitors; the per-number limit of /consulta/ would otherwise carry over)."""
    import redis

    redis.Redis.from_url(env["CACHE_URL"]).flushdb()
    prefijo = out / modo.replace(":", "_")
    subprocess.run(
        [
            LOCUST,
            "-f",
            str(BASE / "bench" / "locust_carga.py"),
            "--headless",
            "--only-summary",
            "-u",
            str(usuarios),
            "-r",
            str(max(usuarios // 2, 1)),
            "-t",
            f"{segundos}s",
            "--host",
            host,
            "--csv",
            str(prefijo),
            "--loglevel",
            "ERROR",
        ],
        cwd=BASE,
        env={**env, "BENCH_MODO": modo},
        check=False,  # failures are counted in the stats and printed
        capture_output=True,
    )
    with open(f"{prefijo}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--empleadores", type=int, default=3000)
    parser.add_argument("--usuarios", type=int, default=30, help="simulated visitors in the mix")
    parser.add_argument("--segundos", type=int, default=60, help="length of the mixed run")
    parser.add_argument("--segundos-pagina", type=int, default=15, help="length of each ratio run")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    args = parser.parse_args()

    dbname = f"bench_carga_{uuid.uuid4().hex[:8]}"
    tmp = Path(tempfile.mkdtemp(prefix="bench-carga-"))
    redis_port, port = free_port(), free_port()
    broker = f"redis://127.0.0.1:{redis_port}/0"
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{dbname}",
        "VAR_DIR": str(tmp),
        "PRIVATE_MEDIA_ROOT": str(tmp / "privado"),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        "CACHE_URL": f"redis://127.0.0.1:{redis_port}/1",
        "RATELIMIT_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "PYTHONPATH": str(BASE),
        "BENCH_CAPTURA": str(tmp / "captura"),
    }
    procesos: list[subprocess.Popen[bytes]] = []
    psql(f'CREATE DATABASE "{dbname}"')
    try:
        procesos.append(
            subprocess.Popen(
                [
                    shutil.which("redis-server") or "redis-server",
                    "--port",
                    str(redis_port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=subprocess.DEVNULL,
            )
        )
        wait_port(redis_port)
        print(f"== base {dbname}: migrate + seed_demo --empleadores {args.empleadores}")
        for cmd in (
            ["migrate", "--noinput", "-v0"],
            ["seed_demo", "--empleadores", str(args.empleadores), "--sin-progreso"],
        ):
            subprocess.run(
                [PY, "manage.py", *cmd],
                cwd=BASE,
                env={**env, "CELERY_BROKER_URL": ""},
                check=True,
                capture_output=True,
            )
        servicio = {**env, "CELERY_BROKER_URL": broker, "CELERY_TASK_ALWAYS_EAGER": "0"}
        procesos.append(
            subprocess.Popen(
                [
                    PY,
                    "-m",
                    "celery",
                    "-A",
                    "ventanilla",
                    "worker",
                    "-Q",
                    "ventanilla,correo,documentos,lotes",
                    "--concurrency",
                    "2",
                    "--loglevel",
                    "WARNING",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=BASE,
                env=servicio,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        procesos.append(
            subprocess.Popen(
                [
                    str(Path(PY).parent / "gunicorn"),
                    "bench.wsgi_bench:application",
                    "-b",
                    f"127.0.0.1:{port}",
                    "-w",
                    str(args.workers),
                    "--log-level",
                    "warning",
                ],
                cwd=BASE,
                env=servicio,
            )
        )
        wait_port(port)
        host = f"http://127.0.0.1:{port}"

        # Data for the visitors and the bare views' bytes, read from the benchmark database.
        os.environ.update(servicio)
        import django

        django.setup()
        from django.test import Client

        from tests import archivos
        from tests.tramites.conftest import LEVANTAMIENTO, datos_levantamiento
        from tramites.models import Solicitud, Tramite

        credenciales = list(
            Solicitud.objects.values_list("numero", "solicitante_identificacion")[:2000]
        )
        tramites = [
            f"/tramites/{s}/"
            for s in Tramite.objects.filter(activo=True).values_list("slug", flat=True)
        ]
        campos, ficheros = {}, {}
        for clave, valor in datos_levantamiento().items():
            if hasattr(valor, "read"):
                ruta = tmp / f"{clave}-{valor.name}"
                ruta.write_bytes(valor.read())
                ficheros[clave] = {
                    "nombre": valor.name,
                    "ruta": str(ruta),
                    "tipo": valor.content_type,
                }
            else:
                campos[clave] = valor
        paginas = {
            "catalogo": "/tramites/",
            "detalle": f"/tramites/{LEVANTAMIENTO}/",
            "consulta": "/consulta/",
        }
        datos = tmp / "datos.json"
        datos.write_text(
            json.dumps(
                {
                    "credenciales": credenciales,
                    "tramites": tramites,
                    "paginas": paginas,
                    "formulario": f"/ventanilla/{LEVANTAMIENTO}/",
                    "campos": campos,
                    "archivos": ficheros,
                }
            )
        )
        captura = tmp / "captura"
        captura.mkdir()
        for nombre in ("catalogo", "detalle"):
            (captura / f"{nombre}.html").write_bytes(
                urllib.request.urlopen(host + paginas[nombre]).read()  # noqa: S310 - local http
            )
        cliente = Client(REMOTE_ADDR="127.0.0.1")
        numero, ident = credenciales[0]
        (captura / "consulta.html").write_bytes(
            cliente.post(
                "/consulta/",
                {"numero": numero, "identificacion": ident},
                HTTP_X_FORWARDED_FOR="10.9.9.9",
            ).content
        )
        del archivos
        locust_env = {**os.environ, "BENCH_DATOS": str(datos)}
        # The demo data holds requests "just received" and not yet routed (no beat runs
        # here to sweep them): only the submissions of the load are checked.
        ultimo_antes = Solicitud.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

        print(
            f"\n== mezcla nacional: {args.usuarios} visitantes, {args.segundos} s, "
            f"gunicorn {args.workers} workers"
        )
        filas = locust(host, locust_env, "mixto", args.usuarios, args.segundos, tmp)
        print(
            f"   {'petición':42} {'n':>7} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} "
            f"{'errores':>8}"
        )
        for fila in filas:
            if fila["Name"] == "(token)":
                continue
            n, fallos = int(fila["Request Count"]), int(fila["Failure Count"])
            print(
                f"   {fila['Name'][:42]:42} {n:7d} {float(fila['Requests/s']):7.1f} "
                f"{fila['50%']:>5}ms "
                f"{fila['95%']:>5}ms {fila['99%']:>5}ms {(100 * fallos / n if n else 0):7.2f}%"
            )

        nuevas = Solicitud.objects.filter(pk__gt=ultimo_antes)
        aceptadas = nuevas.count()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            sin = nuevas.filter(unidad__isnull=True).count()
            if sin == 0:
                break
            time.sleep(1)
        print(f"   envíos aceptados: {aceptadas}; sin enrutar después de la carga: {sin}")

        print(
            "\n== cada página frente a la vista mínima "
            f"(mismo gunicorn, {args.segundos_pagina} s cada una)"
        )
        for nombre in ("catalogo", "detalle", "consulta"):
            real = locust(host, locust_env, f"pagina:{nombre}", 8, args.segundos_pagina, tmp)
            bare = locust(host, locust_env, f"bare:{nombre}", 8, args.segundos_pagina, tmp)
            rps_real = next(float(f["Requests/s"]) for f in real if f["Name"] == f"pagina:{nombre}")
            rps_bare = next(float(f["Requests/s"]) for f in bare if f["Name"] == f"bare:{nombre}")
            print(
                f"   {paginas[nombre]:32} {rps_real:7.1f} req/s vs {rps_bare:7.1f} "
                f"→ razón {rps_real / rps_bare:.2f}"
            )
    finally:
        for proceso in reversed(procesos):
            proceso.terminate()
        for proceso in procesos:
            try:
                proceso.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proceso.kill()
        if "django" in sys.modules and os.environ.get("DJANGO_SETTINGS_MODULE"):
            from django.db import connections

            connections.close_all()
        psql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
