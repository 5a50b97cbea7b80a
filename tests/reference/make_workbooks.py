#!/usr/bin/env python3
"""Writes the workbook fixtures that `tests/workbooks.rs` converts with
`segmento::engine::workbook`. Independent of the Rust code: openpyxl writes
the .xlsx files, odfpy the .ods.

    python tests/reference/make_workbooks.py            # tests/fixtures/*.xlsx, *.ods
    python tests/reference/make_workbooks.py --big /tmp/big.xlsx --rows 540000

Fixtures:
  sample.xlsx      public/sample.csv as a workbook: InvoiceDate as real Excel
                   datetimes, Quantity/UnitPrice/CustomerID as numbers (as in the
                   UCI file), InvoiceNo/StockCode as numbers when they are digits.
  sample.ods       the same, as an OpenDocument spreadsheet.
  two_sheets.xlsx  the sample split by year into sheets "Year 2010" and
                   "Year 2011" with the same header (plus a hidden sheet).
  quirks.xlsx      sheet "Quirks": a title row and a blank row above the header,
                   a header cell merged over two columns, numbers stored as
                   text, an #N/A error, a date-only cell, a time with
                   milliseconds, floats, a bool, quoting cases, a fully empty
                   row, styled empty trailing rows and columns; then a hidden
                   sheet, a chart sheet and a sheet with another header.
  quirks_1904.xlsx a workbook in the 1904 date system.
  legacy.xls       an Excel 97-2003 workbook (xlwt): a title row, a header
                   merged over two columns, a datetime, a date, numbers, text.
"""

import argparse
import csv
import datetime as dt
import os
import random
import re
import zipfile

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.utils.datetime import CALENDAR_MAC_1904

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")


