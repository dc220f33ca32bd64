"""The web URL scheme of the spkg site: the only code that builds its URLs.

IRIs minted under the base map onto paths of this server, whatever host it
runs on: ``{base}id/{type}/{key}`` is answered at ``/id/{type}/{key}`` (303
to ``/doc/{type}/{key}``), ``{base}def/kg#Term`` at ``/def/kg#Term``,
``{base}shapes/core#Name`` at ``/shapes/core#Name``, ``{base}graph/data/x``
at ``/graph/data/x``. Resources with IRIs of others (the UN SDG targets, say)
get a page at ``/about?iri=…``; pages link to those IRIs too, as external links.

Machinery lives under ``/-/`` (``/-/static/…``).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from kg.rdf import iris

#: URL suffix -> format short name (kg.web.negotiation) for documents.
SUFFIXES = {"ttl": "ttl", "jsonld": "jsonld", "nt": "nt", "rdf": "rdf", "html": "html"}
FORMAT_LABELS = {"html": "HTML", "ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "rdf": "RDF/XML"}


class Urls:
    def __init__(self, base: str, root: str = "") -> None:
        self.base = base
        self.root = root.rstrip("/")

    def _p(self, path: str, **params: object) -> str:
        query = {k: v for k, v in params.items() if v not in (None, "", False)}
        url = f"{self.root}{path}"
        return f"{url}?{urlencode(query)}" if query else url

    # -- IRIs ---------------------------------------------------------------------------

    def is_local(self, iri: str) -> bool:
        return iri.startswith(self.base)

    def iri_for_path(self, path: str) -> str:
        """The IRI a request path of this server stands for (``/doc/x/y`` -> ``{base}doc/x/y``)."""
        return self.base + path.lstrip("/")

    def page(self, iri: str) -> str:
        """Where a browser sees ``iri`` on this site."""
        if self.is_local(iri):
            rest = iri[len(self.base):]
            if rest.startswith("id/") and iris.split_thing(iri.split("#")[0], self.base):
                rest = "doc/" + rest[3:]
            return f"{self.root}/{rest}"
        return self.about(iri)

    def doc(self, iri: str, fmt: str | None = None) -> str:
        """The document of ``iri`` in format ``fmt`` (a suffix), or negotiated if None."""
        parts = iris.split_thing(iri, self.base) or iris.split_document(iri, self.base)
        if parts:
            path = f"/doc/{parts[0]}/{parts[1]}"
            return self._p(f"{path}.{fmt}" if fmt else path)
        return self.about(iri, fmt)

    def about(self, iri: str, fmt: str | None = None) -> str:
        return self._p("/about", iri=iri, format=fmt)

    # -- pages ----------------------------------------------------------------------------

    def home(self) -> str:
        return self._p("/")

    def outcomes(self, **filters: object) -> str:
        return self._p("/outcomes", **filters)

    def table(self, name: str, suffix: str, **params: object) -> str:
        """The list ``name`` (outcomes, organizations, instruments, sdg-targets) as a table file:
        ``suffix`` csv or xlsx; ``params`` the list's filters."""
        return self._p(f"/{name}.{suffix}", **params)

    def organizations(self, page: int | None = None) -> str:
        return self._p("/organizations", page=page if page and page > 1 else None)

    def instruments(self, page: int | None = None) -> str:
        return self._p("/instruments", page=page if page and page > 1 else None)

    def sdg_targets(self, **params: object) -> str:
        return self._p("/sdg-targets", **params)

    def search(self, q: str | None = None) -> str:
        return self._p("/search", q=q)

    def sparql(self, query: str | None = None, fmt: str | None = None) -> str:
        return self._p("/sparql", query=query, format=fmt)

    def query(self, query: str | None = None) -> str:
        """The query editor (with ``query`` in it, run)."""
        return self._p("/query", query=query)

    def api_docs(self) -> str:
        return self._p("/docs")

    def ontology(self, fmt: str | None = None) -> str:
        return self._p(f"/def/kg.{fmt}" if fmt else "/def/kg")

    def term(self, iri: str) -> str:
        return self.page(iri)

    def shapes(self, file: str | None = None, fmt: str | None = None) -> str:
        if file is None:
            return self._p("/shapes/")
        return self._p(f"/shapes/{quote(file)}.{fmt}" if fmt else f"/shapes/{quote(file)}")

    def graph(self, iri: str, fmt: str | None = None) -> str:
        url = self.page(iri)
        return f"{url}.{fmt}" if fmt and self.is_local(iri) else url

    def quality(self, fmt: str | None = None) -> str:
        """What validation found (``fmt="json"``: as JSON)."""
        return self._p("/quality", format=fmt)

    def dumps(self) -> str:
        return self._p("/dumps/")

    def dump(self, name: str) -> str:
        return self._p(f"/dumps/{quote(name)}")

    def release(self, version: str) -> str:
        """A release's page: its files and what changed since the one before."""
        return self._p(f"/dumps/{quote(version)}")

    def feed(self) -> str:
        return self._p("/dumps/feed.atom")

    def latest(self, key: str) -> str:
        return self._p(f"/dumps/latest/{quote(key)}")

    def void(self, fmt: str | None = None) -> str:
        return self._p(f"/.well-known/void.{fmt}" if fmt else "/.well-known/void")

    def static(self, name: str) -> str:
        return self._p(f"/-/static/{quote(name)}")

    def health(self) -> str:
        return self._p("/-/health")
