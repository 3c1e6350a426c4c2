#!/usr/bin/env python3
"""samples/generate.py - write an `adreport run --incoming DIR` tree.

Deterministic for a given --seed and option set; python3 standard library
only.  The committed sample in samples/incoming/ and samples/expected.json is

    python3 samples/generate.py --gzip-some --expected samples/expected.json

and a benchmark data set (about 2 million impression rows) is, for example,

    python3 samples/generate.py --out /tmp/bench --tenants 50 --days 30 \\
        --skew --scale 15 --no-bad-rows --expected /tmp/bench.json

See samples/README.md for the layout, the file formats and the bad rows.

The expected results (--expected) are computed here, in Python, from the
text of each field as written: timestamps are parsed back from their string,
costs with decimal.Decimal (never float), rounded half away from zero to 10
fraction digits per row, exactly as PostgreSQL's numeric(20,10) stores them.
"""

import argparse
import gzip
import json
import math
import os
import random
import re
import sys
import time
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, getcontext

getcontext().prec = 60  # sums of numeric(20,10) values stay exact

# ---------------------------------------------------------------------------
# Fixed vocabulary: tenant sizes, hard-case names, URLs, user agents.
# ---------------------------------------------------------------------------

# Impressions per day of tenants 1..4 at --scale 1 (without --skew the cycle
# repeats for tenants 5, 6, ...).  Clicks are 2-5 % of impressions.
BASE_IMPRESSIONS = [1100, 350, 110, 30]

COMPANY_NAMES = [
    'Acme Rockets, Inc. ("the best")',
    "Café Ünïcode ☕",
    "株式会社サンプル広告",
    '=HYPERLINK("http://x","y")',
    "Multi\nLine Media Ltd.",
    "+49 Werbung GmbH",
    "-Minus- Marketing",
    "@handle Agency",
    "Reports/Q4 [EU]: *?\\ Ltd",
    "Ωmega Διαφήμιση",
    "إعلانات الشرق",
    "O'Brien & Sons <b>bold</b>",
]

CAMPAIGN_NAMES = [
    "Black Friday, 2026",
    'Spring "Mega" Sale',
    "Rentrée été — Café ☕",
    "年末セール キャンペーン",
    "=1+2",
    "+Bonus Week",
    "-50% Everything",
    "@everyone retargeting",
    "Holiday\ntwo-line name",
    "Brand awareness",
    "Q4 [EU]: Black/Friday*?",
    "Tab\tseparated",
    "=cmd|' /C calc'!A0",
    "Ünïcode ÆØÅ retargeting",
    "🚀 Launch",
    "Long name " + "lorem ipsum " * 25,
    "Plain campaign",
    "Search, display & video",
]

AD_NAMES = [
    "Banner 300x250",
    "Skyscraper, 160x600",
    'Video "pre-roll" 15s',
    "バナー広告 A",
    '=HYPERLINK("http://evil.example","click")',
    "+1 (555) 010-9999",
    "-5% today",
    "@brand mention",
    "Native\nad, two lines",
    "Café crème ☕ ad",
    "Emoji 😀 ad",
    "Plain ad",
    "Leaderboard 728x90",
    "Ελληνικά ad",
    '"Quoted" start',
    "Trailing space ",
    "إعلان عربي",
]

NORMAL_HOSTS = [
    "news.example.com", "www.example.org", "blog.example.net", "shop.example.com",
    "m.example.com", "video.example.tv", "forum.example.io", "weather.example.com",
    "recipes.example.co.uk", "sports.example.de", "travel.example.fr",
    "games.example.jp", "mail.example.com", "search.example.com",
]
NORMAL_PATHS = ["/", "/a/123", "/a/b?x=1&y=2", "/v?id=9", "/p/%E2%98%95", "/s?q=caf%C3%A9",
                "/#top", "", "", "/"]
# Less usual but valid site URLs (no blacklist matches any of them).
ODD_URLS = [
    "http://news.example.com/a,b?q=\"quoted\"",  # needs CSV quoting
    "https://例え.jp/記事",
    "http://[2001:db8::1]:8080/ipv6-host",
    "http://192.0.2.10/ip-host",
    "HTTPS://WWW.EXAMPLE.ORG/UPPER",
    "https://www.example.org:8443/port",
]

