"""spkg: a linked-data knowledge graph of ILO social-protection results.

The public API: build the store from the project's files, validate them, and
query the store. The web layer and the ``kg`` command are built on these.
"""

from __future__ import annotations

from importlib import metadata as _metadata

from kg.config import Settings, load_settings
from kg.errors import (
    BadParameter,
    ConfigError,
    KGError,
    LoadError,
    NotFound,
    ParseError,
    QueryError,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
    UnknownQuery,
    ValidationFailed,
)
from kg.query.results import render_result, run_query
from kg.rdf.sources import Source, discover
from kg.write.build import BuildReport, build
from kg.store import OxigraphStore, Store, read_manifest
from kg.validate.core import Report, Result, format_report, validate_files, validate_graph

try:
    __version__ = _metadata.version("spkg")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "BadParameter",
    "BuildReport",
    "ConfigError",
    "KGError",
    "LoadError",
    "NotFound",
    "OxigraphStore",
    "ParseError",
    "QueryError",
    "QuerySyntaxError",
    "QueryTimeout",
    "Report",
    "Result",
    "Settings",
    "Source",
    "Store",
    "StoreError",
    "UnknownQuery",
    "ValidationFailed",
    "__version__",
    "build",
    "discover",
    "format_report",
    "load_settings",
    "read_manifest",
    "render_result",
    "run_query",
    "validate_files",
    "validate_graph",
]
