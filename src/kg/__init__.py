"""spkg: a linked-data knowledge graph of ILO social-protection results.

The public API: build the store from the project's files, validate them, and
query the store. The web layer and the ``kg`` command are built on these.
Names are imported on first use (PEP 562), so ``import kg`` stays light: the
query workers and ``kg --help`` never load rdflib's SPARQL engine or pyshacl.
"""

from __future__ import annotations

import importlib

#: public name -> the module that owns it
_OWNERS = {
    "Settings": "kg.config", "load_settings": "kg.config",
    **{name: "kg.errors" for name in ("BadParameter", "ConfigError", "KGError", "LoadError", "NotFound", "ParseError",
                                      "QueryError", "QuerySyntaxError", "QueryTimeout", "StoreError",
                                      "UnknownQuery", "ValidationFailed")},
    "render_result": "kg.query.results", "run_query": "kg.query.results",
    "Source": "kg.rdf.sources", "discover": "kg.rdf.sources",
    "OxigraphStore": "kg.store", "Store": "kg.store", "read_manifest": "kg.store",
    "BuildReport": "kg.write.build", "build": "kg.write.build",
    **{name: "kg.validate" for name in ("Report", "Result", "format_report", "validate_files", "validate_graph")},
}

__all__ = sorted([*_OWNERS, "__version__"])


def __getattr__(name: str):
    if name == "__version__":
        from kg.store.manifest import package_version

        return package_version()
    if name in _OWNERS:
        value = getattr(importlib.import_module(_OWNERS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
