#!/usr/bin/env python3
"""tests/bench/bench.py - helpers for tests/bench/run.sh (standard library only).

Subcommands:

  convert SRC DST       rewrite the generated logs under SRC/<company_id>/ as
                        headerless CSV in the seed's column order with
                        company_id filled in and timestamps converted to UTC,
                        so that `psql \\copy` (and pgloader) load exactly the
                        rows adreport loads; writes DST/copy.sql (one \\copy per
                        file, for one psql session), DST/pgloader.load and
                        DST/rows (impressions clicks).
  bigfile OUT ROWS ADS COMPANY
                        write one impressions log of ROWS rows for COMPANY,
                        using the ad ids of that company in the ads file ADS.
  report-sql SQLDIR FIRST LAST OUT IDS...
                        a psql script that \\copy-es the rows of every report
                        query (sql/queries/report_*.sql) of each tenant to
                        OUT/<id>/*.csv: the baseline of `adreport report`.
  record TSV STAGE MEASURE UNIT AVALS BASELINE BVALS TARGET
                        append one result line (values comma-separated; the
                        ratio is median(AVALS) / median(BVALS); TARGET is
                        ge:X, le:X, le:X,maxa:Y or empty) and print it.
  same-report-rows ADR PSQL MONTH
                        compare the number of records of each tenant's
                        campaigns/ads/daily.csv written by adreport and by psql.
  table RESULTS         render the results TSV as a Markdown table.
"""

import csv
import os
import random
import statistics
import sys
from datetime import datetime, timedelta, timezone

STD = ["company_id", "ad_id", "time", "site_url", "cost", "user_ip", "user_data"]
SEED_ORDER = ["id", "company_id", "ad_id", "time", "site_url", "cost", "user_ip", "user_data"]
HEADER_ALIAS = {"seen_at": "time", "clicked_at": "time",
                "cost_per_impression_usd": "cost", "cost_per_click_usd": "cost"}
COLUMNS = {
    "impressions": "company_id, ad_id, seen_at, site_url, cost_per_impression_usd, user_ip, user_data",
    "clicks": "company_id, ad_id, clicked_at, site_url, cost_per_click_usd, user_ip, user_data",
}


def utc(ts):
    """The UTC timestamp (without zone) that adreport stores for ts."""
    d = datetime.fromisoformat(ts)
    if d.tzinfo is not None:
        d = d.astimezone(timezone.utc).replace(tzinfo=None)
    return d.isoformat(sep=" ")


def convert_file(src, dst, company):
    with open(src, newline="", encoding="utf-8-sig") as f:
        rows = csv.reader(f)
        first = next(rows, None)
        if first is None:
            return 0
        if "ad_id" in first:
            idx = [HEADER_ALIAS.get(n, n) for n in first]
            pending = []
        else:
            idx = SEED_ORDER
            pending = [first]
        pos = {n: i for i, n in enumerate(idx)}
        order = [pos.get(n) for n in STD]
        n = 0
        with open(dst, "w", newline="", encoding="utf-8") as out:
            w = csv.writer(out, lineterminator="\n")
            for chain in (pending, rows):
                for r in chain:
                    v = [company if k is None else r[k] for k in order]
                    v[2] = utc(v[2])
                    w.writerow(v)
                    n += 1
    return n


