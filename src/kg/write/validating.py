"""Validating a partner's write where what it costs stays out of the server.

A graph within the size caps can still be costly to validate: a dense graph
of the eighth #16 probe took 68 s and 735 MB in the HTTP process, which kept
the memory afterwards. So the
server validates a write in a process of its own, as it parses the body
(:mod:`kg.write.parsing`):

* its heap is capped (``RLIMIT_DATA``, as the query workers'), at :data:`MEMORY`;
* it is killed at :data:`SECONDS` (``RLIMIT_CPU`` backs the deadline up);
* past either, the write is refused with a 413 that says which (an abort is
  taken for the memory cap, as a query worker's is); a crash is a 500 for
  that write alone.

The process opens the store read-only itself, loads the shapes and the
ontology (about 0.3 s) and runs :func:`kg.validate.incremental.validate_batch`
with the project's SHACL engine. It trusts what the parent sends (pickled
settings, the graph as a :func:`kg.write.parsing.to_table`); the parent trusts
nothing it sends back, which is JSON (:meth:`kg.validate.Report.from_dict`).
"""

from __future__ import annotations

import json
import logging
import pickle
import signal
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.config import Settings
from kg.errors import ConfigError, KGError, StoreError
from kg.rdf import sources as src
from kg.validate import Report
from kg.write import parsing

logger = logging.getLogger(__name__)

SECONDS = 60.0        # a graph not validated by then is refused (413)
MEMORY = 1536         # MiB of heap the validating process may allocate
#: What the parent runs: the package from where this file is, whatever the working folder, then main().
_BOOT = "import sys; sys.path.insert(0, sys.argv[1]); from kg.write.validating import main; main()"
HINT = "send a smaller graph, or one whose nodes link to fewer others, in several writes"


class TooCostlyToValidate(KGError):
    """A write whose validation would take more time or memory than a write may (HTTP 413)."""

    status = 413
    title = "graph too costly to validate"


@dataclass(frozen=True)
class Limits:
    seconds: float = SECONDS
    memory: int = MEMORY  # MiB


def to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    g = Graph()
    g.addN((src.to_rdflib(t.subject), src.to_rdflib(t.predicate), src.to_rdflib(t.object), g) for t in triples)
    return g


def validate(settings: Settings, graph_iri: str, triples: list[ox.Triple], *, exclude: Iterable[str],
             replaced: Iterable[str], limits: Limits | None = None) -> Report:
    """The report of ``graph_iri`` as ``triples`` in the store's context, made in a process of its own.

    ``exclude``: graphs the context leaves out (the one replaced, the derived ones); ``replaced``: graphs
    whose old subjects may leave links dangling (see :func:`kg.validate.incremental.validate_batch`).
    Blocks the calling thread until the process answers, at most ``limits.seconds``.
    """
    limits = limits or Limits(seconds=SECONDS, memory=MEMORY)  # read now: a test may set them
    job = pickle.dumps({"settings": settings, "graph": graph_iri, "exclude": sorted(exclude),
                        "replaced": sorted(replaced), "limits": limits, "triples": parsing.to_table(triples)})
    try:
        done = subprocess.run([sys.executable, "-c", _BOOT, str(Path(__file__).parents[2])], input=job,
                              capture_output=True, timeout=limits.seconds)
    except subprocess.TimeoutExpired:  # run() has killed it
        raise TooCostlyToValidate(f"validating the graph took more than {limits.seconds:g} s", hint=HINT) from None
    return _answer(done.returncode, done.stdout, done.stderr, limits)


def _answer(code: int, out: bytes, err: bytes, limits: Limits) -> Report:
    if code == 0 and out:
        try:
            answer = json.loads(out)
            if answer.get("ok") is True:
                return Report.from_dict(answer["report"], prefixes=_strings(answer.get("prefixes")),
                                        seconds=float(answer.get("seconds") or 0.0))
        except (ValueError, TypeError, KeyError, AttributeError) as e:
            raise KGError(f"the validating process gave an answer that cannot be read ({e})") from None
        if isinstance(answer, dict):
            raise _refused(answer, limits)
    tail = err.decode("utf-8", "replace")[-300:].strip()
    if code in (-signal.SIGKILL, -signal.SIGXCPU):
        raise TooCostlyToValidate(f"validating the graph took more than {limits.seconds:g} s of processor time",
                                  hint=HINT)
    # Native code that cannot allocate under the cap (a thread's stack, a buffer) aborts the process.
    if code == -signal.SIGABRT or "MemoryError" in tail or "memory allocation" in tail:
        raise _out_of_memory(limits)
    logger.warning("the validating process ended with code %s: %s", code, tail or "(nothing on stderr)")
    raise KGError(f"validating the graph failed (the validating process ended with code {code})",
                  hint="send the write again; if it fails again, tell the server's operators")


def _strings(value) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError("prefixes that are not strings")
    return value


def _refused(answer: dict, limits: Limits) -> KGError:
    kind, message, hint = answer.get("kind"), str(answer.get("message") or ""), answer.get("hint")
    hint = hint if isinstance(hint, str) else None
    if kind == "memory":
        return _out_of_memory(limits)
    if kind == "config":
        return ConfigError(message, hint=hint)
    if kind == "store":
        return StoreError(message, hint=hint)
    return KGError(message or "validating the graph failed", hint=hint)


def _out_of_memory(limits: Limits) -> TooCostlyToValidate:
    return TooCostlyToValidate(f"validating the graph needs more than {limits.memory:,} MiB of memory", hint=HINT)


# -- the validating process ---------------------------------------------------------------------

def _cap(limits: Limits) -> None:
    import resource

    cap = limits.memory * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))
    cpu = int(limits.seconds) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def _validate(job: dict) -> Report:
    from kg.store import raw_store
    from kg.validate import shapes_and_ontology
    from kg.validate.incremental import Context, validate_batch

    settings: Settings = job["settings"]
    shapes, ontology = shapes_and_ontology(settings)
    triples = parsing.from_table(*job["triples"])
    batch = {job["graph"]: to_rdflib(triples)} if triples else {}
    store = raw_store(settings)
    report, _ = validate_batch(batch, Context(store, set(job["exclude"])), shapes, ontology,
                               replaced=job["replaced"], engine=settings.shacl_engine)
    return report


def main() -> None:
    """A pickled job on stdin (the graph as a table of terms); one JSON answer on stdout."""
    job = pickle.loads(sys.stdin.buffer.read())
    _cap(job["limits"])
    try:
        report = _validate(job)
        answer = {"ok": True, "report": report.to_dict(), "prefixes": dict(report.prefixes),
                  "seconds": report.seconds}
    except MemoryError:
        answer = {"ok": False, "kind": "memory"}
    except KGError as e:
        kind = "config" if isinstance(e, ConfigError) else "store" if isinstance(e, StoreError) else "error"
        answer = {"ok": False, "kind": kind, "message": e.message, "hint": e.hint}
    try:
        text = json.dumps(answer, ensure_ascii=False)
    except MemoryError:
        text = json.dumps({"ok": False, "kind": "memory"})
    sys.stdout.buffer.write(text.encode("utf-8", "surrogatepass"))
    sys.stdout.flush()
