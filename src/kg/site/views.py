"""What each page shows, as plain data for the templates (no HTML, no HTTP).

Every function takes a :class:`Context` (store, settings, URLs, the build
manifest) and returns a dict. The queries are the files of ``kg/site/sparql/``
(:meth:`Context.rows`). Values that come from users (filters, search text) are
validated here, then bound as query parameters or filled in as RDF terms
(:func:`kg.sparql.files.fill`), never pasted raw into SPARQL.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.rdf import iris
from kg.publish import ld
from kg.config import Settings
from kg.errors import BadParameter
from kg.site.terms import Term, Terms, best_labels, fetch_labels, fmt_literal, linkable
from kg.site.urls import FORMAT_LABELS, Urls
from kg.site import worldmap
from kg.sparql import files
from kg.store import Store
from kg.write import entailments

PROV, ORG, SH = ld.PROV, ld.ORG, ld.SH
ELI, SCHEMA, SDGO = iris.ELI, iris.SCHEMA, iris.SDGO

_SDG_CODE = re.compile(r"^[0-9]{1,2}\.[0-9a-z]{1,2}$")
MAX_LIST = 1000
#: The most rows a page draws from one query: a page about one thing needs far fewer, and past it the
#: page is refused (503) rather than built for minutes (a partner's data could make one thing huge).
#: The index lists, linear in the graph and built once per dataset version, are not capped.
PAGE_ROWS = 100_000
ISSUERS_LISTED = 8    # the issuers of one instrument named on the instruments list
MEMBERS_LISTED = 12   # the members of an issuing body named beside the instrument on an outcome's page
SPARQL = "kg.site"  # the package whose sparql/ folder holds the pages' queries


@dataclass
class Context:
    store: Store
    settings: Settings
    urls: Urls
    manifest: dict | None = None      # the build manifest
    #: The store as the query workers see it (the web app's; None elsewhere): a query there stops at the
    #: query timeout and memory cap. Aggregates over the whole graph run there, as /sparql's queries do.
    bounded: Store | None = None

    @property
    def base(self) -> str:
        return self.settings.base

    @property
    def kg(self) -> str:
        return str(iris.vocab(self.base))

    def query(self, name: str, **values) -> str:
        """The text of ``kg/site/sparql/<name>.rq`` under this site's base, its placeholders filled."""
        return files.fill(files.text(SPARQL, name, self.base), **values)

    def rows(self, name: str, fill: dict | None = None, whole: bool = False, aggregate: bool = False,
             **bindings) -> list[dict[str, Node]]:
        """The rows of the site's query ``name``: ``fill`` fills its placeholders, ``bindings`` bind variables.
        More than PAGE_ROWS rows raise :class:`~kg.errors.AnswerTooLarge`, unless ``whole`` (an index list).
        An ``aggregate`` (a few rows from a scan or join of the whole graph, which partners' data can make
        as costly as they like) runs on the ``bounded`` store where there is one."""
        return self.run(self.query(name, **(fill or {})), whole=whole, aggregate=aggregate, **bindings)

    def run(self, sparql: str, whole: bool = False, aggregate: bool = False, **bindings) -> list[dict[str, Node]]:
        """:meth:`rows` for a query's text."""
        store = self.bounded if aggregate and self.bounded is not None else self.store
        return ld.rows(store, sparql, None if whole else PAGE_ROWS, **bindings)

    def labels(self, nodes: Iterable[Node]) -> dict[URIRef, str]:
        return fetch_labels(self.store, nodes, self.base)

    def terms(self, nodes: Iterable[Node] = ()) -> Terms:
        return Terms(self.urls, self.labels(nodes))

    def file_of(self, graph_iri: str) -> str | None:
        for f in (self.manifest or {}).get("files", []):
            if f.get("graph") == graph_iri:
                return f.get("path")
        prefix = f"{self.base}graph/"
        return graph_iri[len(prefix):] + ".ttl" if graph_iri.startswith(prefix) else None


def _iri(node: Node | str) -> ox.NamedNode:
    """An IRI (from the store, or validated) as a term to bind or fill in."""
    return ox.NamedNode(str(node))


def as_int(node: Node | None) -> int:
    try:
        return int(node) if node is not None else 0
    except (TypeError, ValueError):
        return 0


def values_by_subject(rows: Iterable[dict[str, Node]], subject: str) -> dict[Node, dict[str, list[Node]]]:
    """The rows of a query in the one-value-per-row form (``?key`` names a value, ``?value`` holds it; a UNION
    where a series of OPTIONALs would multiply rows), gathered per subject in the rows' order, each value once."""
    out: dict[Node, dict[str, list[Node]]] = {}
    for r in rows:
        values = out.setdefault(r[subject], defaultdict(list))
        if "key" in r and r["value"] not in values[str(r["key"])]:
            values[str(r["key"])].append(r["value"])
    return out


