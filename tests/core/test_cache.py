"""The shared cache on Redis: what one gunicorn worker counts or caches, another sees."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import override_settings

from tests.services import REDIS_URL

BASE_DIR = Path(__file__).resolve().parents[2]


def _redis_cache_settings() -> dict[str, dict[str, str]]:
    return {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL}}


@pytest.mark.redis
def test_a_rate_limit_counted_by_one_worker_is_seen_by_another() -> None:
    from core.cache import RedisCache

    # Two backend instances stand for two worker processes sharing one Redis.
    uno = RedisCache(REDIS_URL, {})
    otro = RedisCache(REDIS_URL, {})
    clave = f"rl:consulta:{uuid.uuid4().hex}"
    for _ in range(3):
        uno.contar([(clave, 60)])
    assert otro.get(clave) == 3
    assert otro.contar([(clave, 60)]) == [4]
    assert uno.get(clave) == 4
    uno.delete(clave)
    assert otro.get(clave) is None


@pytest.mark.redis
def test_the_cache_keeps_one_redis_client_instead_of_one_per_operation() -> None:
    with override_settings(CACHES=_redis_cache_settings()):
        cache = caches["default"]
        clave = f"consulta:{uuid.uuid4().hex}"
        cache.set(clave, "<p>Recibida</p>", timeout=60)
        assert cache.get(clave) == "<p>Recibida</p>"
        cliente = cache._cache.get_client(write=True)
        assert cache._cache.get_client(write=True) is cliente
        cache.delete(clave)


def test_a_redis_cache_url_uses_the_pooled_backend() -> None:
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ventanilla.settings",
            "CACHE_URL": "redis://127.0.0.1:6379/1",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "core.cache.RedisCache", result.stderr


@pytest.mark.redis
def test_every_rate_limit_of_a_request_is_counted_in_one_round_trip() -> None:
    from django.test import RequestFactory

    from core import ratelimit

    with override_settings(CACHES=_redis_cache_settings()):
        cache = caches["default"]
        redis = cache._cache.get_client(write=True)
        grupo = f"prueba-{uuid.uuid4().hex}"
        limites = [("ip", "2/m"), ("post:numero", "5/h")]

        def consultar(ip: str) -> bool:
            request = RequestFactory().post(
                "/consulta/", {"numero": "VV-17-2026-000001"}, REMOTE_ADDR=ip
            )
            return ratelimit.excedido(request, grupo, limites)

        consultar("10.0.0.1")  # loads the script
        antes = redis.info("commandstats")
        assert consultar("10.0.0.1") is False
        despues = redis.info("commandstats")
        llamadas = {
            k: despues[k]["calls"] - antes.get(k, {"calls": 0})["calls"]
            for k in despues
            if k.startswith("cmdstat_") and k not in {"cmdstat_info"}
        }
        # One command from the client; Redis also counts the two INCR the script runs.
        assert {k: v for k, v in llamadas.items() if v} == {
            "cmdstat_evalsha": 1,
            "cmdstat_incr": 2,
        }
        # The third request from one address passes its 2/m limit.
        assert consultar("10.0.0.1") is True
        # The number's own limit (5/h) holds across addresses.
        assert [consultar(f"10.0.1.{i}") for i in range(3)] == [False, False, True]
        ttls = sorted(redis.ttl(k) for k in redis.scan_iter(cache.make_key("rl:*")))
        assert ttls and all(0 < t <= 3660 for t in ttls) and ttls[0] <= 120


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.redis)])
def cache_compartida(request):  # type: ignore[no-untyped-def]
    """The embedded cache and, when there is one, Redis (a key prefix of this test's own)."""
    if request.param == "locmem":
        yield
        return
    ajustes = {**_redis_cache_settings()["default"], "KEY_PREFIX": f"t-{uuid.uuid4().hex[:8]}"}
    with override_settings(CACHES={"default": ajustes}):
        yield
        caches["default"].clear()


@pytest.fixture
def reloj(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    from core import cache as core_cache

    ahora = [1000.0]
    monkeypatch.setattr(core_cache, "_reloj", lambda: ahora[0])
    return ahora


def test_a_bumped_version_is_seen_at_once_here_and_within_its_memo_elsewhere(
    cache_compartida: None, reloj: list[float]
) -> None:
    from core.cache import Version

    clave = f"prueba:version:{uuid.uuid4().hex}"
    aqui = Version(clave, memo_seconds=2)
    alla = Version(clave, memo_seconds=2)  # another process: a memo of its own
    antes = aqui.get()
    assert alla.get() == antes
    aqui.bump()
    despues = aqui.get()
    assert despues > antes  # the process that made the edit sees it at once
    reloj[0] += 1.9
    assert alla.get() == antes  # the others trust their copy for memo_seconds…
    reloj[0] += 0.2
    assert alla.get() == despues  # …and then read the new one


def test_a_lost_version_starts_again_above_every_number_used_before(
    cache_compartida: None, reloj: list[float]
) -> None:
    from django.core.cache import cache

    from core.cache import Version

    clave = f"prueba:version:{uuid.uuid4().hex}"
    version = Version(clave, memo_seconds=2)
    primera = version.get()
    for _ in range(3):
        version.bump()
    ultima = version.get()
    assert ultima == primera + 3
    cache.delete(clave)  # evicted, or the cache restarted
    version.bump()
    assert version.get() > ultima
    ultima = version.get()
    cache.delete(clave)
    version.forget()
    assert version.get() > ultima
