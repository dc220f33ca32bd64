"""Security headers: what a browser may do with spkg's answers.

* Every response: ``X-Content-Type-Options: nosniff`` (a browser must not
  guess a script or a page out of a CSV or a Turtle answer).
* Every HTML page, in addition: a Content-Security-Policy that allows only
  spkg's own scripts, styles, images and form targets (no inline script or
  style: the pages keep theirs in ``/-/static/``), ``frame-ancestors 'none'``
  with ``X-Frame-Options: DENY`` for older browsers (no clickjacking through
  a frame), and ``Referrer-Policy: same-origin`` (a query in a page's URL is
  not sent to the sites it links to).

The query editor (``/query``) sends its own policy, :data:`EDITOR_CSP`, which the
middleware keeps: the site's, plus one stylesheet allowed by its hash (see there).

``/sparql`` skips the middleware (:class:`kg.web.app.SpkgApp`): its wrapper adds
:data:`NOSNIFF` from a precomputed tuple, and its query page adds
:data:`PAGE_HEADERS` itself.
"""

from __future__ import annotations

NOSNIFF = (b"x-content-type-options", b"nosniff")

CSP = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
))

#: The fixed rules that YASR's column resizer (the ``column-resizer`` package, bundled in the vendored
#: YASGUI) writes into a ``<style>`` element when it draws a result table: allowed by their hash, so
#: that no other inline style is (not 'unsafe-inline'). Refresh it with YASGUI: the browser's console
#: names the hash of a refused style.
YASGUI_COLUMN_RESIZER_STYLE = "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='"

#: :data:`CSP` with that one stylesheet: the query editor's page, the only one that loads YASGUI.
EDITOR_CSP = CSP.replace("style-src 'self'", f"style-src 'self' {YASGUI_COLUMN_RESIZER_STYLE}")
assert EDITOR_CSP != CSP

PAGE_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


def _is_html(headers) -> bool:
    for key, value in headers:
        if key.lower() == b"content-type":
            return value[:9].lower() == b"text/html"
    return False


def _has_csp(headers) -> bool:
    return any(key.lower() == b"content-security-policy" for key, _ in headers)


class SecurityHeaders:
    """Raw ASGI middleware: :data:`NOSNIFF` on every response, :data:`PAGE_HEADERS` on HTML."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                headers.append(NOSNIFF)
                if _is_html(headers):
                    # a page that sent its own policy (the editor's EDITOR_CSP) keeps it
                    headers.extend(h for h in PAGE_HEADERS if h[0] != b"content-security-policy"
                                   or not _has_csp(headers))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
