"""Settings: one table of (name, default, help); nothing is read at import time.

Every setting can be overridden by an environment variable ``KG_<NAME>`` (upper
case) and, for the commands that take them, by command-line flags. The table is
the single source for the CLI help, ``/-/settings`` and the README's settings
section (a test checks that the README documents every entry).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from kg.errors import ConfigError

DEFAULT_BASE = "https://w3id.org/spkg/"


class Setting(NamedTuple):
    name: str
    default: Any
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("base", DEFAULT_BASE, "Base namespace of every IRI spkg mints (must end with '/')."),
    Setting("project_dir", ".", "Folder holding ontology/, shapes/, data/ and queries/."),
    Setting("store_path", ".kg/store", "Folder of the embedded Oxigraph store (relative to project_dir)."),
    Setting("host", "127.0.0.1", "Address `kg serve` listens on."),
    Setting("port", 8000, "Port `kg serve` listens on."),
    Setting("workers", 3, "Query worker processes per HTTP process; each opens the store read-only and is killed when a query runs out of time. Queries known to be slow may use all but one."),
    Setting("query_timeout", 30.0, "Seconds a SPARQL query may run before it is stopped and a timeout error is returned."),
    Setting("query_memory", 2048, "MiB of memory one query worker may allocate; a query that needs more is stopped with a 503 that says so, and the worker replaced. 0: no cap."),
    Setting("result_limit", 100000, "Most rows (or triples) a query result may carry; a cut result is flagged."),
    Setting("service_allowlist", "", "Space-separated endpoint IRI prefixes that SPARQL SERVICE may call; empty turns SERVICE off."),
    Setting("max_query_length", 100000, "Longest accepted query text, in characters."),
    Setting("log_query_text", False, "Write each query's whole text into the query log (kg.web.querylog); off: only its hash and length."),
    Setting("query_queue", 64, "Most queries that may wait for a free query worker (per HTTP process); beyond that the endpoint answers 503."),
    Setting("client_query_seconds", 60.0, "Seconds of query-worker time one client (remote address) may use per rolling minute on /sparql, /api/queries and /query (60: one worker's worth, as the Wikidata Query Service allows); past it, 429 with Retry-After. 0 turns the budget off."),
    Setting("worker_allocator", "auto", "malloc for the query workers: auto (jemalloc when installed; big aggregates run up to 2x faster), system, or a library path."),
    Setting("http_workers", 1, "HTTP processes `kg serve` runs, each with its own `workers` query workers; 1 suits 2 cores (queries run in the workers)."),
    Setting("shutdown_grace", 30.0, "Seconds `kg serve` gives requests in flight to finish after SIGTERM or Ctrl-C; it stops accepting connections at once, and cuts what is still running when the time is up."),
    Setting("dumps_path", ".kg/dumps", "Folder `kg dump` writes the versioned dumps and their DCAT/VoID description to, and the server offers under /dumps/ (relative to project_dir)."),
    Setting("max_upload_bytes", 10_000_000, "Largest request body /graphs accepts (partner graph uploads), in bytes; a larger one is refused with 413 before it is parsed."),
    Setting("partner_writes_per_minute", 30, "Writes (PUT, POST, DELETE on /graphs) one partner may make in any minute, per HTTP process; past it, 429 with Retry-After (each write makes the site recompute its pages). 0: no limit."),
    Setting("store_url", "", "SPARQL query endpoint of an external store to use instead of the embedded one (empty: embedded). Its default graph must be the union of its named graphs; see 'External store' in the README."),
    Setting("store_update_url", "", "SPARQL Update endpoint of the external store (`kg build`, `kg ingest` and /graphs write through it)."),
    Setting("store_graph_store_url", "", "Graph Store Protocol endpoint of the external store; when set, builds larger than one request load through it."),
    Setting("store_auth", "", "Credentials for the external store: 'user:password' (HTTP Basic) or 'Bearer TOKEN'.", secret=True),
    Setting("store_batch_triples", 500000, "Most triples `kg build` sends to an external store in one (atomic) request; a larger dataset is loaded in several."),
    Setting("validate_shards", 0, "Processes that validate a large graph in shards (0: one graph in one process). Bounds memory at 100,000 outcomes; see benchmarks/README.md."),
    Setting("shacl_engine", "turbo", "SHACL engine of `kg validate`, `kg build`, `kg ingest` and partner writes: turbo (pyshacl-turbo, a Rust engine with pySHACL's API and the same results; the faster) or pyshacl (the reference)."),
)

SHACL_ENGINES = ("turbo", "pyshacl")

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclasses.dataclass(frozen=True)
class Settings:
    base: str = DEFAULT_BASE
    project_dir: str = "."
    store_path: str = ".kg/store"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 3
    query_timeout: float = 30.0
    query_memory: int = 2048
    result_limit: int = 100000
    service_allowlist: str = ""
    max_query_length: int = 100000
    log_query_text: bool = False
    query_queue: int = 64
    client_query_seconds: float = 60.0
    worker_allocator: str = "auto"
    http_workers: int = 1
    shutdown_grace: float = 30.0
    dumps_path: str = ".kg/dumps"
    max_upload_bytes: int = 10_000_000
    partner_writes_per_minute: int = 30
    validate_shards: int = 0
    shacl_engine: str = "turbo"
    store_url: str = ""
    store_update_url: str = ""
    store_graph_store_url: str = ""
    store_auth: str = ""
    store_batch_triples: int = 500000

    def __post_init__(self) -> None:
        if not self.base.endswith("/") or "://" not in self.base:
            raise ConfigError(f"setting 'base' must be an absolute IRI ending with '/', got {self.base!r}")
        if self.shacl_engine not in SHACL_ENGINES:
            raise ConfigError(f"setting 'shacl_engine' must be one of {', '.join(SHACL_ENGINES)}, got {self.shacl_engine!r}")

    # Paths are resolved against project_dir so the CLI works from any folder.
    @property
    def root(self) -> Path:
        return Path(self.project_dir).resolve()

    @property
    def store_dir(self) -> Path:
        p = Path(self.store_path)
        return p if p.is_absolute() else self.root / p

    @property
    def dumps_dir(self) -> Path:
        p = Path(self.dumps_path)
        return p if p.is_absolute() else self.root / p

    @property
    def partners_dir(self) -> Path:
        """Partner graphs accepted through /graphs and their audit trail (loaded by `kg build`)."""
        return self.root / "partners"

    @property
    def tokens_path(self) -> Path:
        """Partners' write tokens, hashed (beside the store)."""
        return self.store_dir.parent / "tokens.json"

    @property
    def external(self) -> bool:
        """True when an external SPARQL store stands in for the embedded one."""
        return bool(self.store_url)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def allowlist(self) -> tuple[str, ...]:
        return tuple(p for p in self.service_allowlist.split() if p)

    def public(self) -> dict[str, Any]:
        """The effective settings that may be shown to anyone."""
        return {s.name: getattr(self, s.name) for s in SETTINGS if not s.secret}

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


