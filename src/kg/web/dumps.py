"""``/dumps/`` and ``/.well-known/void``: downloads and the dataset's description.

* ``/dumps/`` — the files of each dataset version (HTML; JSON: the latest manifest);
* ``/dumps/latest/{name}`` — 302 to the current file of that kind (``spkg.ttl``, ``spkg.nt.gz``…);
* ``/dumps/{file}`` — the file itself: only names a dump manifest lists, only from the dumps
  folder. Strong ETag and Last-Modified from the dataset version, 304 on a conditional GET,
  ``Range`` gives 206 (resume), the body is streamed in 64 KiB chunks;
* ``/.well-known/void`` — the DCAT/VoID description: Turtle, JSON-LD, N-Triples, RDF/XML or a page.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from fastapi import APIRouter, Request
from rdflib import URIRef
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from kg.publish import void as catalog, dumps, ld
from kg.errors import BadParameter, KGError, NotFound
from kg.web import caching
from kg.web import errors as http_errors
from kg.web import negotiation as neg
from kg.site import downloads

router = APIRouter()
GET = ["GET", "HEAD"]
VOID_OFFERS = tuple(neg.BY_NAME[n] for n in ("ttl", "html", "jsonld", "nt", "rdf"))
VOID_SUFFIXES = {"ttl": "ttl", "jsonld": "jsonld", "nt": "nt", "rdf": "rdf", "html": "html"}


class RangeError(KGError):
    status = 416
    title = "range not satisfiable"


#: A byte-range set as RFC 9110 (14.1.2) writes one: anything else is ignored, not refused.
_RANGE_SYNTAX = re.compile(r"\s*bytes\s*=\s*(?:\d+-\d*|-\d+)(?:\s*,\s*(?:\d+-\d*|-\d+))*\s*", re.IGNORECASE)


class DumpFile(FileResponse):
    """A file response whose Range handling never fails the download.

    A malformed or unsupported ``Range`` is ignored (the whole file, 200, as
    RFC 9110 allows); an unsatisfiable one gets 416 in the one JSON error shape.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"range"]
        ranges = [v for k, v in scope["headers"] if k.lower() == b"range"]
        if ranges and _RANGE_SYNTAX.fullmatch(ranges[0].decode("latin-1")):
            size = int(self.headers["content-length"])
            try:
                self._parse_range_header(ranges[0].decode("latin-1"), size)
                headers.append((b"range", ranges[0]))
            except Exception as e:  # MalformedRangeHeader / RangeNotSatisfiable
                if type(e).__name__ == "RangeNotSatisfiable":
                    response = http_errors.error_response(RangeError(
                        f"the range {ranges[0].decode('latin-1')!r} is outside the file ({size} bytes)"))
                    response.headers["content-range"] = f"bytes */{size}"
                    return await response(scope, receive, send)
        await super().__call__({**scope, "headers": headers}, receive, send)


def _built_at(manifest: dict) -> datetime:
    try:
        dt = datetime.fromisoformat(manifest["built_at"])
    except (KeyError, ValueError):
        return datetime.now(timezone.utc)
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


@router.api_route("/dumps", methods=GET, include_in_schema=False)
@router.api_route("/dumps/latest", methods=GET, include_in_schema=False)
@router.api_route("/dumps/latest/", methods=GET, include_in_schema=False)
def dumps_root(request: Request) -> Response:
    return RedirectResponse(caching.site(request).urls.dumps(), status_code=308 if request.url.path == "/dumps" else 302)


@router.api_route("/dumps/", methods=GET, include_in_schema=False)
def dumps_index(request: Request) -> Response:
    s = caching.site(request)
    offers = (neg.PAGE, neg.BY_NAME["json"])

    def produce(fmt: neg.Format) -> bytes | str:
        found = dumps.manifests(s.settings)
        if fmt is not neg.PAGE:
            latest = dumps.read_latest(s.settings)
            if latest is None:
                raise NotFound("no dumps have been written yet", hint="run `kg dump`")
            return json.dumps(latest, indent=2).encode()
        view = downloads.dumps_view(s.urls, found, s.version().name)
        return s.renderer.render("dumps.html", version=s.version().name, active="dumps", **view)

    token = dumps_token(s.settings)
    return caching.answer(request, offers, produce, key=token)


def dumps_token(settings) -> str:
    try:
        st = (settings.dumps_dir / dumps.LATEST).stat()
        return f"{st.st_mtime_ns}-{st.st_size}"
    except OSError:
        return "none"


@router.api_route("/dumps/latest/{key}", methods=GET, include_in_schema=False)
def latest(key: str, request: Request) -> Response:
    s = caching.site(request)
    manifest = dumps.read_latest(s.settings)
    entry = next((f for f in (manifest or {}).get("files", []) if f.get("latest") == key), None)
    if entry is None:
        known = ", ".join(f["latest"] for f in (manifest or {}).get("files", [])) or "none: run `kg dump`"
        return caching.error(request, NotFound(f"no latest dump called {key!r}", hint=f"there are: {known}"),
                             suggestion=key)
    return RedirectResponse(s.urls.dump(entry["name"]), status_code=302,
                            headers={"cache-control": "public, no-cache"})


@router.api_route("/dumps/feed.atom", methods=GET, include_in_schema=False)
def feed(request: Request) -> Response:
    """The releases as an Atom feed: a researcher's reader tells them when a new one is out."""
    s = caching.site(request)
    body = downloads.atom(s.urls, dumps.manifests(s.settings), "spkg")
    token = dumps_token(s.settings)
    tag = f'W/"feed-{token}"'
    headers = caching.validators(tag, None)
    if caching.not_modified(caching.lower_headers(request), tag, None):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/atom+xml; charset=utf-8", headers=headers)


