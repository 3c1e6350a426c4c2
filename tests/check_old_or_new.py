#!/usr/bin/python3
"""check_old_or_new.py OLD NEW REP - is every report folder of REP wholly OLD's or NEW's?

Used by tests/test_faults.sh after a report writing into REP (a copy of OLD)
was killed.  OLD and NEW are complete report trees (reports/<company_id>/
<period>/...) of the same tenants and periods, written before and after the
stats changed.  Checks, and exits non-zero with one line per violation:

- REP holds no visible (not dot-named) entry that OLD lacks: no stray file a
  customer could download (libxlsxwriter's scratch files, a half-named
  temporary), no missing report file;
- every report file is OLD's or NEW's, whole: a CSV byte for byte; a workbook
  member by member, where the generation time (docProps/core.xml and the
  Summary's text in xl/sharedStrings.xml) is masked, as it differs on every
  write;
- every report folder is wholly old or wholly new: no folder mixes files of
  the two versions (a download of the folder must be one report).

Also tells whether the killed process was caught mid-write: a dot-named
leftover (a temporary file) anywhere in REP, or an index.json listing a folder
as "updating" (withdrawn, not yet published again).  REP started as a copy of
OLD, which has neither, so each came from the killed writer.

Prints "old=N new=M midwrite=yes|no" (N, M: folders) when REP is consistent.

check_old_or_new.py --differ OLD NEW - exit non-zero unless every report file
differs between OLD and NEW (after the masking above): else the check could
not tell the versions apart.
"""
import hashlib
import json
import os
import re
import sys
import zipfile

# "2026-12-02 01:25:39" and the like: the generation time in the Summary.
TIME = re.compile(rb"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?")
VOLATILE = {"docProps/core.xml"}


def content(path):
    """What identifies a report file's version: bytes, or masked zip members."""
    if not path.endswith(".xlsx"):
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    h = hashlib.sha256()
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if name in VOLATILE:
                continue
            data = z.read(name)  # checks the member's CRC: a torn zip raises
            if name == "xl/sharedStrings.xml":
                data = TIME.sub(b"<time>", data)
            h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def visible(folder):
    return sorted(n for n in os.listdir(folder) if not n.startswith("."))


def report_folders(tree):
    """(tenant, period) of every report folder of tree."""
    out = []
    for tenant in visible(tree):
        for period in visible(os.path.join(tree, tenant)):
            if os.path.isdir(os.path.join(tree, tenant, period)):
                out.append((tenant, period))
    return out


def differ(old, new):
    same = []
    for tenant, period in report_folders(old):
        for name in visible(os.path.join(old, tenant, period)):
            rel = os.path.join(tenant, period, name)
            if content(os.path.join(old, rel)) == content(os.path.join(new, rel)):
                same.append(rel)
    if same:
        sys.exit("check_old_or_new: old and new are the same in " + ", ".join(same))


def main():
    if sys.argv[1] == "--differ":
        return differ(sys.argv[2], sys.argv[3])
    old, new, rep = sys.argv[1:4]
    bad = []
    midwrite = False
    # Stray or missing visible entries, at every level; dot-named leftovers.
    for root, dirs, files in os.walk(rep):
        rel_root = os.path.relpath(root, rep)
        for name in dirs + files:
            rel = os.path.normpath(os.path.join(rel_root, name))
            if name.startswith("."):
                midwrite = True
            elif not os.path.exists(os.path.join(old, rel)):
                bad.append(f"{rel}: a stray file a customer can see")
        dirs[:] = [d for d in dirs if not d.startswith(".")]
    for tenant in visible(old):
        index = os.path.join(rep, tenant, "index.json")
        if os.path.exists(index):
            with open(index, encoding="utf-8") as f:
                if any(r["updating"] for r in json.load(f)["reports"]):
                    midwrite = True
    states = {"old": 0, "new": 0}
    for tenant, period in report_folders(old):
        folder = os.path.join(tenant, period)
        kinds = {}
        for name in visible(os.path.join(old, folder)):
            rel = os.path.join(folder, name)
            p = os.path.join(rep, rel)
            if not os.path.isfile(p):
                bad.append(f"{rel}: missing")
                continue
            try:
                c = content(p)
            except (zipfile.BadZipFile, OSError, EOFError) as e:
                bad.append(f"{rel}: damaged ({e})")
                continue
            if c == content(os.path.join(old, rel)):
                kinds[name] = "old"
            elif c == content(os.path.join(new, rel)):
                kinds[name] = "new"
            else:
                bad.append(f"{rel}: neither the old nor the new file")
        if len(set(kinds.values())) > 1:
            bad.append(
                f"{folder}: old and new files mixed ("
                + ", ".join(f"{n} {k}" for n, k in sorted(kinds.items()))
                + ")"
            )
        elif kinds:
            states[next(iter(kinds.values()))] += 1
    if bad:
        sys.exit("\n".join("check_old_or_new: " + b for b in bad))
    print(f"old={states['old']} new={states['new']} midwrite={'yes' if midwrite else 'no'}")


if __name__ == "__main__":
    main()
