"""CORS for any origin, without credentials: browser clients may query and federate.

A raw ASGI middleware (cheaper than a generic one on the hot path): every
response gets ``Access-Control-Allow-Origin: *`` and the headers a script may
read; a preflight ``OPTIONS`` is answered here with 204. ``also`` names more
headers to add to every response: ``/sparql``'s wrapper passes the security
headers there, so its hot path pays for one send wrapper, not two.
"""

from __future__ import annotations

ALLOW_ORIGIN = (b"access-control-allow-origin", b"*")
EXPOSE = (b"access-control-expose-headers", b"SPARQL-Results-Truncated, Server-Timing, Content-Length, Allow, ETag, Last-Modified, Content-Range")
PREFLIGHT = [
    ALLOW_ORIGIN,
    (b"access-control-allow-methods", b"GET, POST, HEAD, OPTIONS"),
    (b"access-control-max-age", b"86400"),
    (b"content-length", b"0"),
]


class CORS:
    def __init__(self, app, also: tuple[tuple[bytes, bytes], ...] = ()) -> None:
        self.app = app
        self.added = (ALLOW_ORIGIN, EXPOSE, *also)
        self.preflight = [*PREFLIGHT, *also]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["method"] == "OPTIONS":
            requested = None
            for key, value in scope["headers"]:
                if key == b"access-control-request-headers":
                    requested = value
            headers = list(self.preflight)
            headers.append((b"access-control-allow-headers", requested or b"Accept, Content-Type"))
            headers.append((b"allow", b"GET, POST, HEAD, OPTIONS"))
            await send({"type": "http.response.start", "status": 204, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_cors(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                headers.extend(self.added)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cors)