def own_values(ctx: Context, rows: Iterable[dict[str, Node]], subject: str) -> dict[Node, dict[str, list[Node]]]:
    """:func:`values_by_subject` for rows that also give the graph of each value (``?g``) and, as ``?key``
    "typed", the graphs that type the subject: each value own-first, as labels are (:func:`ld.add_labels`).

    The project's graphs' values first; for a subject no project graph types, those of the partner graphs
    that type it (the partner that made it), none where they differ; another partner's never: a list shows no
    source, so its statement would read as the owner's (the twelfth #16 probe: a partner's acronym on another
    partner's body)."""
    rows = list(rows)
    partners, entailed = iris.partner_graphs(ctx.base), entailments.graph_iri(ctx.base)
    typers: dict[Node, set[str]] = defaultdict(set)
    for r in rows:
        if str(r.get("key")) == "typed" and "g" in r:
            typers[r[subject]].add(str(r["g"]))

    # the entailments graph types what the others type (a partner's body too), so it makes no one an owner
    ours = {x for x, graphs in typers.items() if any(not g.startswith(partners) and g != entailed for g in graphs)}

    def rank(r: dict[str, Node]) -> int | None:
        graph = str(r["g"])
        if not graph.startswith(partners):
            return 0
        return 1 if r[subject] not in ours and graph in typers[r[subject]] else None

    ranked = [(r, rank(r) if "key" in r and str(r["key"]) != "typed" else None) for r in rows]
    best: dict[tuple[Node, str], int] = {}
    theirs: dict[tuple[Node, str], dict[str, set[Node]]] = defaultdict(lambda: defaultdict(set))
    for r, k in ranked:
        if k is not None:
            best[r[subject], str(r["key"])] = min(k, best.get((r[subject], str(r["key"])), k))
        if k == 1:
            theirs[r[subject], str(r["key"])][str(r["g"])].add(r["value"])
    # Partner graphs that type one subject and differ on a value: none of theirs is shown, since any partner
    # may type another's body too, and its value would otherwise stand beside (or, sorting first, for) the owner's.
    contested = {xk for xk, by_graph in theirs.items() if len({frozenset(vs) for vs in by_graph.values()}) > 1}

    def shown(r: dict[str, Node], k: int | None) -> bool:
        xk = (r[subject], str(r.get("key")))
        return k is not None and k == best[xk] and not (k == 1 and xk in contested)

    # a row whose value is not shown still lists its subject
    return values_by_subject((r if shown(r, k) else {subject: r[subject]} for r, k in ranked), subject)


def _shown(value: Literal | None) -> str | None:
    """A literal as a page shows it, or None for no value."""
    return None if value is None else fmt_literal(value)


def least(values: Iterable[Node]) -> Node | None:
    """The one value a page shows of several: the same whatever order the store gave them in."""
    return min(values, key=lambda v: (type(v).__name__, str(v)), default=None)


def sdg_sort_key(code: str) -> tuple:
    parts = []
    for p in code.split("."):
        parts.append((0, int(p), "") if p.isdigit() else (1, 0, p))
    return tuple(parts)


# -- resources ----------------------------------------------------------------------------

NAMES = {RDFS.label, SKOS.prefLabel, SKOS.altLabel, DCTERMS.title, SCHEMA.name, SKOS.notation,
         DCTERMS.identifier}
ELSEWHERE = {SKOS.exactMatch, SKOS.closeMatch, OWL.sameAs, FOAF.homepage, RDFS.seeAlso}
PROVENANCE = {PROV.wasDerivedFrom, PROV.hadPrimarySource, DCTERMS.source, RDFS.isDefinedBy}
GROUPS = ("Names and codes", "Text", "Details", "Links", "Elsewhere", "Provenance")


def _group(ctx: Context, p: URIRef, values: list[Node]) -> str:
    kg = ctx.kg
    if p in NAMES or str(p) in (kg + "acronym", kg + "cpoCode", kg + "isoAlpha3", kg + "isoAlpha2",
                                kg + "isoNumeric", kg + "officialName"):
        return "Names and codes"
    if p in ELSEWHERE:
        return "Elsewhere"
    if p in PROVENANCE:
        return "Provenance"
    if all(isinstance(v, Literal) for v in values):
        long = any(len(str(v)) > 160 or "\n" in str(v) for v in values)
        return "Text" if long or p in (RDFS.comment, SKOS.definition) else "Details"
    return "Links"


