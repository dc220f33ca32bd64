"""What a query may do before it runs: read-only, and SERVICE only to allowed places.

The public endpoint runs SPARQL *queries* only. This module looks at the query
text with a small lexer (strings, IRIs, comments and prefixed names are told
apart from keywords, so ``"DELETE"`` in a literal or ``ex:FROM`` in a pattern
mean nothing) and answers three questions without a full parse:

* :func:`is_update` — is this SPARQL Update sent to the query endpoint?
* :func:`declares_dataset` — does the query carry its own ``FROM`` / ``FROM
  NAMED``? (If so, the union-of-named-graphs default must not override it.)
* :func:`service_iris` — which endpoints would ``SERVICE`` call?
* :func:`check_nesting` — is the query nested or chained deeper than the engine can parse?

:func:`check_services` applies the SERVICE policy (setting
``service_allowlist``):

* an empty allowlist turns SERVICE off;
* an endpoint must start with an allowlisted prefix, compared by parts
  (scheme, host, port, then path on a segment boundary), so
  ``http://partner.org`` does not allow ``http://partner.org.evil.com/`` nor
  ``http://partner.org@evil.com/``;
* an endpoint whose host is, or resolves to, a loopback, private, link-local,
  multicast or otherwise non-global address is refused unless the matching
  allowlist entry names that host itself (``http://127.0.0.1:8001/``,
  ``http://localhost:8001/``, ``http://[::1]/``), so a public name that points
  inside the network is still refused (SSRF);
* ``SERVICE ?var`` is refused: its target cannot be checked before it runs.

Redirects: pyoxigraph's SERVICE client follows none, so a 3xx answer from an
allowed endpoint never leads the engine anywhere else (tests check it).

No FastAPI here; the query workers call these functions before they run a query.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from kg.errors import QueryError, QuerySyntaxError, ServiceRefused, UpdateRefused
from kg.rdf import rfc3986

# One token at a time; whitespace and comments are dropped by the caller.
# IRIREF follows the SPARQL grammar, so "?a < ?b" is not an IRI.
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
             |'''(?:[^'\\]|\\.|'(?!''))*'''
             |"(?:[^"\\\n\r]|\\.)*"
             |'(?:[^'\\\n\r]|\\.)*')
  | (?P<var>[?$][^\W]\w*)
  | (?P<pname>(?:[^\W\d_][\w.\-]*)?:(?:(?:[\w:%\-]|\\.)(?:(?:[\w.:%\-]|\\.)*(?:[\w:%\-]|\\.))?)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
_QUERY_WORDS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


# A run of letters, digits, '.' and '-' that no ':' ends ("a.b.c-d") holds no prefixed
# name, so its tokens are words and single characters. Read so, each run is scanned
# once; otherwise every word of it rescans the run for a ':' (quadratic: 16,000
# characters of "a.a.a" took 5 s).
_RUN = re.compile(r"[^\W\d_][\w.\-]*")
_WORD_OR_OTHER = re.compile(r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<other>.)", re.DOTALL)


def tokens(sparql: str) -> Iterator[Token]:
    """The query's tokens, without whitespace and comments."""
    pos, end = 0, len(sparql)
    while pos < end:
        m = _TOKEN.match(sparql, pos)
        kind = m.lastgroup or "other"
        if kind in ("word", "other"):  # so no prefixed name starts here
            run = _RUN.match(sparql, pos)
            if run is not None and run.end() > m.end():
                for w in _WORD_OR_OTHER.finditer(sparql, pos, run.end()):
                    yield Token(w.lastgroup or "other", w.group(), w.start())
                pos = run.end()
                continue
        pos = m.end()
        if kind not in ("ws", "comment"):
            yield Token(kind, m.group(), m.start())


def _words(sparql: str) -> Iterator[str]:
    for t in tokens(sparql):
        if t.kind == "word":
            yield t.text.upper()


def query_form(sparql: str) -> str | None:
    """SELECT / CONSTRUCT / DESCRIBE / ASK, an update keyword, or None."""
    for t in tokens(sparql):
        if t.kind != "word":
            continue
        word = t.text.upper()
        if word in ("PREFIX", "BASE"):
            continue
        if word in _QUERY_WORDS or word in _UPDATE_WORDS:
            return word
        return None
    return None