@router.api_route("/dumps/{name}", methods=GET, include_in_schema=False)
def dump_file(name: str, request: Request) -> Response:
    s = caching.site(request)
    if dumps.is_version(name):
        return _release(name, request)
    try:
        path, entry, manifest = dumps.locate(s.settings, name)
    except KGError as e:
        return caching.error(request, e, suggestion=name)
    tag = f'"{manifest["version"]}-{entry["sha256"][:16]}"'
    modified = _built_at(manifest)
    headers = caching.validators(tag, modified, caching.IMMUTABLE)
    if caching.not_modified(caching.lower_headers(request), tag, modified):
        return Response(status_code=304, headers=headers)
    media_type = "application/gzip" if name.endswith(".gz") else entry.get("media_type", "application/octet-stream")
    if media_type.startswith("text/"):
        media_type += "; charset=utf-8"
    return DumpFile(path, media_type=media_type, filename=name, headers=headers, stat_result=path.stat())


def _release(version: str, request: Request) -> Response:
    """A release: its files and what changed since the release before (HTML, or the changes file as JSON)."""
    s = caching.site(request)
    manifest = next((m for m in dumps.manifests(s.settings) if m["version"] == version), None)
    if manifest is None:
        return caching.error(request, NotFound(f"no release {version!r} in the dumps folder",
                                               hint="see /dumps/ for the releases there are"))
    offers = (neg.PAGE, neg.BY_NAME["json"])

    def produce(fmt: neg.Format) -> bytes | str:
        changes = dumps.read_changes(s.settings, version)
        if fmt is not neg.PAGE:
            return json.dumps(changes or {}, indent=1, ensure_ascii=False).encode()
        view = downloads.release_view(s.urls, manifest, changes)
        return s.renderer.render("release.html", version=s.version().name, active="dumps", **view)

    return caching.answer(request, offers, produce, key=dumps_token(s.settings))


@router.api_route("/dumps/{rest:path}", methods=GET, include_in_schema=False)
def dumps_malformed(rest: str, request: Request) -> Response:
    if ".." in rest.split("/") or "\\" in rest:
        return caching.error(request, BadParameter(f"/dumps/{rest} is not a dump file"))
    return caching.error(request, NotFound(f"no dump file {rest!r}", hint="see /dumps/ for the files there are"),
                         suggestion=rest.rsplit("/", 1)[-1])


# -- the catalogue --------------------------------------------------------------------------------

def catalogue_graph(request: Request):
    s = caching.site(request)

    def make():
        latest = dumps.read_latest(s.settings)
        return catalog.describe(s.store(), s.settings, s.manifest(), latest)

    return s.cached(f"catalogue:{dumps_token(s.settings)}", make)


def _void(request: Request, fixed: neg.Format | None) -> Response:
    s = caching.site(request)

    def produce(fmt: neg.Format) -> bytes | str:
        g = catalogue_graph(request)
        if fmt is neg.PAGE:
            labels = s.context().labels({n for t in g for n in t if isinstance(n, URIRef)})
            view = downloads.catalog_view(s.urls, g, URIRef(ld.dataset_iri(s.settings.base)), labels)
            return s.renderer.render("catalog.html", c=view, version=s.version().name,
                                     alternates=[{"type": neg.BY_NAME[f].media_type, "href": s.urls.void(f), "label": f}
                                                 for f in ("ttl", "jsonld")])
        return ld.serialize(g, fmt.name, s.settings.base)

    return caching.answer(request, VOID_OFFERS, produce, fixed=fixed, key=dumps_token(s.settings))


@router.api_route("/.well-known/void", methods=GET, include_in_schema=False)
def void(request: Request) -> Response:
    return _void(request, None)


@router.api_route("/.well-known/void.{ext}", methods=GET, include_in_schema=False)
def void_suffix(ext: str, request: Request) -> Response:
    if ext not in VOID_SUFFIXES:
        return caching.error(request, NotFound(f"no description as .{ext}; try .ttl or .jsonld"))
    return _void(request, neg.BY_NAME[VOID_SUFFIXES[ext]])


@router.api_route("/doc/dataset/spkg", methods=GET, include_in_schema=False)
@router.api_route("/doc/catalog/spkg", methods=GET, include_in_schema=False)
def dataset_document(request: Request) -> Response:
    """The dataset and catalogue IRIs are described by the catalogue, not by the store."""
    return _void(request, None)


@router.api_route("/id/dataset/spkg", methods=GET, include_in_schema=False)
@router.api_route("/id/catalog/spkg", methods=GET, include_in_schema=False)
def dataset_thing(request: Request) -> Response:
    return RedirectResponse(request.url.path.replace("/id/", "/doc/", 1), status_code=303)


@router.api_route("/id/distribution/{name}", methods=GET, include_in_schema=False)
@router.api_route("/doc/distribution/{name}", methods=GET, include_in_schema=False)
def distribution(name: str, request: Request) -> Response:
    """A distribution's IRI leads to the description that lists it."""
    s = caching.site(request)
    try:
        dumps.locate(s.settings, name)
    except KGError as e:
        return caching.error(request, e, suggestion=name)
    return RedirectResponse(s.urls.void(), status_code=303)