def cmd_convert(src, dst):
    os.makedirs(dst, exist_ok=True)
    counts = {"impressions": 0, "clicks": 0}
    script = []
    files = {"impressions": [], "clicks": []}
    for d in sorted((x for x in os.listdir(src) if x.isdigit()), key=int):
        for name in sorted(os.listdir(os.path.join(src, d))):
            kind = name.split("-", 1)[0]
            if kind not in counts or not name.endswith(".csv"):
                continue
            out = os.path.join(dst, "%s-%s-%s" % (kind, d, name.split("-", 1)[1]))
            n = convert_file(os.path.join(src, d, name), out, d)
            counts[kind] += n
            if not os.path.exists(out):  # an empty log: nothing to copy
                continue
            files[kind].append(out)
            script.append("\\copy %s (%s) from '%s' with (format csv)" %
                          (kind, COLUMNS[kind], os.path.abspath(out)))
    with open(os.path.join(dst, "copy.sql"), "w") as f:
        f.write("\n".join(script) + "\n")
    with open(os.path.join(dst, "rows"), "w") as f:
        f.write("%d %d\n" % (counts["impressions"], counts["clicks"]))
    # pgloader: one LOAD per kind, all files of the kind, the same columns.
    with open(os.path.join(dst, "pgloader.load.in"), "w") as f:
        for kind in ("impressions", "clicks"):
            cols = COLUMNS[kind].split(", ")
            fields = ", ".join(c + (" [null if blanks]" if c.startswith("cost") else "")
                               for c in cols)
            f.write("LOAD CSV\n"
                    "  FROM ALL FILENAMES MATCHING ~/^%s-.*[.]csv$/ IN DIRECTORY '%s'\n"
                    "    (%s)\n"
                    "  INTO @DBURI@\n"
                    "    TARGET TABLE %s (%s)\n"
                    "  WITH fields optionally enclosed by '\"', fields escaped by double-quote,\n"
                    "       fields terminated by ','\n"
                    "  SET client_encoding to 'utf8';\n\n"
                    % (kind, os.path.abspath(dst), fields, kind, ", ".join(cols)))
    print("%d %d" % (counts["impressions"], counts["clicks"]))


def cmd_bigfile(out, nrows, ads_csv, company):
    """An impressions log of nrows rows for one tenant, one day, with header."""
    nrows = int(nrows)
    ads = []
    with open(ads_csv, newline="", encoding="utf-8") as f:
        for r in csv.reader(f):
            if r[1] == company:
                ads.append(r[0])
    if not ads:
        sys.exit("bench.py: company %s has no ads in %s" % (company, ads_csv))
    rng = random.Random(7)
    hosts = ["news.example.com", "www.example.org", "shop.example.com", "m.example.com",
             "video.example.tv", "spam.example", "x.ads.bad.example", "blog.example.net"]
    paths = ["/", "/a/123", "/a/b?x=1&y=2", "/v?id=9", ""]
    urls = ["%s://%s%s" % (rng.choice(("http", "https")), rng.choice(hosts), rng.choice(paths))
            for _ in range(200)]
    ips = ["%d.%d.%d.%d" % (rng.randint(1, 223), rng.randrange(256), rng.randrange(256),
                            rng.randint(1, 254)) for _ in range(3000)]
    ips += ["2001:db8:%x::%x" % (rng.randrange(65536), rng.randrange(1, 65536)) for _ in range(500)]
    uds = ['"{""ua"":""Mozilla/5.0"",""lang"":""%s""}"' % l for l in ("en", "fr", "de", "ja")]
    uds += ['"{""lang"":""%s"",""city"":""%s""}"' % (l, c)
            for l in ("es", "el") for c in ("Paris", "Zürich", "東京")]
    costs = ["0.%010d" % rng.randrange(5_000_000, 80_000_000) for _ in range(500)] + ["", "0"]
    day = datetime(2026, 11, 15)
    step = 86400.0 / nrows
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8", buffering=1 << 20) as f:
        f.write("ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data\n")
        block = []
        for i in range(nrows):
            t = day + timedelta(seconds=i * step)
            block.append("%s,%s,%s,%s,%s,%s\n" % (
                rng.choice(ads), t.strftime("%Y-%m-%d %H:%M:%S.%f"), rng.choice(urls),
                rng.choice(costs), rng.choice(ips), rng.choice(uds)))
            if len(block) >= 10000:
                f.write("".join(block))
                block = []
        f.write("".join(block))
    os.replace(tmp, out)


