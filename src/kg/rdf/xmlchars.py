"""Characters XML 1.0 cannot carry, in the XML that spkg writes.

RDF allows any Unicode string in a literal, a partner's control characters included; XML 1.0
allows no C0 control character but tab, newline and carriage return, and not U+FFFE or U+FFFF,
not even as a character reference. pyoxigraph and rdflib write them raw, so a SPARQL XML answer
or an RDF/XML graph holding one is no XML at all: the client's parser stops at that row.

spkg writes each such character as U+FFFD (the replacement character) and says so in a comment
at the end of the document, with the formats that keep the exact text. All work on UTF-8 bytes:
an ASCII byte never occurs inside a multi-byte sequence, so the bytes can be scanned as they are.
"""

from __future__ import annotations

import re

#: The UTF-8 bytes of the characters XML 1.0 forbids (C0 controls but TAB, LF, CR; U+FFFE, U+FFFF).
_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
REPLACEMENT = "\ufffd".encode()
#: Where a chunk may end inside one of the two three-byte characters.
_PARTIAL = (b"\xef\xbf", b"\xef")


def note(count: int) -> bytes:
    """The comment that ends a document in which ``count`` characters were replaced."""
    return (f"<!-- {count} character(s) that XML 1.0 cannot carry (control characters) are written as "
            f"U+FFFD; ask for JSON, TSV, N-Triples or Turtle for the exact text -->\n").encode()


def replace(data: bytes) -> tuple[bytes, int]:
    """``data`` with each forbidden character as U+FFFD, and how many there were."""
    if not _FORBIDDEN.search(data):
        return data, 0
    return _FORBIDDEN.subn(REPLACEMENT, data)


def safe_document(data: bytes) -> bytes:
    """A whole XML document made well-formed: forbidden characters replaced, the note added."""
    data, count = replace(data)
    return data + note(count) if count else data


class Filter:
    """:func:`replace` over a stream of chunks: a character split between two chunks is still found."""

    def __init__(self) -> None:
        self.carry = b""
        self.count = 0

    def feed(self, chunk: bytes) -> bytes:
        data = self.carry + chunk
        self.carry = next((p for p in _PARTIAL if data.endswith(p)), b"")
        if self.carry:
            data = data[:-len(self.carry)]
        data, n = replace(data)
        self.count += n
        return data

    def finish(self) -> bytes:
        """What is still held back (bytes that were no forbidden character after all)."""
        rest, self.carry = self.carry, b""
        return rest
