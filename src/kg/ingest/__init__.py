"""kg ingest: "Result achieved" records in (text, HTML, CSV, JSON), validated Turtle out.

The pipeline is :func:`kg.ingest.batch.ingest`; the command is :mod:`kg.cli.ingest`.
Modules, by concern: ``record`` (the typed record), ``text``, ``html``, ``tabular``
(the readers), ``catalog`` (what the graph knows), ``country``, ``extract`` (reading the
prose: instruments, bodies, events, research, groups, with their words), ``reconcile``
(one thing, one IRI), ``to_rdf`` (keys, the outcome's graph), ``facts`` (the prose's facts
and suggestions as RDF, with evidence), ``curation``, ``batch`` (the pipeline).
It writes through :mod:`kg.write` (journal, loader, lock) and validates with
:mod:`kg.validate.incremental`. See docs/ingest.md.
"""

#: The input formats, by the file extensions each is read from.
FORMATS: dict[str, tuple[str, ...]] = {
    "text": (".txt", ".text"), "html": (".html", ".htm"), "csv": (".csv",), "json": (".json",),
}
INPUT_FORMATS = tuple(FORMATS)
