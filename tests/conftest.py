from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.conf import settings
from django.core.cache import cache

from tests import services

BASE_DIR = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Transactional tests (live server, real worker, concurrency) flush every table when
    they end, which would wipe the reference data the migrations seed (territory,
    holidays, parameters, roles). Give them serialized rollback, which restores it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        uses_live = {"live_server", "page", "celery_worker_process", "celery_worker_on"} & set(
            getattr(item, "fixturenames", ())
        )
        if marker is None and not uses_live:
            continue
        kwargs = dict(marker.kwargs) if marker else {}
        if kwargs.get("transaction") or uses_live:
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


_SERIALIZED: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> None:
    """Keep the reference data snapshot that serialized rollback restores. Django stores
    it on the connection object, and connections are context-local: once Playwright's
    sync API has run (browser tests), later tests may get a fresh connection object
    without it, and their serialized rollback would silently restore nothing."""
    from django.db import connections

    for alias in connections:
        contenido = getattr(connections[alias], "_test_serialized_contents", None)
        if contenido is not None:
            _SERIALIZED[alias] = contenido


def _restore_serialized_contents() -> None:
    if not _SERIALIZED:
        return
    from django.db import connections

    for alias, contenido in _SERIALIZED.items():
        if not hasattr(connections[alias], "_test_serialized_contents"):
            connections[alias]._test_serialized_contents = contenido


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _restore_serialized_contents()  # restored before the test…


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    _restore_serialized_contents()  # …and its flush must not re-run post_migrate


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path: Path, settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Each test: an empty cache (rate limits, parameters, calendar) and private files in
    its own temporary folder."""
    from core import calendar
    from core.cache import Version

    cache.clear()
    calendar._holidays.cache_clear()
    Version.forget_all()
    private = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "privado"), "base_url": None},
    }
    settings.STORAGES = {**settings.STORAGES, "default": private, "private": private}
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "privado"
    yield
    cache.clear()
    calendar._holidays.cache_clear()
    Version.forget_all()


@pytest.fixture
def ratelimit_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold the rate limits' clock still, so a test that counts requests against a
    per-minute limit never straddles the window's end (its windows are fixed, not
    sliding: on a slow machine twelve requests can span two of them)."""
    from core import ratelimit

    ahora = time.time()
    monkeypatch.setattr(ratelimit, "_reloj", lambda: ahora)


# --- Real Celery worker -----------------------------------------------------------------


@dataclass
class WorkerHandle:
    prefix: str
    broker_url: str
    log_path: Path
    process: subprocess.Popen[bytes]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def reconfigure_celery(**conf: object) -> dict[str, object]:
    """Change the Celery app's broker settings and drop every cached connection and
    producer pool, so the next send uses them. Returns the previous values."""
    from ventanilla.celery import app

    previous = {key: app.conf[key] for key in conf}
    app.conf.update(conf)
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    return previous


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    parsed = urlparse(os.environ["DATABASE_URL"])
    return urlunparse(parsed._replace(path="/" + db["NAME"]))


def start_celery_worker(
    *, broker_url: str, prefix: str, log_path: Path, private_root: Path
) -> WorkerHandle:
    """Start a real `celery worker` process (solo pool) on `broker_url`, using this run's
    PostgreSQL test database, and wait until it is ready."""
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_BROKER_KEYPREFIX": prefix,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PRIVATE_MEDIA_ROOT": str(private_root),
        "EMAIL_URL": "consolemail://",
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "ventanilla",
                "worker",
                "-Q",
                ",".join(settings.CELERY_WORKER_QUEUES),
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{prefix.rstrip(':')}@%h",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    handle = WorkerHandle(prefix=prefix, broker_url=broker_url, log_path=log_path, process=process)
    deadline = time.monotonic() + 60
    while "ready." not in handle.log():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("el worker de Celery no arrancó:\n" + handle.log()[-3000:])
        time.sleep(0.2)
    return handle


def stop_celery_worker(handle: WorkerHandle) -> None:
    handle.process.terminate()
    try:
        handle.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        handle.process.kill()
        handle.process.wait(timeout=10)


def _unavailable(reasons: list[str]) -> None:
    """A service the test needs is missing: skip, or fail under REQUIRE_SERVICES (as
    tests/services.py does for the markers)."""
    message = "; ".join(reasons)
    if services.REQUIRE:
        pytest.fail(f"servicio requerido no disponible: {message}", pytrace=False)
    pytest.skip(message)


def _require(markers: set[str]) -> None:
    missing = services.missing_for(markers)
    if missing:
        _unavailable(missing)


@pytest.fixture(scope="session")
def celery_worker_process(
    django_db_setup: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WorkerHandle]:
    """A real `celery worker` process on Redis, using this run's PostgreSQL test
    database. Its Redis keys carry a prefix of its own, so concurrent test runs sharing
    one Redis never take each other's messages. The test process's Celery app is switched
    from eager to sending through the broker for as long as the worker lives."""
    _require({"worker"})
    from ventanilla.celery import app

    prefix = f"test-{uuid.uuid4().hex[:10]}:"
    handle = start_celery_worker(
        broker_url=services.REDIS_URL,
        prefix=prefix,
        log_path=tmp_path_factory.mktemp("worker") / "worker.log",
        private_root=tmp_path_factory.mktemp("worker-privado"),
    )
    saved = reconfigure_celery(
        broker_url=services.REDIS_URL,
        task_always_eager=False,
        broker_transport_options={**app.conf.broker_transport_options, "global_keyprefix": prefix},
    )
    try:
        yield handle
    finally:
        reconfigure_celery(**saved)
        stop_celery_worker(handle)


