"""uvicorn's fast HTTP protocol with limits on what a client may send before the app sees it.

uvicorn with httptools buffers a request head of any size (a 1 MB header, 20,000
headers: answered 200) and waits for it forever (a client that sends a byte now
and then holds its connection and its memory). :class:`BoundedHttpTools` refuses
a head (the request line's URL and the headers) over :data:`MAX_HEAD_BYTES` or
:data:`MAX_HEADERS` with 431 and closes the connection, and gives a client :data:`HEAD_TIMEOUT` seconds from connecting (or
from the first byte of its next request) to finish the head: past it, 408 and
the connection is closed. A body gets :data:`BODY_TIMEOUT` seconds, and one more
second for each :data:`BODY_MIN_RATE` bytes that arrive (the rule of Apache's
mod_reqtimeout): a client that dribbles a body a byte at a time gets 408 too, while
a large upload on a slow line goes through. Body sizes are the app's business (413,
:mod:`kg.web.sparql` and :mod:`kg.web.graphs`). Every refusal made here (400, 408,
431) has the app's one JSON error shape (:func:`kg.web.errors.plain_error`).

:func:`kg.web.server.uvicorn_options` passes this class as uvicorn's ``http`` when
httptools is installed; with h11 the same head limit is h11's
``max_incomplete_event_size`` (h11 answers 400).
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from kg.web.errors import plain_error

MAX_HEAD_BYTES = 32 * 1024   # the URL and the headers; browsers send a few KiB (longer queries: POST)
MAX_HEADERS = 100
HEAD_TIMEOUT = 10.0          # seconds; a real client sends its head at once
BODY_TIMEOUT = 10.0          # seconds for a body, before what its bytes add
BODY_MIN_RATE = 500          # bytes that buy another second of body time


_REASONS = {
    400: (b"Bad Request", "bad request"),
    408: (b"Request Timeout", "request timeout"),
    431: (b"Request Header Fields Too Large", "request header fields too large"),
}


class HeadTooLarge(Exception):
    """Raised in a parser callback; httptools re-raises it wrapped, uvicorn answers 400 unless told."""


class BoundedHttpTools(HttpToolsProtocol):
    max_head_bytes = MAX_HEAD_BYTES
    max_headers = MAX_HEADERS
    head_timeout = HEAD_TIMEOUT
    body_timeout = BODY_TIMEOUT
    body_min_rate = BODY_MIN_RATE

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_bytes = 0      # bytes of chunks that ended inside a head: bounds what httptools buffers
        self._header_bytes = 0    # bytes of the headers parsed so far: the limit itself
        self._in_head = True
        self._too_large = False
        self._head_timer: asyncio.TimerHandle | None = self.loop.call_later(self.head_timeout, self._head_too_slow)
        self._body_timer: asyncio.TimerHandle | None = None
        self._body_deadline = 0.0

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        self._stop_body_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        in_head = self._in_head
        super().data_received(data)
        if in_head and self._in_head and not self.transport.is_closing():
            # Still in the head after this chunk: all of it is head (httptools keeps it).
            self._head_bytes += len(data)
            if self._head_bytes > self.max_head_bytes:
                self._refuse(431, b"request header fields too large")

    # -- parser callbacks ---------------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0
        self._header_bytes = 0
        self._in_head = True
        if self._head_timer is None:  # the next request on a kept-alive connection
            self._head_timer = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def on_url(self, url: bytes) -> None:
        self._header_bytes += len(url)  # the URL is part of the head: a 40 KB query string is refused too
        if self._header_bytes > self.max_head_bytes:
            self._too_large = True
            raise HeadTooLarge(f"a URL of more than {self.max_head_bytes} bytes")
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value) + 4
        if len(self.headers) >= self.max_headers or self._header_bytes > self.max_head_bytes:
            self._too_large = True
            raise HeadTooLarge(f"more than {self.max_headers} headers or {self.max_head_bytes} bytes of them")
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._stop_head_timer()
        super().on_headers_complete()
        # Stopped by on_message_complete, at once for a request without a body.
        self._body_deadline = self.loop.time() + self.body_timeout
        self._body_timer = self.loop.call_at(self._body_deadline, self._body_too_slow)

    def on_body(self, body: bytes) -> None:
        super().on_body(body)
        self._body_deadline += len(body) / self.body_min_rate

    def on_message_complete(self) -> None:
        self._stop_body_timer()
        super().on_message_complete()

    # -- refusing ---------------------------------------------------------------------------------

    def send_400_response(self, msg: str) -> None:
        if self._too_large:
            return self._refuse(431, b"request header fields too large")
        self._refuse(400, msg.encode("ascii", "replace"))

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._in_head and not self.transport.is_closing():
            if self._head_bytes or self.headers:
                self._refuse(408, b"the request head took too long")
            else:
                self.transport.close()  # connected and said nothing

    def _body_too_slow(self) -> None:
        self._body_timer = None
        if self.transport.is_closing():
            return
        now = self.loop.time()
        if self.flow.read_paused:  # the app has not taken what came: its delay, not the client's
            self._body_deadline = max(self._body_deadline, now + 1.0)
        if now < self._body_deadline:  # bytes came meanwhile and bought more time
            self._body_timer = self.loop.call_at(self._body_deadline, self._body_too_slow)
        elif self.cycle is not None and self.cycle.response_started:
            self.transport.close()  # the app answered without reading it all (a 413, say)
        else:
            self._refuse(408, b"the request body took too long")

    def _refuse(self, status: int, message: bytes) -> None:
        self._stop_head_timer()
        self._stop_body_timer()
        reason, title = _REASONS[status]
        body = plain_error(status, title, message.decode("ascii", "replace"))
        self.transport.write(b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\n"
                             b"content-length: %d\r\nconnection: close\r\n\r\n%s"
                             % (status, reason, len(body), body))
        self.transport.close()

    def _stop_body_timer(self) -> None:
        if getattr(self, "_body_timer", None) is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _stop_head_timer(self) -> None:
        if getattr(self, "_head_timer", None) is not None:
            self._head_timer.cancel()
            self._head_timer = None
