"""Benchmark of the Ventanilla Virtual (issue 3). Prints numbers; not a test.

    .venv/bin/python bench/ventanilla.py [--empleadores 3000] [--requests 1500]

On a PostgreSQL database of its own (created and dropped here, never the test
database), seeded with the demo data set, it measures:

1. Throughput of /tramites/<slug>/ and of /consulta/ (POST with valid credentials) under
   gunicorn, each as a ratio to a bare Django view that returns the same bytes, served by
   the same gunicorn in the same run (target >= 0.5).
2. Queries per page for several trámites and several requests (must be constant).
3. Time to validate a 1 MB PDF and a 1 MB JPEG (core.uploads.validate_upload), against
   hashing the same bytes.
4. End-to-end latency from submitting a request over HTTP to its routing by a real
   Celery worker (a private redis-server on a free port).
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
PY = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on port {port}")


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{PG}/postgres", "-qc", sql], check=True, capture_output=True, text=True
    )


# --- HTTP load ------------------------------------------------------------------------------


class Cliente:
    """A keep-alive HTTP client with its own cookies (CSRF)."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        hdrs = dict(headers or {})
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=hdrs)
        resp = self.conn.getresponse()
        data = resp.read()
        for header in resp.headers.get_all("Set-Cookie") or []:
            nombre, _, resto = header.partition("=")
            self.cookies[nombre] = resto.split(";", 1)[0]
        return resp.status, data


def csrf(cliente: Cliente, path: str) -> str:
    _, html = cliente.request("GET", path)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token"
    return match.group(1).decode()


def carga(port: int, hacer, total: int, hilos: int = 4) -> float:  # type: ignore[no-untyped-def]
    """Run `hacer(cliente, i)` `total` times over `hilos` keep-alive connections;
    returns requests per second."""
    por_hilo = total // hilos
    errores: list[str] = []

    def trabajar(h: int) -> None:
        cliente = Cliente(port)
        estado = hacer(cliente, None)  # warm-up / per-connection setup
        for i in range(por_hilo):
            status = hacer(cliente, (estado, h * por_hilo + i))
            if status != 200:
                errores.append(str(status))

    threads = [threading.Thread(target=trabajar, args=(h,)) for h in range(hilos)]
    inicio = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dur = time.perf_counter() - inicio
    if errores:
        raise RuntimeError(f"{len(errores)} respuestas no 200: {errores[:5]}")
    return por_hilo * hilos / dur


