#!/usr/bin/env python3
"""Time `kg ingest`: throughput on 10,000 generated records, and a 100-record batch into a 100,000-outcome store.

    .venv/bin/python benchmarks/bench_ingest.py                  # both parts
    .venv/bin/python benchmarks/bench_ingest.py --skip-big       # throughput only
    .venv/bin/python benchmarks/bench_ingest.py --records 2000 --batch 100

Part 1, throughput. N record text files (default 10,000) are generated from
templates with variation: most are 2020-21 records with a result-type heading,
indicator wording, a metadata line (with or without themes, some with a
partnership qualifier or an unknown tag), and sections that name ministries
with acronyms, instruments, places, dates and numbers; one in ten has no
metadata line (the country must be inferred), one in ten is an older record
("2017 RAF9xx" and comma tags, last), one in twenty has a run-on heading, one
in twenty is cut short. Then, in a copy of the project (ontology/, shapes/,
data/*.ttl) with a built store, `kg ingest FOLDER` runs as a separate process;
its wall time, peak memory and per-stage times (from --report json) are
recorded; then the same ingest again (nothing changes: the idempotent path).

Part 2, incremental validation. The 100,000-outcome project of
benchmarks/generate.py (made if missing) is built without validation (`kg build
--no-validate`, its data files linked, not copied), then a batch of 100 new
records is ingested into it: the "validate" stage is the SHACL validation of
the batch plus what it touches, taken from the store, not of the whole graph.
For scale, benchmarks/results/validate.json holds the time of a full `kg
validate` of the same project, if it was run.

Everything is written under benchmarks/out/ingest/ (results.json at the end).
Standard library only; the ingest runs through .venv/bin/python -m kg ingest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "ingest"
PY = ROOT / ".venv" / "bin" / "python"
KG = ROOT / ".venv" / "bin" / "kg"
SEED = 20261127

# (alpha-3, name, government abbreviation or None, a city)
COUNTRIES = [
    ("KHM", "Cambodia", "RGC", "Phnom Penh"), ("VNM", "Viet Nam", "GoV", "Hanoi"), ("LAO", "Lao PDR", None, "Vientiane"),
    ("IDN", "Indonesia", None, "Jakarta"), ("PHL", "Philippines", None, "Manila"), ("THA", "Thailand", None, "Bangkok"),
    ("MNG", "Mongolia", None, "Ulaanbaatar"), ("NPL", "Nepal", None, "Kathmandu"), ("BGD", "Bangladesh", "GoB", "Dhaka"),
    ("PAK", "Pakistan", "GoP", "Islamabad"), ("LKA", "Sri Lanka", None, "Colombo"), ("JOR", "Jordan", None, "Amman"),
    ("LBN", "Lebanon", None, "Beirut"), ("EGY", "Egypt", None, "Cairo"), ("TUN", "Tunisia", None, "Tunis"),
    ("MAR", "Morocco", None, "Rabat"), ("SEN", "Senegal", None, "Dakar"), ("GHA", "Ghana", "GoG", "Accra"),
    ("NGA", "Nigeria", None, "Abuja"), ("ETH", "Ethiopia", "GoE", "Addis Ababa"), ("KEN", "Kenya", "GoK", "Nairobi"),
    ("UGA", "Uganda", "GoU", "Kampala"), ("TZA", "Tanzania", "GoT", "Dodoma"), ("RWA", "Rwanda", "GoR", "Kigali"),
    ("MWI", "Malawi", None, "Lilongwe"), ("ZMB", "Zambia", "GRZ", "Lusaka"), ("ZWE", "Zimbabwe", None, "Harare"),
    ("MOZ", "Mozambique", None, "Maputo"), ("NAM", "Namibia", None, "Windhoek"), ("TJK", "Tajikistan", None, "Dushanbe"),
    ("UZB", "Uzbekistan", None, "Tashkent"), ("KGZ", "Kyrgyzstan", None, "Bishkek"), ("PER", "Peru", None, "Lima"),
    ("COL", "Colombia", None, "Bogota"), ("ECU", "Ecuador", None, "Quito"), ("BOL", "Bolivia", None, "La Paz"),
    ("PRY", "Paraguay", None, "Asuncion"), ("MEX", "Mexico", None, "Monterrey"), ("CHL", "Chile", None, "Valparaiso"),
    ("FJI", "Fiji", None, "Suva"),
]
THEMES = ["Old-age", "Employment injury", "Informal economy", "Health care", "Unemployment", "Maternity",
          "Family benefits", "Income security", "Social health protection", "Financing", "Children", "Rural"]
STEPS = {
    "1": ("A new or revised policy or strategy to extend coverage, enhance comprehensiveness and/or increase adequacy "
          "of benefits has been adopted (Step 1)",
          "Number of countries that have adopted new or revised policies and strategies to extend coverage, enhance "
          "comprehensiveness and/or increase adequacy of benefits (Step 1)", "8.1.1"),
    "2": ("A social protection scheme to extend coverage, enhance comprehensiveness and/or increase adequacy of "
          "benefits has been adopted or reformed (Step 2)",
          "Number of countries that have adopted or reformed social protection schemes to extend coverage, enhance "
          "comprehensiveness and/or increase adequacy of benefits (Step 2)", "8.1.1"),
    "3": ("A policy measure to improve the financial and administrative governance of the social protection system, "
          "making it more robust has been adopted and operationalized (Step 3)",
          "Number of countries that have adopted or operationalized policy measures to improve the financial and "
          "administrative governance of the social protection system, making it more robust (Step 3)", "8.2.1"),
}
MINISTRIES = [("Ministry of Labour and Social Protection", "MLSP"), ("Ministry of Social Welfare", "MSW"),
              ("Ministry of Finance and Planning", "MFP"), ("Ministry of Health and Social Affairs", "MHSA")]
INSTRUMENTS = ["National Social Protection Strategy", "Social Security Law", "Decree on Employment Injury Insurance",
               "National Pension Policy Framework", "Unemployment Insurance Act", "Maternity Protection Decree"]
GROUPS = ["domestic workers", "platform workers", "informal workers", "rural workers", "migrant workers",
          "self-employed workers"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


# -- records -----------------------------------------------------------------------------------

def record(i: int, rng: random.Random, prefix: str = "") -> str:
    alpha3, name, gov, city = COUNTRIES[i % len(COUNTRIES)]
    number = 100 + (i // len(COUNTRIES)) % 900
    day = dt.date(2020, 1, 1) + dt.timedelta(days=(i * 7919) % 730)
    step = rng.choice("123")
    heading, wording, indicator = STEPS[step]
    ministry, acr = rng.choice(MINISTRIES)
    acr = f"{acr}{alpha3[0]}"
    instrument = rng.choice(INSTRUMENTS)
    group = rng.choice(GROUPS)
    n = rng.randint(120, 9000)
    share = rng.randint(10, 90)
    when = dt.date(day.year, day.month, 1) - dt.timedelta(days=rng.randint(30, 200))
    kind = i % 20
    themes = " ".join(rng.sample(THEMES, rng.randint(0, 3)))
    if kind == 3:
        themes = (themes + " Cash transfers").strip()
    qualifier = " with UN Agencies, excluding IFIs" if kind == 7 else ""
    meta = f"{day:%d.%m.%Y} {alpha3}{number:03d} Public 2020-21 | {indicator}{qualifier} {themes}".rstrip()
    summary = f"{prefix}The {instrument} extends social protection to {group} ({i})"
    achievement = (f"On {day.day} {MONTHS[day.month - 1]} {day.year}, the {ministry} ({acr}) adopted the {instrument}, "
                   f"which covers about {n:,} {group} in its first phase.")
    ilo = (f"The ILO carried out a survey of {n // 3:,} {group} in {city} in {MONTHS[when.month - 1]} {when.year} and "
           f"organized two workshops with the {acr} and the social partners.")
    gender = f"Women are {share}% of the {group} covered; the survey reports their needs separately."
    sdgs = ("  \u2022 End poverty in all its forms everywhere\n  \u2022 1.3 Implement nationally appropriate social "
            "protection systems and measures for all, including floors, and by 2030 achieve substantial coverage of "
            "the poor and the vulnerable")
    if kind in (1, 11):  # no metadata line: the country is named in the text only
        gov_text = f"{gov} and the " if gov else f"The Government of {name} and the "
        achievement = f"{gov_text}{ministry} adopted the {instrument} in {MONTHS[day.month - 1]} {day.year}, for {name}."
        return (f"Result achieved\n\n{heading}\n\n{wording}\n\nOutcome summary\n\n{summary}\n\nOutcome achieved\n\n"
                f"{achievement}\n\nILO's contribution to the outcome\n\n{ilo}\n\n"
                f"Gender equality & non-discrimination\n{gender}\n{sdgs}\n")
    if kind in (2, 12):  # older record: a year, a regional code, comma tags, last
        tags = " , ".join(rng.sample(THEMES, 3))
        achievement = achievement.replace("On ", "In ", 1) + f" It applies across {name}."
        return (f"Result achieved\n\nLinked projects\n\nOutcome summary\n\n{summary}.\n\nOutcome achieved\n\n"
                f"{achievement}\n\nILO's contribution to the outcome\n\n{ilo}\n"
                f"{day.year} RAF{(i // 10) % 1000:03d} {tags}\n")
    if kind == 5:  # a heading runs into the summary
        return (f"Result achieved\n{heading}\n{wording}\n{meta}\nOutcome summary\n{summary}Outcome achieved\n"
                f"{achievement}\nILO's contribution to the outcome\n{ilo}\n"
                f"Gender equality & non-discrimination\n{gender}\n{sdgs}\n")
    if kind == 9:  # cut short
        return (f"Result achieved\n\n{heading}\n\n{wording}\n{meta}\n\nOutcome summary\n\n{summary}\n\n"
                f"Outcome achieved\n\n{achievement}\n\nILO's contribution to the outcome\n\n{ilo[:70]}\n\n"
                f"Gender equality & non-di\n")
    return (f"Result achieved\n\n{heading}\n\n{wording}\n{meta}\n\nLinked projects\n\nOutcome summary\n\n{summary}\n\n"
            f"Outcome achieved\n\n{achievement}\n\nILO's contribution to the outcome\n\n{ilo}\n\n"
            f"Gender equality & non-discrimination\n{gender}\n{sdgs}\n")


def generate(folder: Path, count: int, *, start: int = 0, prefix: str = "") -> Path:
    stamp = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    if (folder / ".generator").exists() and (folder / ".generator").read_text() == stamp:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(SEED + start)
    for i in range(start, start + count):
        (folder / f"record-{i:06d}.txt").write_text(record(i, rng, prefix), encoding="utf-8")
    (folder / ".generator").write_text(stamp)
    return folder


# -- projects and runs ----------------------------------------------------------------------------

def small_project(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / name, folder / name)
    (folder / "data").mkdir()
    for f in sorted((ROOT / "data").glob("*.ttl")):
        shutil.copy2(f, folder / "data" / f.name)
    subprocess.run([str(KG), "--project-dir", str(folder), "build", "-q"], check=True)
    return folder


def big_project(folder: Path, outcomes: int) -> Path:
    source = ROOT / "benchmarks" / "out" / f"p{outcomes}"
    if not (source / "data" / f"generated-{outcomes}.ttl").exists():
        subprocess.run([str(PY), str(ROOT / "benchmarks" / "generate.py"), str(outcomes), "--out", str(source)],
                       check=True)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in ("ontology", "shapes", "queries"):
        (folder / name).symlink_to(ROOT / name)
    (folder / "data").mkdir()
    for f in sorted((source / "data").glob("*.ttl")):
        (folder / "data" / f.name).symlink_to(f.resolve())
    started = time.perf_counter()
    subprocess.run([str(KG), "--project-dir", str(folder), "build", "--no-validate", "-q"], check=True)
    print(f"  built {folder} without validation in {time.perf_counter() - started:.1f}s", flush=True)
    return folder


def ingest(project: Path, inputs: Path, label: str) -> dict:
    timefile = OUT / "time.txt"
    timer = ["/usr/bin/time", "-f", "%M", "-o", str(timefile)] if Path("/usr/bin/time").exists() else []
    started = time.perf_counter()
    done = subprocess.run([*timer, str(PY), "-m", "kg", "--project-dir", str(project), "ingest", str(inputs), "-q",
                           "--skip-invalid", "--report", "json"], capture_output=True, text=True)
    wall = time.perf_counter() - started
    peak = int(timefile.read_text().split()[-1]) if timer and timefile.exists() else 0  # KiB
    if not done.stdout.strip():
        raise SystemExit(f"{label}: kg ingest failed ({done.returncode}):\n{done.stderr[-3000:]}")
    report = json.loads(done.stdout)
    out = {
        "label": label, "records": report["records"], "wall_s": round(wall, 2),
        "records_per_s": round(report["records"] / wall, 1), "peak_rss_mb": round(peak / 1024, 1),
        "stages_s": report["stages"], "status": report["status"], "triples": report["triples"],
        "warnings": report["warnings"], "errors": report["errors"], "store": report["store"],
        "store_triples": report["store_triples"], "exit": done.returncode,
    }
    print(f"  {label}: {out['records']} records in {wall:.1f}s ({out['records_per_s']} records/s); "
          f"stages {report['stages']}; {report['status']}", flush=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=10000, help="records for the throughput run (default 10000)")
    ap.add_argument("--batch", type=int, default=100, help="records of the batch into the big store (default 100)")
    ap.add_argument("--big", type=int, default=100000, help="outcomes of the big project (default 100000)")
    ap.add_argument("--skip-big", action="store_true", help="only the throughput run")
    ap.add_argument("--skip-throughput", action="store_true", help="only the big-store batch")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "runs": []}

    if not args.skip_throughput:
        print(f"throughput: {args.records} generated records", flush=True)
        records = generate(OUT / f"records-{args.records}", args.records)
        project = small_project(OUT / "project-small")
        results["runs"].append(ingest(project, records, f"ingest {args.records} new records"))
        results["runs"].append(ingest(project, records, f"ingest the same {args.records} again (no change)"))

    if not args.skip_big:
        print(f"incremental validation: {args.batch} records into {args.big:,} outcomes", flush=True)
        project = big_project(OUT / f"project-{args.big}", args.big)
        batch = generate(OUT / f"batch-{args.batch}", args.batch, start=500000, prefix="New: ")
        results["runs"].append(ingest(project, batch, f"ingest {args.batch} new records into {args.big:,} outcomes"))
        results["runs"].append(ingest(project, batch, f"ingest the same {args.batch} again (no change)"))
        full = ROOT / "benchmarks" / "results" / "validate.json"
        if full.exists():
            runs = json.loads(full.read_text()).get("runs", {})
            if f"{args.big}/validate" in runs:
                results["full_validate_s"] = runs[f"{args.big}/validate"].get("wall_s")

    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print("\n| run | records | wall s | records/s | validate s | peak RSS MB |\n| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results["runs"]:
        print(f"| {r['label']} | {r['records']:,} | {r['wall_s']} | {r['records_per_s']} | "
              f"{r['stages_s'].get('validate', 0):.2f} | {r['peak_rss_mb']} |")
    if "full_validate_s" in results:
        print(f"\nfull `kg validate` of the {args.big:,}-outcome project: {results['full_validate_s']} s")
    print(f"\nwritten {OUT / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