# --- A Redis of the test's own ------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RedisHandle:
    """A throwaway `redis-server` on a free port, without persistence, that a test may
    stop (as if it crashed: queued messages are lost) and start again on the same port."""

    port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import shutil

        binary = shutil.which("redis-server")
        if binary is None:
            _unavailable(["redis-server no está instalado"])
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [
                    binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 10
        while not services._probe_redis(self.url)[0]:
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("redis-server no arrancó:\n" + self.log_path.read_text()[-2000:])
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # a crash, not a clean shutdown
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisHandle]:
    """A Redis of this test only (never the machine's shared one), so the test can kill
    and restart the broker."""
    handle = RedisHandle(port=_free_port(), log_path=tmp_path / "redis.log")
    handle.start()
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def celery_worker_on(django_db_setup: None, tmp_path: Path, settings):  # type: ignore[no-untyped-def]
    """Start a real worker on a given broker (e.g. `private_redis.url`) and point this
    process's Celery app at it; both are undone when the test ends. The worker shares
    the test's private-file folder."""
    _require({"postgres"})
    started: list[WorkerHandle] = []
    saved: dict[str, object] = {}

    def start(broker_url: str) -> WorkerHandle:
        prefix = f"test-{uuid.uuid4().hex[:10]}:"
        handle = start_celery_worker(
            broker_url=broker_url,
            prefix=prefix,
            log_path=tmp_path / f"worker-{len(started)}.log",
            private_root=Path(settings.PRIVATE_MEDIA_ROOT),
        )
        started.append(handle)
        from ventanilla.celery import app

        previo = reconfigure_celery(
            broker_url=broker_url,
            task_always_eager=False,
            broker_transport_options={
                **app.conf.broker_transport_options,
                "global_keyprefix": prefix,
            },
        )
        for clave, valor in previo.items():
            saved.setdefault(clave, valor)
        return handle

    try:
        yield start
    finally:
        if saved:
            reconfigure_celery(**saved)
        for handle in started:
            stop_celery_worker(handle)


@pytest.fixture
def journey(page, celery_worker_on):  # type: ignore[no-untyped-def]
    """A browser page on the live server, with the production arrangement behind it:
    PostgreSQL, and a real Celery worker process over Redis running every task the pages
    enqueue (routing, PDFs, e-mail). Journeys wait for the worker's effects the way a
    user would, by looking again."""
    _require({"worker", "postgres"})
    celery_worker_on(services.REDIS_URL)
    return page


@pytest.fixture
def dead_broker() -> Iterator[None]:
    """Point the Celery app at a broker nobody listens on (a real refused connection, not
    a mock): tasks cannot be queued while this fixture is active."""
    saved = reconfigure_celery(broker_url="redis://127.0.0.1:9/0", task_always_eager=False)
    try:
        yield
    finally:
        reconfigure_celery(**saved)


def wait_for(condition, *, timeout: float = 30, interval: float = 0.2, message: str = "") -> None:  # type: ignore[no-untyped-def]
    """Poll `condition()` until it is truthy; fail with `message` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    pytest.fail(message or f"la condición no se cumplió en {timeout} s")


# --- Real browser -----------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _require({"browser"})
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=services.CHROMIUM, args=CHROMIUM_ARGS)
        # Starting Playwright switches the context Django's connections live in: hand the
        # serialized reference data to the new connection objects before the first
        # browser test's database setup (else a preceding flush is never undone).
        _restore_serialized_contents()
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        locale="es-EC", timezone_id="America/Guayaquil", base_url=live_server.url
    )
    page = context.new_page()
    yield page
    context.close()


AXE_JS = BASE_DIR / "tests" / "vendor" / "axe.min.js"


@pytest.fixture
def axe():  # type: ignore[no-untyped-def]
    """Run axe-core (WCAG 2.1 A/AA rules) on the page as it is now; returns the serious and
    critical violations as readable strings (empty when the page passes)."""

    def check(page, *, context: str = "") -> list[str]:  # type: ignore[no-untyped-def]
        # Evaluated through the DevTools protocol: the page's CSP (no inline script) stays on.
        page.evaluate(AXE_JS.read_text() + "\n;0")
        result = page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag',
                          values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                resultTypes: ['violations']})"""
        )
        found = []
        for violation in result["violations"]:
            if violation["impact"] in {"serious", "critical"}:
                targets = ", ".join(str(n["target"]) for n in violation["nodes"][:5])
                found.append(
                    f"{context or page.url}: [{violation['impact']}] {violation['id']}: "
                    f"{violation['help']} → {targets}"
                )
        return found

    return check


SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", BASE_DIR / "var" / "screenshots"))


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot under SCREENSHOTS_DIR (CI keeps it as an artifact)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
