"""kg ingest: "Result achieved" records in (text, HTML, CSV, JSON), validated Turtle out.

The pipeline is :func:`kg.ingest.batch.ingest`; the command is :mod:`kg.cli.ingest`.
Modules, by concern: ``record`` (the typed record), ``text``, ``html``, ``tabular``
(the readers), ``catalog`` (what the graph knows), ``country``, ``mentions``,
``reconcile``, ``to_rdf`` (keys and graphs), ``curation``, ``writer`` (deterministic
Turtle), ``incremental`` (batch validation), ``commit`` (atomic files), ``loader``
(the store). See docs/ingest.md.
"""
