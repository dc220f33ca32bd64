"""Saved HTML pages of records: the page's text, line by line, then the text parser.

A block element (paragraph, heading, list item, table row, ...) becomes one
line, its inline content joined with single spaces; list items start with a
bullet ("• "), as the platform's SDG list shows. What is not the record is left
out: ``<head>``, scripts and styles, and navigation, menus, footers, cookie
banners and breadcrumbs (by tag, or by a class or id word such as ``nav``).
Each line keeps the HTML line its text starts on, so reports point into the
page. The source address comes from ``<link rel="canonical">``, ``<meta
property="og:url">`` or the "saved from url=" comment browsers write.

The record's verbatim text is the page's text as extracted here.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from kg.ingest.catalog import Catalog
from kg.ingest.record import Located, Record
from kg.ingest.text import Line, parse_lines

BLOCKS = {
    "address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "body", "header", "legend", "caption",
}
SKIP_TAGS = {"head", "script", "style", "noscript", "template", "svg", "nav", "footer", "button", "select",
             "iframe", "object", "canvas"}
SKIP_WORDS = {"nav", "navbar", "navigation", "menu", "footer", "breadcrumb", "breadcrumbs", "cookie", "cookies",
              "sidebar", "share", "toolbar", "banner", "skip"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(?P<url>\S+)")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.skip = 0
        self.pre = 0
        self.buffer: list[str] = []
        self.buffer_line: int | None = None
        self.prefix = ""
        self.url: tuple[str, int] | None = None  # canonical link or og:url
        self.saved_from: tuple[str, int] | None = None  # the browser's "saved from url=" comment

    # -- structure ---------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and "canonical" in a.get("rel", "").split() and a.get("href"):
            self.url = self.url or (a["href"], self.getpos()[0])
        if tag == "meta" and a.get("property") == "og:url" and a.get("content"):
            self.url = self.url or (a["content"], self.getpos()[0])
        if tag in VOID:
            if tag in ("br", "hr") and not self.skip:
                self.flush()
            return
        words = set(re.split(r"[\s_-]+", (a.get("class", "") + " " + a.get("id", "")).lower()))
        skipped = tag in SKIP_TAGS or bool(words & SKIP_WORDS) or a.get("hidden") is not None or \
            "display:none" in a.get("style", "").replace(" ", "")
        self.stack.append((tag, skipped))
        if skipped:
            self.skip += 1
        if self.skip:
            return
        if tag in BLOCKS:
            self.flush()
        if tag == "li":
            self.prefix = "\u2022 "
        if tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        # Close up to the matching open tag (HTML lets some end tags be left out).
        for k in range(len(self.stack) - 1, -1, -1):
            if self.stack[k][0] == tag:
                for t, skipped in reversed(self.stack[k:]):
                    self._close(t, skipped)
                del self.stack[k:]
                return

    def _close(self, tag: str, skipped: bool) -> None:
        if skipped:
            self.skip -= 1
            return
        if self.skip:
            return
        if tag == "pre":
            self.flush(keep=True)
            self.pre -= 1
        if tag in BLOCKS:
            self.flush()
            if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "section", "article"):
                self.blank()

    def handle_comment(self, data: str) -> None:
        m = _SAVED_FROM.search(data)
        if m and self.saved_from is None:
            self.saved_from = (m.group("url"), self.getpos()[0])

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            first = self.getpos()[0]
            parts = data.split("\n")
            for k, part in enumerate(parts):
                if k:
                    self.flush(keep=True)
                if part:
                    if self.buffer_line is None:
                        self.buffer_line = first + k
                    self.buffer.append(part)
            return
        if data.strip() and self.buffer_line is None:
            lead = len(data) - len(data.lstrip())
            self.buffer_line = self.getpos()[0] + data[:lead].count("\n")
        self.buffer.append(data)

    # -- lines -----------------------------------------------------------------------------

    def flush(self, keep: bool = False) -> None:
        raw = "".join(self.buffer)
        text = raw.rstrip() if keep else " ".join(raw.split())
        if text.strip():
            self.lines.append(Line(self.prefix + text, self.buffer_line or self.getpos()[0]))
            self.prefix = ""
        self.buffer = []
        self.buffer_line = None

    def blank(self) -> None:
        if self.lines and self.lines[-1].text:
            self.lines.append(Line("", self.lines[-1].line))


def html_lines(raw: str) -> tuple[list[Line], tuple[str, int] | None]:
    """The page's text lines (each with its HTML line) and its source address, if the page gives one."""
    parser = _Text()
    parser.feed(raw)
    parser.close()
    parser.flush()
    lines = parser.lines
    while lines and not lines[-1].text:
        lines.pop()
    return lines, parser.url or parser.saved_from


def parse_html(raw: str, source: str, catalog: Catalog) -> Record:
    lines, url = html_lines(raw.lstrip("\ufeff"))
    record = Record(source=source, format="html", text="\n".join(ln.text for ln in lines).strip())
    if url is not None:
        record.source_url = Located(url[0], url[1])
    if not lines:
        record.error("the page has no text", hint="save the record's page as HTML, with its content")
        return record
    return parse_lines(lines, record, catalog)