def strip_comment(line):
    """A SQL line without its "--" comment (trailing ones too, such as the
    "-- @reach" markers): the lines are joined into one \\copy line."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == "'":
            quoted = not quoted
        elif not quoted and line.startswith("--", i):
            return line[:i]
    return line


def cmd_report_sql(sqldir, first, last, out, ids):
    """psql script: the rows of every report query of each tenant, via \\copy."""
    queries = ["company", "campaigns", "ads", "daily", "days", "totals"]
    texts = {}
    for q in queries:
        with open(os.path.join(sqldir, "report_%s.sql" % q)) as f:
            lines = [strip_comment(l) for l in f.read().splitlines()]
        texts[q] = " ".join(l.strip() for l in lines if l.strip())
    lines = []
    for cid in ids:
        os.makedirs(os.path.join(out, cid), exist_ok=True)
        for q in queries:
            sql = texts[q]
            # $4 (pacing day) first: "$1" would also match the start of "$10".
            for k, v in (("$4", "'%s'" % last), ("$3", "'%s'" % last), ("$2", "'%s'" % first),
                         ("$1", cid)):
                sql = sql.replace(k, v)
            lines.append("\\copy (%s) to '%s' with (format csv, header)" %
                         (sql, os.path.abspath(os.path.join(out, cid, q + ".csv"))))
    sys.stdout.write("\n".join(lines) + "\n")


def count_records(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return sum(1 for _ in csv.reader(f))


def cmd_same_report_rows(adr, psql, month):
    bad, tenants, records = [], 0, 0
    for cid in sorted(os.listdir(psql), key=int):
        tenants += 1
        for name in ("campaigns", "ads", "daily"):
            a = count_records(os.path.join(adr, cid, month, name + ".csv"))
            b = count_records(os.path.join(psql, cid, name + ".csv"))
            records += b
            if a != b:
                bad.append("%s/%s.csv: adreport %d, psql %d" % (cid, name, a, b))
    if bad:
        print("report records differ: " + "; ".join(bad[:10]))
    else:
        print("same number of records in campaigns/ads/daily.csv of %d tenants (%d records)"
              % (tenants, records))


def med(vals):
    return statistics.median(float(x) for x in vals.split(",")) if vals else None


def cmd_record(tsv, stage, measure, unit, avals, bname, bvals, target):
    a, b = med(avals), med(bvals)
    ratio = a / b if a is not None and b else None
    status, tdesc = "", ""
    if target and ratio is not None:
        ok = True
        parts = []
        for t in target.split(","):
            op, x = t.split(":")
            x = float(x)
            if op == "ge":
                ok = ok and ratio >= x
                parts.append("≥ %gx" % x)
            elif op == "le":
                ok = ok and ratio <= x
                parts.append("≤ %gx" % x)
            elif op == "maxa":
                ok = ok and a <= x
                parts.append("≤ %g %s" % (x, unit))
        status = "met" if ok else "MISSED"
        tdesc = " and ".join(parts)
    rtext = "%.2fx" % ratio if ratio is not None else ""
    with open(tsv, "a", encoding="utf-8") as f:
        f.write("\t".join([stage, measure, unit, avals, bname, bvals, rtext, tdesc, status]) + "\n")
    n = len(avals.split(",")) if avals else 0
    line = "%-8s %s: adreport %s %s" % (stage + ":", measure, fmt(a), unit)
    if b is not None:
        line += " vs %s %s %s" % (bname, fmt(b), unit)
    line += " (median of %d)" % n
    if rtext:
        line += ", ratio %s" % rtext
    if tdesc:
        line += " (target %s): %s" % (tdesc, status)
    print(line, flush=True)


def fmt(x):
    if x >= 1000:
        return "{:,.0f}".format(x)
    if x >= 100:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    return "%.2f" % x


def cmd_table(path):
    """Columns of the TSV: stage, measure, unit, adreport values (comma-
    separated), baseline name, baseline values, ratio, target, status."""
    out = ["| stage | measure | adreport min / **median** / max | baseline | baseline min / "
           "**median** / max | ratio (median) | target | status |",
           "|---|---|---|---|---|---|---|---|"]
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 9:
                continue
            stage, measure, unit, av, bname, bv, ratio, target, status = p[:9]

            def mmm(vals):
                if not vals:
                    return "-"
                v = [float(x) for x in vals.split(",")]
                return "%s / **%s** / %s %s" % (fmt(min(v)), fmt(statistics.median(v)),
                                                fmt(max(v)), unit)
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                stage, measure, mmm(av), bname or "-", mmm(bv), ratio or "-", target or "-",
                status or ""))
    print("\n".join(out))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "convert":
        cmd_convert(*args)
    elif cmd == "bigfile":
        cmd_bigfile(*args)
    elif cmd == "report-sql":
        cmd_report_sql(args[0], args[1], args[2], args[3], args[4:])
    elif cmd == "same-report-rows":
        cmd_same_report_rows(*args)
    elif cmd == "record":
        cmd_record(*args)
    elif cmd == "table":
        cmd_table(*args)
    else:
        sys.exit("bench.py: unknown command %s" % cmd)


if __name__ == "__main__":
    main()
