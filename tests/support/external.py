"""Real Oxigraph servers standing in for the embedded store (``KG_TEST_STORE=external``).

With ``KG_TEST_STORE=external`` the suite runs against external stores: each
store folder a test would use gets its own ``oxigraph serve`` on a free
127.0.0.1 port (``--union-default-graph``, data kept in ``{store}.oxigraph``),
and the settings the fixtures make point ``store_url`` & co. at it. Servers
started during a test are stopped after it (:func:`stop_servers`). Tests that
are about the embedded store itself (its folder, RocksDB) are marked
``embedded`` and skipped in that run.

With ``KG_TEST_STORE=virtuoso`` the same happens on OpenLink Virtuoso 7 instead:
each store folder gets its own ``scripts/virtuoso start`` (database in
``{store}.virtuoso``, copied from one set up once per session, so a start takes
seconds). Tests that cannot hold on Virtuoso, for a reason of the engine, are listed
in :data:`VIRTUOSO_SKIPS`, the one place that says so.

Without the variable, :func:`store_settings` returns nothing and nothing starts.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from waiting import wait_until

KIND = os.environ.get("KG_TEST_STORE", "embedded")
ENABLED = KIND in ("external", "virtuoso")
VIRTUOSO = KIND == "virtuoso"
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "virtuoso"

#: Tests that cannot hold on Virtuoso 7, by node id prefix, with the engine's reason.
VIRTUOSO_SKIPS: dict[str, str] = {}


def skip_on_virtuoso(items) -> None:
    """Mark the tests of :data:`VIRTUOSO_SKIPS` skipped (a ``KG_TEST_STORE=virtuoso`` run only)."""
    if not VIRTUOSO:
        return
    import pytest

    for item in items:
        for prefix, reason in VIRTUOSO_SKIPS.items():
            if item.nodeid.startswith(prefix):
                item.add_marker(pytest.mark.skip(reason=f"Virtuoso 7: {reason}"))


def oxigraph_binary() -> str:
    """The `oxigraph` command installed with the test extras (pip package oxigraph)."""
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the Oxigraph server is not installed: pip install -e '.[test]' (package oxigraph)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class OxigraphServer:
    """A running `oxigraph serve`."""

    process: subprocess.Popen
    url: str  # http://127.0.0.1:PORT

    @property
    def settings(self) -> dict[str, str]:
        return {"store_url": f"{self.url}/query", "store_update_url": f"{self.url}/update",
                "store_graph_store_url": f"{self.url}/store"}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_oxigraph(location: Path | None = None, *, union: bool = True, port: int | None = None,
                   timeout: float = 60.0) -> OxigraphServer:
    """Start `oxigraph serve` (in memory without ``location``) and wait until it answers."""
    port = port or free_port()
    command = [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"]
    if location is not None:
        location.mkdir(parents=True, exist_ok=True)
        command += ["--location", str(location)]
    if union:
        command.append("--union-default-graph")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"oxigraph serve exited with {process.returncode} before it answered on port {port}")
        try:
            with urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2):
                return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    try:
        wait_until(answers, timeout=timeout, what=f"oxigraph serve to answer on port {port}")
    except BaseException:
        process.kill()
        process.wait()
        raise
    return OxigraphServer(process, url)


@dataclass
class VirtuosoServer:
    """A Virtuoso started by ``scripts/virtuoso start``."""

    directory: Path
    settings: dict[str, str]

    class _Alive:
        def __init__(self, directory: Path) -> None:
            self.directory = directory

        def poll(self) -> int | None:
            try:
                os.kill(int((self.directory / "virtuoso.pid").read_text()), 0)
            except (OSError, ValueError):
                return 1
            return None

    @property
    def process(self) -> _Alive:
        return self._Alive(self.directory)

    def stop(self) -> None:
        subprocess.run([str(SCRIPT), "stop", str(self.directory)], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False, timeout=120)


_TEMPLATE: Path | None = None


def start_virtuoso(directory: Path, *, timeout: float = 180.0) -> VirtuosoServer:
    """``scripts/virtuoso start directory``, from a database set up once per session."""
    global _TEMPLATE
    environ = dict(os.environ, VIRTUOSO_TIMEOUT=str(int(timeout)))
    if _TEMPLATE is None:
        import tempfile

        template = Path(tempfile.mkdtemp(prefix="spkg-virtuoso-template-"))
        subprocess.run([str(SCRIPT), "start", str(template)], env=environ, check=True, capture_output=True,
                       timeout=timeout + 600)
        subprocess.run([str(SCRIPT), "stop", str(template)], check=True, capture_output=True, timeout=120)
        _TEMPLATE = template
    environ["VIRTUOSO_TEMPLATE"] = str(_TEMPLATE)
    shutil.rmtree(directory, ignore_errors=True)
    done = subprocess.run([str(SCRIPT), "start", str(directory)], env=environ, capture_output=True, text=True,
                          timeout=timeout + 30)
    if done.returncode != 0:
        raise RuntimeError(f"scripts/virtuoso start {directory} failed: {done.stderr.strip()}")
    settings = {}
    for line in done.stdout.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        settings[name.removeprefix("KG_").lower()] = value
    return VirtuosoServer(directory, settings)


_SERVERS: dict[Path, OxigraphServer | VirtuosoServer] = {}
_SESSION: set[Path] = set()


def store_settings(store_dir: Path | str, *, session: bool = False) -> dict[str, str]:
    """Settings that put the store of ``store_dir`` on its own Oxigraph server (external runs only)."""
    if not ENABLED:
        return {}
    key = Path(store_dir).resolve()
    server = _SERVERS.get(key)
    if server is None or server.process.poll() is not None:
        server = _SERVERS[key] = (start_virtuoso(key.with_name(key.name + ".virtuoso")) if VIRTUOSO
                                  else start_oxigraph(key.with_name(key.name + ".oxigraph")))
    if session:
        _SESSION.add(key)
    return server.settings


def stop_servers(*, everything: bool = False) -> None:
    """Stop the servers started for one test (all of them at the end of the session)."""
    for key in list(_SERVERS):
        if everything or key not in _SESSION:
            _SERVERS.pop(key).stop()
    if everything and _TEMPLATE is not None:
        shutil.rmtree(_TEMPLATE, ignore_errors=True)