# Blacklists: PostgreSQL text[] entries.  A site matches an entry when its
# host, lower-cased, without user info and port, equals the entry's host or
# ends with "." + the entry's host (a subdomain).  Scheme and path do not
# matter.
BLACKLISTS = [
    ["http://spam.example", "http://ads.bad.example/path"],
    ["https://Tracker.Example/", "http://spam.example"],
    ["http://clickfarm.example"],
    ["http://ads.bad.example/path", "https://tracker.example/pixel"],
]
# Event URLs on blacklisted hosts, by blacklisted host.
BLACK_URLS = {
    "spam.example": ["http://spam.example/", "http://www.spam.example/x",
                     "http://user@SPAM.example:8080/", "https://spam.example/landing?utm=1",
                     "http://spam.example", "http://a.b.spam.example/deep/path"],
    "ads.bad.example": ["http://ads.bad.example/path", "https://ads.bad.example/other",
                        "http://x.ads.bad.example/"],
    "tracker.example": ["https://tracker.example/p.gif", "http://TRACKER.EXAMPLE:8443/"],
    "clickfarm.example": ["http://clickfarm.example/c?id=9",
                          "http://user:pw@www.clickfarm.example/"],
}
# Near misses: look like a blacklisted host, match none.
NEAR_MISS_URLS = [
    "http://spam.example.org/", "http://notspam.example/", "http://bad.example/",
    "http://spam.example@good.example/", "http://good.example/?u=http://spam.example/",
    "http://tracker.example.com/", "http://clickfarm.examples/", "http://myads.bad.example.net/",
]

USER_AGENTS = ["Mozilla/5.0", "Mozilla/5.0 (iPhone)", "Mozilla/5.0 (Windows NT 10.0)",
               "Mozilla/5.0 (X11; Linux)", "curl/8.4.0"]
LANGS = ["en", "fr", "de", "ja", "es", "pt-BR", "el", "ar"]
CITIES = ["Paris", "Zürich", "東京", "São Paulo", "Αθήνα", "New York", "القاهرة", "Kraków"]
# Hand-written user_data documents: escapes, non-ASCII, nesting.
SPECIAL_JSON = [
    '{"ua":"Mozilla/5.0","lang":"ja","city":"東京"}',
    '{"ua":"Mozilla/5.0","note":"caf\\u00e9 \\"quoted\\" back\\\\slash\\ttab\\nnewline"}',
    '{"ua":"x","emoji":"\\ud83d\\ude00","plain":"😀"}',
    '{"ua":"x","screen":[1920,1080],"dnt":true,"score":0.75,"ref":null}',
    '{"ua":"x","nested":{"a":{"b":[1,{"c":"d"}]}},"n":-1.5e10}',
    '{}',
    '{ "ua" : "spaced out" , "lang" : "fr" }',
    '{"ua":"x","comma":"a,b,c","quote":"she said \\"hi\\""}',
    '{"ua":"x","slash":"http:\\/\\/example.com\\/"}',
]


# ---------------------------------------------------------------------------
# CSV and PostgreSQL literal helpers.
# ---------------------------------------------------------------------------

def csvq(s):
    """One CSV field: None -> empty (NULL for \\copy), quoted when needed."""
    if s is None:
        return ""
    if s == "" or any(c in s for c in ',"\n\r'):
        return '"' + s.replace('"', '""') + '"'
    return s


def pg_array(items):
    if items is None:
        return None
    return "{" + ",".join('"' + i.replace("\\", "\\\\").replace('"', '\\"') + '"'
                          for i in items) + "}"


def url_host(url):
    """Host of a URL: no scheme, user info or port; lower case."""
    rest = url.split("://", 1)[1] if "://" in url else url
    for sep in "/?#":
        rest = rest.split(sep, 1)[0]
    rest = rest.rsplit("@", 1)[-1]
    if rest.startswith("["):
        return rest[: rest.find("]") + 1].lower()
    return rest.split(":", 1)[0].lower()


def host_matches(host, bl_host):
    return host == bl_host or host.endswith("." + bl_host)


# ---------------------------------------------------------------------------
# Independent parsing for the expected results.
# ---------------------------------------------------------------------------

TS_RE = re.compile(r"(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.\d{1,6})?"
                   r"(Z|[+-]\d\d:\d\d)?\Z")
Q10 = Decimal("1E-10")
ZERO = Decimal(0)


def utc_day(ts):
    """UTC day (YYYY-MM-DD) of a good timestamp string."""
    m = TS_RE.match(ts)
    if m is None:
        raise ValueError("generator wrote a bad good timestamp: %r" % ts)
    zone = m.group(7)
    if zone is None or zone == "Z" or zone in ("+00:00", "-00:00"):
        return ts[:10]
    y, mo, d, hh, mi, ss = (int(m.group(i)) for i in range(1, 7))
    off = int(zone[1:3]) * 60 + int(zone[4:6])
    if zone[0] == "-":
        off = -off
    t = datetime(y, mo, d, hh, mi, ss) - timedelta(minutes=off)
    return t.date().isoformat()


def cost_value(s):
    """numeric(20,10) value of a good cost field; NULL counts 0."""
    if s == "":
        return ZERO
    return Decimal(s).quantize(Q10, rounding=ROUND_HALF_UP)


def dec10(d):
    return "{:f}".format(d.quantize(Q10, rounding=ROUND_HALF_UP))


# ---------------------------------------------------------------------------
# Entities.
# ---------------------------------------------------------------------------

class Campaign:
    pass


class Ad:
    pass


class Tenant:
    pass