def kind_of(ctx: Context, types: Iterable[URIRef]) -> str | None:
    kg = ctx.kg
    types = {str(t) for t in types}
    if kg + "Outcome" in types:
        return "outcome"
    if kg + "PolicyInstrument" in types:
        return "instrument"
    if types & {str(ORG.Organization), str(ORG.FormalOrganization), str(PROV.Organization),
                str(ORG.OrganizationalCollaboration)}:
        return "organization"
    if str(SDGO.Target) in types:
        return "sdg-target"
    if kg + "Country" in types:
        return "country"
    return None


def formats(ctx: Context, iri: str, doc_url) -> list[dict]:
    return [{"name": f, "label": FORMAT_LABELS[f], "href": doc_url(iri, f)} for f in ("ttl", "jsonld", "nt", "rdf")]


def sparql_for(ctx: Context, iri: str) -> dict:
    query = ctx.query("resource-facts-and-links", resource=_iri(iri))
    return {"query": query, "href": ctx.urls.sparql(query, "ttl")}


def resource(ctx: Context, desc: ld.Description) -> dict:
    """The page of one resource, from its description."""
    terms = Terms(ctx.urls, _labels_of(desc), desc.graph)
    iri = desc.iri
    types = desc.types()
    graphs = desc.graphs()
    multi = len(graphs) > 1

    by_p: dict[URIRef, list[Node]] = defaultdict(list)
    for s, p, o in desc.own():
        if p != RDF.type:
            by_p[p].append(o)
    groups: dict[str, list[dict]] = {g: [] for g in GROUPS}
    for p, values in by_p.items():
        row_values = []
        for o in sorted(set(values), key=lambda v: terms.label(v).lower()):
            t = terms.term(o)
            graph_names = sorted(desc.provenance.get((iri, p, o), ()))
            row_values.append({"term": t, "graphs": [_graph_term(ctx, g) for g in graph_names] if multi else []})
        groups[_group(ctx, p, values)].append({"predicate": _predicate(ctx, terms, p), "values": row_values})
    group_list = [{"title": g, "rows": sorted(rows, key=lambda r: r["predicate"].text.lower())}
                  for g, rows in groups.items() if rows]

    incoming: dict[URIRef, list[Node]] = defaultdict(list)
    for s, p, o in desc.incoming():
        incoming[p].append(s)
    mentioned = [{"predicate": _predicate(ctx, terms, p), "subjects": terms.terms(set(ss))}
                 for p, ss in sorted(incoming.items(), key=lambda kv: terms.label(kv[0]).lower())]

    sources = sorted({o for p in (PROV.wasDerivedFrom, PROV.hadPrimarySource)
                      for o in desc.graph.objects(iri, p) if isinstance(o, URIRef)})
    kind = kind_of(ctx, types)
    view = {
        "iri": str(iri),
        "title": terms.label(iri) if iri in terms.labels else _untitled(ctx, str(iri)),
        # spkg's own classes when it has some: the ORG/PROV/FOAF/schema.org ones the entailments add say the same
        "types": terms.definitions([t for t in types if str(t).startswith(ctx.kg)] or types),
        "kind": kind,
        "groups": group_list,
        "mentioned": mentioned,
        "incoming_total": desc.incoming_total,
        "incoming_shown": desc.incoming_shown,
        "graphs": [{"term": _graph_term(ctx, g), "file": ctx.file_of(g), "facts": n} for g, n in graphs.items()],
        "sources": terms.terms(sources),
        "local": ctx.urls.is_local(str(iri)),
        "linkable": linkable(str(iri)),  # an http(s) IRI: linked out as "the official IRI"
        "formats": formats(ctx, str(iri), ctx.urls.doc),
        "sparql": sparql_for(ctx, str(iri)),
        "facts": len(desc.own()),
        "facts_cut": desc.own_truncated,
    }
    panel = {"outcome": outcome_panel, "instrument": instrument_panel, "organization": organization_panel,
             "sdg-target": sdg_target_panel, "country": country_panel}.get(kind or "")
    if panel:
        view["panel"] = panel(ctx, iri)
    return view


def _untitled(ctx: Context, iri: str) -> str:
    return Terms(ctx.urls).fallback(iri)


def _labels_of(desc: ld.Description) -> dict[URIRef, str]:
    return best_labels(desc.naming())


def _predicate(ctx: Context, terms: Terms, p: URIRef) -> Term:
    """A property, linked to its definition: the ontology page for spkg's, the owner's IRI for others."""
    return terms.definition(p)


def _graph_term(ctx: Context, graph_iri: str) -> Term:
    file = ctx.file_of(graph_iri) or graph_iri
    return Term(file, "iri", href=ctx.urls.graph(graph_iri), iri=graph_iri, note=graph_iri)


# -- type-specific panels -----------------------------------------------------------------

