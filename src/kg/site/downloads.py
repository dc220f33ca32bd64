"""The dumps page and the readable form of the DCAT/VoID catalogue."""

from __future__ import annotations

from xml.sax.saxutils import escape

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDFS, VOID, XSD

from kg.publish import ld
from kg.site.terms import Terms, best_labels, fmt_date, fmt_literal
from kg.site.urls import Urls


def size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return str(n)


def dumps_view(urls: Urls, manifests: list[dict], current: str | None) -> dict:
    """``manifests``: every version in the dumps folder, newest first; ``current``: the store's version."""
    latest = manifests[0] if manifests else None

    def files(m: dict) -> list[dict]:
        return [{**f, "href": urls.dump(f["name"]), "latest_href": urls.latest(f["latest"]),
                 "size": size(int(f["bytes"]))} for f in m.get("files", [])]

    return {
        "latest": {**latest, "files": files(latest), "built": fmt_date(latest.get("built_at", ""), XSD.dateTime),
                   "href": urls.release(latest["version"])}
        if latest else None,
        "older": [{"version": m["version"], "files": files(m), "href": urls.release(m["version"]),
                   "change_summary": m.get("change_summary")} for m in manifests[1:]],
        "feed": urls.feed(),
        "current": current,
        "stale": bool(latest and current and latest["version"] != current),
    }


def release_view(urls: Urls, manifest: dict, changes: dict | None) -> dict:
    """One release: its files, what it replaces, and its changes with links to each thing."""
    def things(items: list[dict]) -> list[dict]:
        return [{"label": x["label"], "href": urls.page(x["iri"])} for x in items]

    kinds = []
    for kind, c in ((changes or {}).get("things") or {}).items():
        kinds.append({"kind": kind, "added": things(c["added"]), "changed": things(c["changed"]),
                      "removed": things(c["removed"])})
    return {
        "release": manifest["version"],
        "built": fmt_date(manifest.get("built_at", ""), XSD.dateTime),
        "replaces": manifest.get("replaces"),
        "replaces_href": urls.release(manifest["replaces"]) if manifest.get("replaces") else None,
        "summary": manifest.get("change_summary"),
        "kinds": kinds,
        "graphs": (changes or {}).get("graphs", []),
        "files": [{**f, "href": urls.dump(f["name"]), "size": size(int(f["bytes"]))} for f in manifest.get("files", [])],
        "feed": urls.feed(),
    }


def atom(urls: Urls, manifests: list[dict], title: str) -> bytes:
    """The releases as an Atom feed (RFC 4287), newest first: what a researcher follows."""
    updated = manifests[0].get("written_at") or manifests[0].get("built_at", "") if manifests else "1970-01-01T00:00:00Z"
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"<title>{escape(title)}: releases</title>", f'<link rel="self" href="{escape(urls.base)}dumps/feed.atom"/>',
           f'<link rel="alternate" type="text/html" href="{escape(urls.base)}dumps/"/>',
           f"<id>{escape(urls.base)}dumps/feed.atom</id>", f"<updated>{escape(_atom_time(updated))}</updated>",
           "<author><name>The spkg project</name></author>"]
    for m in manifests:
        href = f"{urls.base}dumps/{m['version']}"  # the release's IRI (kg.publish.void.release_iri) and page
        summary = m.get("change_summary") or "a release of the dataset"
        out += ["<entry>", f"<title>Release {escape(m['version'])}</title>",
                f'<link rel="alternate" type="text/html" href="{escape(href)}"/>', f"<id>{escape(href)}</id>",
                f"<updated>{escape(_atom_time(m.get('written_at') or m.get('built_at', '')))}</updated>",
                f"<summary>{escape(summary)}</summary>", "</entry>"]
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _atom_time(text: str) -> str:
    return text.replace("+00:00", "Z") if text else "1970-01-01T00:00:00Z"


def _first(g: Graph, s, p):
    return next(iter(g.objects(s, p)), None)


def catalog_view(urls: Urls, g: Graph, dataset: URIRef, labels: dict | None = None) -> dict:
    terms = Terms(urls, {**(labels or {}), **best_labels(g)}, g)

    def text(s, p) -> str:
        v = _first(g, s, p)
        return fmt_literal(v) if isinstance(v, Literal) else (str(v) if v is not None else "")

    distributions = []
    owners = [dataset, *sorted(o for o in g.objects(dataset, VOID.subset) if (o, DCAT.distribution, None) in g)]
    for owner in owners:
        for d in sorted(g.objects(owner, DCAT.distribution)):
            checksum = _first(g, d, ld.SPDX.checksum)
            url = str(_first(g, d, DCAT.downloadURL) or "")
            name = url.rsplit("/", 1)[-1]
            distributions.append({
                "title": text(d, DCTERMS.title), "name": name, "href": urls.dump(name), "iri": url,
                "media_type": text(d, DCTERMS["format"]), "bytes": int(_first(g, d, DCAT.byteSize) or 0),
                "size": size(int(_first(g, d, DCAT.byteSize) or 0)),
                "triples": int(_first(g, d, VOID.triples) or 0),
                "sha256": str(_first(g, checksum, ld.SPDX.checksumValue) or "") if checksum is not None else "",
                "compressed": (d, DCAT.compressFormat, None) in g,
            })
    classes = sorted(((terms.definition(_first(g, p, VOID["class"])), int(_first(g, p, VOID.entities) or 0))
                      for p in g.objects(dataset, VOID.classPartition)), key=lambda x: -x[1])
    properties = sorted(((terms.definition(_first(g, p, VOID.property)), int(_first(g, p, VOID.triples) or 0))
                         for p in g.objects(dataset, VOID.propertyPartition)), key=lambda x: -x[1])
    subsets = [{"term": terms.term(s), "title": text(s, DCTERMS.title), "triples": int(_first(g, s, VOID.triples) or 0)}
               for s in sorted(g.objects(dataset, VOID.subset)) if str(s).startswith(f"{urls.base}graph/")]
    sources = [{"term": terms.term(s), "comment": text(s, RDFS.comment),
                "license": terms.terms(g.objects(s, DCTERMS.license))} for s in sorted(g.objects(dataset, DCTERMS.source))]
    publisher = _first(g, dataset, DCTERMS.publisher)
    return {
        "iri": str(dataset), "title": text(dataset, DCTERMS.title), "description": text(dataset, DCTERMS.description),
        "license": terms.terms(g.objects(dataset, DCTERMS.license)), "rights": text(dataset, DCTERMS.rights),
        "publisher": text(publisher, FOAF.name) if publisher is not None else "",
        "version": text(dataset, OWL.versionInfo), "issued": text(dataset, DCTERMS.issued),
        "modified": text(dataset, DCTERMS.modified), "identifier": text(dataset, DCTERMS.identifier),
        "endpoint": terms.term(_first(g, dataset, VOID.sparqlEndpoint)) if _first(g, dataset, VOID.sparqlEndpoint) else None,
        "stats": [(label, int(_first(g, dataset, p) or 0)) for label, p in (
            ("triples", VOID.triples), ("entities", VOID.entities), ("distinct subjects", VOID.distinctSubjects),
            ("distinct objects", VOID.distinctObjects), ("properties", VOID.properties), ("classes", VOID.classes))],
        "distributions": distributions, "classes": classes, "properties": properties, "subsets": subsets,
        "sources": sources,
        "formats": [{"name": f, "label": label, "href": urls.void(f)} for f, label in
                    (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"), ("rdf", "RDF/XML"))],
    }
