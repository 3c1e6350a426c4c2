#!/usr/bin/python3
"""check_manifest.py TENANT_DIR [COMPANY_ID] - check TENANT_DIR/index.json.

Used by tests/test_report.sh, test_run.sh and test_faults.sh.  Parses the
manifest with Python's json module and checks it against the disk:

- the top-level fields (format 1, company_id, updated_at) and, per report
  folder, every documented field with its type and shape;
- every listed file exists, complete: its size and SHA-256 match the file;
- every folder that is not "updating" lists exactly the visible (no leading
  '.') .csv and .xlsx files in it, and every report folder on disk with such
  files is listed;
- a folder that is "updating" lists no file (and has no generated_at when
  it is being written for the first time).

Prints "check_manifest: DIR ok (N folders, M files)"; exits non-zero with a
message on the first mismatch.  With --folder LABEL it prints that folder's
entry as JSON instead (after the checks), for tests to look into.
"""
import hashlib
import json
import os
import re
import sys

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")
DAY = re.compile(r"\d{4}-\d\d-\d\d\Z")
LABEL = re.compile(r"(\d{4}-\d\d|\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d)\Z")


def fail(msg):
    sys.exit("check_manifest: " + msg)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def report_files(folder):
    return sorted(
        n
        for n in os.listdir(folder)
        if not n.startswith(".")
        and (n.endswith(".csv") or n.endswith(".xlsx"))
        and os.path.isfile(os.path.join(folder, n))
    )


def main():
    args = sys.argv[1:]
    show = None
    if "--folder" in args:
        i = args.index("--folder")
        show = args[i + 1]
        del args[i : i + 2]
    tenant = args[0]
    with open(os.path.join(tenant, "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    if index.get("format") != 1:
        fail(f"format {index.get('format')!r}, expected 1")
    want_id = int(args[1]) if len(args) > 1 else int(os.path.basename(os.path.normpath(tenant)))
    if index.get("company_id") != want_id:
        fail(f"company_id {index.get('company_id')!r}, expected {want_id}")
    if not ISO.match(index.get("updated_at") or ""):
        fail(f"updated_at {index.get('updated_at')!r}")
    listed = {}
    nfiles = 0
    for r in index["reports"]:
        label = r["folder"]
        if not LABEL.match(label) or label in listed:
            fail(f"bad or repeated folder {label!r}")
        listed[label] = r
        p = r["period"]
        if p["type"] not in ("month", "range") or not DAY.match(p["from"]) or not DAY.match(p["to"]):
            fail(f"{label}: bad period {p!r}")
        if (p["type"] == "month") != (len(label) == 7) or not label.startswith(p["from"][:7]):
            fail(f"{label}: period {p!r} does not match the folder")
        if r["time_zone"] != "UTC":
            fail(f"{label}: time_zone {r['time_zone']!r}")
        if not (r["updating"] and r["generated_at"] is None) and not ISO.match(r["generated_at"] or ""):
            fail(f"{label}: generated_at {r['generated_at']!r}")
        if r["data_through"] is not None and not DAY.match(r["data_through"]):
            fail(f"{label}: data_through {r['data_through']!r}")
        if not isinstance(r["updating"], bool):
            fail(f"{label}: updating {r['updating']!r}")
        folder = os.path.join(tenant, label)
        names = [f["name"] for f in r["files"]]
        if r["updating"]:
            if names:
                fail(f"{label}: updating, yet lists {names}")
            continue
        if names != report_files(folder):
            fail(f"{label}: lists {names}, the folder holds {report_files(folder)}")
        for f in r["files"]:
            path = os.path.join(folder, f["name"])
            if f["bytes"] != os.path.getsize(path):
                fail(f"{label}/{f['name']}: bytes {f['bytes']}, the file has {os.path.getsize(path)}")
            if f["sha256"] != sha256(path):
                fail(f"{label}/{f['name']}: sha256 {f['sha256']} does not match the file")
            if not ISO.match(f["modified_at"]):
                fail(f"{label}/{f['name']}: modified_at {f['modified_at']!r}")
            nfiles += 1
    for name in os.listdir(tenant):
        folder = os.path.join(tenant, name)
        if LABEL.match(name) and os.path.isdir(folder) and report_files(folder) and name not in listed:
            fail(f"folder {name} holds reports but is not listed")
    if show is not None:
        print(json.dumps(listed.get(show)))
        return
    print(f"check_manifest: {tenant} ok ({len(listed)} folders, {nfiles} files)")


if __name__ == "__main__":
    main()
