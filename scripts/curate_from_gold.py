#!/usr/bin/env python3
"""Write the curation files of the published records from the facts people wrote by hand.

    .venv/bin/python scripts/curate_from_gold.py            # records without a curation file
    .venv/bin/python scripts/curate_from_gold.py --force 144_jordan

Each record of data/sources/records/ has its facts written by hand, from its text, in
tests/ingest/gold/{stem}.yaml (see that folder's README: every fact with the words that state
it). That check is the record's curation: this script writes it as data/curation/{key}.yaml
(the country, and the prose facts under ``prose:``, in the terms of spkg's code lists), so
that ``kg ingest`` writes the checked facts. Once written, the curation file is what a curator
edits; the script does not overwrite one unless told to (--force).

Gold values that spkg's code lists have no concept for are left out, never guessed (an event
or study of kind "other", an organization of type "other", a role "other", a population group
the scheme does not have); the file's ``note:`` lists what was left out.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "ingest" / "gold"
RECORDS = ROOT / "data" / "sources" / "records"
CURATION = ROOT / "data" / "curation"
sys.path.insert(0, str(ROOT / "src"))

# The gold files' words (tests/ingest/gold/README.md) in the terms of data/code-lists.ttl.
ORG_TYPES = {"ministry": "government-ministry", "ifi": "international-financial-institution",
             "ngo": "civil-society-organization", "other": None}
ROLES = {"adopter": "issuer", "approver": "issuer", "other": None}
INSTRUMENT_KINDS = {"other": None, "roadmap": "plan"}
EVENT_KINDS = {"other": None, "webinar": "seminar"}
RESEARCH_KINDS = {"other": None}
GROUPS = {"dependants": "survivors", "job-seekers": "unemployed", "vulnerable-populations": "vulnerable-groups"}
PROSE_LISTS = ("organizations", "funders", "instruments", "events", "research", "population_groups", "ilo_standards")


def keys_of(stems: list[str]) -> dict[str, str]:
    """Each record's outcome key, as `kg ingest` gives it (a dry run in a copy of the project's code lists)."""
    from kg import config
    from kg.ingest.batch import ingest

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for folder in ("ontology", "shapes", "queries"):
            shutil.copytree(ROOT / folder, work / folder)
        (work / "data").mkdir()
        for f in (ROOT / "data").glob("*.ttl"):
            if not f.name.startswith("outcome-") or f.name == "outcome-chn302.ttl":
                shutil.copy(f, work / "data" / f.name)
        settings = config.load_settings(environ={}, project_dir=str(work))
        report = ingest([RECORDS / f"{s}.txt" for s in stems], settings, skip_invalid=True, dry_run=True)
        return {Path(r.record.source).stem: r.key for r in report.results if r.key}


def known_groups() -> set[str]:
    text = (ROOT / "data" / "code-lists.ttl").read_text(encoding="utf-8")
    return {line.split("/population-group/")[1].split(">")[0] for line in text.splitlines()
            if line.startswith("<https://w3id.org/spkg/id/population-group/")}


def translate(gold: dict, groups: set[str], left_out: list[str]) -> dict:
    """The gold file's prose facts in spkg's terms (what the scheme has no concept for is left out)."""
    def mapped(table: dict, value, what: str):
        out = table.get(value, value)
        if value is not None and out is None:
            left_out.append(f"{what} {value!r}")
        return out

    def group(key: str, what: str) -> str | None:
        key = GROUPS.get(key, key)
        if key not in groups:
            left_out.append(f"population group {key!r} ({what}): not in the scheme")
            return None
        return key

    prose: dict = {}
    orgs = []
    for o in gold.get("organizations") or []:
        o = dict(o)
        o["type"] = mapped(ORG_TYPES, o.get("type"), f"type of {o.get('name') or o.get('acronym')}")
        o["roles"] = [r for r in (mapped(ROLES, r, f"role of {o.get('name')}") for r in o.get("roles") or []) if r]
        orgs.append({k: v for k, v in o.items() if v not in (None, [], "")})
    prose["organizations"] = orgs
    prose["funders"] = [dict(f) for f in gold.get("funders") or []]
    instruments = []
    for i in gold.get("instruments") or []:
        i = dict(i)
        i["kind"] = mapped(INSTRUMENT_KINDS, i.get("kind"), f"kind of {i.get('title')}")
        i["issuers"] = [dict(x, role=ROLES.get(x.get("role"), x.get("role"))) for x in i.get("issuers") or []
                        if ROLES.get(x.get("role"), x.get("role"))]
        i["covers_groups"] = [k for k in (group(k, i.get("title")) for k in i.get("covers_groups") or []) if k]
        instruments.append({k: v for k, v in i.items() if v not in (None, [], "")})
    prose["instruments"] = instruments
    prose["events"] = []
    for e in gold.get("events") or []:
        kind = mapped(EVENT_KINDS, e.get("kind"), f"event kind ({e.get('title') or e.get('quote', '')[:50]})")
        if kind:
            prose["events"].append({k: v for k, v in dict(e, kind=kind).items() if v not in (None, [], "")})
    prose["research"] = []
    for r in gold.get("research") or []:
        kind = mapped(RESEARCH_KINDS, r.get("kind"), f"research kind ({r.get('title') or r.get('quote', '')[:50]})")
        if not kind:
            continue
        r = dict(r, kind=kind)
        r["composition"] = [dict(c, group=g) for c in r.get("composition") or [] if (g := group(c["group"], "sample"))]
        prose["research"].append({k: v for k, v in r.items() if v not in (None, [], "")})
    prose["population_groups"] = [dict(p, key=k) for p in gold.get("population_groups") or []
                                  if (k := group(p["key"], "outcome"))]
    prose["ilo_standards"] = [dict(s) for s in gold.get("ilo_standards") or []]
    return {k: prose[k] for k in PROSE_LISTS if prose.get(k)}


def curation_file(stem: str, key: str, gold: dict, groups: set[str]) -> str:
    left_out: list[str] = []
    doc: dict = {"outcome": key}
    country = (gold.get("country") or {}).get("code")
    if country:
        doc["correct"] = {"country": country}
    else:
        doc["remove"] = ["country"]
    doc["prose"] = translate(gold, groups, left_out)
    note = [f"Checked against the text of data/sources/records/{stem}.txt, fact by fact, in "
            f"tests/ingest/gold/{stem}.yaml (written by hand); written here by scripts/curate_from_gold.py."]
    if gold.get("notes"):
        note.append("Reading notes: " + " ".join(str(gold["notes"]).split()))
    if left_out:
        note.append("Left out (no concept in spkg's code lists): " + "; ".join(left_out) + ".")
    doc["note"] = " ".join(note)
    head = (f"# Curation of outcome {key} ({stem}.txt): the record's facts as a person checked them.\n"
            "# kg ingest writes these facts (with their evidence) instead of what it extracted; edit them here.\n")
    return head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("stems", nargs="*", help="record file stems (default: every record but the seed)")
    ap.add_argument("--force", action="store_true", help="overwrite existing curation files")
    args = ap.parse_args(argv)
    stems = args.stems or sorted(p.stem for p in RECORDS.glob("*.txt") if p.stem != "000_china")
    keys = keys_of(stems)
    groups = known_groups()
    CURATION.mkdir(parents=True, exist_ok=True)
    for stem in stems:
        key = keys.get(stem)
        if key is None:
            print(f"{stem}: no outcome key (the record does not read)", file=sys.stderr)
            continue
        path = CURATION / f"{key}.yaml"
        if path.exists() and not args.force:
            print(f"{stem}: {path.relative_to(ROOT)} exists (use --force to overwrite)")
            continue
        gold = yaml.safe_load((GOLD / f"{stem}.yaml").read_text(encoding="utf-8"))
        path.write_text(curation_file(stem, key, gold, groups), encoding="utf-8")
        print(f"{stem}: wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
