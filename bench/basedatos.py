"""The benchmark's own PostgreSQL database: created empty at the start, dropped when the
run ends, however it ends (BENCH_CONSERVAR=1 keeps it for a look afterwards)."""

from __future__ import annotations

import os


def _ejecutar(servidor: str, *sentencias: str) -> None:
    import psycopg

    url = servidor.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        for sentencia in sentencias:
            conn.execute(sentencia)  # type: ignore[arg-type]  # names are the script's own


def recrear(servidor: str, nombre: str) -> None:
    """Drop `nombre` if a previous run left it and create it empty."""
    _ejecutar(
        servidor, f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)', f'CREATE DATABASE "{nombre}"'
    )


def borrar(servidor: str, nombre: str) -> None:
    """Drop `nombre` (unless BENCH_CONSERVAR is set), closing Django's connections first."""
    if os.environ.get("BENCH_CONSERVAR"):
        return
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: S110 - best effort before dropping the database
        pass
    _ejecutar(servidor, f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)')
