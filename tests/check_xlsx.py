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
  campaigns;
- the charts' axes run the right way, read from the chart XML: the line
  chart's both minMax; the bar chart (barDir "bar") lists campaigns top down
  (c:catAx maxMin) and grows from 0 to the right (c:valAx minMax), its value
  axis at the bottom (c:valAx crosses the category axis at its max);
- the page setup: every sheet landscape with fitToPage on and a footer with
  the tenant, the period and "Page &P of &N"; the Summary fit to 1 x 1 pages
  over a print area that holds the charts; the data sheets 1 page wide, as
  long as needed, with row 1 repeated on every page.

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
    with open(path, newline="", encoding="utf-8-sig") as f:  # after the BOM
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


def chart_axes(path):
    """{chart kind: {axis element: {"orientation", "crosses", "axPos"}}}"""
    out = {}
    with zipfile.ZipFile(path) as z:
        for n in sorted(z.namelist()):
            if not re.fullmatch(r"xl/charts/chart\d+\.xml", n):
                continue
            xml = z.read(n).decode("utf-8")
            kind = re.search(r"<c:(lineChart|barChart)>", xml).group(1)
            if kind == "barChart":
                kind += "/" + re.search(r'<c:barDir val="(\w+)"', xml).group(1)
            axes = {}
            for ax, body in re.findall(r"<c:(catAx|valAx|dateAx)>(.*?)</c:\1>", xml, re.S):
                props = dict(re.findall(r'<c:(orientation|crosses|axPos) val="(\w+)"', body))
                axes[ax] = props
            out[kind] = axes
    return out


def check_chart_axes(path, with_bar):
    axes = chart_axes(path)
    line = axes.get("lineChart")
    if not line or {a["orientation"] for a in line.values()} != {"minMax"}:
        fail(f"line chart axes {line}: expected both minMax")
    if not with_bar:
        return
    bar = axes.get("barChart/bar")
    if not bar:
        fail(f"no horizontal bar chart in {sorted(axes)}")
    if bar["catAx"].get("orientation") != "maxMin":
        fail(f"bar chart category axis {bar['catAx']}: expected maxMin (campaigns top down)")
    if bar["valAx"].get("orientation") != "minMax":
        fail(f"bar chart value axis {bar['valAx']}: expected minMax (0 on the left)")
    if bar["valAx"].get("crosses") != "max":
        fail(f"bar chart value axis {bar['valAx']}: expected crosses=max (at the bottom)")


def check_page_setup(wb, tenant):
    for ws in wb.worksheets:
        t = ws.title
        if ws.page_setup.orientation != "landscape":
            fail(f"{t}: orientation {ws.page_setup.orientation!r}, expected landscape")
        if not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage:
            fail(f"{t}: fitToPage is not set")
        footer = ws.oddFooter
        left, center, right = footer.left.text or "", footer.center.text or "", footer.right.text or ""
        if tenant is not None:
            want = " ".join(tenant.replace("&", "&&").split())[:60]
            if want not in " ".join(left.split()):
                fail(f"{t}: footer left {left!r} does not name the tenant {want!r}")
        if not re.search(r"\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d", center):
            fail(f"{t}: footer centre {center!r} does not hold the period")
        if right != "Page &P of &N":
            fail(f"{t}: footer right {right!r}, expected 'Page &P of &N'")
        fit = (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight)
        if t == "Summary":
            # openpyxl reads an absent fitToWidth/Height as None (Excel: 1)
            if fit not in ((1, 1), (None, None), (1, None), (None, 1)):
                fail(f"Summary: fit to {fit}, expected 1 x 1 pages")
            if not ws.print_area:
                fail("Summary: no print area")
            if ws.print_title_rows:
                fail(f"Summary: print title rows {ws.print_title_rows!r}")
        else:
            if fit[0] not in (1, None) or fit[1] != 0:
                fail(f"{t}: fit to {fit}, expected 1 page wide and any number long")
            if (ws.print_title_rows or "").replace("$", "") != "1:1":
                fail(f"{t}: print title rows {ws.print_title_rows!r}, expected '1:1'")


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
    check_chart_axes(path, ncampaigns > 0)
    check_page_setup(wb, dict(pairs).get("Tenant"))
    print(f"check_xlsx: {path} ok")


if __name__ == "__main__":
    main()
