"""The only place that turns exceptions into HTTP responses.

Every API error has one JSON shape::

    {"ok": false, "error": "line 1, column 26: unexpected …", "status": 400,
     "title": "query syntax error", "hint": …, "line": 1, "column": 26}

``ok``, ``error`` and ``status`` are always there; ``title`` names the kind of
error (the class's title); ``hint``, ``line``, ``column`` and ``parameter`` appear
when known. A :class:`~kg.errors.KGError` answers with its class's status; any
other exception is a bug: 500, a generic message, and the traceback in the log.
"""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response

from kg.errors import KGError, storage_error

logger = logging.getLogger(__name__)

JSON = "application/json"


class ClientGone(KGError):
    """The client closed the connection before it had sent its request: nobody to answer, no server fault.

    Counted as 499 (nginx's "client closed request"), never logged as an error.
    """

    status = 499
    title = "client closed the request"


def error_body(exc: BaseException) -> tuple[int, dict]:
    """(status, body) for any exception."""
    if isinstance(exc, OSError) and (fault := storage_error(exc, public=True)) is not None:
        exc = fault  # a full or read-only disk: 507 saying so (the path is in the server's log)
    if isinstance(exc, ClientDisconnect):
        exc = ClientGone("the client went away before it had sent the whole request")
    if isinstance(exc, KGError):
        body: dict = {"ok": False, "error": exc.message, "status": exc.status, "title": exc.title}
        if exc.hint:
            body["hint"] = exc.hint
        for attr in ("line", "column", "parameter"):
            value = getattr(exc, attr, None)
            if value is not None:
                body[attr] = value
        return exc.status, body
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code, {"ok": False, "error": str(exc.detail), "status": exc.status_code}
    if isinstance(exc, RequestValidationError):
        errors = "; ".join(f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg')}" for e in exc.errors())
        return 400, {"ok": False, "error": f"bad request: {errors}", "status": 400, "title": "bad parameter"}
    logger.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    return 500, {"ok": False, "error": "internal server error (the details are in the server log)", "status": 500,
                 "title": "internal error"}


def error_headers(exc: BaseException) -> list[tuple[bytes, bytes]]:
    """Extra headers some errors carry (Allow for 405, Retry-After for 429 and 503)."""
    headers = []
    allow = getattr(exc, "allow", None)
    if allow:
        headers.append((b"allow", ", ".join(allow).encode()))
    status = getattr(exc, "status", None)
    if status == 413:  # the rest of the body is not read: the connection cannot carry another request
        headers.append((b"connection", b"close"))
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    elif status == 503:
        headers.append((b"retry-after", b"1"))
    if isinstance(exc, StarletteHTTPException) and exc.headers:
        headers.extend((k.lower().encode(), v.encode()) for k, v in exc.headers.items())
    return headers


def error_bytes(exc: BaseException) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    """What a raw ASGI handler sends: status, JSON body, extra headers."""
    status, body = error_body(exc)
    return status, json.dumps(body, ensure_ascii=False).encode(), error_headers(exc)


def plain_error(status: int, title: str, message: str) -> bytes:
    """The JSON error body for an answer made below the app (the HTTP protocol: 400, 408, 431)."""
    return json.dumps({"ok": False, "error": message, "status": status, "title": title}).encode()


def error_response(exc: BaseException) -> Response:
    status, payload, headers = error_bytes(exc)
    response = Response(payload, status_code=status, media_type=JSON)
    for key, value in headers:
        response.headers[key.decode()] = value.decode()
    return response


class Guard:
    """Raw ASGI wrapper: an exception that escapes ``app`` becomes the JSON error
    (when no response has started yet), as FastAPI's handlers do for routes."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        started = False

        async def tracking_send(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise
            status, body, headers = error_bytes(exc)
            headers += [(b"content-type", JSON.encode()), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})


async def _handle(request: Request, exc: Exception) -> Response:
    return error_response(exc)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app`` (called by ``create_app`` only)."""
    app.add_exception_handler(KGError, _handle)
    app.add_exception_handler(StarletteHTTPException, _handle)
    app.add_exception_handler(RequestValidationError, _handle)
    app.add_exception_handler(ClientDisconnect, _handle)
    app.add_exception_handler(Exception, _handle)