def _coerce(setting: Setting, raw: str) -> Any:
    kind = type(setting.default)
    if kind is bool:  # bool("false") is True: read the usual spellings instead
        word = raw.strip().lower()
        if word in ("1", "true", "yes", "on"):
            return True
        if word in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(f"environment variable KG_{setting.name.upper()}={raw!r} is not true or false")
    try:
        return kind(raw)
    except ValueError:
        raise ConfigError(
            f"environment variable KG_{setting.name.upper()}={raw!r} is not a valid {kind.__name__}"
        ) from None


#: Settings that were renamed: the old name is still read (environment and overrides), the new one wins.
RENAMED = {"dumps_dir": "dumps_path"}


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Defaults, then ``KG_*`` environment variables, then explicit overrides."""
    env = dict(os.environ if environ is None else environ)
    for old, new in RENAMED.items():
        if f"KG_{old.upper()}" in env:
            env.setdefault(f"KG_{new.upper()}", env.pop(f"KG_{old.upper()}"))
        if old in overrides:
            overrides.setdefault(new, overrides.pop(old))
    values: dict[str, Any] = {}
    for s in SETTINGS:
        raw = env.get(f"KG_{s.name.upper()}")
        if raw is not None:
            values[s.name] = _coerce(s, raw)
    for name, value in overrides.items():
        if name not in _BY_NAME:
            raise ConfigError(f"unknown setting {name!r}")
        if value is not None:
            values[name] = value
    return Settings(**values)
