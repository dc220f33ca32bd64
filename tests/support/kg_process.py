"""A real ``kg serve`` process for the hostile-input tests (tests/endpoint/test_hostile_*.py).

The server runs as the user would run it (``python -m kg serve``), on a free
127.0.0.1 port, with settings given as ``KG_*`` variables; the tests see its
crashes, its worker processes and its log. It is stopped with SIGTERM, then
SIGKILL, and every process it started must be gone afterwards.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from http_fixtures import LIGHT, alive, free_port, process_tree
from waiting import WaitTimeout, wait_until

SRC = str(Path(__file__).resolve().parents[2] / "src")


@dataclass
class Served:
    url: str
    proc: subprocess.Popen
    log: Path

    def descendants(self) -> set[int]:
        return process_tree(self.proc.pid) - {self.proc.pid}

    def workers(self) -> set[int]:
        """The query worker processes alive now."""
        found = set()
        for pid in self.descendants():
            try:
                if b"kg.query.workers" in Path(f"/proc/{pid}/cmdline").read_bytes() and alive(pid):
                    found.add(pid)
            except OSError:
                pass
        return found

    def light_query_works(self, timeout: float = 10.0) -> bool:
        """The server answers a small query correctly (over tests/support/http_fixtures.py's store)."""
        r = httpx.get(f"{self.url}/sparql", params={"query": LIGHT}, timeout=timeout,
                      headers={"accept": "application/sparql-results+json"})
        return r.status_code == 200 and len(r.json()["results"]["bindings"]) == 2

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextlib.contextmanager
def kg_serve(store: Path, **settings) -> Iterator[Served]:
    """``kg serve`` over ``store`` with the given settings (``workers=2`` becomes ``KG_WORKERS=2``)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env.update({f"KG_{k.upper()}": str(v) for k, v in settings.items()})
    env.update(KG_STORE_PATH=str(store), KG_PORT=str(port))
    log = Path(tempfile.mkstemp(prefix="kg-serve-", suffix=".log")[1])
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "kg", "serve"], env=env, stdout=out, stderr=subprocess.STDOUT)
    served = Served(f"http://127.0.0.1:{port}", proc, log)
    def answers() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"kg serve exited with {proc.returncode}:\n{served.log_text()}")
        try:
            return httpx.post(f"{served.url}/sparql", data={"query": "ASK {}"}, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(answers, timeout=60, what=f"kg serve to answer on {served.url}", detail=served.log_text)
        yield served
    finally:
        tree = served.descendants()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        with contextlib.suppress(WaitTimeout):  # said below, after they are killed
            wait_until(lambda: not any(alive(p) for p in tree), what="the processes of kg serve to end")
        left = [p for p in tree if alive(p)]
        for pid in left:  # never leave them behind, but say so
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        log.unlink(missing_ok=True)
        assert not left, f"processes left after kg serve stopped: {left}"
