"""Curation files: a person confirms, corrects or adds to what ingest extracted.

One file per record, named by the record's key, in ``data/curation/`` (not
loaded by ``kg build``: only ``data/*.ttl`` is). Ingest reads it every time it
writes the record, so re-ingesting keeps the curation::

    # data/curation/mwi-3c9a51f0.yaml
    outcome: mwi-3c9a51f0            # optional: checked against the file name
    correct:                         # replace what was extracted
      country: MWI                   # ISO alpha-3 code (or the country's name)
      reported_date: 2020-11-30      # YYYY-MM-DD or DD.MM.YYYY
      themes: [Old-age, Social health protection]
      sdg_targets: ["1.3"]           # quote codes: YAML reads 1.3 as a number
      label: "Malawi (November 2020): M&E framework for social protection"
    remove: [partners_contribution]  # drop an extracted field
    confirm:                         # suggestions (ids as in the suggestions file) that are right:
      - country                      #   the inferred country is right
      - org-government-of-malawi     #   an organization, place or instrument becomes a fact
      - instrument-monitoring-evaluation-framework  # (an instrument is also linked with kg:instrument)
    reject: [quantity-2-seminars]    # suggestions that are wrong: left out of the suggestions file
    add: |                           # Turtle added to the record's facts; the prefixes of
      outcome:mwi-3c9a51f0 kg:programme programme:social-protection-floors .   # ingest's files are declared

Fields of ``correct`` and ``remove`` are the :class:`~kg.ingest.record.Record`
fields: label, reported_date, cpo_code, visibility, biennium, pb_indicator,
partnership_qualifier, result_type, themes, summary, achievement,
ilo_contribution, partners_contribution, gender_note, sdg_goals, sdg_targets,
country, programme, policy_area.

A record checked by a person fact by fact gets its prose facts under ``prose:`` (organizations,
funders, instruments, events, research, population_groups, ilo_standards, each with the
``quote`` that states it; see :mod:`kg.ingest.curated`): they replace what extraction found.

A Turtle file ``data/curation/{key}.ttl`` may stand beside (or instead of) the
YAML file: its triples are added to the record's facts as ``add`` is.

A hand-written data file that describes the outcome (such as
data/outcome-chn302.ttl, the seed) is the strongest curation: ingest then
leaves the facts to it and writes the suggestions only.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml
from rdflib import BNode, Graph

from kg.rdf import iris
from kg.ingest import text as text_parser
from kg.ingest.catalog import Catalog, norm
from kg.ingest.record import SECTIONS, Issue, Located, Record
from kg.rdf.turtle import prefix_block
from kg.rdf.sources import to_rdflib

CURATION_DIR = "curation"
LIST_FIELDS = ("themes", "sdg_goals", "sdg_targets")
FIELDS = ("label", "reported_date", "cpo_code", "visibility", "biennium", "pb_indicator", "partnership_qualifier",
          "result_type", "themes", *SECTIONS, "sdg_goals", "sdg_targets", "country", "programme", "policy_area")
KEYS = ("outcome", "correct", "remove", "confirm", "reject", "add", "prose", "note")


@dataclass
class Curation:
    key: str
    files: list[str] = field(default_factory=list)  # as shown in messages: data/curation/x.yaml
    correct: dict[str, Located[Any]] = field(default_factory=dict)
    remove: list[Located[str]] = field(default_factory=list)
    confirm: list[Located[str]] = field(default_factory=list)
    reject: list[Located[str]] = field(default_factory=list)
    add: Graph = field(default_factory=Graph)
    prose: dict[str, Any] | None = None  # the record's prose facts as checked by a person (see kg.ingest.curated)
    source: str = ""  # the YAML file's text, to point at a line of prose:
    issues: list[Issue] = field(default_factory=list)

    def error(self, message: str, file: str, line: int | None, hint: str | None = None, fld: str | None = None) -> None:
        self.issues.append(Issue("error", message, fld, line, file, hint))


def paths(data_dir: Path, key: str) -> tuple[Path, Path]:
    folder = data_dir / CURATION_DIR
    return folder / f"{key}.yaml", folder / f"{key}.ttl"


def load(data_dir: Path, key: str, base: str) -> Curation | None:
    """The record's curation, or None when it has no curation file."""
    yaml_path, ttl_path = paths(data_dir, key)
    alt = yaml_path.with_suffix(".yml")
    if not yaml_path.exists() and alt.exists():
        yaml_path = alt
    if not yaml_path.exists() and not ttl_path.exists():
        return None
    cur = Curation(key)
    if yaml_path.exists():
        _load_yaml(cur, yaml_path, base)
    if ttl_path.exists():
        rel = f"data/{CURATION_DIR}/{ttl_path.name}"
        cur.files.append(rel)
        _add_turtle(cur, ttl_path.read_text(encoding="utf-8"), base, rel, 0)
    return cur


