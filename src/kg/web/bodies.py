"""Request bodies read within a cap: refused (413) from Content-Length, else as soon as the bytes pass it.

The one reader of capped bodies for the routes behind Starlette (``/graphs``, ``/query/labels``);
``/sparql`` is a raw ASGI app and reads its ``receive`` the same way (:meth:`kg.web.sparql.SparqlEndpoint._body`).
"""

from __future__ import annotations

from starlette.requests import ClientDisconnect, Request

from kg.errors import BodyTooLarge, KGError
from kg.web.errors import ClientGone


async def read_capped(request: Request, limit: int, *, too_large: type[KGError] = BodyTooLarge,
                      hint: str | None = None) -> bytes:
    """The body, refused with ``too_large`` (a 413) once it passes ``limit`` bytes: the declared
    Content-Length first, then as it arrives, so no more than ``limit`` bytes are ever held."""
    length = request.headers.get("content-length")
    if length is not None and length.isascii() and length.isdigit() and int(length) > limit:
        raise _too_large(too_large, f"the body is {int(length):,} bytes; the limit is {limit:,}", hint)
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(too_large, f"the body is over the limit of {limit:,} bytes", hint)
            chunks.append(chunk)
    except ClientDisconnect:
        raise ClientGone("the client went away before it had sent the whole body") from None
    return b"".join(chunks)


def _too_large(kind: type[KGError], message: str, hint: str | None) -> KGError:
    error = kind(message)
    if hint:
        error.hint = hint
    return error