def is_update(sparql: str) -> bool:
    """True if the text is (or starts like) a SPARQL Update request."""
    return query_form(sparql) in _UPDATE_WORDS


def declares_base(sparql: str) -> bool:
    """True if the query has a BASE declaration of its own."""
    return "base" in sparql.lower() and any(w == "BASE" for w in _words(sparql))


def declares_dataset(sparql: str) -> bool:
    """True if the query has a FROM or FROM NAMED clause of its own."""
    if "from" not in sparql.lower():
        return False
    return any(w == "FROM" for w in _words(sparql))


@dataclass
class _Resolved:
    """A token, and the IRI it stands for when it is an IRI or a prefixed name."""

    token: Token
    iri: str | None


def _resolved(sparql: str, error: type[QueryError] = QueryError) -> list[_Resolved]:
    """The query's tokens after its PREFIX and BASE declarations, IRIs expanded and resolved."""
    prefixes: dict[str, str] = {}
    base = ""
    toks = list(tokens(sparql))
    out: list[_Resolved] = []

    def iri_of(t: Token) -> str | None:
        if t.kind == "iri":
            text = _unescape(t.text[1:-1])
            return urljoin(base, text) if base else text
        if t.kind == "pname":
            prefix, _, local = t.text.partition(":")
            if prefix not in prefixes:
                return None
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        return None

    i = 0
    while i < len(toks):
        t = toks[i]
        word = t.text.upper() if t.kind == "word" else ""
        if word == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            prefixes[toks[i + 1].text[:-1]] = iri_of(toks[i + 2]) or ""
            i += 3
            continue
        if word == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            base = iri_of(toks[i + 1]) or ""
            i += 2
            continue
        out.append(_Resolved(t, iri_of(t)))
        i += 1
    return out


def _word(r: _Resolved | None, *words: str) -> bool:
    return r is not None and r.token.kind == "word" and r.token.text.upper() in words


def service_iris(sparql: str) -> list[str | None]:
    """The endpoint of each SERVICE clause, resolved; None for ``SERVICE ?var``.

    Prefixed names are expanded with the query's PREFIX declarations and
    relative IRIs resolved against its BASE.
    """
    if "service" not in sparql.lower():
        return []
    found: list[str | None] = []
    toks = _resolved(sparql)
    for i, r in enumerate(toks):
        if not _word(r, "SERVICE"):
            continue
        j = i + 1 + _word(toks[i + 1] if i + 1 < len(toks) else None, "SILENT")
        target = toks[j] if j < len(toks) else None
        if target is not None and target.token.kind == "var":
            found.append(None)
        elif target is not None and target.token.kind in ("iri", "pname"):
            if target.iri is None:
                raise QueryError(f"unknown prefix '{target.token.text.partition(':')[0]}' in SERVICE {target.token.text}")
            found.append(target.iri)
        else:
            raise ServiceRefused("cannot tell which endpoint SERVICE would call here")
    return found


def silent_services(sparql: str) -> list[tuple[int, int, str]]:
    """Each ``SERVICE SILENT <endpoint> { ... }`` clause: its span in ``sparql`` (from SERVICE to the
    closing brace of its group) and its endpoint, resolved. ``SERVICE SILENT ?var`` is left out."""
    if "silent" not in sparql.lower():
        return []
    found: list[tuple[int, int, str]] = []
    toks = _resolved(sparql)
    for i, r in enumerate(toks):
        if not (_word(r, "SERVICE") and i + 3 < len(toks) and _word(toks[i + 1], "SILENT")):
            continue
        target, opening = toks[i + 2], toks[i + 3]
        if target.iri is None or opening.token.text != "{":
            continue
        depth = 0
        for closing in toks[i + 3:]:
            depth += {"{": 1, "}": -1}.get(closing.token.text, 0) if closing.token.kind == "other" else 0
            if depth == 0:
                found.append((r.token.start, closing.token.start + 1, target.iri))
                break
    return found


