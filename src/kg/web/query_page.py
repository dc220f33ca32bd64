"""The query page a browser gets at ``GET /sparql``: a plain form, no JavaScript.

The form sends ``GET /sparql?query=…&format=…``; the answer is the raw result
in the chosen format; the full editor is ``/query`` (:mod:`kg.web.editor`). Its
stylesheet is a static file, linked relative to ``/sparql`` so that it is found
under a ``root_path`` too: the pages' Content-Security-Policy allows no inline style.
"""

from __future__ import annotations

from html import escape

from kg.config import Settings
from kg.web import negotiation as neg

EXAMPLE = """PREFIX kg: <{base}def/kg#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?class (COUNT(?thing) AS ?things)
WHERE {{ ?thing a ?class }}
GROUP BY ?class
ORDER BY DESC(?things)
LIMIT 20
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SPARQL · spkg</title>
<link rel="stylesheet" href="-/static/sparql-form.css">
</head>
<body>
<h1>SPARQL query</h1>
<p>This endpoint answers SPARQL 1.1 queries over the spkg knowledge graph (the union of its
named graphs is the default graph). It is read-only. Machine clients: <code>GET</code> or
<code>POST</code> to this URL; without a query it returns its service description.</p>
<form method="get" action="">
<p><textarea name="query" rows="16" spellcheck="false" aria-label="SPARQL query">{example}</textarea></p>
<p>
<label>Result format
<select name="format">
{options}
</select></label>
<button type="submit">Run query</button>
</p>
</form>
<p><small>Queries stop after {timeout:g} s; results are cut after {limit} rows.
Formats: {formats}.</small></p>
</body>
</html>
"""


def render(settings: Settings) -> str:
    options = [('<option value="{0}"{2}>{1}</option>').format(
        f.name, escape(f"{f.name} ({f.media_type})"), " selected" if f.name == "tsv" else "")
        for f in neg.RESULTS + neg.GRAPHS]
    return _PAGE.format(
        example=escape(EXAMPLE.format(base=settings.base)),
        options="\n".join(options),
        timeout=settings.query_timeout,
        limit=settings.result_limit,
        formats=escape(", ".join(f.name for f in neg.RESULTS + neg.GRAPHS)),
    )
