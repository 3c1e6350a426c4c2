#!/usr/bin/python3
"""check_xlsx.py XLSX CSV_DIR [LABEL=VALUE ...] - check a performance.xlsx.

Used by tests/test_report.sh.  Reads the workbook back with openpyxl and
checks it against the CSV files written beside it:

- sheets Summary, Campaigns, Ads, Daily, in that order;
- each data sheet has the CSV's header names, a bold header row, frozen
  panes at A2, an autofilter over all of it, a width on every column that fits
  the header, and the same values as the CSV: numbers as numeric cells with
  the expected number format, days as date cells, text as text (without the
  CSV's formula-injection apostrophe, and with the control characters XML
  cannot hold replaced by U+FFFD);
- each LABEL=VALUE names a Summary row (column A) and its value (column B);
- the charts exist: openpyxl drops charts when reading, so the zip is listed
  for xl/charts/chart*.xml: a line chart, and a bar chart when there are
  campaigns.

Exits non-zero with a message on the first mismatch.
"""
import csv
import datetime
import math
import os
import re
import sys
import zipfile

import openpyxl

SHEETS = ["Summary", "Campaigns", "Ads", "Daily"]
CSV_OF = {"Campaigns": "campaigns.csv", "Ads": "ads.csv", "Daily": "daily.csv"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def fail(msg):
    sys.exit("check_xlsx: " + msg)


def expected_format(column):
    if column == "day":
        return "yyyy-mm-dd"
    if column.endswith("_id"):
        return "0"
    if column.endswith("_usd"):
        return "$#,##0.00"
    if column in ("ctr", "budget_pacing"):
        return "0.00%"
    if column == "frequency":
        return "0.00"
    if column in ("impressions", "clicks", "reach", "unique_clickers"):
        return "#,##0"
    return None  # text


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def check_number(where, cell, text):
    if text == "":
        if cell.value is not None:
            fail(f"{where}: expected an empty cell, got {cell.value!r}")
        return
    if not isinstance(cell.value, (int, float)) or isinstance(cell.value, bool):
        fail(f"{where}: expected a number {text}, got {cell.value!r}")
    if not math.isclose(cell.value, float(text), rel_tol=0, abs_tol=1e-9):
        fail(f"{where}: expected {text}, got {cell.value!r}")


def check_sheet(ws, rows):
    header, data = rows[0], rows[1:]
    title = ws.title
    got_header = [c.value for c in ws[1]]
    if got_header != header:
        fail(f"{title}: header {got_header} != CSV header {header}")
    for c in ws[1]:
        if not c.font.b:
            fail(f"{title}!{c.coordinate}: header cell is not bold")
    if ws.freeze_panes != "A2":
        fail(f"{title}: frozen panes {ws.freeze_panes!r}, expected 'A2'")
    last_col = openpyxl.utils.get_column_letter(len(header))
    want_ref = f"A1:{last_col}{len(data) + 1}"
    if ws.auto_filter.ref != want_ref:
        fail(f"{title}: autofilter {ws.auto_filter.ref!r}, expected {want_ref!r}")
    if ws.max_row != len(data) + 1:
        fail(f"{title}: {ws.max_row - 1} data rows, CSV has {len(data)}")
    for i, name in enumerate(header):
        letter = openpyxl.utils.get_column_letter(i + 1)
        dim = ws.column_dimensions.get(letter)
        width = dim.width if dim is not None else None
        if not width or width < len(name):
            fail(f"{title}: column {letter} ({name}) width {width} does not fit its header")
    for r, row in enumerate(data, start=2):
        for i, (name, text) in enumerate(zip(header, row)):
            cell = ws.cell(row=r, column=i + 1)
            where = f"{title}!{cell.coordinate} ({name})"
            fmt = expected_format(name)
            if fmt is None:
                want = text
                if text[:2] in tuple("'" + s for s in FORMULA_STARTS):
                    want = text[1:]  # the CSV's apostrophe is not in the xlsx
                want = XML_FORBIDDEN.sub("\ufffd", want)
                if (cell.value or "") != want:
                    fail(f"{where}: expected text {want!r}, got {cell.value!r}")
                if text and cell.data_type != "s":
                    fail(f"{where}: expected a string cell, got type {cell.data_type}")
                continue
            if name == "day":
                if cell.value != datetime.datetime.strptime(text, "%Y-%m-%d"):
                    fail(f"{where}: expected date {text}, got {cell.value!r}")
            else:
                check_number(where, cell, text)
            if text and cell.number_format != fmt:
                fail(f"{where}: number format {cell.number_format!r}, expected {fmt!r}")
        # widths must fit the text of each cell (numbers: roughly, with separators)
        for i, text in enumerate(row):
            letter = openpyxl.utils.get_column_letter(i + 1)
            longest = max((len(line) for line in text.split("\n")), default=0)
            if ws.column_dimensions[letter].width < min(longest, 60):
                fail(f"{title}: column {letter} is narrower than {text!r}")


def check_summary(ws, pairs):
    labels = {}
    for row in ws.iter_rows(min_col=1, max_col=2):
        if row[0].value is not None:
            labels.setdefault(row[0].value, row[1])
    for label, want in pairs:
        if label not in labels:
            fail(f"Summary: no row labelled {label!r} (have {sorted(map(str, labels))})")
        cell = labels[label]
        if isinstance(cell.value, (int, float)):
            check_number(f"Summary {label!r}", cell, want)
        elif (cell.value or "") != want:
            fail(f"Summary {label!r}: expected {want!r}, got {cell.value!r}")


def check_charts(path, with_bar):
    with zipfile.ZipFile(path) as z:
        charts = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        kinds = sorted(
            k
            for n in charts
            for k in ("lineChart", "barChart")
            if f"<c:{k}>" in z.read(n).decode("utf-8")
        )
    want = ["barChart", "lineChart"] if with_bar else ["lineChart"]
    if kinds != want:
        fail(f"charts {charts} hold {kinds}, expected {want}")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    path, csv_dir = sys.argv[1], sys.argv[2]
    pairs = [a.split("=", 1) for a in sys.argv[3:]]
    wb = openpyxl.load_workbook(path)
    if wb.sheetnames != SHEETS:
        fail(f"sheets {wb.sheetnames}, expected {SHEETS}")
    ncampaigns = 0
    for title, name in CSV_OF.items():
        rows = read_csv(os.path.join(csv_dir, name))
        check_sheet(wb[title], rows)
        if title == "Campaigns":
            ncampaigns = len(rows) - 1
    check_summary(wb["Summary"], pairs)
    check_charts(path, ncampaigns > 0)
    print(f"check_xlsx: {path} ok")


if __name__ == "__main__":
    main()
