"""Parsing a partner's request body where a crash or a blow-up costs only that request.

pyoxigraph's parsers are native code, and a body is whatever a partner sends:
a JSON-LD document nested 4,000 deep overflows the parser's stack (a
segmentation fault: the whole server died with it), 700 bytes of RDF/XML
entities expand to a 300 MB literal, 30,000 nested RDF/XML elements take
seconds (the parser is quadratic in the depth). So :func:`parse_isolated` parses
a body in a process of its own, which

1. refuses, before it parses, what no real graph needs (:func:`check`, the same
   rules for every format): brackets (Turtle ``[ ( <<``, JSON ``[ {``) or XML
   elements nested deeper than :data:`MAX_NESTING` (the SPARQL endpoint's limit
   too); a DTD in RDF/XML (so no entity is ever defined, nor fetched); a body
   that is not UTF-8;
2. parses under an address-space cap (``RLIMIT_AS``, :data:`MEMORY`), and stops
   once the distinct terms it read add up to more than :data:`EXPANSION` times the
   body (at least :data:`MIN_EXPANSION` bytes): no format may blow a body up;
3. is killed at :data:`SECONDS` (the parent's deadline; ``RLIMIT_CPU`` backs it up).

A crash is a 400 (the body made the parser crash), the memory cap, the
expansion limit and the deadline a 413 (the body costs more than a write may);
the server and every other request never notice. The child imports only
pyoxigraph and :mod:`kg.errors` (it starts in about 0.1 s), and its answer is
JSON (a table of distinct terms, then the triples as indices into it), never
pickle: the child has read hostile input, the parent trusts nothing it says.
"""

from __future__ import annotations

import asyncio
import codecs
import json
import logging
import re
import signal
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError, ParseError, UnsupportedMediaType

logger = logging.getLogger(__name__)

#: Media types a body may have, and how pyoxigraph reads them.
BODY_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}

MAX_NESTING = 128                 # as kg.sparql.guard.MAX_NESTING for queries
SECONDS = 30.0                    # a body not parsed by then is refused (413)
MEMORY = 1 << 30                  # bytes of address space the parsing process may map
EXPANSION = 16                    # distinct terms may add up to this many times the body's size ...
MIN_EXPANSION = 64 * 1024 * 1024  # ... or this many bytes, whichever is more
BOM = "\ufeff".encode()            # the byte order mark, in UTF-8
HINT = "fix the request body and send it again"
MAX_IRI = 8192                    # characters: no real IRI is longer, and each is repeated on every line that uses it
MAX_LANGUAGE = 64                 # characters of a language tag (BCP 47 tags in use are under 20)


class BodyTooExpensive(KGError):
    """A body that would take more memory or time to parse than a write may (HTTP 413)."""

    status = 413
    title = "body too expensive to parse"


@dataclass(frozen=True)
class Limits:
    nesting: int = MAX_NESTING
    seconds: float = SECONDS
    memory: int = MEMORY
    expansion: int = EXPANSION
    min_expansion: int = MIN_EXPANSION


def media_type_of(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def require_utf8(content_type: str | None, what: str) -> None:
    """415 unless the Content-Type's charset, if it gives one, is UTF-8 (or its subset ASCII): SPARQL queries
    and every RDF syntax taken here are UTF-8 by their specifications (RDF/XML says its own in its prolog)."""
    charset = "utf-8"
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"').lower()
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        raise UnsupportedMediaType(f"unknown charset {charset!r} in Content-Type") from None
    if name not in ("utf-8", "ascii"):
        raise UnsupportedMediaType(f"{what} must be sent in UTF-8, not {charset}",
                                   hint=f"send Content-Type: {media_type_of(content_type)}; charset=utf-8")


def body_format(content_type: str | None) -> ox.RdfFormat:
    """The format of a body with this Content-Type; :class:`UnsupportedMediaType` (415) if none, or if it
    says a charset other than UTF-8."""
    media_type = media_type_of(content_type)
    fmt = BODY_FORMATS.get(media_type)
    if fmt is None:
        raise UnsupportedMediaType(
            f"cannot read a body of type {media_type or '(none)'!r}",
            hint="send Content-Type: " + ", ".join(sorted(BODY_FORMATS)))
    require_utf8(content_type, "an RDF body")
    return fmt


# -- the checks before parsing ---------------------------------------------------------------

# A backslash outside strings and IRIs escapes one character of a prefixed name ("ex:a\\'"): read as one
# token, so that an escaped quote does not open a string that would hide the brackets after it. An IRI may
# hold \u and \U escapes: read inside it, so that a '#' or a quote after one is no comment or string.
_TURTLE = re.compile(r'''\\.|"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'|"(?:[^"\\\n\r]|\\.)*"'''
                     r'''|'(?:[^'\\\n\r]|\\.)*'|#[^\n\r]*|<<|>>|<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>'''
                     r'''|[\[\]()]''', re.S)
_JSON = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)
_XML = re.compile(r"""<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!|</[^>]*>|<(?:[^>"']|"[^"]*"|'[^']*')*>""", re.S)
_XML_ENCODING = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_OPEN = {"[": 1, "(": 1, "<<": 1, "{": 1, "]": -1, ")": -1, ">>": -1, "}": -1}