def outcome_panel(ctx: Context, o: URIRef) -> dict:
    kg = ctx.kg
    node = ox.NamedNode(str(o))
    facts = ctx.rows("outcome-page-facts", o=node)
    by_p: dict[str, list[Node]] = defaultdict(list)
    for r in facts:
        by_p[str(r["p"])].append(r["v"])

    def text(p: str) -> Term | None:
        vals = by_p.get(kg + p)
        return Term(str(vals[0]), lang=vals[0].language) if vals else None

    orgs = ctx.rows("outcome-page-organizations", o=node)
    activities = ctx.rows("outcome-page-activities", o=node)
    instruments = ctx.rows("outcome-page-instruments", o=node)
    targets = ctx.rows("outcome-page-sdg-targets", o=node)
    nodes = set()
    for rs in (orgs, activities, instruments, targets):
        for r in rs:
            nodes.update(v for v in r.values() if isinstance(v, URIRef))
    nodes.update(v for vs in by_p.values() for v in vs if isinstance(v, URIRef))
    terms = ctx.terms(nodes)

    org_roles: dict[URIRef, list[tuple[str, Term]]] = defaultdict(list)
    for r in orgs:
        org_roles[r["org"]].append((str(r["role"]), terms.term(r["via"])))
    organizations = sorted(
        ({"org": terms.term(org), "roles": roles} for org, roles in org_roles.items()),
        key=lambda x: x["org"].text.lower())

    acts = []
    for a, values in values_by_subject(activities, "a").items():
        date, place, parent = (least(values[k]) for k in ("date", "place", "parent"))
        types = sorted(values["type"])
        acts.append({"activity": terms.term(a), "date": _shown(date),
                     "sort": str(date) if date is not None else "",
                     "place": terms.maybe(place),
                     "part_of": terms.maybe(parent),
                     "types": [terms.definition(t) for t in types if str(t).startswith(ctx.kg)] or
                     [terms.definition(t) for t in types]})
    events = sorted(acts, key=lambda a: (a["sort"] or "9999", a["activity"].text))

    inst: dict[Node, dict] = {}
    for i, values in own_values(ctx, instruments, "i").items():
        date, kind, by = (least(values[k]) for k in ("date", "type", "by"))
        inst[i] = {"instrument": terms.term(i), "date": _shown(date),
                   "type": terms.maybe(kind),
                   "by": terms.maybe(by), **_named_members(ctx, by)}

    sdg = {}
    for r in targets:
        t = sdg.setdefault(r["t"], {"target": terms.term(r["t"]), "code": "", "text": ""})
        if "code" in r:
            t["code"] = str(r["code"])
        if "text" in r:
            t["text"] = str(r["text"])

    def linked(p: str) -> list[Term]:
        return terms.terms(v for v in by_p.get(p, []) if isinstance(v, URIRef))

    def lit(p: str) -> str | None:
        vals = by_p.get(kg + p)
        return fmt_literal(vals[0]) if vals else None

    return {
        "summary": text("summary"),
        "achievement": text("achievement"),
        "ilo_contribution": text("iloContribution"),
        "partners_contribution": text("partnersContribution"),
        "gender_note": text("genderNote"),
        "meta": [(label, value) for label, value in (
            ("Country", linked(kg + "country")),
            ("Reported", lit("reportedDate")),
            ("CPO code", lit("cpoCode")),
            ("Biennium", linked(kg + "biennium")),
            ("P&B indicator", linked(kg + "pbIndicator")),
            ("Result type", linked(kg + "resultType")),
            ("Programme", linked(kg + "programme")),
            ("Visibility", lit("visibility")),
        ) if value],
        "instruments": list(inst.values()),
        "organizations": organizations,
        "events": events,
        "targets": sorted(sdg.values(), key=lambda t: sdg_sort_key(t["code"] or "99")),
        "goals": linked(kg + "sdgGoal"),
        "themes": linked(kg + "theme"),
        "evidence": _evidence(ctx, node),
        "records": linked(str(PROV.wasDerivedFrom)),
        "verbatim": _verbatim(ctx, by_p.get(str(PROV.wasDerivedFrom), [])),
    }


def _evidence(ctx: Context, outcome: ox.NamedNode) -> list[dict]:
    """Each fact about the outcome with the words of the record that support it."""
    found = []
    for a, values in values_by_subject(ctx.rows("outcome-page-evidence", o=outcome), "a").items():
        words, start = least(values["exact"]), least(values["start"])
        if words is None or start is None:  # an annotation without its quote or its place in the record
            continue
        label, before, after = (str(least(values[k]) or "") for k in ("label", "prefix", "suffix"))
        status, status_label = least(values["status"]), least(values["statusLabel"])
        for body in values["body"]:
            found.append((as_int(start), str(a), {
                "fact": label.removeprefix("Evidence: "), "body": body, "before": before[-40:], "words": str(words),
                "after": after[:40],
                "status": str(status_label or (str(status).rsplit("/", 1)[-1] if status is not None else ""))}))
    return [e for *_, e in sorted(found, key=lambda f: f[:2])]