def without_spans(sparql: str, spans: Iterable[tuple[int, int]], instead: str = "{}") -> str:
    """``sparql`` with each span (start, end) replaced by ``instead``, its line breaks kept (so are line numbers)."""
    out, at = [], 0
    for start, end in sorted(spans):
        out += [sparql[at:start], instead, "\n" * sparql.count("\n", start, end)]
        at = end
    return "".join(out) + sparql[at:]


def dataset_iris(sparql: str) -> tuple[list[str], list[str]]:
    """The query's own dataset: the IRIs of its FROM and of its FROM NAMED clauses."""
    default: list[str] = []
    named: list[str] = []
    toks = _resolved(sparql)
    for i, r in enumerate(toks):
        if not _word(r, "FROM"):
            continue
        is_named = _word(toks[i + 1] if i + 1 < len(toks) else None, "NAMED")
        j = i + 1 + is_named
        if j < len(toks) and toks[j].iri is not None:
            (named if is_named else default).append(toks[j].iri)
    return default, named


def without_dataset(sparql: str) -> str:
    """``sparql`` with its FROM and FROM NAMED clauses blanked out (lines and columns kept).

    For a request that carries its dataset in the protocol's parameters, which replace
    the query's own (SPARQL 1.1 Protocol, 2.1.4); engines differ on that (Virtuoso adds
    them up), so spkg sends no dataset in the text then.
    """
    toks = _resolved(sparql)
    spans = []
    for i, r in enumerate(toks):
        if not _word(r, "FROM"):
            continue
        j = i + 1 + _word(toks[i + 1] if i + 1 < len(toks) else None, "NAMED")
        if j < len(toks) and toks[j].iri is not None:
            spans.append((r.token.start, toks[j].token.start + len(toks[j].token.text)))
    if not spans:
        return sparql
    out, at = [], 0
    for start, end in spans:
        out += [sparql[at:start], re.sub(r"[^\n]", " ", sparql[start:end])]
        at = end
    return "".join(out) + sparql[at:]


_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape(text: str) -> str:
    """IRIs may spell characters as \\uXXXX; the engine reads them so, and so must we."""
    return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


# -- the SERVICE policy -------------------------------------------------------------

Resolver = Callable[[str], Iterable[str]]


