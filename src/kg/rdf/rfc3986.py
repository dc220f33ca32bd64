"""IRIs in their normal form (RFC 3986, section 6.2.2), for every check that compares IRIs.

A permission or an allowlist compares an IRI with a prefix. Compared as raw
strings, ``…/partner/pa/../pb/x`` and ``…/partner/pa/%2e%2e/pb/x`` start with
``…/partner/pa/`` although every HTTP client and most stores read them as
``…/partner/pb/x``. :func:`normalize` is what those checks compare instead:

* the scheme and the host in lower case;
* percent-encodings of unreserved characters (``A-Z a-z 0-9 - . _ ~``) decoded,
  the others with upper-case hex digits;
* dot segments (``.`` and ``..``) removed from the path (section 5.2.4).

IRIs may hold non-ASCII characters: they are kept as they are.
"""

from __future__ import annotations

import re

# RFC 3986, appendix B.
_PARTS = re.compile(r"^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.DOTALL)
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _escapes(text: str) -> str:
    def one(m: re.Match) -> str:
        char = chr(int(m.group(1), 16))
        return char if char in _UNRESERVED else "%" + m.group(1).upper()

    return _ESCAPE.sub(one, text) if "%" in text else text


def remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4: ``/a/b/../c/./d`` -> ``/a/c/d``."""
    if "." not in path:
        return path
    out: list[str] = []
    rest = path
    while rest:
        if rest.startswith("../"):
            rest = rest[3:]
        elif rest.startswith("./"):
            rest = rest[2:]
        elif rest.startswith("/./"):
            rest = rest[2:]
        elif rest == "/.":
            rest = "/"
        elif rest.startswith("/../"):
            rest = rest[3:]
            if out:
                out.pop()
        elif rest == "/..":
            rest = "/"
            if out:
                out.pop()
        elif rest in (".", ".."):
            rest = ""
        else:
            start = 1 if rest.startswith("/") else 0
            end = rest.find("/", start)
            end = len(rest) if end < 0 else end
            out.append(rest[:end])
            rest = rest[end:]
    return "".join(out)


def _authority(authority: str) -> str:
    userinfo, at, hostport = authority.rpartition("@")
    return f"{userinfo}{at}{_escapes(hostport).lower()}"


def normalize(iri: str) -> str:
    """``iri`` in the normal form of RFC 3986 section 6.2.2 (see the module's docstring)."""
    m = _PARTS.match(iri)
    if m is None:  # pragma: no cover - the pattern matches every string
        return iri
    scheme, authority, path, query, fragment = m.groups()
    out = ""
    if scheme is not None:
        out += scheme.lower() + ":"
    if authority is not None:
        out += "//" + _authority(authority)
    path = _escapes(path)
    if scheme is not None or authority is not None:
        path = remove_dot_segments(path)
    out += path
    if query is not None:
        out += "?" + _escapes(query)
    if fragment is not None:
        out += "#" + _escapes(fragment)
    return out


def is_normal(iri: str) -> bool:
    """True when ``iri`` is already in normal form."""
    return normalize(iri) == iri