def sample_rows():
    with open(os.path.join(ROOT, "public", "sample.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], [typed(r) for r in rows[1:]]


def digits_as_int(text):
    return int(text) if text.isdigit() and str(int(text)) == text else text


def typed(row):
    invoice, stock, description, quantity, date, price, customer, country = row
    return [
        digits_as_int(invoice),
        digits_as_int(stock),
        description,
        int(quantity),
        dt.datetime.strptime(date, "%m/%d/%Y %H:%M"),
        float(price),
        (float(customer) if "." in customer else int(customer)) if customer else None,
        country,
    ]


def write_sheet(ws, header, rows):
    ws.append(header)
    for row in rows:
        ws.append(row)
    for cell in ws["E"][1:]:
        cell.number_format = "m/d/yyyy h:mm"


INLINE = re.compile(r'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")? t="inlineStr"><is><t( xml:space="preserve")?>(.*?)</t></is></c>', re.S)


def with_shared_strings(path):
    """Rewrites openpyxl's inline strings as a shared-string table, as Excel
    saves sheets, recompressed at level 9 (the sample shrinks from 261 to
    227 kB; the dates' serial numbers are most of what is left)."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    strings, index = [], {}

    def shared(match):
        ref, style, _, text = match.groups()
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return f'<c r="{ref}"{style or ""} t="s"><v>{index[text]}</v></c>'

    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        parts[name] = INLINE.sub(shared, parts[name].decode("utf-8")).encode("utf-8")
    items = "".join(f'<si><t xml:space="preserve">{t}</t></si>' for t in strings)
    parts["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    ).encode("utf-8")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def sample_xlsx(header, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Online Retail"
    write_sheet(ws, header, rows)
    wb.save(os.path.join(FIXTURES, "sample.xlsx"))
    with_shared_strings(os.path.join(FIXTURES, "sample.xlsx"))


def two_sheets_xlsx(header, rows):
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "Year 2010"
    write_sheet(first, header, [r for r in rows if r[4].year == 2010])
    write_sheet(wb.create_sheet("Year 2011"), header, [r for r in rows if r[4].year == 2011])
    hidden = wb.create_sheet("Lookup")
    hidden.append(["code", "meaning"])
    hidden.append(["C", "cancelled"])
    hidden.sheet_state = "hidden"
    wb.save(os.path.join(FIXTURES, "two_sheets.xlsx"))
    with_shared_strings(os.path.join(FIXTURES, "two_sheets.xlsx"))


def quirks_xlsx():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Quirks"
    ws["A1"] = "Sales export, December 2010"  # a title row
    # row 2 left empty
    ws.append([])
    ws.append(["Invoice", "Customer", "Amount", None, "When", "Note"])  # row 3
    ws.merge_cells("C3:D3")
    ws.append(["536365", 17850, "12.50", 3.5, dt.datetime(2010, 12, 1, 8, 26), "plain"])
    ws.append([536366, "17850", "#N/A", 2.55, dt.date(2010, 12, 2), "has, comma"])
    ws.append([])  # row 6: a fully empty row
    ws.append([536367, 17850.0, 0.1 + 0.2, -4, dt.datetime(2010, 12, 3, 9, 5, 7, 250000), 'say "hi"'])
    ws.append(["C536368", 1e20, 1.5e-7, True, None, "two\nlines"])
    ws["E5"].number_format = "yyyy-mm-dd"
    ws["E7"].number_format = "yyyy-mm-dd hh:mm:ss.000"
    # Styled but empty cells: trailing empty rows and columns in the sheet's range.
    for ref in ["J4", "A12", "F15"]:
        ws[ref].number_format = "0.00"
    hidden = wb.create_sheet("Hidden")
    hidden.append(["Invoice", "Customer", "Amount", "Amount 2", "When", "Note"])
    hidden.append(["999", 1, 1, 1, dt.datetime(2010, 1, 1), "hidden"])
    hidden.sheet_state = "hidden"
    other = wb.create_sheet("Summary")
    other.append(["Customer", "Total"])
    other.append([17850, 18.55])
    chart = BarChart()
    chart.add_data(Reference(other, min_col=2, min_row=1, max_row=2), titles_from_data=True)
    wb.create_chartsheet("Chart").add_chart(chart)
    wb.save(os.path.join(FIXTURES, "quirks.xlsx"))


def quirks_1904_xlsx():
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Mac"
    ws.append(["Invoice", "When"])
    ws.append([1, dt.datetime(2010, 12, 1, 15, 20)])
    ws.append([2, dt.date(1904, 1, 2)])
    for cell in ws["B"][1:]:
        cell.number_format = "yyyy-mm-dd hh:mm"
    wb.save(os.path.join(FIXTURES, "quirks_1904.xlsx"))


def legacy_xls():
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Legacy")
    when = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm")
    day = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    ws.write(0, 0, "Old export")
    ws.write(2, 0, "Invoice")
    ws.write_merge(2, 2, 1, 2, "Amount")
    ws.write(2, 3, "When")
    ws.write(3, 0, "536365")
    ws.write(3, 1, 3.5)
    ws.write(3, 2, 17850)
    ws.write(3, 3, dt.datetime(2010, 12, 1, 8, 26), when)
    ws.write(4, 0, 536366)
    ws.write(4, 1, 2.55)
    ws.write(4, 2, "a, b")
    ws.write(4, 3, dt.date(2010, 12, 2), day)
    wb.save(os.path.join(FIXTURES, "legacy.xls"))


def sample_ods(header, rows):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Online Retail")

    def cell(value):
        if value is None:
            return TableCell()
        if isinstance(value, dt.datetime):
            c = TableCell(valuetype="date", datevalue=value.strftime("%Y-%m-%dT%H:%M:%S"))
            text = value.strftime("%m/%d/%Y %H:%M")
        elif isinstance(value, (int, float)):
            c = TableCell(valuetype="float", value=repr(value))
            text = repr(value)
        else:
            c = TableCell(valuetype="string")
            text = value
        c.addElement(P(text=text))
        return c

    for values in [header] + rows:
        tr = TableRow()
        for value in values:
            tr.addElement(cell(value))
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(os.path.join(FIXTURES, "sample.ods"))


def big_xlsx(path, count):
    """A large sheet in write-only mode (not committed): UCI-like columns."""
    rng = random.Random(21)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Big")
    ws.append(["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"])
    start = dt.datetime(2010, 12, 1, 8, 0)
    for i in range(count):
        ws.append([
            536365 + i // 20,
            f"{rng.randrange(10000, 99999)}",
            f"ITEM {rng.randrange(4000)}",
            rng.randrange(1, 48),
            start + dt.timedelta(minutes=i // 20 * 3),
            round(rng.uniform(0.3, 20), 2),
            12346 + rng.randrange(4300),
            "United Kingdom",
        ])
    wb.save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--big", help="write only a large generated workbook to this path")
    parser.add_argument("--rows", type=int, default=540_000)
    args = parser.parse_args()
    if args.big:
        big_xlsx(args.big, args.rows)
        return
    header, rows = sample_rows()
    sample_xlsx(header, rows)
    two_sheets_xlsx(header, rows)
    quirks_xlsx()
    quirks_1904_xlsx()
    sample_ods(header, rows)
    legacy_xls()


if __name__ == "__main__":
    main()