def _verbatim(ctx: Context, records: list[Node]) -> str | None:
    for rec in records:
        if isinstance(rec, URIRef):
            found = ctx.rows("record-verbatim-text", r=ox.NamedNode(str(rec)))
            if found:
                return str(found[0]["t"])
    return None


def _outcome_targets(ctx: Context, outcomes: Iterable[Node]) -> dict[Node, list[dict]]:
    outcomes = list(outcomes)
    found: dict[Node, list[dict]] = defaultdict(list)
    if not outcomes:
        return found
    rows = ctx.rows("outcomes-sdg-targets", {"outcomes": [_iri(o) for o in outcomes]})
    for r in rows:
        code = str(r.get("code", "")) or Terms(ctx.urls).fallback(str(r["t"]))
        found[r["o"]].append({"code": code, "href": ctx.urls.page(str(r["t"])), "iri": str(r["t"])})
    for v in found.values():
        v.sort(key=lambda t: sdg_sort_key(t["code"]))
    return found


def _named_members(ctx: Context, body: Node | None) -> dict:
    """The first MEMBERS_LISTED members of the body shown as an instrument's issuer, and whether it has more
    (its own page lists them all): a partner's graph can give a body any number of members."""
    if not isinstance(body, URIRef):
        return {"members": [], "more_members": False}
    rows = ctx.rows("organization-page-members", {"limit": MEMBERS_LISTED + 1}, c=ox.NamedNode(str(body)))
    terms = ctx.terms(r["m"] for r in rows[:MEMBERS_LISTED])
    return {"members": sorted((terms.term(r["m"]) for r in rows[:MEMBERS_LISTED]), key=lambda t: t.text.lower()),
            "more_members": len(rows) > MEMBERS_LISTED}


def organization_panel(ctx: Context, org: URIRef) -> dict:
    rows = ctx.rows("organization-page-outcomes", org=ox.NamedNode(str(org)))
    members = ctx.rows("organization-page-members", {"limit": None}, c=ox.NamedNode(str(org)))
    terms = ctx.terms({v for r in rows + members for v in r.values() if isinstance(v, URIRef)})
    targets = _outcome_targets(ctx, {r["o"] for r in rows})
    outcomes: dict[Node, dict] = {}
    for r in rows:
        o = outcomes.setdefault(r["o"], {"outcome": terms.term(r["o"]), "roles": [], "targets": targets[r["o"]]})
        o["roles"].append((str(r["role"]), terms.term(r["via"])))
    return {"outcomes": sorted(outcomes.values(), key=lambda o: o["outcome"].text),
            "members": terms.terms(r["m"] for r in members)}


def instrument_panel(ctx: Context, i: URIRef) -> dict:
    node = ox.NamedNode(str(i))
    own = own_values(ctx, ctx.rows("instrument-page-issuers", i=node), "i").get(i, defaultdict(list))
    outs = ctx.rows("instrument-page-outcomes", i=node)
    terms = ctx.terms(set(own["by"]) | {v for r in outs for v in r.values() if isinstance(v, URIRef)})
    count = least(own["count"])
    # members are not listed: the collaboration pattern that named them is deprecated
    issuers = [{"body": terms.term(b), "members": [], "count": as_int(count) if count is not None else None}
               for b in own["by"]]
    targets = _outcome_targets(ctx, {r["o"] for r in outs})
    return {"issuers": issuers,
            "outcomes": [{"outcome": terms.term(r["o"]), "date": fmt_literal(r["date"]) if "date" in r else None,
                          "targets": targets[r["o"]]} for r in outs]}


def sdg_target_panel(ctx: Context, t: URIRef) -> dict:
    node = ox.NamedNode(str(t))
    info = values_by_subject(ctx.rows("sdg-target-page-facts", t=node), "t").get(t, defaultdict(list))
    code, text, goal = (least(info[k]) for k in ("code", "text", "goal"))
    outs = ctx.rows("sdg-target-page-outcomes", t=node)
    terms = ctx.terms({r["o"] for r in outs} | ({goal} if goal is not None else set()))
    return {"code": str(code) if code else None,
            "text": str(text or ""),
            "goal": terms.maybe(goal),
            "official": str(t) if linkable(str(t)) else None,
            "filter_href": ctx.urls.outcomes(sdg=str(code)) if code else None,
            "outcomes": [{"outcome": terms.term(r["o"]), "date": fmt_literal(r["date"]) if "date" in r else None}
                         for r in outs]}