def ts_str(dt):
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def build_tenants(args):
    rng = random.Random("%s:entities" % args.seed)
    tenants = []
    name_i = {"campaign": 0, "ad": 0}

    def next_name(pool, key):
        n = pool[name_i[key] % len(pool)]
        name_i[key] += 1
        return n

    for cid in range(1, args.tenants + 1):
        t = Tenant()
        t.cid = cid
        if args.skew:
            base = BASE_IMPRESSIONS[0] * cid ** -1.07
        else:
            base = BASE_IMPRESSIONS[(cid - 1) % len(BASE_IMPRESSIONS)]
        t.base = base
        t.style = ("plain", "shuffled", "company_col", "headerless")[(cid - 1) % 4]
        t.name = COMPANY_NAMES[cid - 1] if cid <= len(COMPANY_NAMES) else "Tenant %04d Corp" % cid
        t.image_url = None if cid % 3 == 0 else "https://cdn.example.com/logos/%d.png" % cid
        created = datetime(2025, 1, 1) + timedelta(seconds=rng.randrange(300 * 86400))
        t.created_at = created
        t.updated_at = created + timedelta(seconds=rng.randrange(60 * 86400))
        if base >= 1000:
            ncamp = rng.randint(5, 6)
        elif base >= 300:
            ncamp = rng.randint(4, 5)
        elif base >= 100:
            ncamp = rng.randint(3, 4)
        else:
            ncamp = rng.randint(2, 3)
        t.campaigns = []
        t.ads = []
        ad_id = 0
        for k in range(ncamp):
            c = Campaign()
            c.id = k + 1
            c.name = next_name(CAMPAIGN_NAMES, "campaign")
            # both cost models in every tenant
            c.cost_model = ("cost_per_click", "cost_per_impression")[k] if k < 2 else \
                rng.choice(("cost_per_click", "cost_per_impression"))
            c.state = "paused" if (k == ncamp - 1 and ncamp >= 3) or rng.random() < 0.1 else "active"
            if k == 0:
                c.state = "active"
            c.monthly_budget = None if rng.random() < 0.25 else rng.randrange(100, 50000)
            r = rng.random()
            if k == 0 or r < 0.45:
                c.blacklist = BLACKLISTS[(cid + k) % len(BLACKLISTS)]
            elif r < 0.6:
                c.blacklist = []
            else:
                c.blacklist = None
            c.bl_hosts = [url_host(u) for u in (c.blacklist or [])]
            c.black_urls = [u for h in dict.fromkeys(c.bl_hosts) for u in BLACK_URLS[h]]
            c.created_at = t.created_at + timedelta(seconds=rng.randrange(30 * 86400))
            c.updated_at = c.created_at + timedelta(seconds=rng.randrange(30 * 86400))
            t.campaigns.append(c)
            for _ in range(rng.randint(2, 5)):
                ad_id += 1
                a = Ad()
                a.id = ad_id
                a.sid = str(ad_id)
                a.campaign = c
                a.name = next_name(AD_NAMES, "ad")
                a.image_url = None if rng.random() < 0.2 else \
                    "https://cdn.example.com/ads/%d/%d.png" % (cid, ad_id)
                r = rng.random()
                if r < 0.15:
                    a.target_url = None
                elif r < 0.25:
                    a.target_url = 'https://shop.example.com/landing?utm_campaign=a,b&ref="x"'
                else:
                    a.target_url = "https://shop.example.com/p/%d?ad=%d" % (cid, ad_id)
                a.created_at = c.created_at + timedelta(seconds=rng.randrange(10 * 86400))
                a.updated_at = a.created_at + timedelta(seconds=rng.randrange(10 * 86400))
                a.weight = (1.0 if c.state == "active" else 0.15) * rng.uniform(0.4, 2.0)
                t.ads.append(a)
        acc = 0.0
        t.cum = []
        for a in t.ads:
            acc += a.weight
            t.cum.append(acc)
        t.ad_ids = {a.id for a in t.ads}
        tenants.append(t)
    return tenants


def write_entities(out, tenants):
    comp, camp, ads = [], [], []
    for t in tenants:
        comp.append(",".join([str(t.cid), csvq(t.name), csvq(t.image_url),
                              ts_str(t.created_at), ts_str(t.updated_at)]))
        for c in t.campaigns:
            camp.append(",".join([
                str(c.id), str(t.cid), csvq(c.name), c.cost_model, c.state,
                "" if c.monthly_budget is None else str(c.monthly_budget),
                csvq(pg_array(c.blacklist)), ts_str(c.created_at), ts_str(c.updated_at)]))
        for a in t.ads:
            ads.append(",".join([
                str(a.id), str(t.cid), str(a.campaign.id), csvq(a.name), csvq(a.image_url),
                csvq(a.target_url), "0", "0", ts_str(a.created_at), ts_str(a.updated_at)]))
    total = 0
    for name, lines in (("companies.csv", comp), ("campaigns.csv", camp), ("ads.csv", ads)):
        data = ("\n".join(lines) + "\n").encode("utf-8")
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        total += len(data)
    return total


