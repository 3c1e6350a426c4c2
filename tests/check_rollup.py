#!/usr/bin/python3
"""Independent check of the rollup: recompute every (company, ad, day) from
the raw events in Python with Decimal and urllib, and compare with
ad_daily_stats, campaign_daily_stats and ads.impressions_count/clicks_count.

Usage: check_rollup.py   (PG* environment selects the database)
Exits 1 and prints the differences when anything disagrees."""
import csv, io, json, subprocess, sys
from collections import defaultdict
from decimal import Decimal
from urllib.parse import urlsplit


def rows(sql):
    out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                          f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"],
                         check=True, capture_output=True, text=True).stdout
    return list(csv.reader(io.StringIO(out)))


def host(url):
    if "://" not in url:
        url = "//" + url
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def blacklisted(site, hosts):
    h = host(site)
    return any(h == b or h.endswith("." + b) for b in hosts if b)


campaigns = {}
for company, cid, model, bl in rows(
        "SELECT company_id, id, cost_model, coalesce(array_to_json(blacklisted_site_urls)::text, '[]') FROM campaigns"):
    campaigns[(company, cid)] = (model, [host(u) for u in json.loads(bl) if u])
ads = {(c, a): camp for c, a, camp in rows("SELECT company_id, id, campaign_id FROM ads")}

Z = Decimal(0)
want = defaultdict(lambda: [0, 0, Z, Z, Z, 0, 0, Z])
for table, col, cost, is_click in (("impressions", "seen_at", "cost_per_impression_usd", False),
                                   ("clicks", "clicked_at", "cost_per_click_usd", True)):
    for company, ad, ts, site, c in rows(f"SELECT company_id, ad_id, {col}, site_url, {cost} FROM {table}"):
        camp = ads[(company, ad)]
        model, hosts = campaigns[(company, camp)]
        c = Decimal(c) if c else Z
        w = want[(company, ad, ts[:10])]
        charged = (model == "cost_per_click") == is_click
        bl = blacklisted(site, hosts)
        if is_click:
            w[1] += 1; w[3] += c; w[6] += bl
        else:
            w[0] += 1; w[2] += c; w[5] += bl
        if charged:
            w[4] += c
            if bl:
                w[7] += c

got = {}
for r in rows("SELECT company_id, ad_id, day, impressions, clicks, impression_cost_usd, click_cost_usd,"
              " spend_usd, blacklisted_impressions, blacklisted_clicks, blacklisted_spend_usd FROM ad_daily_stats"):
    got[(r[0], r[1], r[2])] = [int(r[3]), int(r[4]), Decimal(r[5]), Decimal(r[6]), Decimal(r[7]),
                               int(r[8]), int(r[9]), Decimal(r[10])]

errors = []
for k in sorted(set(want) | set(got)):
    if want.get(k) != got.get(k):
        errors.append(f"ad_daily_stats {k}: expected {want.get(k)}, got {got.get(k)}")

camp_want = defaultdict(lambda: [0, 0, Z, Z])
for (company, ad, day), w in want.items():
    cw = camp_want[(company, ads[(company, ad)], day)]
    cw[0] += w[0]; cw[1] += w[1]; cw[2] += w[4]; cw[3] += w[7]
for company, camp, day, i, c, s, b in rows(
        "SELECT company_id, campaign_id, day, impressions, clicks, spend_usd, blacklisted_spend_usd FROM campaign_daily_stats"):
    if camp_want.get((company, camp, day)) != [int(i), int(c), Decimal(s), Decimal(b)]:
        errors.append(f"campaign_daily_stats {(company, camp, day)}: expected "
                      f"{camp_want.get((company, camp, day))}, got {[i, c, s, b]}")
if len(rows("SELECT 1 FROM campaign_daily_stats")) != len(camp_want):
    errors.append("campaign_daily_stats has a different number of rows")

totals = defaultdict(lambda: [0, 0])
for (company, ad, day), w in want.items():
    totals[(company, ad)][0] += w[0]
    totals[(company, ad)][1] += w[1]
for company, ad, ic, cc in rows("SELECT company_id, id, impressions_count, clicks_count FROM ads"):
    if [int(ic), int(cc)] != totals.get((company, ad), [0, 0]):
        errors.append(f"ads {(company, ad)}: counts {ic},{cc}, expected {totals.get((company, ad), [0, 0])}")

for e in errors[:30]:
    print(e)
print(f"checked {len(want)} ad-days, {len(camp_want)} campaign-days: {len(errors)} differences")
sys.exit(1 if errors else 0)