def _resolve(host: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return sorted({info[4][0] for info in infos})


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def _is_internal(addr: str) -> bool:
    ip = _ip(addr)
    if ip is None:
        return True  # not an address we understand: treat as unsafe
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


_ENCODED_SEPARATOR = re.compile(r"%(?:2[fF]|5[cC]|25)")  # '/', '\\', and '%' itself (a path decoded twice)


@dataclass(frozen=True)
class _Endpoint:
    scheme: str
    host: str
    port: int
    path: str
    written: str = ""  # the path as the IRI writes it; the engine's client sends it so

    @classmethod
    def parse(cls, iri: str) -> _Endpoint | None:
        try:
            parts = urlsplit(iri)
            port = parts.port
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.username is not None \
                or parts.password is not None or "@" in parts.netloc:
            return None
        default = 443 if parts.scheme == "https" else 80
        path = written = parts.path or "/"
        if _ENCODED_SEPARATOR.search(path):
            return None  # a server may read %2F as '/' (and %5C as '\\'): no path to compare
        # What the engine's HTTP client sends: '\\' read as '/', %2e as '.', dot segments
        # resolved (RFC 3986, and the WHATWG URL parser), so compare that path.
        path = rfc3986.normalize("http://h" + path.replace("\\", "/"))[len("http://h"):]
        return cls(parts.scheme, parts.hostname.lower(), port or default, path or "/", written)

    def within(self, prefix: _Endpoint) -> bool:
        """Same scheme, host and port, and a path under the prefix's (on a segment boundary)."""
        if (self.scheme, self.host, self.port) != (prefix.scheme, prefix.host, prefix.port):
            return False
        if prefix.path.endswith("/"):
            return self.path.startswith(prefix.path)
        return self.path == prefix.path or self.path.startswith(prefix.path + "/")


def check_service(iri: str | None, allowlist: Iterable[str], resolve: Resolver = _resolve) -> None:
    """Raise :class:`ServiceRefused` unless SERVICE may call ``iri``."""
    allowed = [p for p in allowlist if p]
    if iri is None:
        raise ServiceRefused("SERVICE with a variable endpoint is not allowed: its target cannot be checked")
    if not allowed:
        raise ServiceRefused(f"SERVICE calls are turned off on this endpoint (SERVICE <{iri}>)",
                             hint="the setting service_allowlist lists the endpoints that may be called")
    target = _Endpoint.parse(iri)
    if target is None:
        raise ServiceRefused(f"SERVICE <{iri}> is not an http(s) endpoint IRI")
    if not any(p is not None and target.within(p) for p in map(_Endpoint.parse, allowed)):
        raise ServiceRefused(f"SERVICE <{iri}> is not on this endpoint's allowlist")
    if target.written != target.path:
        # The path checked is the normal one, but the call would send it as written, and a server or
        # proxy that routes on the raw path would see "/admin" in "/admin/../allowed/sparql".
        raise ServiceRefused(f"SERVICE <{iri}>: the endpoint's path is not in normal form",
                             hint=f"write it as {target.path} (dot segments resolved, percent-encoding normalised)")
    host = target.host.strip("[]")
    literal = _ip(host) is not None
    addresses = [host] if literal else list(resolve(host))
    if not addresses:
        raise ServiceRefused(f"SERVICE <{iri}>: cannot resolve host {host!r}")
    internal = [a for a in addresses if _is_internal(a)]
    if not internal:
        return
    # The matching allowlist entry has the same host as the target; it "names"
    # an internal address only by writing the address itself, or localhost for
    # loopback. A host name that merely resolves inside the network is refused.
    if literal:
        return
    if host == "localhost" and all(_ip(a) is not None and _ip(a).is_loopback for a in internal):
        return
    raise ServiceRefused(
        f"SERVICE <{iri}> leads to the internal address {internal[0]}; loopback, private and "
        "link-local addresses are refused unless the allowlist names the address itself")


def check_services(sparql: str, allowlist: Iterable[str], resolve: Resolver = _resolve) -> list[str]:
    """Check every SERVICE endpoint of ``sparql``; return the endpoints."""
    iris = service_iris(sparql)
    allowlist = list(allowlist)
    for iri in iris:
        check_service(iri, allowlist, resolve)
    return [i for i in iris if i is not None]


#: Deepest nesting of ``{``, ``(`` and ``[`` accepted. The engine's parser recurses per
#: level and overflows its stack (killing the query worker) from about 1,000 nested
#: FILTER EXISTS or function calls; some constructs parse in cubic time well before
#: (300 nested collections: 25 s). Real queries nest a few dozen levels at most.
MAX_NESTING = 128
_OPENING, _CLOSING = frozenset("{(["), frozenset("})]")

#: Longest chain of operators and clauses accepted along one path of the query. The engine's
#: parser and planner recurse once per link of a chain as they do per bracket: with a worker's
#: 8 MiB of stack, 12,000 ``!`` or ``1+``, 3,000 ``BIND``s, ``MINUS``es or ``(expr AS ?x)``,
#: a 6,000-item collection or a 12,000-object list overflowed it (the eighth #16 probe), and
#: an Oxigraph server died of the same 12,000 ``!``. A link is an operator character
#: (``!`` ``&`` ``|`` ``+`` ``-`` ``*`` ``/`` ``=`` ``<`` ``>``, so ``&&`` is two), a ``,`` or
#: ``;`` between objects or predicates, a clause keyword (:data:`_CHAIN_WORDS`, weighed by what
#: it cost), and an item of a collection ``( … )``; chains add up along the nesting, as the
#: recursion does. Lists the engine reads flat are no chain: VALUES, ``IN ( … )`` and function
#: arguments (commas inside brackets), GROUP BY and ORDER BY keys.
MAX_CHAIN = 2000
#: A query longer than this is checked off the event loop (a thread): the lexer reads 2,000 ``!`` in 2.5 ms, a 30 KB
#: query of ``!`` in about 0.1 s, and a client sending such queries held every other request back.
CHECK_INLINE = 2_000
_CHAIN_CHARS = frozenset("!&|+-*/=<>")
_CHAIN_WORDS = {"AS": 4, "MINUS": 4, "OPTIONAL": 2, "UNION": 1, "GRAPH": 1, "SERVICE": 1}


class _Group:
    """One bracket's contents, as the chain check counts them."""

    __slots__ = ("bracket", "links", "items", "commas", "deepest")

    def __init__(self, bracket: str) -> None:
        self.bracket, self.links, self.items, self.commas, self.deepest = bracket, 0, 0, False, 0

    def chain(self) -> int:
        """The longest chain through this group: its own links (or a collection's items), then its deepest child's."""
        own = self.links
        if self.bracket == "(" and not self.links and not self.commas:
            own = self.items  # ( a b c … ): a collection, one link per item
        return own + self.deepest


def _position(sparql: str, start: int) -> tuple[int, int]:
    line = sparql.count("\n", 0, start) + 1
    return line, start - (sparql.rfind("\n", 0, start) + 1) + 1


def check_nesting(sparql: str, limit: int = MAX_NESTING, chain: int = MAX_CHAIN) -> None:
    """Raise :class:`QuerySyntaxError` (400) if brackets outside strings, IRIs and comments
    nest deeper than ``limit``, or operators and clauses chain longer than ``chain`` (:data:`MAX_CHAIN`)."""
    if sum(sparql.count(c) for c in _OPENING) <= limit and len(sparql) <= chain // 4:
        return  # too few brackets to nest that deep, too short to chain that long: no need to lex (on the event loop)
    groups = [_Group("")]
    previous: Token | None = None
    for t in tokens(sparql):
        group = groups[-1]
        if t.kind == "other" and t.text in _OPENING:
            if len(groups) > limit:
                line, column = _position(sparql, t.start)
                raise QuerySyntaxError(f"line {line}, column {column}: the query nests brackets more than {limit} "
                                       "levels deep", line=line, column=column)
            groups.append(_Group(t.text))
        elif t.kind == "other" and t.text in _CLOSING:
            if len(groups) > 1:
                closed = groups.pop()
                groups[-1].deepest = max(groups[-1].deepest, closed.chain())
                if closed.chain() > chain:
                    _too_long(sparql, t.start, chain)
        elif t.kind == "other" and t.text in _CHAIN_CHARS:
            # a '-' inside a language tag ("x"@en-GB) is no operator: it follows a letter at once
            if not (t.text == "-" and previous is not None and previous.kind == "word"
                    and previous.start + len(previous.text) == t.start):
                group.links += 1
        elif t.kind == "other" and t.text in ",;":
            if group.bracket == "(":
                group.commas = True  # arguments or an IN list: read flat
            else:
                group.links += 1
        elif t.kind == "word" and t.text.upper() in _CHAIN_WORDS:
            weight = _CHAIN_WORDS[t.text.upper()]
            # (expr AS ?x) chains in the group around it: SELECT's, BIND's, GROUP BY's
            target = groups[-2] if t.text.upper() == "AS" and len(groups) > 1 else group
            target.links += weight
        else:
            group.items += 1
        previous = t
    while len(groups) > 1:  # brackets left open: the parser will say so, the chain is counted anyway
        closed = groups.pop()
        groups[-1].deepest = max(groups[-1].deepest, closed.chain())
    if groups[0].links + groups[0].deepest > chain:
        _too_long(sparql, len(sparql), chain)


def _too_long(sparql: str, start: int, chain: int) -> None:
    line, column = _position(sparql, start)
    raise QuerySyntaxError(f"line {line}, column {column}: the query chains more than {chain:,} operators and "
                           "clauses (the engine recurses once per link)", line=line, column=column)


UPDATE_HINT = "send SELECT, ASK, CONSTRUCT or DESCRIBE queries; the data changes only through `kg build`"


def update_refused() -> UpdateRefused:
    """The one answer to a SPARQL Update, wherever it is caught (request parameters, body, worker)."""
    return UpdateRefused("SPARQL Update is not allowed: this endpoint is read-only", hint=UPDATE_HINT)


def refuse_update(sparql: str) -> None:
    """Raise :func:`update_refused` if ``sparql`` is an update."""
    if is_update(sparql):
        raise update_refused()
