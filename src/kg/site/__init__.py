"""HTML pages of the spkg site: views (data), URLs, and Jinja2 templates.

* :mod:`.urls` — the only code that builds the site's URLs;
* :mod:`.terms` — RDF terms as people read them (labels, dates, links);
* :mod:`.views` and :mod:`.vocab` — what each page shows, from the store;
* :class:`Renderer` — the templates in ``kg/templates`` (a shared layout,
  no JavaScript, no CDN) and the stylesheet in ``kg/static``.

Nothing here imports FastAPI: :mod:`kg.web.pages` is the thin HTTP layer.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kg.publish import ld
from kg.site.urls import Urls

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"

NAV = (
    ("home", "Home", "home"),
    ("outcomes", "Outcomes", "outcomes"),
    ("organizations", "Organizations", "organizations"),
    ("instruments", "Instruments", "instruments"),
    ("sdg-targets", "SDG targets", "sdg_targets"),
    ("query", "Query editor", "query"),
    ("api", "API", "api_docs"),
    ("dumps", "Download the data", "dumps"),
    ("ontology", "Ontology", "ontology"),
)


class Renderer:
    """Renders the templates with the site's URLs, navigation and footer."""

    def __init__(self, urls: Urls) -> None:
        self.urls = urls
        self.env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                               trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(
            urls=urls,
            nav=[(key, label, getattr(urls, method)()) for key, label, method in NAV],
            license_url=ld.LICENSE,
            license_name=ld.LICENSE_NAME,
        )

    def render(self, template: str, *, version: str | None = None, active: str | None = None,
               alternates: list[dict] | None = None, **context: object) -> str:
        return self.env.get_template(template).render(version=version, active=active,
                                                      alternates=alternates or [], **context)
