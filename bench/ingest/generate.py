#!/usr/bin/env python3
"""Generates an ingest corpus from the real fixtures: OSV records (ids, packages and versions varied), a 300,000-row
EPSS file (gzip) and a copy of the full KEV catalog. Deterministic: the same arguments give the same bytes."""
import argparse, copy, glob, gzip, json, os, random, shutil

here = os.path.dirname(os.path.abspath(__file__))
fixtures = os.path.join(here, "..", "..", "tests", "fixtures")

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--osv", type=int, default=300_000, help="OSV records to generate")
p.add_argument("--per-file", type=int, default=10_000, help="OSV records per JSON list file (each stays under the 64 MB file limit)")
p.add_argument("--epss", type=int, default=300_000)
p.add_argument("--seed", type=int, default=20261129)
a = p.parse_args()
rng = random.Random(a.seed)
os.makedirs(a.out, exist_ok=True)

templates = []
for f in sorted(glob.glob(os.path.join(fixtures, "osv", "**", "*.json"), recursive=True)):
    try:
        doc = json.load(open(f, encoding="utf-8"))
    except Exception:
        continue
    for r in doc if isinstance(doc, list) else [doc]:
        if isinstance(r, dict) and r.get("id") and r.get("modified") and r.get("affected") and "nointroduced" not in f and "invalid" not in f:
            templates.append(r)
assert templates, "no OSV templates found"

def vary_version(v, i):
    if not isinstance(v, str) or v in ("0", ""):
        return v
    return v + "+p" + str(i % 97) if i % 3 else v.replace(".", "." + str(i % 9), 1)

osv_dir = os.path.join(a.out, "osv")
os.makedirs(osv_dir, exist_ok=True)
batch, n = [], 0
for i in range(a.osv):
    r = copy.deepcopy(templates[i % len(templates)])
    r["id"] = f"OSV-2026-{i:07d}"  # the OSV schema allows only known id prefixes
    r["aliases"] = [f"CVE-{2000 + i % 26}-{100000 + i}"]
    r["modified"] = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T00:00:00Z"
    for aff in r.get("affected", []):
        pkg = aff.get("package") or {}
        if "name" in pkg:
            pkg["name"] = f"{pkg['name']}-{i % 5000}"
        pkg.pop("purl", None)
        for rng_ in aff.get("ranges", []):
            if rng_.get("type") == "GIT":
                continue  # commit hashes must stay 40/64 hex digits (the schema checks them); varying them made 9 % invalid
            for ev in rng_.get("events", []):
                for k in ev:
                    ev[k] = vary_version(ev[k], i)
        if "versions" in aff:
            aff["versions"] = [vary_version(v, i) for v in aff["versions"][:20]]
    batch.append(r)
    if len(batch) == a.per_file or i == a.osv - 1:
        with open(os.path.join(osv_dir, f"osv-{n:04d}.json"), "w", encoding="utf-8") as f:
            json.dump(batch, f)
        batch, n = [], n + 1

with gzip.open(os.path.join(a.out, "epss_scores-2026-08-20.csv.gz"), "wt", encoding="utf-8", newline="\n") as f:
    f.write("#model_version:v2025.03.14,score_date:2026-08-20T00:00:00Z\ncve,epss,percentile\n")
    for i in range(a.epss):
        f.write(f"CVE-{1999 + i % 27}-{10000 + i},{rng.random():.5f},{rng.random():.5f}\n")

shutil.copy(os.path.join(fixtures, "kev", "known_exploited_vulnerabilities.json"), os.path.join(a.out, "kev.json"))
print(f"{a.osv} OSV records in {n} files from {len(templates)} templates, {a.epss} EPSS rows, KEV catalog -> {a.out}")
