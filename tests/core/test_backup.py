"""scripts/backup.sh and scripts/restore.sh round-trip a real PostgreSQL database and the
private files, and refuse a damaged backup."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _admin_url() -> str:
    return os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)


def _db_url(name: str) -> str:
    base = _admin_url().rsplit("/", 1)[0]
    return f"{base}/{name}"


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args),
        cwd=BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def scratch_databases():  # type: ignore[no-untyped-def]
    names = [f"respaldo_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    yield names
    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_and_restore_round_trip(tmp_path: Path, scratch_databases: list[str]) -> None:
    origen, destino = scratch_databases
    media = tmp_path / "privado"
    (media / "solicitudes" / "ab").mkdir(parents=True)
    (media / "solicitudes" / "ab" / "carta.pdf").write_bytes(b"%PDF-1.4 carta firmada")
    env = {"DATABASE_URL": _db_url(origen), "PRIVATE_MEDIA_ROOT": str(media)}
    migrated = _run(sys.executable, "manage.py", "migrate", "-v0", **env)
    assert migrated.returncode == 0, migrated.stderr
    _run(sys.executable, "manage.py", "seed_demo", "--empleadores", "15", "--sin-progreso", **env)

    backup = _run("scripts/backup.sh", str(tmp_path / "respaldos"), **env)
    assert backup.returncode == 0, backup.stderr
    carpeta = Path(backup.stdout.strip().splitlines()[-1])
    assert (carpeta / "base.dump").exists() and (carpeta / "MANIFIESTO.sha256").exists()

    restored_media = tmp_path / "restaurado"
    env2 = {"DATABASE_URL": _db_url(destino), "PRIVATE_MEDIA_ROOT": str(restored_media)}
    restore = _run("scripts/restore.sh", str(carpeta), **env2)
    assert restore.returncode == 0, restore.stderr
    assert (
        restored_media / "solicitudes" / "ab" / "carta.pdf"
    ).read_bytes() == b"%PDF-1.4 carta firmada"
    with psycopg.connect(_db_url(destino)) as conn:
        assert conn.execute("select count(*) from cartera_empleador").fetchone()[0] == 15
        assert conn.execute("select count(*) from core_provincia").fetchone()[0] == 24

    again = _run("scripts/restore.sh", str(carpeta), **env2)
    assert again.returncode == 4 and "no está vacía" in again.stderr


def test_restore_refuses_a_damaged_backup(tmp_path: Path, scratch_databases: list[str]) -> None:
    origen, destino = scratch_databases
    env = {"DATABASE_URL": _db_url(origen), "PRIVATE_MEDIA_ROOT": str(tmp_path / "p")}
    _run(sys.executable, "manage.py", "migrate", "-v0", **env)
    carpeta = Path(
        _run("scripts/backup.sh", str(tmp_path / "r"), **env).stdout.strip().splitlines()[-1]
    )
    with open(carpeta / "base.dump", "ab") as handle:
        handle.write(b"\x00basura")
    result = _run("scripts/restore.sh", str(carpeta), DATABASE_URL=_db_url(destino))
    assert result.returncode == 3 and "dañado" in result.stderr