# ---------------------------------------------------------------------------
# Pools of field values (built once; rows pick from them).
# ---------------------------------------------------------------------------

def build_pools(seed):
    rng = random.Random("%s:pools" % seed)
    urls = []
    for _ in range(600):
        scheme = "https" if rng.random() < 0.7 else "http"
        urls.append("%s://%s%s" % (scheme, rng.choice(NORMAL_HOSTS), rng.choice(NORMAL_PATHS)))
    urls += ODD_URLS
    ips = []
    for _ in range(5000):
        r = rng.random()
        if r < 0.75:
            ips.append("%d.%d.%d.%d" % (rng.randint(1, 223), rng.randrange(256),
                                        rng.randrange(256), rng.randint(1, 254)))
        elif r < 0.90:
            ips.append("2001:db8:%x::%x" % (rng.randrange(65536), rng.randrange(1, 65536)))
        elif r < 0.95:
            ips.append(":".join("%x" % rng.randrange(65536) for _ in range(8)))
        else:
            ips.append(rng.choice(["::1", "fe80::1", "::ffff:192.0.2.33",
                                   "2001:DB8::ABCD", "2001:db8:0:0:0:0:0:1"]))
    uds = []
    for _ in range(400):
        d = {"ua": rng.choice(USER_AGENTS)} if rng.random() < 0.6 else {}
        d["lang"] = rng.choice(LANGS)
        if rng.random() < 0.25:
            d["city"] = rng.choice(CITIES)
        if rng.random() < 0.1:
            d["sid"] = "%08x" % rng.getrandbits(32)
        if rng.random() < 0.1:
            d["mobile"] = rng.random() < 0.5
        uds.append(json.dumps(d, ensure_ascii=rng.random() < 0.2, separators=(",", ":")))
    uds += SPECIAL_JSON * 3
    hms = ["%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60) for s in range(86400)]
    return {
        "urls": [csvq(u) for u in urls],
        "near": [csvq(u) for u in NEAR_MISS_URLS],
        "black_all": [csvq(u) for h in BLACK_URLS for u in BLACK_URLS[h]],
        "ips": ips,
        "uds": [csvq(u) for u in uds],
        "hms": hms,
    }


# ---------------------------------------------------------------------------
# Files: plan, bad-row allocation, generation.
# ---------------------------------------------------------------------------

STD_COLS = ["ad_id", "time", "site_url", "cost", "user_ip", "user_data"]
SEED_COLS = ["id", "company_id", "ad_id", "time", "site_url", "cost", "user_ip", "user_data"]
SHUFFLED = {
    "clicks": ["user_ip", "ad_id", "site_url", "time", "user_data", "cost"],
    "impressions": ["time", "cost", "ad_id", "user_data", "user_ip", "site_url"],
}
COMPANY_COLS = ["company_id", "ad_id", "time", "site_url", "cost", "user_ip", "user_data"]
HEADER_NAME = {
    "clicks": {"time": "clicked_at", "cost": "cost_per_click_usd"},
    "impressions": {"time": "seen_at", "cost": "cost_per_impression_usd"},
}

OFFSETS = ["+02:00", "-05:00", "+05:30", "-03:30", "+09:00", "-08:00", "+01:00", "+00:00",
           "-00:00", "+14:00", "-12:00"]


class FileSpec:
    pass


def plan_files(args, tenants):
    specs = []
    rng = random.Random("%s:plan" % args.seed)
    for t in tenants:
        for di in range(args.days):
            day = args.start_date + timedelta(days=di)
            n_imp = int(round(t.base * args.scale * rng.uniform(0.85, 1.15)))
            n_clk = int(round(n_imp * rng.uniform(0.02, 0.05)))
            if n_imp > 0:
                n_clk = max(1, n_clk)
            for kind, n in (("impressions", n_imp), ("clicks", n_clk)):
                f = FileSpec()
                f.tenant, f.kind, f.day, f.di, f.n = t, kind, day, di, n
                f.eol, f.bom, f.gz, f.header = "\n", False, False, True
                if t.style == "plain":
                    f.cols = STD_COLS
                    f.eol = "\r\n" if di == 1 else "\n"
                    f.gz = args.gzip_some and di % 3 == 2
                elif t.style == "shuffled":
                    f.cols = SHUFFLED[kind]
                    f.eol = "\r\n"
                    f.bom = t.cid == 2 and di == 0 and kind == "impressions"
                elif t.style == "company_col":
                    f.cols = COMPANY_COLS
                    f.gz = args.gzip_some and di == 4 and kind == "impressions"
                else:  # headerless on a few days, the standard header otherwise
                    f.header = di % 3 != 1  # days 2, 5, 8, ... have no header
                    f.cols = STD_COLS if f.header else SEED_COLS
                f.name = "%d/%s-%s.csv%s" % (t.cid, kind, day.isoformat(), ".gz" if f.gz else "")
                f.bad = []
                f.cap = min(3, (n - 1) // 19) if n >= 20 else 0
                specs.append(f)
    return specs


# Every reject reason with the variants this generator writes.
BAD_CATALOG = [
    ("field_count", ["too_few", "too_many", "one_field"]),
    ("bad_encoding", ["xff_site_url", "nul_site_url", "latin1_user_data"]),
    ("bad_ad_id", ["abc", "decimal", "int64_overflow"]),
    ("unknown_ad", ["other_tenant", "huge", "zero"]),
    ("wrong_company", ["other_tenant", "nonexistent"]),
    ("bad_time", ["feb30", "hour25", "word", "nov31", "minute60"]),
    ("empty_site_url", ["empty", "quoted_empty"]),
    ("bad_ip", ["three_octets", "octet_300", "v6_g", "v6_triple_colon"]),
    ("bad_json", ["truncated", "nul_escape", "single_quotes", "lone_surrogate"]),
    ("bad_cost", ["negative", "eleven_int_digits", "exponent", "word", "rounds_to_overflow"]),
]


def other_tenant_ad(t, tenants):
    """An ad id that exists for another tenant but not for t, or None."""
    for o in tenants:
        if o is not t:
            for a in o.ads:
                if a.id not in t.ad_ids:
                    return a.id
    return None


def allocate_bad_rows(args, tenants, specs):
    """Assign bad-row variants to files; every reason at least once if room."""
    rng = random.Random("%s:bad" % args.seed)
    # Interleave so the first len(BAD_CATALOG) picks cover every reason.
    order = []
    for i in range(max(len(v) for _, v in BAD_CATALOG)):
        for reason, variants in BAD_CATALOG:
            if i < len(variants):
                order.append((reason, variants[i]))
    by_tenant = {t.cid: [] for t in tenants}
    for f in specs:
        if f.cap > 0:
            by_tenant[f.tenant.cid].append(f)
    for cid, files in by_tenant.items():
        special = [f for f in files if f.gz or f.bom or not f.header or f.eol == "\r\n"]
        plain = [f for f in files if f not in special]
        rng.shuffle(special)
        rng.shuffle(plain)
        by_tenant[cid] = special + plain

    def applicable(f, v):
        reason, variant = v
        if reason == "wrong_company":
            return "company_id" in f.cols
        if v == ("unknown_ad", "other_tenant"):
            return other_tenant_ad(f.tenant, tenants) is not None
        return True

    def place(t, v):
        cands = [f for f in by_tenant[t.cid] if len(f.bad) < f.cap and applicable(f, v)]
        if not cands:
            return False
        f = min(cands, key=lambda f: len(f.bad))  # spread; specials first on ties
        f.bad.append(v)
        return True

    pending = list(order)
    per_tenant = max(3, math.ceil(len(order) / max(1, len(tenants))))
    cycle_i = 0
    for t in tenants:
        placed = 0
        for v in list(pending):
            if placed >= per_tenant:
                break
            if place(t, v):
                pending.remove(v)
                placed += 1
        tries = 0
        while placed < per_tenant and tries < len(order):
            v = order[cycle_i % len(order)]
            cycle_i += 1
            tries += 1
            if place(t, v):
                placed += 1
    for v in list(pending):  # leftovers: anywhere there is room
        for t in tenants:
            if place(t, v):
                pending.remove(v)
                break
    return pending


def fmt_cost(rng, units):
    ip, fp = divmod(units, 10 ** 10)
    s = "%d.%010d" % (ip, fp)
    x = rng.random()
    if x < 0.70:
        return s
    if x < 0.86:
        s = s.rstrip("0")
        return s[:-1] if s.endswith(".") else s
    if x < 0.92:  # more than 10 fraction digits: rounded half away from zero
        return s + rng.choice(("5", "49", "50", "4999999", "5000001", "9", "1", "05"))
    if x < 0.925:
        return "%d.99999999995" % ip  # carries into the integer part
    if x < 0.945:
        return s[1:] if ip == 0 else s  # ".0012345678"
    if x < 0.95:
        return "%d%s" % (ip, rng.choice(("", ".")))  # "2", "2." (numeric input takes both)
    return ""  # NULL


def gen_cost(rng, kind, campaign):
    charged = (kind == "clicks") == (campaign.cost_model == "cost_per_click")
    if charged:
        if kind == "clicks":
            return fmt_cost(rng, rng.randrange(500_000_000, 30_000_000_000))
        return fmt_cost(rng, rng.randrange(5_000_000, 80_000_000))
    x = rng.random()
    return "" if x < 0.7 else ("0" if x < 0.85 else "0.0000000000")


class Expect:
    def __init__(self):
        self.ad_days = {}
        self.black = {}
        self.rows = {"clicks": 0, "impressions": 0}
        self.rejects = []
        self.files = {}
        self.match_cache = {}
        self.host_cache = {}

    def good(self, cid, ad, kind, ts, url_csv, cost, url_raw):
        day = utc_day(ts)
        key = (cid, ad.id, day)
        rec = self.ad_days.get(key)
        if rec is None:
            rec = self.ad_days[key] = [0, 0, ZERO, ZERO]
        v = cost_value(cost)
        if kind == "impressions":
            rec[0] += 1
            rec[2] += v
        else:
            rec[1] += 1
            rec[3] += v
        c = ad.campaign
        if c.bl_hosts:
            mk = (id(c), url_csv)
            hit = self.match_cache.get(mk)
            if hit is None:
                host = url_host(url_raw)
                hit = self.match_cache[mk] = any(host_matches(host, h) for h in c.bl_hosts)
            if hit:
                b = self.black.get(key)
                if b is None:
                    b = self.black[key] = [0, 0, ZERO, ZERO]
                if kind == "impressions":
                    b[0] += 1
                    b[2] += v
                else:
                    b[1] += 1
                    b[3] += v


def uncsv(s):
    if s.startswith('"'):
        return s[1:-1].replace('""', '"')
    return s


def gen_file(args, f, tenants, pools, exp, id_counter):
    t = f.tenant
    cid = t.cid
    scid = str(cid)
    kind = f.kind
    rng = random.Random("%s:%d:%s:%s" % (args.seed, cid, kind, f.day.isoformat()))
    n = f.n
    dstr = f.day.isoformat()
    hms = pools["hms"]
    urls, near, black_all = pools["urls"], pools["near"], pools["black_all"]
    ips, uds = pools["ips"], pools["uds"]
    ads = rng.choices(t.ads, cum_weights=t.cum, k=n) if n else []
    secs = sorted(rng.randrange(86400) for _ in range(n))
    rnd = rng.random
    choice = rng.choice
    day0 = datetime.combine(f.day, datetime.min.time())
    eol = f.eol

    # Multi-line good rows (a newline inside quoted user_data): two early in
    # every file that gets bad rows, rare elsewhere.
    multi = set()
    if f.bad and n >= 3:
        hi = max(3, n // 5)
        multi.update(rng.sample(range(1, hi), 2))
    # A row or two whose UTC offset moves it across a UTC day boundary.
    cross = set()
    if n >= 20:
        cross.update(rng.sample(range(n), 1 + (n >= 200)))

    cols = f.cols
    idx = {"id": 0, "company_id": 1, "ad_id": 2, "time": 3, "site_url": 4, "cost": 5,
           "user_ip": 6, "user_data": 7}
    perm = [idx[c] for c in cols]
    std = cols == STD_COLS
    rows = []
    append = rows.append
    good_fields = None
    for i in range(n):
        ad = ads[i]
        s = secs[i]
        x = rnd()
        if i in cross:
            if rnd() < 0.5:  # e.g. 2026-11-03 23:30:00-02:00 = 2026-11-04 01:30 UTC
                off = choice(("-02:00", "-05:00", "-08:00", "-12:00"))
                ts = "%s %s%s" % (dstr, hms[86400 - 1 - rng.randrange(3600)], off)
            else:  # e.g. 2026-11-01 00:30:00+02:00 = 2026-10-31 22:30 UTC
                off = choice(("+02:00", "+05:30", "+09:00", "+14:00"))
                ts = "%s %s%s" % (dstr, hms[rng.randrange(3600)], off)
        elif x < 0.55:
            ts = dstr + " " + hms[s]
        elif x < 0.70:
            ts = "%s %s.%s" % (dstr, hms[s], ("%06d" % rng.randrange(1000000))[:rng.randint(1, 6)])
        elif x < 0.80:
            ts = "%sT%s" % (dstr, hms[s])
        elif x < 0.88:
            ts = "%s%s%s.%06dZ" % (dstr, choice(" T"), hms[s], rng.randrange(1000000)) \
                if rnd() < 0.5 else "%sT%sZ" % (dstr, hms[s])
        else:  # the same UTC instant written in local time with an offset
            off = choice(OFFSETS)
            mins = (int(off[1:3]) * 60 + int(off[4:6])) * (-1 if off[0] == "-" else 1)
            lt = day0 + timedelta(seconds=s + mins * 60)
            ts = "%s%s%s" % (lt.strftime("%Y-%m-%d"), choice(" T"),
                             hms[lt.hour * 3600 + lt.minute * 60 + lt.second]) + off
        c = ad.campaign
        y = rnd()
        if c.black_urls and y < 0.04:
            url = csvq(choice(c.black_urls))
        elif y < 0.05:
            url = choice(near)
        elif y < 0.055:
            url = choice(black_all)
        else:
            url = choice(urls)
        cost = gen_cost(rng, kind, c)
        ip = choice(ips)
        if i in multi or rnd() < 0.002:
            ud = csvq('{"ua":"Mozilla/5.0",%s"lang":"de",%s"note":"multi-line row"}' % (eol, eol))
        else:
            ud = choice(uds)
        if std:
            append("%s,%s,%s,%s,%s,%s" % (ad.sid, ts, url, cost, ip, ud))
        else:
            id_counter[cid] = id_counter.get(cid, 0) + 1
            vals = (str(id_counter[cid]), scid, ad.sid, ts, url, cost, ip, ud)
            append(",".join([vals[k] for k in perm]))
        exp.good(cid, ad, kind, ts, url, cost, uncsv(url))
        if good_fields is None and i not in cross and i not in multi:
            good_fields = (ad, ts, url, cost, ip, ud)

    # Bad rows, after the multi-line rows.
    bad_rows = []
    if f.bad:
        lo = max(multi) + 1 if multi else 1
        positions = sorted(rng.randrange(lo, n + 1) for _ in f.bad)
        for pos, v in zip(positions, f.bad):
            bad_rows.append((pos, v, make_bad(rng, f, v, tenants, good_fields, id_counter)))
    final = []
    bad_at = []
    k = 0
    for pos, v, text in bad_rows:
        final.extend(rows[k:pos])
        k = pos
        bad_at.append((len(final), v))
        final.append(text)
    final.extend(rows[k:])

    header = ""
    if f.header:
        names = HEADER_NAME[kind]
        header = ",".join(names.get(c, c) for c in cols) + eol
    if f.bom:
        header = "\ufeff" + header
    # Physical 1-based line numbers of the bad rows.
    if bad_at:
        line = 2 if f.header else 1
        targets = dict(bad_at)
        for r_i, row in enumerate(final):
            if r_i in targets:
                exp.rejects.append((f.name, line, targets[r_i][0], targets[r_i][1]))
            line += row.count("\n") + 1
    body = eol.join(final) + eol if final else ""
    data = (header + body).encode("utf-8", "surrogateescape")
    exp.rows[kind] += n
    exp.files[f.name] = {"rows": n, "rejected": len(f.bad)}
    if f.gz:
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path = os.path.join(args.out, f.name)
    with open(path, "wb") as fh:
        fh.write(data)
    return len(data)


def make_bad(rng, f, v, tenants, good, id_counter):
    """One bad row in f's layout: a good row with exactly one defect."""
    reason, variant = v
    t = f.tenant
    ad, ts, url, cost, ip, ud = good
    cid = str(t.cid)
    id_counter[t.cid] = id_counter.get(t.cid, 0) + 1
    vals = {"id": str(id_counter[t.cid]), "company_id": cid, "ad_id": ad.sid, "time": ts,
            "site_url": url, "cost": cost, "user_ip": ip, "user_data": ud}
    day = f.day.isoformat()
    if reason == "field_count" and variant == "one_field":
        return "this line is not a csv record"
    if reason == "bad_encoding":
        if variant == "xff_site_url":
            vals["site_url"] = "http://bad\udcff.example/"
        elif variant == "nul_site_url":
            vals["site_url"] = "http://nul\x00byte.example/"
        else:  # Latin-1 é inside the JSON
            vals["user_data"] = csvq('{"ua":"Mozilla/5.0","city":"Z\udcfcrich"}')
    elif reason == "bad_ad_id":
        vals["ad_id"] = {"abc": "abc", "decimal": "1.5",
                         "int64_overflow": "99999999999999999999"}[variant]
    elif reason == "unknown_ad":
        vals["ad_id"] = {"other_tenant": str(other_tenant_ad(t, tenants)),
                         "huge": "999999", "zero": "0"}[variant]
    elif reason == "wrong_company":
        other = 1 if t.cid != 1 else 2
        vals["company_id"] = str(other) if variant == "other_tenant" else "999"
        vals["ad_id"] = "1"  # an ad id every tenant has
    elif reason == "bad_time":
        vals["time"] = {"feb30": "%d-02-30 10:00:00" % f.day.year,
                        "hour25": day + " 25:00:00", "word": "yesterday",
                        "nov31": "%d-11-31 12:00:00" % f.day.year,
                        "minute60": day + " 12:60:00"}[variant]
    elif reason == "empty_site_url":
        vals["site_url"] = "" if variant == "empty" else '""'
    elif reason == "bad_ip":
        vals["user_ip"] = {"three_octets": "1.2.3", "octet_300": "300.1.1.1",
                           "v6_g": "::g", "v6_triple_colon": "2001:db8:::1"}[variant]
    elif reason == "bad_json":
        vals["user_data"] = csvq({"truncated": '{"a":', "nul_escape": '{"a":"\\u0000"}',
                                  "single_quotes": "{'ua':'x'}",
                                  "lone_surrogate": '{"a":"\\ud800"}'}[variant])
    elif reason == "bad_cost":
        vals["cost"] = {"negative": "-1.5", "eleven_int_digits": "12345678901.5",
                        "exponent": "1e3", "word": "abc",
                        "rounds_to_overflow": "9999999999.99999999995"}[variant]
    fields = [vals[c] for c in f.cols]
    if reason == "field_count":
        if variant == "too_few":
            fields = fields[:-1]
        else:
            fields = fields + ["extra"]
    return ",".join(fields)


# ---------------------------------------------------------------------------
# Output.
# ---------------------------------------------------------------------------

GEN_RE = re.compile(r"(clicks|impressions)-\d{4}-\d\d-\d\d\.csv(\.gz)?\Z")


def clean_out(out):
    """Remove what an earlier run wrote (only files this script names)."""
    for name in ("companies.csv", "campaigns.csv", "ads.csv"):
        p = os.path.join(out, name)
        if os.path.isfile(p):
            os.remove(p)
    for d in os.listdir(out):
        p = os.path.join(out, d)
        if d.isdigit() and os.path.isdir(p):
            for fn in os.listdir(p):
                if GEN_RE.match(fn):
                    os.remove(os.path.join(p, fn))
            if not os.listdir(p):
                os.rmdir(p)


def write_expected(path, exp):
    def line(x):
        return json.dumps(x, ensure_ascii=False)

    rejects = sorted(exp.rejects, key=lambda r: (r[0], r[1]))
    out = ['{', '"rejects": [']
    out.append(",\n".join("  " + line([r[0], r[1], r[2]]) for r in rejects))
    out.append('],')
    out.append('"reject_variants": [')
    out.append(",\n".join("  " + line([r[0], r[1], r[2], r[3]]) for r in rejects))
    out.append('],')
    out.append('"ad_days": [')
    out.append(",\n".join(
        "  " + line([k[0], k[1], k[2], v[0], v[1], dec10(v[2]), dec10(v[3])])
        for k, v in sorted(exp.ad_days.items())))
    out.append('],')
    out.append('"blacklisted": [')
    out.append(",\n".join(
        "  " + line([k[0], k[1], k[2], v[0], v[1], dec10(v[2]), dec10(v[3])])
        for k, v in sorted(exp.black.items())))
    out.append('],')
    out.append('"files": {')
    out.append(",\n".join("  %s: %s" % (line(k), line(v)) for k, v in sorted(exp.files.items())))
    out.append('},')
    out.append('"rows": ' + line(exp.rows))
    out.append('}')
    text = "\n".join(x for x in out if x != "") + "\n"
    json.loads(text)  # well-formed
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(
        description="Write a sample incoming/ tree for `adreport run --incoming DIR`.")
    ap.add_argument("--out", default=os.path.join(here, "incoming"),
                    help="output folder (default: samples/incoming)")
    ap.add_argument("--tenants", type=int, default=4, help="number of companies (default 4)")
    ap.add_argument("--days", type=int, default=7, help="days of logs per tenant (default 7)")
    ap.add_argument("--start", default="2026-11-01", help="first day, YYYY-MM-DD (default 2026-11-01)")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiplier on per-tenant event volume (default 1)")
    ap.add_argument("--seed", default="1", help="random seed (default 1)")
    ap.add_argument("--bad-rows", action=argparse.BooleanOptionalAction, default=True,
                    help="inject bad rows (default: on)")
    ap.add_argument("--gzip-some", action=argparse.BooleanOptionalAction, default=False,
                    help="gzip some log files (default: off)")
    ap.add_argument("--skew", action=argparse.BooleanOptionalAction, default=False,
                    help="Zipf-like tenant sizes: tenant i gets 1100*i^-1.07 impressions/day")
    ap.add_argument("--expected", metavar="FILE", help="write the expected results JSON here")
    args = ap.parse_args()
    if args.tenants < 1 or args.days < 1 or args.scale < 0:
        ap.error("--tenants and --days must be >= 1, --scale >= 0")
    try:
        args.start_date = date.fromisoformat(args.start)
    except ValueError:
        ap.error("--start must be YYYY-MM-DD")

    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    clean_out(args.out)
    tenants = build_tenants(args)
    pools = build_pools(args.seed)
    specs = plan_files(args, tenants)
    missing = allocate_bad_rows(args, tenants, specs) if args.bad_rows else []
    for t in tenants:
        os.makedirs(os.path.join(args.out, str(t.cid)), exist_ok=True)
    total = write_entities(args.out, tenants)
    exp = Expect()
    id_counter = {}
    for f in specs:
        total += gen_file(args, f, tenants, pools, exp, id_counter)
    if args.expected:
        write_expected(args.expected, exp)
    reasons = sorted({r[2] for r in exp.rejects})
    print("wrote %d files, %d bytes, %d impressions + %d clicks good rows, %d bad rows "
          "(%d reasons) to %s in %.1fs" % (len(specs) + 3, total, exp.rows["impressions"],
                                            exp.rows["clicks"], len(exp.rejects), len(reasons),
                                            args.out, time.time() - t0), file=sys.stderr)
    if args.bad_rows and missing:
        print("warning: no room for these bad rows (a file of n rows takes at most "
              "(n-1)//19 of them, at most 3; wrong_company needs a file with a "
              "company_id column): %s" %
              ", ".join("%s/%s" % v for v in missing), file=sys.stderr)


if __name__ == "__main__":
    main()
