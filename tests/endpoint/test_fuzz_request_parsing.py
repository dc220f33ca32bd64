"""Property tests of what the server reads from a request before any query runs.

* content negotiation (:mod:`kg.web.negotiation`): any Accept header gives a
  format on offer or None (a 406), never an exception; the format chosen is one
  the client rates highest, by the q-values of RFC 9110's most specific ranges;
  ``format=`` values give a format, None or the project's 400;
* the SPARQL lexer of :mod:`kg.sparql.guard`: the same tokens as a plain scan
  with its one regular expression, in linear time; a string literal never
  makes a query an update; the guard's answers on any text are values or the
  project's errors;
* canned-query parameters and the /outcomes filters: any value is a term,
  or the project's 400.

Bounded by tests/support/fuzzing.py; nothing here starts a server.
"""

from __future__ import annotations

import time

import pyoxigraph as ox
from fuzzing import ONCE, bounded
from hypothesis import given
from hypothesis import strategies as st

from kg.sparql import guard as sparql_guard
from kg.errors import BadParameter, KGError
from kg.web import negotiation as neg
from kg.sparql.catalogue import PARAM_TYPES, convert
from kg.site.views import parse_filters

pytestmark = ONCE

# -- content negotiation ---------------------------------------------------------------------

OFFER_SETS = [neg.RESULTS, neg.GRAPHS, neg.GRAPHS + (neg.PAGE,), (neg.PAGE,), (neg.BY_NAME["json"], neg.PAGE),
              tuple(neg.BY_NAME[n] for n in ("ttl", "html", "jsonld", "nt", "rdf"))]
KNOWN_TYPES = sorted({t for f in neg.FORMATS for t in (f.media_type, *f.also)})
RANGES = st.one_of(st.sampled_from(KNOWN_TYPES), st.sampled_from(["*/*", "text/*", "application/*", "image/png",
                                                                   "application/x-unknown"]))
Q_VALUES = st.one_of(st.none(), st.sampled_from([0, 1]), st.integers(0, 1000).map(lambda n: n / 1000))


def _q(value: float | None) -> str:
    return "" if value is None else f";q={value:.3f}".rstrip("0").rstrip(".")


ACCEPT_ITEMS = st.lists(st.tuples(RANGES, Q_VALUES), max_size=6)


def accept_header(items) -> str:
    return ", ".join(f"{media}{_q(q)}" for media, q in items)


def rated(items, offer: neg.Format) -> float:
    """The client's q for an offer, by RFC 9110: the most specific range matching any of its names.

    Written apart from kg.web.negotiation on purpose: it is the test's oracle.
    """
    best = 0.0
    for name in (offer.media_type, *offer.also):
        typ, sub = name.split("/")
        found: dict[int, float] = {}
        for media, q in items:
            rtyp, rsub = media.split("/")
            specificity = 2 if (rtyp, rsub) == (typ, sub) else 1 if (rtyp, rsub) == (typ, "*") else \
                0 if (rtyp, rsub) == ("*", "*") else None
            if specificity is not None:
                found[specificity] = max(found.get(specificity, 0.0), 1.0 if q is None else q)
        if found:
            best = max(best, found[max(found)])
    return best


@bounded(400)
@given(st.text(max_size=300), st.sampled_from(OFFER_SETS))
def test_any_accept_header_gives_an_offer_or_none(accept: str, offers) -> None:
    assert neg.choose(accept, offers) in (*offers, None)


@bounded(30)
@given(st.text(alphabet=st.characters(codec="latin-1"), min_size=1000, max_size=3000), st.sampled_from(OFFER_SETS))
def test_long_accept_headers_too(accept: str, offers) -> None:
    assert neg.choose(accept, offers) in (*offers, None)


@bounded(400)
@given(ACCEPT_ITEMS, st.sampled_from(OFFER_SETS))
def test_the_chosen_format_is_one_the_client_rates_highest(items, offers) -> None:
    chosen = neg.choose(accept_header(items), offers)
    rates = {offer: rated(items, offer) for offer in offers}
    if not items:
        assert chosen is offers[0]  # no preference: the first offer
    elif max(rates.values()) == 0:
        assert chosen is None, "every offer is refused (q=0) or not asked for: 406"
    else:
        assert chosen is not None and rates[chosen] == max(rates.values()), (chosen.name, rates)


@bounded(200)
@given(ACCEPT_ITEMS, st.sampled_from(OFFER_SETS), st.randoms(use_true_random=False))
def test_case_and_spacing_do_not_matter(items, offers, random) -> None:
    plain = accept_header(items)
    noisy = ",".join(f"  {''.join(c.upper() if random.random() < 0.5 else c for c in media)} "
                     f"{_q(q).replace(';', ' ; ').replace('q=', random.choice(['q=', 'Q=']))} "
                     for media, q in items)
    assert neg.choose(noisy, offers) is neg.choose(plain, offers)


@bounded(300)
@given(st.lists(st.one_of(st.text(max_size=30), st.sampled_from(sorted(neg.ALIASES) + KNOWN_TYPES)), max_size=3),
       st.text(max_size=100), st.sampled_from(OFFER_SETS))
