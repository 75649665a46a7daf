"""The Excel template for bringing an existing group in, and reading it back.

Sheets, in this order (their titles are translated, so they are read by position):
Group (the day of the balances, cash, bank, welfare fund), Members (one row each, with
savings and unpaid fines), Loans (one row per outstanding loan with its terms), and a
sheet of instructions. ``read_template`` returns plain values (text, numbers, dates) in
``models.opening.balances.OpeningData``; the models check them.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from models.core.errors import UserError
from models.core.i18n import N_, _, gettext
from models.core.members import MemberRow
from models.opening.balances import (
    GROUP_FIELDS,
    GROUP_SHEET,
    LOAN_FIELDS,
    LOANS_SHEET,
    MEMBER_FIELDS,
    MEMBERS_SHEET,
    OpeningData,
)

DATE_FORMAT = "DD/MM/YYYY"
AMOUNT_FORMAT = "#,##0"
AMOUNT_FORMAT_DECIMALS = "#,##0.00"
HEADER_FILL = PatternFill("solid", fgColor="DFE8F1")
DATE_KEYS = {"as_of", "joined_on", "first_due", "disbursed_on"}
AMOUNT_KEYS = {"cash", "bank", "welfare_fund", "savings", "fines_owed", "principal",
               "original_principal"}
TEXT_KEYS = {"phone"}
WIDTHS = {"name_lao": 28, "name_latin": 24, "village": 20, "phone": 16}
DATA_ROWS = 200  # rows prepared with formats and choices

INSTRUCTIONS = (
    N_("How to fill in this template"),
    N_("1. Group: the day the balances are from, the cash counted in the box, the money in "
       "the bank and the welfare fund on that day."),
    N_("2. Members: one row per member, with the number of her paper book, her name, f for a "
       "woman or m for a man, the day she joined, her savings and any fines she still owes."),
    N_("3. Loans: one row per loan still being repaid: the member's number, what she still "
       "owes of the principal, the rate, the installments left and when the next one is due."),
    N_("4. Write amounts as on paper (1,250,000) and dates as dd/mm/yyyy. Leave empty rows "
       "empty."),
    N_("5. In Kongthun, choose the file: every problem is listed with its sheet and row "
       "before anything is saved; nothing is saved until all rows are right."),
)


def _header(ws, labels: Sequence[str]) -> None:  # noqa: ANN001
    for col, label in enumerate(labels, start=1):
        cell = ws.cell(row=1, column=col, value=gettext(label))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"


def _formats(ws, fields: Sequence[tuple[str, str]], amount_format: str) -> None:  # noqa: ANN001
    for col, (key, _label) in enumerate(fields, start=1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = WIDTHS.get(key, 15)
        fmt = (DATE_FORMAT if key in DATE_KEYS else amount_format if key in AMOUNT_KEYS
               else "@" if key in TEXT_KEYS else None)
        if fmt:
            for row in range(2, DATA_ROWS + 2):
                ws.cell(row=row, column=col).number_format = fmt


def _choices(ws, fields: Sequence[tuple[str, str]], key: str, values: str) -> None:  # noqa: ANN001
    col = get_column_letter([k for k, _ in fields].index(key) + 1)
    check = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
    ws.add_data_validation(check)
    check.add(f"{col}2:{col}{DATA_ROWS + 1}")


def write_template(path: Path | str, *, group_name: str, currency_exponent: int = 0,
                   as_of: dt.date | None = None, members: Sequence[MemberRow] = ()) -> Path:
    """Write an empty template in the current language; ``members`` already in the group
    are listed so only their balances need filling in."""
    path = Path(path)
    amount_format = AMOUNT_FORMAT_DECIMALS if currency_exponent else AMOUNT_FORMAT
    wb = Workbook()
    ws = wb.active
    ws.title = gettext(GROUP_SHEET)
    ws.cell(row=1, column=1, value=gettext(N_("Group")))
    ws.cell(row=1, column=2, value=group_name)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for row, (key, label) in enumerate(GROUP_FIELDS, start=2):
        ws.cell(row=row, column=1, value=gettext(label)).font = Font(bold=True)
        value = ws.cell(row=row, column=2, value=as_of if key == "as_of" else None)
        value.number_format = DATE_FORMAT if key in DATE_KEYS else amount_format
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 24

    ws = wb.create_sheet(gettext(MEMBERS_SHEET))
    _header(ws, [label for _, label in MEMBER_FIELDS])
    _formats(ws, MEMBER_FIELDS, amount_format)
    _choices(ws, MEMBER_FIELDS, "gender", "f,m")
    for row, member in enumerate(members, start=2):
        values = {"number": member.number, "name_lao": member.name_lao,
                  "name_latin": member.name_latin, "gender": member.gender,
                  "joined_on": member.joined_on, "village": member.village,
                  "phone": member.phone}
        for col, (key, _label) in enumerate(MEMBER_FIELDS, start=1):
            if values.get(key) is not None:
                ws.cell(row=row, column=col, value=values[key])

    ws = wb.create_sheet(gettext(LOANS_SHEET))
    _header(ws, [label for _, label in LOAN_FIELDS])
    _formats(ws, LOAN_FIELDS, amount_format)
    _choices(ws, LOAN_FIELDS, "method", "flat,declining")

    ws = wb.create_sheet(_("Instructions"))
    ws.column_dimensions["A"].width = 110
    for row, text in enumerate(INSTRUCTIONS, start=1):
        cell = ws.cell(row=row, column=1, value=gettext(text))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if row == 1:
            cell.font = Font(bold=True, size=13)
    wb.save(path)
    return path


def _value(value: Any) -> Any:
    """A cell's value as the models take it: text stripped, whole floats as int, other
    floats as Decimal (through their shortest text, never as binary fractions)."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float):
        return int(value) if value.is_integer() else Decimal(repr(value))
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _rows(ws, fields: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:  # noqa: ANN001
    rows = []
    for number, cells in enumerate(ws.iter_rows(min_row=2, max_col=len(fields),
                                                values_only=True), start=2):
        values = {key: _value(v) for (key, _label), v in zip(fields, cells)}
        if any(v is not None for v in values.values()):
            rows.append({"row": number, **values})
    return rows


def read_template(path: Path | str) -> OpeningData:
    """The rows of a filled-in template, as plain values."""
    try:
        wb = load_workbook(Path(path), data_only=True, read_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's to fix
        raise UserError(N_("{file} cannot be read as an Excel workbook."),
                        file=Path(path).name) from exc
    try:
        if len(wb.worksheets) < 3:
            raise UserError(N_("{file} is not a Kongthun opening template: it needs the "
                               "Group, Members and Loans sheets."), file=Path(path).name)
        group_ws, members_ws, loans_ws = wb.worksheets[:3]
        group = {}
        for row, (key, _label) in enumerate(GROUP_FIELDS, start=2):
            group[key] = _value(group_ws.cell(row=row, column=2).value)
        return OpeningData(group, tuple(_rows(members_ws, MEMBER_FIELDS)),
                           tuple(_rows(loans_ws, LOAN_FIELDS)))
    finally:
        wb.close()
