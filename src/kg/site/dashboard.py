"""The dashboard's figures: counts and bar charts, computed once per dataset version.

:func:`figures` runs a handful of aggregate queries (the full scans) and
returns plain data for ``home.html``: counts, and charts of outcomes per SDG
target, country, theme, year and UN M49 region, each bar linking to the
filtered list of outcomes and each chart to the SPARQL query behind it (in
the editor). The web layer caches the result per dataset version
(:meth:`kg.site.state.Site.cached`), so a page view runs no query: the
figures change only when ``kg build`` (or an ingest) makes a new version.

No FastAPI here.
"""

from __future__ import annotations

from urllib.parse import urlencode

from kg.rdf import iris
from kg.publish import ld
from kg.site import views
from kg.site.views import Context, sdg_sort_key

__all__ = ["CHART_QUERIES", "figures", "chart"]

TOP = 15          # bars in the per-country chart
BAR_HEIGHT = 22
LABEL_WIDTH = 190
CHART_WIDTH = 560


def _prologue(base: str, names: tuple[str, ...]) -> str:
    prefixes = ld.prefixes(base)
    return "".join(f"PREFIX {p}: <{prefixes[p]}>\n" for p in names)


#: The query behind each chart (also shown to people: runnable as it is).
CHART_QUERIES = {
    "sdg": (("kg", "skos", "xsd"), """
# Outcomes per SDG target
SELECT ?target ?code (COUNT(DISTINCT ?outcome) AS ?outcomes)
WHERE {
  ?outcome a kg:Outcome ; kg:sdgTarget ?target .
  OPTIONAL { ?target skos:notation ?code FILTER(DATATYPE(?code) = xsd:string) }
}
GROUP BY ?target ?code
ORDER BY DESC(?outcomes) ?code
"""),
    "country": (("kg", "rdfs"), """
# Outcomes per country
SELECT ?country ?name (COUNT(DISTINCT ?outcome) AS ?outcomes)
WHERE {
  ?outcome a kg:Outcome ; kg:country ?country .
  OPTIONAL { ?country rdfs:label ?name }
}
GROUP BY ?country ?name
ORDER BY DESC(?outcomes) ?name
"""),
    "theme": (("kg", "rdfs"), """
# Outcomes per theme
SELECT ?theme ?name (COUNT(DISTINCT ?outcome) AS ?outcomes)
WHERE {
  ?outcome a kg:Outcome ; kg:theme ?theme .
  OPTIONAL { ?theme rdfs:label ?name }
}
GROUP BY ?theme ?name
ORDER BY DESC(?outcomes) ?name
"""),
    "year": (("kg",), """
# Outcomes per year reported
SELECT ?year (COUNT(DISTINCT ?outcome) AS ?outcomes)
WHERE {
  ?outcome a kg:Outcome ; kg:reportedDate ?date .
  BIND(YEAR(?date) AS ?year)
}
GROUP BY ?year
ORDER BY ?year
"""),
    "region": (("kg", "rdfs", "skos"), """
# Outcomes per UN M49 region (data/regions.ttl)
SELECT ?region ?name (COUNT(DISTINCT ?outcome) AS ?outcomes)
WHERE {
  ?outcome a kg:Outcome ; kg:country ?country .
  ?region skos:member/skos:member ?country .
  OPTIONAL { ?region rdfs:label ?name }
}
GROUP BY ?region ?name
ORDER BY DESC(?outcomes) ?name
"""),
}


def query_text(key: str, base: str) -> str:
    names, body = CHART_QUERIES[key]
    return _prologue(base, names) + body.lstrip("\n")


def chart(key: str, title: str, bars: list[dict], query: str, list_href: str, api_href: str | None = None,
          total: int | None = None) -> dict:
    """A horizontal bar chart as plain data: bar geometry for the SVG, links for each bar."""
    top = max((b["n"] for b in bars), default=0) or 1
    span = CHART_WIDTH - LABEL_WIDTH - 50
    for i, b in enumerate(bars):
        b["y"] = i * BAR_HEIGHT
        b["width"] = max(2, round(span * b["n"] / top))
    return {"id": f"chart-{key}", "key": key, "title": title, "bars": bars,
            "height": max(1, len(bars)) * BAR_HEIGHT, "width": CHART_WIDTH, "label_width": LABEL_WIDTH,
            "query_href": "/query?" + urlencode({"query": query}), "query": query,
            "list_href": list_href, "api_href": api_href, "more": (total or len(bars)) - len(bars)}


def _key(iri: str, base: str) -> str:
    return (iris.split_thing(iri, base) or ("", iri.rstrip("/").rsplit("/", 1)[-1]))[1]


def figures(ctx: Context) -> dict:
    """Everything the dashboard shows (several full scans: cache the result per version)."""
    base = ctx.base
    urls = ctx.urls
    home = views.home(ctx)   # counts and the latest outcomes
    charts = []

    def rows(key: str) -> list[dict]:
        return ld.rows(ctx.store, query_text(key, base))

    sdg = [r for r in rows("sdg")]
    bars = [{"label": f"SDG {r['code']}" if "code" in r else _key(str(r["target"]), base),
             "n": views._int(r["outcomes"]),
             "href": urls.outcomes(sdg=str(r["code"])) if "code" in r else urls.page(str(r["target"]))}
            for r in sdg]
    bars.sort(key=lambda b: (-b["n"], sdg_sort_key(b["label"].removeprefix("SDG "))))
    charts.append(chart("sdg", "Outcomes per SDG target", bars[:TOP], query_text("sdg", base),
                        urls.sdg_targets(addressed=1), "/api/queries/list-outcomes-by-sdg-target", len(bars)))

    country = rows("country")
    bars = [{"label": str(r.get("name") or _key(str(r["country"]), base)), "n": views._int(r["outcomes"]),
             "href": urls.outcomes(country=_key(str(r["country"]), base))} for r in country]
    charts.append(chart("country", f"Outcomes per country (top {TOP})" if len(bars) > TOP else
                        "Outcomes per country", bars[:TOP], query_text("country", base), urls.outcomes(),
                        "/api/queries/list-outcomes-by-country", len(bars)))

    region = rows("region")
    bars = [{"label": str(r.get("name") or _key(str(r["region"]), base)), "n": views._int(r["outcomes"]),
             "href": "/query?" + urlencode({"name": "list-outcomes-by-region",
                                            "region": _key(str(r["region"]), base)})} for r in region]
    charts.append(chart("region", "Outcomes per region (UN M49)", bars, query_text("region", base),
                        "/query?name=list-outcomes-by-region", "/api/queries/count-outcomes-by-region"))

    theme = rows("theme")
    bars = [{"label": str(r.get("name") or _key(str(r["theme"]), base)), "n": views._int(r["outcomes"]),
             "href": urls.outcomes(theme=_key(str(r["theme"]), base))} for r in theme]
    charts.append(chart("theme", "Outcomes per theme", bars[:TOP], query_text("theme", base), urls.outcomes(),
                        "/api/queries/list-outcomes-by-theme", len(bars)))

    year = rows("year")
    bars = [{"label": str(r["year"]), "n": views._int(r["outcomes"]), "href": urls.outcomes(year=str(r["year"]))}
            for r in year if "year" in r]
    charts.append(chart("year", "Outcomes per year reported", bars, query_text("year", base), urls.outcomes(),
                        "/api/queries/list-outcomes"))
    return {"counts": home["counts"], "latest": home["latest"], "charts": charts}


def cached_figures(site) -> dict:
    """The figures of the site's current dataset version, computed once."""
    return site.cached("dashboard", lambda: figures(site.context()))