def country_panel(ctx: Context, c: URIRef) -> dict:
    outs = ctx.rows("country-page-outcomes", c=ox.NamedNode(str(c)))
    terms = ctx.terms({r["o"] for r in outs})
    key = (iris.split_thing(str(c), ctx.base) or ("", ""))[1]
    return {"outcomes": [{"outcome": terms.term(r["o"]), "date": fmt_literal(r["date"]) if "date" in r else None}
                         for r in outs],
            "filter_href": ctx.urls.outcomes(country=key) if key else None}


# -- index pages ----------------------------------------------------------------------------

def parse_filters(ctx: Context, country: str | None, sdg: str | None, theme: str | None,
                  year: str | None) -> dict[str, str]:
    """Validated outcome filters (BadParameter for values that cannot be right)."""
    out = {}
    if country:
        key = country.strip().lower()
        if not iris.is_key(key):
            raise BadParameter(f"country {country!r} is not an ISO 3166-1 alpha-3 code or country key",
                               parameter="country")
        out["country"] = key
    if sdg:
        code = sdg.strip().lower()
        if not _SDG_CODE.match(code):
            raise BadParameter(f"sdg {sdg!r} is not an SDG target code such as 1.3", parameter="sdg")
        out["sdg"] = code
    if theme:
        key = theme.strip().lower()
        if not iris.is_key(key):
            raise BadParameter(f"theme {theme!r} is not a theme key such as old-age", parameter="theme")
        out["theme"] = key
    if year:
        out["year"] = _years(year)
    return out


def _years(year: str) -> str:
    """A year (``2021``) or a span of years (``2020-2021``, a biennium on the timeline), as given."""
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    match = re.fullmatch(r"([0-9]{4})(?:-([0-9]{4}))?", year.strip())
    first, last = (int(match[1]), int(match[2] or match[1])) if match else (0, 0)
    if not match or not 1900 <= first <= last <= 2200:
        raise BadParameter(f"year {year!r} is not a year (2021) or a span of years (2020-2021)", parameter="year")
    return str(first) if first == last else f"{first}-{last}"


def year_span(filters: dict[str, str]) -> tuple[int, int] | tuple[None, None]:
    """The first and last year of the year filter (the same year twice for one year)."""
    if "year" not in filters:
        return None, None
    first, _, last = filters["year"].partition("-")
    return int(first), int(last or first)


def outcome_rows(ctx: Context, filters: dict[str, str] | None = None, limit: int = MAX_LIST) -> list[dict]:
    filters = filters or {}
    # A filter not given leaves its line out of the query (kg.sparql.files.fill).
    rows = ctx.rows("outcome-list", {
        "country": _iri(iris.thing("country", filters["country"], ctx.base)) if "country" in filters else None,
        "sdg": _iri(iris.SDG[filters["sdg"]]) if "sdg" in filters else None,
        "theme": _iri(iris.thing("theme", filters["theme"], ctx.base)) if "theme" in filters else None,
        "first_year": year_span(filters)[0], "last_year": year_span(filters)[1],
        "limit": int(limit) + 1,
    })
    seen: dict[Node, dict] = {}
    for r in rows:
        seen.setdefault(r["o"], r)
    outcomes = list(seen.values())[:limit]
    themes = ctx.rows("outcomes-themes", {"outcomes": [_iri(o) for o in seen]}) if seen else []
    terms = ctx.terms({r["o"] for r in outcomes} | {r["country"] for r in outcomes if "country" in r}
                      | {r["th"] for r in themes})
    by_theme: dict[Node, list[Term]] = defaultdict(list)
    for r in themes:
        by_theme[r["o"]].append(terms.term(r["th"]))
    targets = _outcome_targets(ctx, seen)
    return [{"outcome": terms.term(r["o"]),
             "date": fmt_literal(r["date"]) if "date" in r else None,
             "code": str(r["code"]) if "code" in r else None,
             "country": terms.term(r["country"]) if "country" in r else None,
             "summary": str(r["summary"]) if "summary" in r else None,
             "targets": targets[r["o"]],
             "themes": sorted(by_theme[r["o"]], key=lambda t: t.text)} for r in outcomes]


def outcomes_index(ctx: Context, filters: dict[str, str], options: dict | None = None) -> dict:
    """The outcomes page: the filters' options (``outcome_facets``, which may be cached) and the matching rows."""
    rows = outcome_rows(ctx, filters)
    options = outcome_facets(ctx) if options is None else options
    countries = [{"label": o["label"], "n": o["n"], "numeric": o["numeric"], "href": ctx.urls.outcomes(country=o["value"]),
                  "selected": filters.get("country") == o["value"]} for o in options["country"]]
    return {"filters": filters, "options": options, "outcomes": rows, "truncated": len(rows) >= MAX_LIST,
            "map": worldmap.country_map(countries)}