def _load_yaml(cur: Curation, path: Path, base: str) -> None:
    rel = f"data/{CURATION_DIR}/{path.name}"
    cur.files.append(rel)
    cur.source = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(cur.source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        cur.error(f"not valid YAML: {getattr(e, 'problem', e)}", rel, mark.line + 1 if mark else None)
        return
    if node is None:
        return
    if not isinstance(node, yaml.MappingNode):
        cur.error("a curation file is a mapping (correct:, confirm:, ...)", rel, node.start_mark.line + 1)
        return
    for k, v in node.value:
        name, line = k.value, k.start_mark.line + 1
        if name not in KEYS:
            cur.error(f"unknown key {name!r}", rel, line, hint=f"use {', '.join(KEYS)}")
        elif name == "outcome":
            if str(v.value) != cur.key:
                cur.error(f"the file says outcome {v.value!r} but is named for {cur.key!r}", rel, line)
        elif name == "correct":
            if not isinstance(v, yaml.MappingNode):
                cur.error("correct: takes field: value pairs", rel, line)
                continue
            for fk, fv in v.value:
                if fk.value not in FIELDS:
                    cur.error(f"no field {fk.value!r} to correct", rel, fk.start_mark.line + 1,
                              hint=f"fields: {', '.join(FIELDS)}")
                    continue
                cur.correct[fk.value] = Located(_plain(fv), fk.start_mark.line + 1, rel)
        elif name in ("remove", "confirm", "reject"):
            items = v.value if isinstance(v, yaml.SequenceNode) else [v]
            for item in items:
                if not isinstance(item, yaml.ScalarNode):
                    cur.error(f"{name}: takes a list of names", rel, item.start_mark.line + 1)
                    continue
                located = Located(str(item.value), item.start_mark.line + 1, rel)
                if name == "remove" and located.value not in FIELDS:
                    cur.error(f"no field {located.value!r} to remove", rel, located.line)
                    continue
                getattr(cur, name).append(located)
        elif name == "prose":
            if not isinstance(v, yaml.MappingNode):
                cur.error("prose: takes the lists of what the text states (organizations:, instruments:, ...)", rel,
                          line)
                continue
            cur.prose = yaml.safe_load(cur.source).get("prose") or {}
        elif name == "add":
            if not isinstance(v, yaml.ScalarNode):
                cur.error("add: takes Turtle text (add: | then indented lines)", rel, line)
                continue
            _add_turtle(cur, str(v.value), base, rel, v.start_mark.line + (1 if v.style in "|>" else 0))


def _plain(node: yaml.Node) -> Any:
    """A YAML value as written: scalars as strings (so 1.3 stays "1.3"), sequences as lists."""
    if isinstance(node, yaml.SequenceNode):
        return [_plain(x) for x in node.value]
    if isinstance(node, yaml.MappingNode):
        return {k.value: _plain(v) for k, v in node.value}
    return str(node.value)


def _add_turtle(cur: Curation, text: str, base: str, rel: str, line_offset: int) -> None:
    head = prefix_block()
    shift = head.count("\n")
    try:
        quads = list(ox.parse(iris.rebase(head + text, base), format=ox.RdfFormat.TURTLE, without_named_graphs=True))
    except SyntaxError as e:
        line = (e.lineno - shift + line_offset) if e.lineno else None
        cur.error(f"Turtle syntax error: {(e.msg or str(e)).splitlines()[0]}", rel, line,
                  hint="the prefixes of ingest's files (kg:, outcome:, orgn:, theme:, ...) are declared for you")
        return
    for q in quads:
        s, p, o = to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)
        if isinstance(s, BNode) or isinstance(o, BNode):
            cur.error("blank nodes are not supported in curation files; give the node an IRI", rel, line_offset or None)
            return
        cur.add.add((s, p, o))