def test_format_parameters_give_an_offer_none_or_a_400(formats, accept, offers) -> None:
    try:
        chosen = neg.negotiate(accept, formats or None, offers)
    except BadParameter as e:
        assert e.status == 400 and e.parameter == "format"
        return
    assert chosen in (*offers, None)


# -- the SPARQL lexer ---------------------------------------------------------------------------

def reference_tokens(sparql: str) -> list[tuple[str, str, int]]:
    """The tokens by a plain scan with the lexer's regular expression (quadratic on long runs)."""
    return [(m.lastgroup, m.group(), m.start()) for m in sparql_guard._TOKEN.finditer(sparql)
            if m.lastgroup not in ("ws", "comment")]


SPARQL_PIECES = st.sampled_from([
    "a", "é", "_", "1", ".", "-", ":", "?", "$", "<", ">", '"', "'", "#", "\\", " ", "\n", "{", "}", "(", ")",
    "SERVICE", "FROM", "NAMED", "INSERT", "ex:", '"""', "'''", "<http://x/>", "a.b", "true.SERVICE", "@en.", "ex:a.b.",
    "\\u0041", "%41", "SELECT"])
SPARQL_LIKE = st.one_of(st.text(max_size=60), st.builds("".join, st.lists(SPARQL_PIECES, max_size=40)))


@bounded(500)
@given(SPARQL_LIKE)
def test_the_lexer_reads_as_its_regular_expression(sparql: str) -> None:
    assert [(t.kind, t.text, t.start) for t in sparql_guard.tokens(sparql)] == reference_tokens(sparql)


def test_the_lexer_is_linear_on_long_dotted_runs() -> None:
    # 100,000 characters, the longest query accepted: a plain scan takes minutes.
    sparql = "SELECT * FROM <http://x/> { " + "a." * 50_000 + " }"
    started = time.perf_counter()
    assert sparql_guard.declares_dataset(sparql)
    # The linear lexer takes well under a millisecond here, a plain scan tens of seconds: a bound of
    # seconds tells them apart on any machine, however loaded.
    assert time.perf_counter() - started < 10.0


def sparql_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


@bounded(300)
@given(st.text(max_size=80), st.sampled_from(["SELECT * WHERE { ?s ?p %s }", "ASK { ?s ?p %s }",
                                               "PREFIX ex: <http://x/> SELECT * { ?s ex:p %s }"]))
def test_a_string_literal_never_makes_an_update_or_a_dataset(text: str, template: str) -> None:
    sparql = template % sparql_string(text)
    assert ox.Store().query(sparql) is not None  # it is a valid query
    assert not sparql_guard.is_update(sparql)
    assert not sparql_guard.declares_dataset(sparql)
    assert sparql_guard.service_iris(sparql) == []


@bounded(300)
@given(st.sampled_from(sorted(sparql_guard._UPDATE_WORDS)), st.randoms(use_true_random=False),
       st.sampled_from(["", "PREFIX ex: <http://x/>\n", "# a comment\nBASE <http://x/> "]), st.text(max_size=40))
def test_an_update_is_seen_whatever_its_case(word: str, random, prologue: str, rest: str) -> None:
    spelled = "".join(c.lower() if random.random() < 0.5 else c for c in word)
    assert sparql_guard.is_update(f"{prologue}{spelled} {rest}")


def fake_resolver(host: str) -> list[str]:
    """No DNS in tests: a few names resolve inside, the rest to a public address."""
    return {"localhost": ["127.0.0.1"], "inside.example": ["10.0.0.7"], "nowhere.example": []}.get(
        host, ["93.184.216.34"])


@bounded(400)
@given(SPARQL_LIKE, st.sampled_from(["", "http://partner.org/sparql", "http://127.0.0.1:8001/ http://localhost/"]))
def test_the_guard_answers_any_text(sparql: str, allowlist: str) -> None:
    assert isinstance(sparql_guard.is_update(sparql), bool)
    assert isinstance(sparql_guard.declares_dataset(sparql), bool)
    try:
        sparql_guard.check_services(sparql, allowlist.split(), resolve=fake_resolver)
    except KGError as e:
        assert e.status in (400, 403)


# -- canned-query parameters and page filters ------------------------------------------------

@bounded(300)
@given(st.sampled_from(sorted(PARAM_TYPES)), st.one_of(st.text(max_size=40), st.from_regex(r"[0-9.\-]{1,12}")))
def test_a_parameter_value_is_a_term_or_a_value_error(type_name: str, raw: str) -> None:
    try:
        term = convert(type_name, raw)
    except ValueError:
        return
    assert isinstance(term, (ox.NamedNode, ox.Literal))


FILTER_VALUES = st.one_of(st.none(), st.text(max_size=12),
                          st.sampled_from(["²", "١٢٣٤", "2021", " 2021 ", "1.3", "chn"]))


@bounded(300)
@given(FILTER_VALUES, FILTER_VALUES, FILTER_VALUES, FILTER_VALUES)
def test_outcome_filters_are_read_or_refused_with_a_400(country, sdg, theme, year) -> None:
    try:
        filters = parse_filters(None, country, sdg, theme, year)
    except BadParameter as e:
        assert e.status == 400 and e.parameter in ("country", "sdg", "theme", "year")
        return
    if "year" in filters:
        assert 1900 <= int(filters["year"]) <= 2200