def outcome_facets(ctx: Context) -> dict:
    """Each filter's values with their outcome counts: full scans, the same whatever the filters."""
    options = {}
    countries = ctx.rows("outcome-facet-countries", aggregate=True)
    themes = ctx.rows("outcome-facet-themes", aggregate=True)
    targets = ctx.rows("outcome-facet-sdg-targets", aggregate=True)
    years = ctx.rows("outcome-facet-years", aggregate=True)
    labels = ctx.labels({r["c"] for r in countries + themes})

    def key(iri: Node) -> str:
        return (iris.split_thing(str(iri), ctx.base) or ("", str(iri)))[1]

    # A country the graph gives two ISO numeric codes comes in two rows: one option, placed by its least code.
    codes: dict[Node, list[Node]] = defaultdict(list)
    for r in countries:
        codes[r["c"]].extend([r["numeric"]] if "numeric" in r else [])
    least_code = {c: least(values) for c, values in codes.items()}
    options["country"] = sorted(({"value": key(c), "label": labels.get(c, key(c)), "n": as_int(r["n"]),
                                  "numeric": str(least_code[c]) if least_code[c] is not None else None}
                                 for c, r in {r["c"]: r for r in countries}.items()), key=lambda o: o["label"])
    options["theme"] = sorted(({"value": key(r["c"]), "label": labels.get(r["c"], key(r["c"])), "n": as_int(r["n"])}
                               for r in themes), key=lambda o: o["label"])
    options["sdg"] = sorted(({"value": str(r.get("code", "")), "label": f"Target {r.get('code', '')}",
                              "n": as_int(r["n"])} for r in targets if r.get("code")),
                            key=lambda o: sdg_sort_key(o["value"]))
    options["year"] = [{"value": str(r["y"]), "label": str(r["y"]), "n": as_int(r["n"])} for r in years if "y" in r]
    return options


def organizations_index(ctx: Context) -> dict:
    rows = ctx.rows("organization-list", whole=True)
    counts = ctx.rows("organization-outcome-counts", whole=True, aggregate=True)
    n_by = {r["org"]: as_int(r["n"]) for r in counts}
    joint = {r["x"] for r in rows if str(r.get("joint")) == "true"}
    picked = {x: {k: least(values[k]) for k in ("acronym", "type", "country")}
              for x, values in own_values(ctx, rows, "x").items()}
    terms = ctx.terms(set(picked) | {v for p in picked.values() for v in p.values() if isinstance(v, URIRef)})
    items = sorted(({"org": terms.term(x), "acronym": str(p["acronym"]) if p["acronym"] is not None else None,
                     "type": terms.maybe(p["type"]),
                     "country": terms.maybe(p["country"]),
                     "joint": x in joint, "outcomes": n_by.get(x, 0)} for x, p in picked.items()),
                   key=lambda o: o["org"].text.lower())
    return {"organizations": [o for o in items if not o["joint"]], "collaborations": [o for o in items if o["joint"]]}


def instruments_index(ctx: Context) -> dict:
    values = own_values(ctx, ctx.rows("instrument-list", whole=True), "i")
    counts = {r["i"]: as_int(r["n"]) for r in ctx.rows("instrument-outcome-counts", whole=True, aggregate=True)}
    # The list names a few issuers of each instrument, the instrument's page all of them: a partner's graph
    # can give one instrument hundreds, and the list must stay a list (the #16 probe: 867 KB, 9-12 s).
    issuers = {i: sorted(vs["by"], key=str)[:ISSUERS_LISTED] for i, vs in values.items()}
    terms = ctx.terms(set(values) | {v for vs in values.values() for k in ("type", "country") for v in vs[k]}
                      | {b for by in issuers.values() for b in by})
    items = []
    for i, vs in values.items():
        date, kind, country = (least(vs[k]) for k in ("date", "type", "country"))
        items.append({"instrument": terms.term(i), "date": _shown(date),
                      "sort": str(date) if date is not None else "",
                      "type": terms.maybe(kind),
                      "country": terms.maybe(country),
                      "by": sorted((terms.term(b) for b in issuers[i]), key=lambda t: t.text.lower()),
                      "more_by": len(vs["by"]) - len(issuers[i]), "outcomes": counts.get(i, 0)})
    items.sort(key=lambda i: i["sort"], reverse=True)  # the latest first, undated last
    return {"instruments": items}


def sdg_targets_index(ctx: Context, addressed_only: bool = False) -> dict:
    facts = {t: {k: least(values[k]) for k in ("code", "text", "goal")}
             for t, values in values_by_subject(ctx.rows("sdg-target-list", whole=True), "t").items()}
    counts = {r["t"]: as_int(r["n"]) for r in ctx.rows("sdg-target-outcome-counts", whole=True, aggregate=True)}
    terms = ctx.terms({f["goal"] for f in facts.values() if f["goal"] is not None})
    targets = []
    for t, f in facts.items():
        code = str(f["code"] or "") or Terms(ctx.urls).fallback(str(t))
        n = counts.get(t, 0)
        if addressed_only and not n:
            continue
        targets.append({"code": code, "text": str(f["text"] or ""), "href": ctx.urls.page(str(t)),
                        "iri": str(t), "goal": terms.maybe(f["goal"]),
                        "outcomes": n, "filter_href": ctx.urls.outcomes(sdg=code) if n else None})
    targets.sort(key=lambda t: sdg_sort_key(t["code"]))
    return {"targets": targets, "addressed": [t for t in targets if t["outcomes"]],
            "addressed_only": addressed_only}


