"""``kg serve``: run the web app with uvicorn.

Process layout (defaults: ``http_workers=1``, ``workers=3``)::

    HTTP process (uvicorn, uvloop + httptools, the FastAPI app)
    ├── query worker 1   (pyoxigraph, store opened read-only)
    ├── query worker 2
    └── query worker 3

The HTTP process parses requests and streams answers; the workers run the
queries, so the two cores are shared between one HTTP process and the
queries in flight. With ``http_workers`` > 1 uvicorn starts that many HTTP
processes (each a full app from :func:`kg.web.app.app_factory` with its own
workers) behind one listening socket; that helps only when HTTP work, not
query work, is the bottleneck (tiny stores, many cores).

Settings reach the HTTP processes through ``KG_*`` environment variables
(uvicorn starts them as fresh interpreters that call the factory).

Shutdown (SIGTERM or Ctrl-C): the listening socket is closed at once, so new
connections are refused; requests in flight, queries in the workers included,
get ``shutdown_grace`` seconds to finish; then the app's lifespan stops the
query workers and ``kg serve`` exits 0.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from kg.config import SETTINGS, Settings
from kg.errors import ConfigError, StoreError

logger = logging.getLogger(__name__)


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def environment(settings: Settings) -> dict[str, str]:
    """``KG_*`` variables that make :func:`kg.config.load_settings` rebuild ``settings``."""
    env = {f"KG_{s.name.upper()}": str(getattr(settings, s.name)) for s in SETTINGS}
    env["KG_PROJECT_DIR"] = str(settings.root)
    env["KG_STORE_PATH"] = str(settings.store_dir)
    return env


def uvicorn_options(settings: Settings, *, log_level: str = "info") -> dict:
    """What :func:`serve` passes to ``uvicorn.run`` (exposed for tests)."""
    return {
        "host": settings.host,
        "port": settings.port,
        "factory": True,
        "workers": settings.http_workers,
        "loop": "uvloop" if _has("uvloop") else "asyncio",
        # httptools with limits on the request head and a deadline for it (kg.web.server_protocol);
        # h11 has the size limit built in (400 past it).
        "http": "kg.web.server_protocol:BoundedHttpTools" if _has("httptools") else "h11",
        "h11_max_incomplete_event_size": 32 * 1024,
        "lifespan": "on",
        # The SPARQL endpoint logs one line per query; uvicorn's access log
        # would add a second one and cost ~10% of the throughput.
        "access_log": False,
        "log_level": log_level,
        "timeout_graceful_shutdown": settings.shutdown_grace,
        "server_header": False,
    }


def serve(settings: Settings, *, log_level: str = "info") -> None:
    """Serve ``settings.store_dir`` on ``settings.host:settings.port`` until interrupted.

    Raises :class:`~kg.errors.StoreError` at once if there is no built store,
    and :class:`~kg.errors.ConfigError` for impossible worker counts.
    """
    import uvicorn

    if settings.workers < 1 or settings.http_workers < 1:
        raise ConfigError("settings 'workers' and 'http_workers' must be at least 1")
    from kg.write.recovery import recover
    from kg.store import is_built

    for message in recover(settings):  # a write killed midway: served data is the last committed version
        logger.warning("%s", message)

    store = settings.store_url if settings.external else settings.store_dir
    if not is_built(settings):
        raise StoreError(f"no dataset built in {store}", hint="run `kg build` first")
    os.environ.update(environment(settings))
    logger.debug("serving with settings %s", settings.public())
    logger.info("serving %s on http://%s:%d/sparql (%d HTTP process(es) x %d query workers)",
                store, settings.host, settings.port, settings.http_workers, settings.workers)
    options = uvicorn_options(settings, log_level=log_level)
    with _sigterm_exits_cleanly():
        if settings.http_workers > 1:
            config = uvicorn.Config("kg.web.app:app_factory", **options)
            _supervisor()(config, sockets=[config.bind_socket()]).run()
        else:
            uvicorn.run("kg.web.app:app_factory", **options)


class _Stopped(Exception):
    pass


def _stop(signum: int, frame: object) -> None:
    raise _Stopped


@contextmanager
def _sigterm_exits_cleanly() -> Iterator[None]:
    """Exit 0 on SIGTERM, not by the signal.

    uvicorn handles SIGTERM itself (the graceful shutdown), then raises it again
    for whatever handler was there before: this one, which ends ``serve``.
    Before uvicorn is listening, the same handler stops the start-up.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        yield
    except _Stopped:
        logger.info("stopped by SIGTERM")
    finally:
        signal.signal(signal.SIGTERM, previous)


def _supervisor():
    """uvicorn's process supervisor, closing its copy of the listening socket as soon as it stops.

    Each HTTP process closes its own copy when it starts shutting down; while
    the supervisor still held one, new connections would queue unanswered
    instead of being refused.
    """
    from uvicorn.supervisors import Multiprocess

    class Supervisor(Multiprocess):
        def terminate_all(self) -> None:
            for sock in self.sockets:
                sock.close()
            super().terminate_all()

    return Supervisor
