"""Shared by the fault tests: real ``kg`` processes, killed or starved, and what to check after.

* :func:`run_kg` runs a ``kg`` command in a fresh interpreter, optionally armed
  with a crash point (:mod:`crashpoint`) or killed by the test when a condition holds;
* :class:`Served` is a real ``kg serve`` on a free port;
* :func:`fingerprint` is a store's content (graph, triple) independent of when
  and how it was loaded; :func:`fresh_build` is what ``kg build`` makes of the
  files on disk now: "the store matches the files" is ``fingerprint == fresh_build``;
* :func:`leftovers` lists the temp folders and files a run may leave behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox
from waiting import WaitTimeout, wait_until

from kg import config
from kg import store
from kg.write.build import build

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
RECORDS = TESTS / "fixtures" / "records"
FIXTURE = TESTS / "fixtures" / "project"  # the small project (tests/support/fixture_project.py)
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"

# A partner's graph and a note to write into it.
BASE = config.DEFAULT_BASE
GENEVA = f"{BASE}graph/partner/ilo-geneva/"
GRAPH = GENEVA + "notes"
OUTCOME = f"{BASE}id/outcome/chn302-2021-07-16"
NOTE = f'<{OUTCOME}> <http://www.w3.org/2000/01/rdf-schema#comment> "Checked by ILO Geneva."@en .\n'


def organizations(n: int) -> str:
    """A Turtle data file of ``n`` organizations: more data for a build to load."""
    lines = ["@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix kg: <https://w3id.org/spkg/def/kg#> ."]
    lines += [f'<https://w3id.org/spkg/id/organization/o{i}> a kg:Organization ; rdfs:label "Org {i}"@en .'
              for i in range(n)]
    return "\n".join(lines) + "\n"


def env(**settings: object) -> dict[str, str]:
    """This environment without KG_* variables, plus ``KG_<NAME>`` for each setting given."""
    out = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    out["PYTHONPATH"] = os.pathsep.join([str(TESTS / "support"), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])
    out.update({f"KG_{k.upper()}": str(v) for k, v in settings.items()})
    return out


def kg_command(*args: str) -> list[str]:
    from crashpoint import RUN_KG

    return [sys.executable, "-c", RUN_KG, *args]


def run_kg(project: Path, *args: str, crash: str | None = None, kill_when: Callable[[], bool] | None = None,
           timeout: float = 60) -> subprocess.CompletedProcess:
    """``kg ARGS --project-dir PROJECT``: killed at ``crash`` (a crash point), or by us once ``kill_when()``."""
    extra = {"test_crash": crash} if crash else {}
    proc = subprocess.Popen(kg_command(*args, "--project-dir", str(project)), env=env(**extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if kill_when is not None:
        deadline = time.monotonic() + timeout
        while proc.poll() is None and time.monotonic() < deadline:
            if kill_when():
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)  # a tight poll: the moment to kill may be short (a temp folder that comes and goes)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def settings_of(project: Path) -> config.Settings:
    return config.load_settings(environ={}, project_dir=str(project))


# -- what is on disk ---------------------------------------------------------------------

_BLANK = re.compile(r"_:[A-Za-z0-9]+")


def fingerprint(store_dir: Path) -> str:
    """A digest of every quad in the store (blank node labels ignored: each load picks its own)."""
    s = ox.Store.read_only(str(store_dir))
    try:
        lines = sorted(_BLANK.sub("_:", str(q)) for q in s)
    finally:
        del s
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def fresh_build(project: Path, scratch: Path) -> str:
    """The fingerprint of what `kg build` makes of ``project``'s files as they are now."""
    copy = scratch / f"fresh-{time.monotonic_ns()}"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".kg", ".ingest-*"))
    s = settings_of(copy)
    build(s, validate=False)
    try:
        return fingerprint(s.store_dir)
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def manifest(settings: config.Settings) -> dict | None:
    try:
        return json.loads(store.manifest_path(settings).read_text())
    except FileNotFoundError:
        return None


def graph_counts(store_dir: Path) -> dict[str, int]:
    s = ox.Store.read_only(str(store_dir))
    try:
        return {r["g"].value: int(r["n"].value) for r in s.query(COUNTS)}
    finally:
        del s


def assert_manifest_matches_store(settings: config.Settings) -> None:
    """The version servers announce (the manifest) describes the store they serve."""
    m = manifest(settings)
    assert m is not None, "no build manifest"
    assert store.manifest_path(settings).is_file()
    assert m["graphs"] == graph_counts(settings.store_dir), "the manifest does not describe the store in place"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (dot folders included) with a digest of its bytes."""
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(settings: config.Settings) -> list[str]:
    """Temp folders and files of builds, ingests and partner writes."""
    kg_dir = settings.store_dir.parent
    found = [p for p in kg_dir.glob("*") if re.search(r"\.(new|old)-\d+$", p.name)]
    found += list(settings.data_dir.glob(".ingest-*"))
    if settings.partners_dir.is_dir():
        found += [p for p in settings.partners_dir.rglob(".*") if re.search(r"\.new-\d+$", p.name)]
    return sorted(str(p.relative_to(settings.root)) for p in found)


# -- a real kg serve ---------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> set[int]:
    """The live processes under ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if fields[0] != "Z":
                    children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = set(), list(children.get(pid, []))
    while todo:
        p = todo.pop()
        out.add(p)
        todo.extend(children.get(p, []))
    return out


def gone(pids: set[int], within: float = 30) -> bool:
    """Whether all of ``pids`` have ended (or are zombies) within ``within`` s."""
    try:
        return wait_until(lambda: not any(os.path.exists(f"/proc/{p}") and _state(p) != "Z" for p in pids),
                          timeout=within, what=f"processes {sorted(pids)} to end")
    except WaitTimeout:
        return False


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "X"


class Served:
    """``kg serve`` for ``project`` in a subprocess (one HTTP process, ``workers`` query workers)."""

    def __init__(self, project: Path, *, crash: str | None = None, **settings: object) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        values = {"port": self.port, "workers": 1, **settings}
        if crash:
            values["test_crash"] = crash
        self.proc = subprocess.Popen(kg_command("serve", "--project-dir", str(project)), env=env(**values),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

        def healthy() -> bool:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kg serve exited with {self.proc.returncode}: "
                                   f"{self.proc.communicate()[1][-2000:]}")
            try:
                return httpx.get(f"{self.url}/-/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        try:
            wait_until(healthy, timeout=60, what=f"kg serve to answer on {self.url}")
        except WaitTimeout:
            self.proc.kill()
            raise WaitTimeout(f"kg serve did not answer on {self.url} within 60 s: "
                              f"{self.proc.communicate()[1][-2000:]}") from None

    def counts(self) -> dict[str, int]:
        r = httpx.post(f"{self.url}/sparql", data={"query": COUNTS},
                       headers={"accept": "application/sparql-results+json"}, timeout=30)
        assert r.status_code == 200, r.text
        return {b["g"]["value"]: int(b["n"]["value"]) for b in r.json()["results"]["bindings"]}

    def stop(self) -> int:
        tree = descendants(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        assert gone(tree), "processes left after kg serve stopped"
        return code

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.stop()
