"""The LSSO remittance file of a batch, as CSV or XLSX, in our documented layout
(DOMAIN.md §5): a header row of the group's column titles, one row per member and month,
then the control-total row, then a note row when the level table is provisional and one
when the batch corrects another.

The bytes depend only on the batch's frozen file data (``models.nssf.batches.
RemittanceFile``): the XLSX carries the export's time as its created and modified time
and as every ZIP member's date, so the same batch gives the same bytes whenever it is
written. ``export_remittance`` is the one flow the window and ``kongthun nssf remittance``
both call.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from models.core.schema import User
from models.nssf import remittance
from models.nssf.batches import RemittanceFile
from reports.xlsx import text_width

NUMBERS = ("level_number", "level", "contribution", "health", "short_term", "long_term",
           "months_covered")
SUMMED = ("level", "contribution", "health", "short_term", "long_term", "months_covered")
HEADER_FILL = PatternFill("solid", fgColor="DFE8F1")
BOLD = Font(bold=True)
KIP = "#,##0"


def table(data: RemittanceFile) -> list[list]:
    """The file as rows of cells: header, one row per member and month, control total, notes."""
    fields = [f for f, _t in data.columns]
    out: list[list] = [[t for _f, t in data.columns]]
    for row in data.rows:
        out.append([row[f] for f in fields])
    total = []
    for i, field in enumerate(fields):
        if field in SUMMED:
            total.append(data.totals[field])
        elif i == 0:
            total.append(data.total_label)
        else:
            total.append("")
    if fields and fields[0] in SUMMED:
        total.append(data.total_label)
    out.append(total)
    for note in (data.provisional_note, data.correction_note):
        if note:
            out.append([note] + [""] * (len(fields) - 1))
    return out


def csv_bytes(data: RemittanceFile) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in table(data):
        writer.writerow(row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # Excel reads Lao with the BOM


MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fixed_zip(content: bytes, when: dt.datetime) -> bytes:
    """The same ZIP with every member dated ``when``, and the workbook's modified time
    ``when`` too (openpyxl writes the wall clock's there whatever it is told)."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = MODIFIED.sub(rb"\g<1>" + iso + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, data)
    return out.getvalue()


def xlsx_bytes(data: RemittanceFile) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "NSSF"
    rows = table(data)
    fields = [f for f, _t in data.columns]
    widths = [8.0] * len(fields)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            field = fields[c - 1] if c <= len(fields) else ""
            if r == 1:
                cell.font = BOLD
                cell.fill = HEADER_FILL
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif field in NUMBERS and isinstance(value, int) and field != "level_number":
                cell.number_format = KIP
            if r == len(data.rows) + 2:
                cell.font = BOLD
            if c <= len(widths) and r <= len(data.rows) + 2:
                widths[c - 1] = max(widths[c - 1], min(text_width(str(value)) + 2, 40))
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = "A2"
    # Printed on A4 across: every column on one page's width.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    when = data.written_at.replace(microsecond=0, tzinfo=None)
    book.properties.creator = "Kongthun"
    book.properties.lastModifiedBy = "Kongthun"
    book.properties.created = when
    book.properties.modified = when
    book.properties.title = f"NSSF {data.month:%Y-%m} #{data.batch_number}"
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue(), when)


def remittance_bytes(data: RemittanceFile, fmt: str) -> bytes:
    return csv_bytes(data) if fmt == "csv" else xlsx_bytes(data)


def export_remittance(session: Session, actor: User, *, batch_id: int, fmt: str,
                      language: str | None = None) -> bytes:
    """Export the batch (a draft is posted and frozen first) and give its file's bytes:
    the one function behind the window's "Export…" and ``kongthun nssf remittance``."""
    return remittance.export_batch(session, actor, batch_id=batch_id, fmt=fmt,
                                   render=remittance_bytes, language=language)


def write_file(content: bytes, out: str | Path) -> Path:
    """Write ``content`` under a temporary name, then rename: no half-written file."""
    path = Path(out)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(content)
    os.replace(partial, path)
    return path
