"""Pages the browser tests visit: every page of the menu and one page of each kind."""

#: The #19 audit found 10 of 17 of them scrolling sideways at 375 px, and axe-core violations on several.
EVERY_KIND_OF_PAGE = [
    "/", "/outcomes", "/outcomes?year=2020-2021", "/organizations", "/instruments", "/sdg-targets", "/query",
    "/docs", "/dumps/", "/def/kg", "/shapes/", "/shapes/core", "/quality", "/search?q=china",
    "/doc/outcome/chn302-2021-07-16", "/doc/organization/mohrss", "/graph/data/outcome-chn302",
    "/query?name=list-outcomes-by-region", "/query?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D",
    "/no-such-page",
]
