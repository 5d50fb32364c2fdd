"""Benchmark of the back-office queue (issue 6). Prints numbers; not a test.

    .venv/bin/python bench/backoffice.py [--pequeno 2000] [--grande 200000] [--veces 15]

On a PostgreSQL database of its own (`bench_backoffice`, created and dropped here),
migrated, it loads N Ventanilla requests in bulk (one INSERT … SELECT over
generate_series: every province, unit, state, deadline and assignee mix) and requests
the admin changelist /admin/tramites/solicitud/ through Django's test client, as a
unit head (unit scope), a provincial director (province scope) and the national
supervisor (all), plain and with the deadline, assignee, state and search filters. For
each page it prints the queries issued and the median time, at both sizes, and the
ratio of the times (200 000 vs 2 000).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import basedatos  # noqa: E402

PAGINAS = [
    ("cola", {}),
    ("vencidas", {"plazo": "vencida"}),
    ("por vencer", {"plazo": "por_vencer"}),
    ("sin asignar", {"asignado": "nadie"}),
    ("en atención", {"estado__exact": "en_atencion"}),
    ("buscar número", {"q": "VV-17-2026-000777"}),
    ("buscar cédula", {"q": "1700000777"}),
    ("buscar nombre", {"q": "Pérez Zam"}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pequeno", type=int, default=2_000)
    parser.add_argument("--grande", type=int, default=200_000)
    parser.add_argument("--veces", type=int, default=15, help="requests per page (median)")
    parser.add_argument("--base", default="bench_backoffice", help="database to (re)create")
    args = parser.parse_args()

    servidor = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    partes = urlparse(servidor)
    if not partes.scheme.startswith("postgres"):
        sys.exit("Este benchmark necesita PostgreSQL (DATABASE_URL=postgres://…).")
    basedatos.recrear(servidor, args.base)
    try:
        os.environ["DATABASE_URL"] = urlunparse(partes._replace(path="/" + args.base))
        os.environ["CELERY_BROKER_URL"] = "memory://"
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ventanilla.settings")
        os.environ.setdefault("LOG_LEVEL", "WARNING")

        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        settings.ALLOWED_HOSTS = ["*"]
        print(f"Base de datos {args.base}: migrando…", flush=True)
        call_command("migrate", verbosity=0)
        usuarios = _usuarios()
        resultados: dict[int, dict[tuple[str, str], tuple[int, float, float]]] = {}
        for n in (args.pequeno, args.grande):
            t0 = time.perf_counter()
            _cargar(n, usuarios)
            print(f"\n{n:,} solicitudes cargadas en {time.perf_counter() - t0:.1f} s", flush=True)
            resultados[n] = _medir(usuarios, args.veces)
        _informe(resultados, args.pequeno, args.grande)
    finally:
        basedatos.borrar(servidor, args.base)


def _usuarios() -> dict[str, object]:
    from django.contrib.auth.models import Group

    from core import roles
    from core.models import Unidad, User

    def crear(username: str, rol: str, unidad: str) -> User:
        user = User.objects.create_user(
            username=username,
            password=None,  # logged in with force_login
            is_staff=True,
            first_name=username,
            unidad=Unidad.objects.get(codigo=unidad),
        )
        user.groups.add(Group.objects.get(name=rol))
        return user

    usuarios: dict[str, object] = {
        "jefe 17-coactiva (unidad)": crear("jefe", roles.JEFE_UNIDAD, "17-coactiva"),
        "director Pichincha (provincia)": crear(
            "director", roles.DIRECTOR_PROVINCIAL, "17-direccion"
        ),
        "supervisor nacional (todo)": crear("nacional", roles.SUPERVISOR_NACIONAL, "17-direccion"),
    }
    for i in range(8):  # colleagues the requests are assigned to
        crear(f"analista{i}", roles.ANALISTA_CARTERA, "17-coactiva")
    return usuarios


def _cargar(n: int, usuarios: dict[str, object]) -> None:
    """N requests in one INSERT … SELECT: 30 % in Pichincha's coactiva unit, the rest
    spread over every unit of every province; states, deadlines (some overdue, some
    about to be), assignees and names vary with the row number."""
    from django.db import connection, transaction

    from core.models import Unidad, User
    from tramites.models import Tramite

    tramite_id = Tramite.objects.get(slug="levantamiento-medidas-cautelares").pk
    unidades = list(
        Unidad.objects.filter(provincia__isnull=False).values_list("pk", "provincia_id")
    )
    propia = Unidad.objects.get(codigo="17-coactiva")
    analistas = list(
        User.objects.filter(username__startswith="analista").values_list("pk", flat=True)
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE tramites_solicitud RESTART IDENTITY CASCADE")
        cursor.execute("CREATE TEMP TABLE bench_unidades (i int, unidad_id int, provincia_id text)")
        cursor.executemany(
            "INSERT INTO bench_unidades VALUES (%s, %s, %s)",
            [(i, u, p) for i, (u, p) in enumerate(unidades)],
        )
        cursor.execute(
            """
            INSERT INTO tramites_solicitud (
                numero, tramite_id, provincia_id, estado, unidad_id, creado_en, recibido_el,
                enrutada_en, actualizado_en, solicitante_tipo_id, solicitante_identificacion,
                solicitante_nombre, email, telefono, celular, direccion, calidad,
                empleador_identificacion, empleador_razon_social, sucursal, detalle,
                respuestas, pendiente_solicitante, enrutamiento_intentos, enrutamiento_error,
                asignado_a_id, vence_el, alerta_desde, vencida_3x_desde, dias_suspendidos
            )
            SELECT
                'VV-' || u.provincia_id || '-2026-' || lpad(g::text, 6, '0'),
                %(tramite)s, u.provincia_id,
                (ARRAY['asignada','en_atencion','en_atencion','observada','atendida',
                       'atendida','negada','archivada'])[1 + g %% 8],
                u.unidad_id,
                now() - (g %% 200) * interval '1 day',
                (now() - (g %% 200) * interval '1 day')::date,
                now() - (g %% 200) * interval '1 day', now(),
                'cedula', lpad((1700000000 + g)::text, 10, '0'),
                (ARRAY['María','José','Luis','Ana','Carlos'])[1 + g %% 5] || ' ' ||
                (ARRAY['Pérez','Zambrano','Guerrero','Cedeño'])[1 + (g / 5) %% 4] || ' ' ||
                (ARRAY['Vera','Torres','Mora','Suárez'])[1 + (g / 20) %% 4],
                'bench' || g || '@correo.test', '', '0991234567', 'Quito', 'titular',
                '', '', '', 'Solicitud de prueba', '{}'::jsonb, '', 1, '',
                CASE WHEN g %% 3 = 0 THEN NULL
                     ELSE (%(analistas)s::int[])[1 + g %% %(n_analistas)s] END,
                (now() - (g %% 200) * interval '1 day')::date + 21,
                (now() - (g %% 200) * interval '1 day')::date + 17,
                (now() - (g %% 200) * interval '1 day')::date + 63,
                0
            FROM generate_series(1, %(n)s) g
            JOIN bench_unidades u ON u.i = CASE
                WHEN g %% 10 < 3 THEN (SELECT i FROM bench_unidades WHERE unidad_id = %(propia)s)
                ELSE g %% (SELECT count(*) FROM bench_unidades) END
            """,
            {
                "tramite": tramite_id,
                "analistas": analistas,
                "n_analistas": len(analistas),
                "n": n,
                "propia": propia.pk,
            },
        )
        cursor.execute("DROP TABLE bench_unidades")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tramites_solicitud")


def _medir(
    usuarios: dict[str, object], veces: int
) -> dict[tuple[str, str], tuple[int, float, float]]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    salida = {}
    for quien, user in usuarios.items():
        client = Client()
        client.force_login(user)  # type: ignore[arg-type]
        for nombre, params in PAGINAS:
            client.get("/admin/tramites/solicitud/", params)  # warm up
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                res = client.get("/admin/tramites/solicitud/", params)
            assert res.status_code == 200, (quien, nombre, res.status_code)
            tiempos = []
            for _ in range(veces):
                t0 = time.perf_counter()
                client.get("/admin/tramites/solicitud/", params)
                tiempos.append(time.perf_counter() - t0)
            sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
            salida[(quien, nombre)] = (
                len(ctx.captured_queries),
                statistics.median(tiempos),
                sql_ms,
            )
            if os.environ.get("BENCH_SQL"):
                lenta = max(ctx.captured_queries, key=lambda q: float(q["time"]))
                print(f"    más lenta ({lenta['time']} s): {lenta['sql'][:1500]}")
            print(
                f"  {quien:32} {nombre:15} {len(ctx.captured_queries):3d} consultas "
                f"{statistics.median(tiempos) * 1000:7.1f} ms (SQL {sql_ms:6.1f} ms)",
                flush=True,
            )
    return salida


def _informe(
    resultados: dict[int, dict[tuple[str, str], tuple[int, float, float]]],
    pequeno: int,
    grande: int,
) -> None:
    print(f"\nPágina de la cola: consultas, mediana de tiempo y SQL, {pequeno:,} vs {grande:,}")
    print(
        f"{'usuario':32} {'página':15} {'consultas':>10} {'ms':>8} {'ms':>8} {'razón':>6}"
        f" {'SQL ms':>8} {'SQL ms':>8}"
    )
    razones = []
    for clave, (q1, t1, s1) in resultados[pequeno].items():
        q2, t2, s2 = resultados[grande][clave]
        razones.append(t2 / t1)
        print(
            f"{clave[0]:32} {clave[1]:15} {q1:>4} → {q2:<4} {t1 * 1000:8.1f} {t2 * 1000:8.1f} "
            f"{t2 / t1:6.2f} {s1:8.1f} {s2:8.1f}"
        )
    print(
        f"\nRazón de tiempos (grande/pequeño): mediana {statistics.median(razones):.2f}, "
        f"máxima {max(razones):.2f}"
    )


if __name__ == "__main__":
    main()