# -- applying a curation to a record ---------------------------------------------------------

def apply(record: Record, cur: Curation, catalog: Catalog) -> None:
    """Corrections and removals onto ``record``; problems go to the record's issues."""
    record.issues.extend(cur.issues)
    for name, loc in cur.correct.items():
        try:
            _correct(record, name, loc, catalog)
        except ValueError as e:
            record.issues.append(Issue("error", str(e), name, loc.line, loc.file))
    for loc in cur.remove:
        setattr(record, loc.value, [] if loc.value in LIST_FIELDS else None)
        if loc.value == "country":
            record.country_inferred = False
    for loc in cur.confirm:
        if loc.value == "country":
            if record.country is None:
                record.issues.append(Issue("warning", "confirm: country, but no country was inferred", "country",
                                           loc.line, loc.file))
            record.country_inferred = False


def _correct(r: Record, name: str, loc: Located[Any], cat: Catalog) -> None:
    v = loc.value

    def one(value: Any) -> Located:
        return Located(value, loc.line, loc.file)

    def text() -> str:
        if not isinstance(v, str) or not v.strip():
            raise ValueError(f"{name}: give a text")
        return v.strip()

    if name in LIST_FIELDS:
        values = v if isinstance(v, list) else [x.strip() for x in str(v).split(";") if x.strip()]
        if name == "themes":
            r.themes = [one(cat.themes.get(norm(t), (None, t.strip()))[1]) for t in values]
            for t in values:
                if not cat.in_scheme(t):
                    r.issues.append(Issue("warning", f"theme {t!r} is new: kept as a new theme", name, loc.line,
                                          loc.file))
        elif name == "sdg_goals":
            bad = [x for x in values if x not in cat.goals]
            if bad:
                raise ValueError(f"sdg_goals: no SDG goal {', '.join(bad)} (give numbers 1 to 17, quoted)")
            r.sdg_goals = [one(x) for x in values]
        else:
            bad = [x for x in values if x not in cat.targets]
            if bad:
                raise ValueError(f"sdg_targets: no SDG target {', '.join(bad)} (give codes such as \"1.3\", quoted)")
            r.sdg_targets = [one(x) for x in values]
        return
    if name == "reported_date":
        raw = text()
        try:
            day = dt.date.fromisoformat(raw) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else dt.datetime.strptime(
                text_parser.ascii_digits(raw), "%d.%m.%Y").date()
        except ValueError:
            raise ValueError(f"reported_date: {raw!r} is not a date (YYYY-MM-DD or DD.MM.YYYY)") from None
        r.reported_date, r.reported_year = one(day), None
    elif name == "cpo_code":
        if not re.fullmatch(r"[A-Z]{3}[0-9]{3}", text()):
            raise ValueError(f"cpo_code: {v!r} is not three capital letters and three digits, e.g. CHN302")
        r.cpo_code = one(text())
    elif name == "biennium":
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", text()):
            raise ValueError(f"biennium: {v!r} is not of the form YYYY-YY, e.g. 2020-21")
        r.biennium = one(text())
    elif name == "pb_indicator":
        if not re.fullmatch(r"[0-9]+(\.[0-9]+){1,2}", text()):
            raise ValueError(f"pb_indicator: {v!r} is not an indicator code such as 8.3.1")
        r.pb_indicator = one(text())
    elif name == "result_type":
        m = re.fullmatch(r"(?:Step\s*)?([0-9]+)", text(), re.I)
        if not m:
            raise ValueError(f"result_type: {v!r} is not a step, e.g. 1 or \"Step 1\"")
        r.result_type = one(m.group(1))
    elif name == "country":
        raw = text()
        alpha3 = raw.upper() if raw.upper() in cat.countries else cat.country_names.get(norm(raw))
        if alpha3 is None:
            raise ValueError(f"country: {raw!r} is no ISO 3166-1 country (give its alpha-3 code, e.g. MWI)")
        r.country, r.country_inferred, r.country_evidence = one(alpha3), False, []
    elif name == "programme":
        known = cat.programmes.get(norm(text()))
        if known is None:
            raise ValueError(f"programme: {v!r} is no programme of data/schemes.ttl")
        r.programme = one(known[1])
    else:  # label, visibility, partnership_qualifier, policy_area, the sections
        setattr(r, name, one(text()))
