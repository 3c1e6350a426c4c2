#!/usr/bin/python3
"""Compare a database loaded from a generated data set with the generator's
expected file: every (company, ad, UTC day) count and cost sum of the raw
events, and the exact set of rejected (file, line, reason).

Usage: check_samples.py EXPECTED.json REJECTS_DIR   (PG* selects the database)"""
import csv, glob, io, json, os, subprocess, sys
from decimal import Decimal

expected = json.load(open(sys.argv[1]))
rejects_dir = sys.argv[2]


def rows(sql):
    out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                          f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"],
                         check=True, capture_output=True, text=True).stdout
    return list(csv.reader(io.StringIO(out)))


got = {}
for table, col, cost, idx in (("impressions", "seen_at", "cost_per_impression_usd", 0),
                              ("clicks", "clicked_at", "cost_per_click_usd", 1)):
    for company, ad, day, n, total in rows(
            f"SELECT company_id, ad_id, {col}::date, count(*), coalesce(sum({cost}), 0) "
            f"FROM {table} GROUP BY 1, 2, 3"):
        g = got.setdefault((int(company), int(ad), day), [0, 0, Decimal(0), Decimal(0)])
        g[idx] = int(n)
        g[2 + idx] = Decimal(total)

want = {(c, a, d): [i, k, Decimal(ic), Decimal(cc)] for c, a, d, i, k, ic, cc in expected["ad_days"]}
errors = [f"{k}: expected {want.get(k)}, got {got.get(k)}"
          for k in sorted(set(want) | set(got)) if want.get(k) != got.get(k)]

want_rejects = {(p, int(line), reason) for p, line, reason in expected["rejects"]}
got_rejects = set()
for path in glob.glob(os.path.join(rejects_dir, "*", "*.rejects.csv")):
    tenant = os.path.basename(os.path.dirname(path))
    name = os.path.basename(path)[: -len(".rejects.csv")]
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            got_rejects.add((f"{tenant}/{name}", int(r["line"]), r["reason"]))
for r in sorted(want_rejects - got_rejects):
    errors.append(f"reject missing: {r}")
for r in sorted(got_rejects - want_rejects):
    errors.append(f"unexpected reject: {r}")

for e in errors[:40]:
    print(e)
print(f"{len(want)} ad-days, {len(want_rejects)} rejects expected: {len(errors)} differences")
sys.exit(1 if errors else 0)