def home(ctx: Context) -> dict:
    found = ctx.rows("dashboard-counts", aggregate=True)  # the query of the canned query get-dashboard-counts
    row = found[0] if found else {}

    def count(name: str) -> int:
        return as_int(row.get(name))

    counts = [
        (("outcome", "outcomes"), count("outcomes"), ctx.urls.outcomes()),
        (("country", "countries"), count("countries"), ctx.urls.outcomes()),
        (("organization", "organizations"), count("organizations"), ctx.urls.organizations()),
        (("policy instrument", "policy instruments"), count("instruments"), ctx.urls.instruments()),
        (("SDG target addressed", "SDG targets addressed"), count("sdgTargets"), ctx.urls.sdg_targets(addressed=1)),
    ]
    counts = [(names[0] if n == 1 else names[1], n, href) for names, n, href in counts]
    return {"counts": counts, "latest": outcome_rows(ctx, limit=10)}


def search(ctx: Context, q: str) -> dict:
    q = (q or "").strip()
    if not q:
        return {"q": "", "results": []}
    if len(q) > 200:
        raise BadParameter("the search text is longer than 200 characters", parameter="q")
    rows = ctx.rows("search-labels", aggregate=True, q=ox.Literal(q))
    types = ld.types_of(ctx.store, {r["x"] for r in rows})
    terms = ctx.terms({r["x"] for r in rows} | {t for ts in types.values() for t in ts})
    results = [{"term": terms.term(r["x"]), "types": terms.definitions(types.get(r["x"], ()))} for r in rows]
    exact = q.lower()
    results.sort(key=lambda r: (r["term"].text.lower() != exact, not r["term"].text.lower().startswith(exact),
                                r["term"].text.lower()))
    return {"q": q, "results": results, "outcomes": _outcomes_saying(ctx, q, {r["x"] for r in rows})}


def _outcomes_saying(ctx: Context, q: str, named: set[Node]) -> list[dict]:
    """The outcomes whose text says ``q`` (not those whose label does: they are listed above), each with the
    words around the first place it says it, split so that a page can mark them."""
    found = [r for r in ctx.rows("search-outcome-text", aggregate=True, needle=ox.Literal(q.lower())) if r["o"] not in named]
    terms = ctx.terms({r["o"] for r in found})
    out = []
    for r in found:
        context = str(r.get("context", ""))
        at = context.lower().find(q.lower())
        before, words, after = (context[:at], context[at:at + len(q)], context[at + len(q):]) if at >= 0 else \
            (context, "", "")
        # whole words only at the two ends (the query cut the text by characters)
        before = before.split(" ", 1)[1] if " " in before else before
        after = after.rsplit(" ", 1)[0] if " " in after else after
        out.append({"outcome": terms.term(r["o"]), "before": before, "words": words, "after": after})
    return out


def graph_page(ctx: Context, graph_iri: str) -> dict | None:
    found = ctx.rows("graph-page-counts", g=ox.NamedNode(graph_iri))
    if not found or not as_int(found[0].get("n")):
        return None
    classes = ctx.rows("graph-page-classes", g=ox.NamedNode(graph_iri))
    terms = ctx.terms({r["c"] for r in classes})
    return {"iri": graph_iri, "file": ctx.file_of(graph_iri), "triples": as_int(found[0]["n"]),
            "subjects": as_int(found[0]["subjects"]),
            "classes": [{"term": terms.definition(r["c"]), "n": as_int(r["n"])} for r in classes],
            "formats": [{"name": f, "label": FORMAT_LABELS[f], "href": ctx.urls.graph(graph_iri, f)}
                        for f in ("ttl", "jsonld", "nt", "rdf")],
            "sparql": {"href": ctx.urls.sparql(ctx.query("graph-contents", graph=_iri(graph_iri)), "ttl")}}


def graph_triples(ctx: Context, graph_iri: str) -> ld.Description:
    """A whole named graph as a description (for its RDF formats)."""
    g = ld.new_graph(ctx.base)
    for r in ctx.rows("graph-triples", g=ox.NamedNode(graph_iri)):
        g.add((r["s"], r["p"], r["o"]))
    return ld.Description(URIRef(graph_iri), g)

