"""What differs between the external stores spkg runs on: one :class:`Engine` profile per store.

The rest of the store layer asks the profile, never which store it is. The profile
is detected from the store's first answer (its ``Server`` header); a store spkg
does not recognise gets :data:`STANDARD`, the SPARQL 1.1 behaviour Oxigraph server
follows.

What Virtuoso 7 does differently (README, "External store"):

* ``DROP ALL`` is a no-op on it (its system graphs, ``virtrdf:`` and others, must
  stay): spkg drops the graphs it can see one by one;
* ``INSERT DATA`` refuses blank nodes ("not allowed in a constant clause"): spkg
  inserts with ``INSERT { … } WHERE {}``, whose blank nodes are as fresh;
* one ``INSERT DATA`` compiles to SQL whose size Virtuoso bounds (error SP031 on a few
  thousand triples): a build goes in smaller requests;
* asked for ``application/sparql-results+json`` first, it answers a CONSTRUCT with
  a table of ?s ?p ?o: graph queries ask for N-Triples only;
* its DESCRIBE gives, over several graphs, only some of the triples about a resource (the
  ones that point at it, here): spkg asks for the concise bounded description, which is
  what Oxigraph's DESCRIBE gives, with ``define sql:describe-mode "CBD"``;
* its union default graph is the default; its system graphs are hidden from the
  anonymous SPARQL user by ``scripts/virtuoso``'s graph permissions;
* ``SERVICE SILENT`` does not silence an endpoint it cannot connect to (HC001 stops the
  whole query): spkg asks again with each such clause as the empty group it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass

_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.8"


@dataclass(frozen=True)
class Engine:
    name: str
    drop_all: bool = True                  # `DROP SILENT ALL` empties the store
    insert_triples: int | None = None      # most triples one INSERT DATA may carry (None: no cap of its own)
    graph_accept: str | None = None        # Accept for CONSTRUCT / DESCRIBE (None: the usual one)
    blank_nodes_in_data: bool = True       # INSERT DATA may carry blank nodes (else INSERT {…} WHERE {})
    describe_prelude: str = ""             # put before a DESCRIBE query's text (the engine's own pragmas)
    entailment_pairs: int | None = None    # hierarchy pairs per entailment query (None: all in one query)
    system_graphs: tuple[str, ...] = ()    # IRI prefixes of the engine's own graphs, which spkg never drops
    service_unreachable: str | None = None  # in its error when SERVICE SILENT failed a query (None: it does not)
    union_hint: str = ("start Oxigraph with --union-default-graph, or set tdb2:unionDefaultGraph true in "
                       "Fuseki (README, 'External store')")

    def insert(self, blocks: str) -> str:
        """The update that inserts ``blocks`` (GRAPH <g> { triples } ...)."""
        return f"INSERT DATA {{\n{blocks}}}" if self.blank_nodes_in_data else f"INSERT {{\n{blocks}}} WHERE {{}}"

    def is_system_graph(self, iri: str) -> bool:
        return iri.startswith(self.system_graphs) if self.system_graphs else False

    def batch(self, batch: int) -> int:
        """Most triples per load request: the build's setting, capped by the engine's own limit."""
        return min(batch, self.insert_triples) if self.insert_triples else batch


STANDARD = Engine("sparql")
VIRTUOSO = Engine(
    "virtuoso", drop_all=False, insert_triples=1000, graph_accept=_GRAPH_ACCEPT, blank_nodes_in_data=False,
    # At 100,000 outcomes one CONSTRUCT for every pair of the hierarchy answers millions of triples,
    # more than Virtuoso returns from one query ("The result vector is too large"); one per pair fits.
    entailment_pairs=1,
    describe_prelude='define sql:describe-mode "CBD" ',
    service_unreachable="HC001",  # 'Connection Error in HTTP Client': spkg asks again without that SERVICE
    system_graphs=("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#",
                   "http://localuriqaserver/", "http://www.w3.org/2002/07/owl#"),
    union_hint="give the SPARQL user read permission on spkg's graphs (scripts/virtuoso does; README, "
               "'External store')")


def detect(server_header: str) -> Engine:
    """The profile for a store from its ``Server`` header."""
    return VIRTUOSO if server_header.lower().startswith("virtuoso") else STANDARD
