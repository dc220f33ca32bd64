"""``/quality``: what validation found, per data file and outcome (HTML, or JSON by negotiation).

The report is the one ``kg build`` kept beside the store (:mod:`kg.validate.stored`);
the page never validates. Its ETag follows the dataset version and the kept report, so
a build that changes either changes the page.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from starlette.responses import Response

from kg.site.quality import as_json, quality_view
from kg.validate import stored
from kg.web import caching
from kg.web import negotiation as neg

router = APIRouter()
GET = ["GET", "HEAD"]

#: Plain JSON (not SPARQL results): ``Accept: application/json`` or ``?format=json``.
JSON = neg.Format("json", "data", "application/json", "application/json")
OFFERS = (neg.PAGE, JSON)


@router.api_route("/quality", methods=GET, include_in_schema=False)
def quality(request: Request) -> Response:
    s = caching.site(request)
    token = stored.token(s.settings)

    def produce(fmt: neg.Format) -> bytes | str:
        view = s.cached(f"quality:{token}", lambda: quality_view(s.context(), stored.read(s.settings), s.version()))
        if fmt is not neg.PAGE:
            return json.dumps(as_json(view), indent=1, ensure_ascii=False).encode("utf-8")
        return s.renderer.render("quality.html", q=view, version=s.version().name, active="quality",
                                 alternates=[{"type": JSON.media_type, "href": s.urls.quality("json"),
                                              "label": "JSON"}])

    return caching.answer(request, OFFERS, produce, key=token)
