"""The dashboard's figures: counts and bar charts, computed once per dataset version.

:func:`figures` runs a handful of aggregate queries (the full scans) and
returns plain data for ``home.html``: counts, a world map of outcomes per
country, a timeline of outcomes per year grouped by biennium, and charts of
outcomes per SDG target, country, theme and UN M49 region, each bar (country,
column) linking to the filtered list of outcomes and each chart to the SPARQL
query behind it (in the editor). The web layer caches the result per dataset version
(:meth:`kg.site.state.Site.cached`), so a page view runs no query: the
figures change only when ``kg build`` (or an ingest) makes a new version.

No FastAPI here.
"""

from __future__ import annotations

from urllib.parse import urlencode

from kg.rdf import iris
from kg.site import views, worldmap
from kg.site.views import Context, sdg_sort_key
from kg.sparql import files

__all__ = ["CHART_QUERIES", "figures", "chart", "timeline", "per_country"]

TOP = 15          # bars in the per-country chart
FIRST_YEAR, LAST_YEAR = 1900, 2200   # the years the outcomes list can filter by (kg.site.views)
MAX_YEARS = 60    # the longest run of years the timeline draws column by column


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


def timeline(years: dict[int, int], urls) -> list[dict]:
    """Outcomes per year reported as columns on a time axis, grouped by biennium (the ILO's bienniums
    begin in even years: 2020-21). Every year from the first to the last has a column, so that a gap
    shows as a gap; each column and each biennium links to its outcomes."""
    years = {y: n for y, n in years.items() if FIRST_YEAR <= y <= LAST_YEAR and n > 0}
    if not years:
        return []
    top = max(years.values())
    first, last = min(years), max(years)
    # A column for every year of a span a page can show; past that (a partner's date in 1900, say) only
    # the years with outcomes, so that the chart stays a few dozen columns.
    shown = set(range(first, last + 1)) if last - first < MAX_YEARS else set(years)
    groups = []
    for start in sorted({y - y % 2 for y in shown}):
        span = [y for y in (start, start + 1) if y in shown]
        columns = [{"year": y, "n": years.get(y, 0), "percent": round(100 * years.get(y, 0) / top),
                    "href": urls.outcomes(year=str(y)) if years.get(y) else None} for y in span]
        total = sum(c["n"] for c in columns)
        groups.append({"label": f"{start}-{str(start + 1)[-2:]}", "n": total, "columns": columns,
                       "href": urls.outcomes(year=f"{span[0]}-{span[-1]}" if len(span) > 1 else str(span[0]))
                       if total else None})
    return groups


def per_country(rows: list[dict], base: str, urls) -> list[dict]:
    """Outcomes per country, one entry each, busiest first, from the rows of outcomes-per-country: a country
    may come in several rows when the graph gives it several labels or codes (the first row, the busiest,
    counts; its least code places it on the map)."""
    countries: dict[str, dict] = {}
    codes: dict[str, list] = {}
    for r in rows:
        key = _key(str(r["country"]), base)
        countries.setdefault(key, {"label": str(r.get("name") or key), "n": views.as_int(r["outcomes"]),
                                   "href": urls.outcomes(country=key)})
        codes.setdefault(key, []).extend([r["numeric"]] if "numeric" in r else [])
    return [{**c, "numeric": str(views.least(codes[key]) or "") or None} for key, c in countries.items()]


def named(ctx: Context, rows: list[dict], var: str, one_each: bool = True) -> list[dict]:
    """``rows`` (``one_each``: the first, the busiest, per ``var``), each ``name`` the label the project's own
    graphs give (:func:`kg.publish.ld.add_labels`): a partner's second label made a second bar, or renamed
    the first (the tenth #16 probe)."""
    labels = ctx.labels({r[var] for r in rows if var in r})
    seen, out = set(), []
    for r in rows:
        if one_each and var in r and r[var] in seen:
            continue
        seen.add(r.get(var))
        out.append({**r, "name": labels.get(r.get(var)) or r.get("name")})
    return out


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

    country = per_country(named(ctx, rows("country"), "country", one_each=False), base, urls)
    bars = [{"label": c["label"], "n": c["n"], "href": c["href"]} for c in country]
    charts.append(chart("country", f"Outcomes per country (top {TOP})" if len(bars) > TOP else
                        "Outcomes per country", bars[:TOP], query_text("country", base), urls.outcomes(),
                        "/api/queries/list-outcomes-by-country", len(bars)))

    region = named(ctx, rows("region"), "region")
    bars = [{"label": str(r.get("name") or _key(str(r["region"]), base)), "n": views.as_int(r["outcomes"]),
             "href": "/query?" + urlencode({"name": "list-outcomes-by-region",
                                            "region": _key(str(r["region"]), base)})} for r in region]
    charts.append(chart("region", "Outcomes per region (UN M49)", bars, query_text("region", base),
                        "/query?name=list-outcomes-by-region", "/api/queries/count-outcomes-by-region"))

    theme = named(ctx, rows("theme"), "theme")
    bars = [{"label": str(r.get("name") or _key(str(r["theme"]), base)), "n": views.as_int(r["outcomes"]),
             "href": urls.outcomes(theme=_key(str(r["theme"]), base))} for r in theme]
    charts.append(chart("theme", "Outcomes per theme", bars[:TOP], query_text("theme", base), urls.outcomes(),
                        "/api/queries/list-outcomes-by-theme", len(bars)))

    years = {views.as_int(r["year"]): views.as_int(r["outcomes"]) for r in rows("year") if "year" in r}
    time_chart = chart("year", "Outcomes per year reported, by biennium", [], query_text("year", base),
                       urls.outcomes(), "/api/queries/list-outcomes")
    time_chart["groups"] = timeline(years, urls)
    return {"counts": home["counts"], "latest": home["latest"], "charts": charts, "timeline": time_chart,
            "map": {**worldmap.country_map(country), "query_href": charts[1]["query_href"],
                    "api_href": "/api/queries/list-outcomes-by-country"}}


def cached_figures(site) -> dict:
    """The figures of the site's current dataset version, computed once."""
    return site.cached("dashboard", lambda: figures(site.context()))