def _where(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _too_deep(text: str, pos: int, limit: int, what: str) -> ParseError:
    line, column = _where(text, pos)
    return ParseError(f"{what} nested more than {limit} levels deep", file="<body>", line=line, column=column,
                      hint="no graph needs that depth; flatten the body (name the nodes) and send it again")


def _check_brackets(text: str, pattern: re.Pattern, limit: int, what: str) -> None:
    if sum(text.count(c) for c in "[({<") <= limit:
        return  # too few openings to nest that deep
    depth = 0
    for m in pattern.finditer(text):
        step = _OPEN.get(m.group())
        if step is None:
            continue
        depth = max(0, depth + step)
        if depth > limit:
            raise _too_deep(text, m.start(), limit, what)


def _check_xml(text: str, limit: int) -> None:
    if "\x00" in text:
        raise ParseError("a NUL character in an XML body", file="<body>", hint=HINT)
    declared = _XML_ENCODING.match(text)
    if declared and declared.group(1).strip().lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise ParseError(f"the body declares encoding {declared.group(1)!r}; send RDF/XML as UTF-8",
                         file="<body>", line=1, hint=HINT)
    if text.count("<") <= limit and "<!" not in text:
        return
    depth = 0
    for m in _XML.finditer(text):
        token = m.group()
        if token == "<!":
            line, column = _where(text, m.start())
            raise ParseError("a DTD or markup declaration (<!DOCTYPE, <!ENTITY …) in RDF/XML is not accepted",
                             file="<body>", line=line, column=column,
                             hint="write the values out instead of defining entities, and send it again")
        if token.startswith(("<!--", "<![CDATA[", "<?")):
            continue
        if token.startswith("</"):
            depth = max(0, depth - 1)
        elif not token.endswith("/>"):
            depth += 1
            if depth > limit:
                raise _too_deep(text, m.start(), limit, "XML elements")


def check(body: bytes, fmt: ox.RdfFormat, limits: Limits = Limits()) -> str:
    """Refuse (ParseError, 400) what no graph needs before any parser sees it; the body as text."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        line = body.count(b"\n", 0, e.start) + 1
        raise ParseError(f"the body is not UTF-8 (byte 0x{body[e.start]:02x})", file="<body>", line=line,
                         hint="send the body in UTF-8") from None
    if fmt == ox.RdfFormat.RDF_XML:
        _check_xml(text, limits.nesting)
    elif fmt == ox.RdfFormat.JSON_LD:
        _check_brackets(text, _JSON, limits.nesting, "JSON arrays and objects")
    else:
        _check_brackets(text, _TURTLE, limits.nesting, "brackets")
    return text


# -- parsing ------------------------------------------------------------------------------------

def _syntax_error(e: SyntaxError) -> ParseError:
    msg = re.sub(r"^Parser error [^:]*: ", "", e.msg or str(e), count=1)
    if "LoadDocumentCallback" in msg:  # pyoxigraph's words for a JSON-LD @context given by address
        return ParseError("a JSON-LD @context given by its address is not fetched here", file="<body>",
                          line=e.lineno, column=e.offset, hint="put the context in the body itself (\"@context\": {...})")
    return ParseError(msg, file="<body>", line=e.lineno, column=e.offset, hint=HINT)


def parse(body: bytes, content_type: str | None, base_iri: str, limits: Limits = Limits()) -> list[ox.Triple]:
    """The body's distinct triples, parsed in this process after :func:`check` (relative IRIs against ``base_iri``).

    For trusted callers and the parsing process itself; a server parses with :func:`parse_isolated`.
    """
    terms, triples = _parse_table(body, body_format(content_type), base_iri, limits)
    return from_table(terms, triples)


def _parse_table(body: bytes, fmt: ox.RdfFormat, base_iri: str, limits: Limits) -> tuple[list, list[int]]:
    """(distinct terms, flat list of subject/predicate/object indices) of the body's distinct triples.

    Both what the terms take and what the triples take written out (each N-Quads line repeats its
    terms: a 1 MB IRI behind a prefix, used 400 times, is 400 MB on disk) stay within the budget.
    """
    body = body.removeprefix(BOM)  # what some editors start a UTF-8 file with: no part of any syntax
    check(body, fmt, limits)
    budget = max(limits.min_expansion, limits.expansion * len(body))
    index: dict[object, int] = {}
    terms: list = []
    sizes: list[int] = []  # bytes of each term, as a line of the graph's file repeats them
    seen: dict[tuple[int, int, int], None] = {}
    size = 0
    written = 0

    def number(term) -> int:
        nonlocal size
        i = index.get(term)
        if i is None:
            iri = term.value if isinstance(term, ox.NamedNode) else \
                term.datatype.value if isinstance(term, ox.Literal) else ""  # a datatype is an IRI too
            if len(iri) > MAX_IRI:
                raise ParseError(f"an IRI of {len(iri):,} characters: the most a graph here may use is "
                                 f"{MAX_IRI:,}", file="<body>", hint=HINT)
            if isinstance(term, ox.Literal) and term.language and len(term.language) > MAX_LANGUAGE:
                raise ParseError(f"a language tag of {len(term.language):,} characters: BCP 47 tags are short "
                                 f"(at most {MAX_LANGUAGE} here)", file="<body>", hint=HINT)
            encoded = _encode(term)
            sizes.append(sum(len(part) for part in encoded if part))
            size += sizes[-1]
            if size > budget:
                raise BodyTooExpensive(f"the body expands to more than {budget:,} bytes of terms",
                                       hint="send a smaller graph, in several writes")
            i = index[term] = len(terms)
            terms.append(encoded)
        return i

    try:
        for q in ox.parse(body, format=fmt, base_iri=base_iri, without_named_graphs=True, rename_blank_nodes=True):
            key = (number(q.subject), number(q.predicate), number(q.object))
            if key not in seen:
                seen[key] = None
                written += sizes[key[0]] + sizes[key[1]] + sizes[key[2]]
                if written > budget:
                    raise BodyTooExpensive(f"the body's triples, written out, take more than {budget:,} bytes",
                                           hint="send a smaller graph, in several writes")
    except SyntaxError as e:
        raise _syntax_error(e) from None
    except ValueError as e:
        raise ParseError(str(e), file="<body>", hint=HINT) from None
    return terms, [i for t in seen for i in t]


def _encode(term) -> tuple:
    if isinstance(term, ox.NamedNode):
        return ("i", term.value)
    if isinstance(term, ox.BlankNode):
        return ("b", term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return ("l", term.value, None, term.language)
        return ("l", term.value, term.datatype.value, None)
    raise ParseError("RDF 1.2 triple terms are not accepted in a graph", file="<body>", hint=HINT)


def _decode(data) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    kind = data[0]
    if kind == "i":
        return ox.NamedNode(data[1])
    if kind == "b":
        return ox.BlankNode(data[1])
    if kind == "l":
        _, value, datatype, language = data
        if language:
            return ox.Literal(value, language=language)
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    raise ValueError(f"not a term: {kind!r}")


def from_table(terms: list, flat: list[int]) -> list[ox.Triple]:
    """The triples of a table: distinct terms as plain tuples, then each triple as three indices into them."""
    made = [_decode(t) for t in terms]
    return [ox.Triple(made[flat[i]], made[flat[i + 1]], made[flat[i + 2]]) for i in range(0, len(flat), 3)]


def to_table(triples: list[ox.Triple]) -> tuple[list, list[int]]:
    """The table :func:`from_table` reads: quick to send to another process (pickling terms is ten times
    slower), and with no line limit (N-Triples over 16 MiB on one line is more than pyoxigraph reads)."""
    index: dict[object, int] = {}
    terms: list = []
    flat: list[int] = []
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            i = index.get(term)
            if i is None:
                i = index[term] = len(terms)
                terms.append(_encode(term))
            flat.append(i)
    return terms, flat


# -- the parsing process --------------------------------------------------------------------------

#: What the parent runs: a bare ``kg`` package (no kg/__init__, no rdflib), then :func:`main`.
_BOOT = ("import sys, types; p = types.ModuleType('kg'); p.__path__ = [sys.argv[1]]; "
         "sys.modules.setdefault('kg', p); from kg.write.parsing import main; main()")


def command() -> list[str]:
    return [sys.executable, "-c", _BOOT, str(Path(__file__).parents[1])]


def _cap(limits: Limits) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
    cpu = int(limits.seconds) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def main() -> None:
    """The parsing process: a JSON header line and the body on stdin, one JSON answer on stdout."""
    out = sys.stdout.buffer
    data = sys.stdin.buffer.read()
    head, _, body = data.partition(b"\n")
    header = json.loads(head)
    limits = Limits(**header["limits"])
    _cap(limits)
    try:
        terms, flat = _parse_table(body, BODY_FORMATS[header["media_type"]], header["base"], limits)
        answer = {"ok": True, "terms": terms, "triples": flat}
    except MemoryError:
        answer = {"ok": False, "kind": "memory"}
    except KGError as e:
        answer = {"ok": False, "kind": "expansion" if isinstance(e, BodyTooExpensive) else "parse",
                  "message": e.message, "hint": e.hint, "line": getattr(e, "line", None),
                  "column": getattr(e, "column", None)}
    try:
        text = json.dumps(answer, ensure_ascii=False)
    except MemoryError:
        text = json.dumps({"ok": False, "kind": "memory"})
    out.write(text.encode("utf-8", "surrogatepass"))
    out.flush()


def _refused(answer: dict, limits: Limits) -> KGError:
    kind = answer.get("kind")
    if kind == "memory":
        return _out_of_memory(limits)
    message = str(answer.get("message") or "cannot parse the body")
    hint = answer.get("hint")
    if kind == "expansion":
        return BodyTooExpensive(message, hint=hint)
    error = ParseError("", hint=hint)  # rebuilt with the child's fields, which already say "<body>:line:col: …"
    error.message = message
    error.args = (message,)
    error.file, error.line, error.column = "<body>", _int(answer.get("line")), _int(answer.get("column"))
    return error


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _out_of_memory(limits: Limits) -> BodyTooExpensive:
    return BodyTooExpensive(f"parsing the body needs more than {limits.memory // (1 << 20):,} MiB of memory",
                            hint="send a smaller graph, in several writes")


async def parse_isolated(body: bytes, content_type: str | None, base_iri: str,
                         limits: Limits = Limits()) -> list[ox.Triple]:
    """:func:`parse` in a process of its own, with :class:`Limits`; what it costs stays there.

    415 for a media type not on offer (before any process starts); 400 for a
    body that does not parse, breaks a rule of :func:`check`, or crashes the
    parser; 413 for one that needs more memory or time than ``limits`` allow.
    """
    body_format(content_type)  # 415 before any process starts
    media_type = media_type_of(content_type)
    header = json.dumps({"media_type": media_type, "base": base_iri, "limits": asdict(limits)}).encode() + b"\n"
    proc = await asyncio.create_subprocess_exec(*command(), stdin=asyncio.subprocess.PIPE,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(header + body), limits.seconds)
    except asyncio.TimeoutError:
        raise BodyTooExpensive(f"the body took more than {limits.seconds:g} s to parse",
                               hint="send a smaller graph, in several writes") from None
    finally:
        if proc.returncode is None:  # timed out, or the request was cancelled: the process goes with it
            try:
                proc.kill()
            except ProcessLookupError:
                pass
            await proc.wait()
    code = proc.returncode
    if code == 0 and out:
        try:
            answer = json.loads(out)
        except ValueError:
            answer = None
        if isinstance(answer, dict) and answer.get("ok") is True:
            return await asyncio.to_thread(_triples_checked, answer)
        if isinstance(answer, dict):
            raise _refused(answer, limits)
    tail = err.decode("utf-8", "replace")[-300:].strip()
    if code in (-signal.SIGKILL, -signal.SIGXCPU):
        raise BodyTooExpensive(f"the body took more than {limits.seconds:g} s of processor time to parse",
                               hint="send a smaller graph, in several writes")
    if "memory allocation" in tail or "MemoryError" in tail:
        raise _out_of_memory(limits)
    logger.warning("the body parser ended with %s: %s", _ended(code), tail or "(nothing on stderr)")
    raise ParseError(f"the body made the parser fail ({_ended(code)})", file="<body>",
                     hint="check the body's syntax; a body nested or repeated without end is refused")


def _ended(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


def _triples_checked(answer: dict) -> list[ox.Triple]:
    terms, flat = answer.get("terms"), answer.get("triples")
    if not isinstance(terms, list) or not isinstance(flat, list) or len(flat) % 3:
        raise ParseError("the body parser gave an answer that cannot be read", file="<body>")
    try:
        if any(not isinstance(i, int) or not 0 <= i < len(terms) for i in flat):
            raise ValueError("index out of range")
        return from_table(terms, flat)
    except (ValueError, TypeError, IndexError) as e:
        raise ParseError(f"the body parser gave an answer that cannot be read ({e})", file="<body>") from None

