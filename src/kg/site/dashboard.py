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
from kg.site import views
from kg.site.views import Context, sdg_sort_key
from kg.sparql import files

__all__ = ["CHART_QUERIES", "figures", "chart"]

TOP = 15          # bars in the per-country chart


#: The query behind each chart (also shown to people: runnable as it is): kg/site/sparql/<name>.rq.
CHART_QUERIES = {
    "sdg": "outcomes-per-sdg-target",
    "country": "outcomes-per-country",
    "theme": "outcomes-per-theme",
    "year": "outcomes-per-year",
    "region": "outcomes-per-region",
}


def query_text(key: str, base: str) -> str:
    return files.text(views.SPARQL, CHART_QUERIES[key], base)


def chart(key: str, title: str, bars: list[dict], query: str, list_href: str, api_href: str | None = None,
          total: int | None = None) -> dict:
    """A horizontal bar chart as plain data: each bar a link with its label and count, and its length
    in per cent of the longest (a page draws it as a list of links, the bars as pictures beside them)."""
    top = max((b["n"] for b in bars), default=0) or 1
    for b in bars:
        b["percent"] = max(1, round(100 * b["n"] / top))
    return {"id": f"chart-{key}", "key": key, "title": title, "bars": bars,
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
        return ctx.run(query_text(key, base), aggregate=True)

    sdg = [r for r in rows("sdg")]
    bars = [{"label": f"SDG {r['code']}" if "code" in r else _key(str(r["target"]), base),
             "n": views.as_int(r["outcomes"]),
             "href": urls.outcomes(sdg=str(r["code"])) if "code" in r else urls.page(str(r["target"]))}
            for r in sdg]
    bars.sort(key=lambda b: (-b["n"], sdg_sort_key(b["label"].removeprefix("SDG "))))
    charts.append(chart("sdg", "Outcomes per SDG target", bars[:TOP], query_text("sdg", base),
                        urls.sdg_targets(addressed=1), "/api/queries/list-outcomes-by-sdg-target", len(bars)))

    country = rows("country")
    bars = [{"label": str(r.get("name") or _key(str(r["country"]), base)), "n": views.as_int(r["outcomes"]),
             "href": urls.outcomes(country=_key(str(r["country"]), base))} for r in country]
    charts.append(chart("country", f"Outcomes per country (top {TOP})" if len(bars) > TOP else
                        "Outcomes per country", bars[:TOP], query_text("country", base), urls.outcomes(),
                        "/api/queries/list-outcomes-by-country", len(bars)))

    region = rows("region")
    bars = [{"label": str(r.get("name") or _key(str(r["region"]), base)), "n": views.as_int(r["outcomes"]),
             "href": "/query?" + urlencode({"name": "list-outcomes-by-region",
                                            "region": _key(str(r["region"]), base)})} for r in region]
    charts.append(chart("region", "Outcomes per region (UN M49)", bars, query_text("region", base),
                        "/query?name=list-outcomes-by-region", "/api/queries/count-outcomes-by-region"))

    theme = rows("theme")
    bars = [{"label": str(r.get("name") or _key(str(r["theme"]), base)), "n": views.as_int(r["outcomes"]),
             "href": urls.outcomes(theme=_key(str(r["theme"]), base))} for r in theme]
    charts.append(chart("theme", "Outcomes per theme", bars[:TOP], query_text("theme", base), urls.outcomes(),
                        "/api/queries/list-outcomes-by-theme", len(bars)))

    year = rows("year")
    bars = [{"label": str(r["year"]), "n": views.as_int(r["outcomes"]), "href": urls.outcomes(year=str(r["year"]))}
            for r in year if "year" in r]
    charts.append(chart("year", "Outcomes per year reported", bars, query_text("year", base), urls.outcomes(),
                        "/api/queries/list-outcomes"))
    return {"counts": home["counts"], "latest": home["latest"], "charts": charts}


def cached_figures(site) -> dict:
    """The figures of the site's current dataset version, computed once."""
    return site.cached("dashboard", lambda: figures(site.context()))

