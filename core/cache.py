"""Django's Redis cache backend, keeping one Redis client per connection pool.

Django's backend builds a new `redis.Redis` object for every cache operation, and
redis-py 8 fills a table of some 250 response callbacks each time it builds one: about
half a millisecond per operation, more than the round trip to Redis. A page that checks
two rate limits and reads its cached copy paid it five times (bench/ventanilla.py).
Clients are thread-safe and share their pool, so one per pool is enough.

`contar` (core.ratelimit.limitar, the public pages' rate limits) counts every limit of a
request in one round trip: a small Lua script on the server.

`Version` is the generation number that cached data keys carry (the catalogue pages,
the legal parameters, the holidays): bumping it makes every copy cached under the old
one unreachable.
"""

from __future__ import annotations

import time
import weakref
from typing import Any, ClassVar

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

# Add one to each counter, starting its time to live when it is new (rate limits).
_CONTAR = """
local cuentas = {}
for i, clave in ipairs(KEYS) do
  local n = redis.call('INCR', clave)
  if n == 1 then redis.call('EXPIRE', clave, ARGV[i]) end
  cuentas[i] = n
end
return cuentas
"""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clientes: dict[int, Any] = {}
        self._contar_script: Any = None

    def contar(self, claves: list[tuple[str, int]]) -> list[int]:
        client = self.get_client(write=True)
        if self._contar_script is None:
            self._contar_script = client.register_script(_CONTAR)
        return [
            int(n)
            for n in self._contar_script(
                keys=[clave for clave, _ in claves], args=[ttl for _, ttl in claves], client=client
            )
        ]

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's private helpers are not in django-stubs; the pool objects are kept by
        # Django for the life of the backend, so their id() names them.
        base: Any = self
        pool = base._get_connection_pool(write)
        cliente = self._clientes.get(id(pool))
        if cliente is None:
            cliente = self._clientes[id(pool)] = base._client(connection_pool=pool)
        return cliente


class RedisCache(DjangoRedisCache):
    """Use as the BACKEND of a `redis://` cache (settings does so for CACHE_URL)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def contar(self, claves: list[tuple[str, int]]) -> list[int]:
        """Counters for core.ratelimit, all in one round trip (one Lua script)."""
        cliente: RedisCacheClient = self._cache  # type: ignore[attr-defined]
        return cliente.contar([(self.make_and_validate_key(clave), ttl) for clave, ttl in claves])


def _reloj() -> float:
    return time.monotonic()  # tests move it (tests/core/test_cache.py)


def _semilla() -> int:
    """A version number no earlier one reached: microseconds since the epoch. A version
    lost from the cache (eviction, restart) starts again from here, never from an old
    number under which copies may still be cached."""
    return time.time_ns() // 1000


class Version:
    """A version number kept in the shared cache under `key`, for cache keys of data
    that staff edit: `f"parametros:{VERSION.get()}:…"`; after an edit, `bump()`.

    Each process trusts the number it last read for `memo_seconds`, so a cached page or
    value costs no round trip for the version itself; the process that bumps sees its
    own edit at once, the others within `memo_seconds`."""

    _todas: ClassVar[weakref.WeakSet[Version]] = weakref.WeakSet()

    def __init__(self, key: str, *, memo_seconds: float = 2.0) -> None:
        self.key = key
        self.memo_seconds = memo_seconds
        self._memo: tuple[int, float] = (0, 0.0)  # (version, trusted until _reloj())
        Version._todas.add(self)

    def get(self) -> int:
        version, hasta = self._memo
        ahora = _reloj()
        if ahora < hasta:
            return version
        # None only if the key vanished between its add and the read: a fresh number.
        version = int(cache.get_or_set(self.key, _semilla, timeout=None) or _semilla())
        self._memo = (version, ahora + self.memo_seconds)
        return version

    def bump(self) -> None:
        """Call after the data changed (after commit: `transaction.on_commit(v.bump)`)."""
        # Django's incr (EXISTS, then INCRBY): were the key lost in between, INCRBY would
        # start it at 1, a number no version seeded from the clock has used.
        try:
            cache.incr(self.key)
        except ValueError:  # lost: restart above every number used before
            cache.set(self.key, _semilla(), timeout=None)
        self.forget()

    def forget(self) -> None:
        """Drop this process's copy: the next get() asks the cache."""
        self._memo = (0, 0.0)

    @classmethod
    def forget_all(cls) -> None:
        """Every version's process copy (tests: after emptying the cache)."""
        for version in list(cls._todas):
            version.forget()