# --- Main ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--empleadores", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=1500, help="per measured endpoint")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()

    dbname = f"bench_ventanilla_{uuid.uuid4().hex[:8]}"
    tmp = Path(tempfile.mkdtemp(prefix="bench-ventanilla-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{dbname}",
        "VAR_DIR": str(tmp),
        "PRIVATE_MEDIA_ROOT": str(tmp / "privado"),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
        # Rate limits stay on (their cost is part of the page); each simulated visitor
        # comes from its own address.
        "RATELIMIT_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
        "CELERY_BROKER_URL": "",
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "PYTHONPATH": str(BASE),
    }
    procesos: list[subprocess.Popen[bytes]] = []
    psql(f'CREATE DATABASE "{dbname}"')
    try:
        print(f"== base de datos {dbname}: migrate + seed_demo --empleadores {args.empleadores}")
        t0 = time.perf_counter()
        for cmd in (
            ["migrate", "--noinput", "-v0"],
            ["seed_demo", "--empleadores", str(args.empleadores), "--sin-progreso"],
        ):
            subprocess.run(
                [PY, "manage.py", *cmd], cwd=BASE, env=env, check=True, capture_output=True
            )
        print(f"   listo en {time.perf_counter() - t0:.1f} s")

        os.environ.update({k: v for k, v in env.items() if k != "CELERY_BROKER_URL"})
        os.environ["CELERY_BROKER_URL"] = ""
        sys.path.insert(0, str(BASE))
        import django

        django.setup()
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from tramites.models import Solicitud, Tramite

        credenciales = list(
            Solicitud.objects.values_list("numero", "solicitante_identificacion")[:2000]
        )
        slug = "levantamiento-medidas-cautelares"

        # -- 2. Queries per page ------------------------------------------------------------
        print("\n== consultas SQL por página (Django test client, datos del benchmark)")
        cliente = Client(REMOTE_ADDR="127.0.0.1")
        from django.core.cache import cache

        for s in Tramite.objects.values_list("slug", flat=True)[:5]:
            cache.clear()
            with CaptureQueriesContext(connection) as q:
                assert cliente.get(f"/tramites/{s}/").status_code == 200
            sin_cache = len(q)
            cache.delete(f"tramites:pagina:1:{s}")  # keep the transparency figures cached
            with CaptureQueriesContext(connection) as q:
                cliente.get(f"/tramites/{s}/")
            con_cifras = len(q)
            with CaptureQueriesContext(connection) as q:
                cliente.get(f"/tramites/{s}/")
            print(
                f"   /tramites/{s}/: {sin_cache} consultas sin caché, {con_cifras} con las "
                f"cifras de transparencia en caché, {len(q)} con la página en caché"
            )
        for numero, ident in random.sample(credenciales, 4):
            with CaptureQueriesContext(connection) as q:
                r = cliente.post(
                    "/consulta/",
                    {"numero": numero, "identificacion": ident},
                    HTTP_X_FORWARDED_FOR=f"10.9.{random.randint(0, 255)}.{random.randint(1, 254)}",
                )
            assert r.status_code == 200, r.status_code
            print(f"   POST /consulta/ {numero}: {len(q)} consultas")

        # -- 3. Upload validation -------------------------------------------------------------
        print("\n== validación de cargas (core.uploads.validate_upload), mediana de 15")
        from core.uploads import validate_upload

        pdf, jpg = pdf_1mb(), jpeg_1mb()
        import hashlib

        for nombre, datos in (("PDF", pdf), ("JPEG", jpg)):
            tiempos, base = [], []
            for _ in range(15):
                t = time.perf_counter()
                validate_upload(io.BytesIO(datos), name_for_messages="bench")
                tiempos.append(time.perf_counter() - t)
                t = time.perf_counter()
                hashlib.sha256(datos).hexdigest()
                base.append(time.perf_counter() - t)
            print(
                f"   {nombre} de {len(datos):,} bytes: {statistics.median(tiempos) * 1000:.1f} ms "
                f"(solo SHA-256 de los mismos bytes: {statistics.median(base) * 1000:.2f} ms)"
            )

        # -- 1. Throughput under gunicorn -----------------------------------------------------
        redis_port = free_port()
        redis = subprocess.Popen(
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
        procesos.append(redis)
        wait_port(redis_port)
        broker = f"redis://127.0.0.1:{redis_port}/0"
        # As in production: rate limits and cached pages in Redis, shared by the workers.
        web_env = {
            **env,
            "CELERY_BROKER_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CACHE_URL": f"redis://127.0.0.1:{redis_port}/1",
        }
        port = free_port()
        captura = tmp / "captura"
        captura.mkdir()
        web_env["BENCH_CAPTURA"] = str(captura)
        gunicorn = subprocess.Popen(
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
            env=web_env,
        )
        procesos.append(gunicorn)
        wait_port(port)

        # Capture the real pages' bytes for the bare view.
        c = Cliente(port)
        _, detalle = c.request("GET", f"/tramites/{slug}/")
        (captura / "detalle.html").write_bytes(detalle)
        token = csrf(c, "/consulta/")
        numero, ident = credenciales[0]
        _, consulta = c.request(
            "POST",
            "/consulta/",
            urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token, "numero": numero, "identificacion": ident}
            ).encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Forwarded-For": "10.1.1.1",
                "Referer": f"http://127.0.0.1:{port}/consulta/",
            },
        )
        assert numero.encode() in consulta, "la consulta no mostró la solicitud"
        (captura / "consulta.html").write_bytes(consulta)

        def get(path: str):  # type: ignore[no-untyped-def]
            def hacer(cliente: Cliente, arg):  # type: ignore[no-untyped-def]
                if arg is None:
                    return None
                return cliente.request("GET", path)[0]

            return hacer

        def post_consulta(path: str, distintas: int | None = None):  # type: ignore[no-untyped-def]
            def hacer(cliente: Cliente, arg):  # type: ignore[no-untyped-def]
                if arg is None:
                    return csrf(cliente, "/consulta/")
                tok, i = arg
                numero, ident = credenciales[i % (distintas or len(credenciales))]
                body = urllib.parse.urlencode(
                    {"csrfmiddlewaretoken": tok, "numero": numero, "identificacion": ident}
                ).encode()
                return cliente.request(
                    "POST",
                    path,
                    body,
                    {
                        "Content-Type": "application/x-www-form-urlencoded",
                        "X-Forwarded-For": f"10.{i % 200}.{i // 200 % 250}.{i % 250 + 1}",
                        "Referer": f"http://127.0.0.1:{port}/consulta/",
                    },
                )[0]

            return hacer

        print(
            f"\n== rendimiento con gunicorn ({args.workers} workers sync, 4 conexiones, "
            f"{args.requests} peticiones por medida)"
        )
        carga(port, get(f"/tramites/{slug}/"), 200)  # warm-up
        carga(port, get("/bench/bare/detalle/"), 200)
        for nombre, real, bare in (
            (f"GET /tramites/{slug}/", get(f"/tramites/{slug}/"), get("/bench/bare/detalle/")),
            (
                "POST /consulta/ (credenciales válidas, cada consulta de otra solicitud)",
                post_consulta("/consulta/"),
                post_consulta("/bench/bare/consulta/"),
            ),
            (
                "POST /consulta/ (100 solicitudes consultadas una y otra vez)",
                post_consulta("/consulta/", distintas=100),
                post_consulta("/bench/bare/consulta/", distintas=100),
            ),
        ):
            rps_bare = carga(port, bare, args.requests)
            rps_real = carga(port, real, args.requests)
            rps_bare2 = carga(port, bare, args.requests)
            base = (rps_bare + rps_bare2) / 2
            print(
                f"   {nombre}: {rps_real:.0f} req/s; vista mínima con los mismos bytes "
                f"{base:.0f} req/s; proporción {rps_real / base:.2f} (meta >= 0,5)"
            )

        # -- 4. Submission to routed, with a real worker --------------------------------------
        worker = subprocess.Popen(
            [
                PY,
                "-m",
                "celery",
                "-A",
                "ventanilla",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=BASE,
            env={**web_env, "DJANGO_SETTINGS_MODULE": "ventanilla.settings"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        procesos.append(worker)
        time.sleep(4)
        print("\n== de la presentación (HTTP) al enrutamiento por un worker real, 10 solicitudes")
        respuestas, totales = [], []
        for i in range(10):
            cli = Cliente(port)
            tok = csrf(cli, f"/ventanilla/{slug}/")
            cuerpo, tipo = multipart_levantamiento(tok, i)
            t = time.perf_counter()
            status, _ = cli.request(
                "POST",
                f"/ventanilla/{slug}/",
                cuerpo,
                {
                    "Content-Type": tipo,
                    "Referer": f"http://127.0.0.1:{port}/ventanilla/{slug}/",
                },
            )
            respuestas.append(time.perf_counter() - t)
            assert status == 302, f"la presentación respondió {status}"
            ultimo = Solicitud.objects.order_by("-id").values_list("pk", flat=True).first()
            while not Solicitud.objects.filter(pk=ultimo, estado="asignada").exists():
                if time.perf_counter() - t > 30:
                    raise RuntimeError("el worker no enrutó la solicitud en 30 s")
                time.sleep(0.005)
            totales.append(time.perf_counter() - t)
        print(
            "   respuesta de la presentación: mediana "
            f"{statistics.median(respuestas) * 1000:.0f} ms; "
            f"presentación → asignada: mediana {statistics.median(totales) * 1000:.0f} ms, "
            f"máximo {max(totales) * 1000:.0f} ms"
        )
    finally:
        for proceso in reversed(procesos):
            proceso.terminate()
            try:
                proceso.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proceso.kill()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - best effort before dropping the database
            pass
        if not args.keep:
            psql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)


def pdf_1mb() -> bytes:
    """A one-page scanned-letter-like PDF of about 1 MB (an embedded noisy image)."""
    from PIL import Image

    imagen = Image.effect_noise((1100, 1100), 80).convert("RGB")
    salida = io.BytesIO()
    imagen.save(salida, format="PDF", resolution=150, quality=92)
    datos = salida.getvalue()
    return datos[:1_048_576] if len(datos) > 1_048_576 else datos


def jpeg_1mb() -> bytes:
    from PIL import Image

    lado = 1000
    while True:
        imagen = Image.effect_noise((lado, lado), 60).convert("RGB")
        salida = io.BytesIO()
        imagen.save(salida, format="JPEG", quality=90)
        if salida.tell() > 950_000 or lado > 3000:
            break
        lado += 100
    while salida.tell() > 1_048_576:
        lado -= 20
        salida = io.BytesIO()
        Image.effect_noise((lado, lado), 60).convert("RGB").save(salida, format="JPEG", quality=90)
    return salida.getvalue()


def multipart_levantamiento(token: str, i: int) -> tuple[bytes, str]:
    from core.identificacion import generar_cedula, generar_ruc_privado
    from tramites.models import Requisito

    reqs = {
        r.nombre: r.campo
        for r in Requisito.objects.filter(tramite__slug="levantamiento-medidas-cautelares")
    }
    campos = {
        "csrfmiddlewaretoken": token,
        "provincia": "17",
        "tipo_identificacion": "cedula",
        "identificacion": generar_cedula(17, 700000 + i),
        "nombre": f"Solicitante de prueba {i}",
        "email": f"bench{i}@correo.test",
        "email_confirmacion": f"bench{i}@correo.test",
        "celular": "0991234567",
        "direccion": "Quito",
        "calidad": "representante_legal",
        "empleador_identificacion": generar_ruc_privado(17, 424242) or "",
        "empleador_razon_social": "Empresa de prueba S.A.",
        "sucursal": "001",
        "medidas": "inmueble",
        "titulos": "anulados",
        "detalle": "Solicito el levantamiento de la medida (benchmark).",
        "declaracion": "on",
    }
    limite = "----bench" + uuid.uuid4().hex
    partes = [
        f'--{limite}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in campos.items()
    ]
    from PIL import Image

    carta = io.BytesIO()
    Image.new("RGB", (600, 800), (250, 250, 250)).save(carta, format="PDF")
    cert = io.BytesIO()
    Image.effect_noise((800, 600), 40).convert("RGB").save(cert, format="JPEG", quality=85)
    for requisito, (nombre, ctype, datos) in (
        (
            "Solicitud de levantamiento de medidas cautelares",
            ("carta.pdf", "application/pdf", carta.getvalue()),
        ),
        ("Certificado de hipotecas y gravámenes", ("cert.jpg", "image/jpeg", cert.getvalue())),
    ):
        partes.append(
            (
                f'--{limite}\r\nContent-Disposition: form-data; name="{reqs[requisito]}"; '
                f'filename="{nombre}"\r\nContent-Type: {ctype}\r\n\r\n'
            ).encode()
            + datos
            + b"\r\n"
        )
    partes.append(f"--{limite}--\r\n".encode())
    return b"".join(partes), f"multipart/form-data; boundary={limite}"


if __name__ == "__main__":
    main()
