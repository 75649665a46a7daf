"""What Kongthun's exported workbooks share: streaming sheets (openpyxl write-only) with a
title, a frozen header row with filters, widths that fit Lao, kip number formats, real dates,
and totals that are formulas with the ledger's own figure and a check cell beside them.

A sheet's totals block is three rows: *Total* (``=SUM`` over the rows), *Ledger's figure*
(the same total read from the ledger by a separate query) and *Check* (total less the
ledger's figure: 0 when they agree). ``CHECK`` and ``TOTAL`` name those rows in every
language so a test (or the auditor's own filter) can find them.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models.core.errors import UserCancelled
from models.core.i18n import N_, gettext
from models.core.money import FRACTION_PLACES, Currency, fraction_to_major

TEXT, MONEY, DATE, DATETIME, COUNT, PERCENT = (
    "text", "money", "date", "datetime", "count", "percent")
SHARE_VALUE = "share_value"  # minor units that need not be whole (the value of one share)
TOTAL, LEDGER, CHECK = N_("Total"), N_("Ledger's figure"), N_("Check (should be 0)")
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
HEADER_FILL = PatternFill("solid", fgColor="DFE8F1")
CHECK_FILL = PatternFill("solid", fgColor="FFF2CC")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
Progress = Callable[[int, int], bool]  # (done, total) -> go on?


def money_format(cur: Currency, extra: int = 0) -> str:
    """The currency's number format; ``extra`` decimals more for a share's value."""
    places = cur.exponent + extra
    digits = "#,##0" + ("." + "0" * places if places else "")
    if cur.symbol_after:
        return f'{digits} "{cur.symbol}";-{digits} "{cur.symbol}"'
    return f'"{cur.symbol}"{digits};-"{cur.symbol}"{digits}'


def text_width(text: str) -> float:
    """Columns a text needs: Lao stacks vowels and tone marks on the base letters (which take
    no width of their own) but its letters are wider than Latin ones."""
    width = 0.0
    for ch in text:
        if "\u0e80" <= ch <= "\u0eff":
            width += 0 if ch in ("\u0eb1\u0eb4\u0eb5\u0eb6\u0eb7\u0eb8\u0eb9\u0ebb\u0ebc"
                                 "\u0ec8\u0ec9\u0eca\u0ecb\u0ecc\u0ecd") else 1.35
        else:
            width += 1.1
    return width


@dataclass(frozen=True)
class Col:
    title: str  # N_() text
    kind: str = TEXT
    width: float | None = None  # columns; default: from the title and the data seen


class Book:
    """A write-only workbook in one language, saved under a temporary name and renamed at
    the end, so a cancelled or failed export leaves no half-written file."""

    def __init__(self, *, language: str, cur: Currency, progress: Progress | None = None,
                 total: int = 1) -> None:
        self.wb = Workbook(write_only=True)
        self.language = language
        self.cur = cur
        self.progress = progress
        self.total = max(total, 1)
        self.done = 0
        self.money = money_format(cur)
        self.share_value = money_format(cur, FRACTION_PLACES)

    def t(self, message: str) -> str:
        return gettext(message, self.language)

    def tick(self, n: int = 1) -> None:
        self.done += n
        if self.progress is not None and not self.progress(min(self.done, self.total),
                                                           self.total):
            raise UserCancelled()

    def amount(self, minor: int) -> int | Decimal:
        return minor if not self.cur.exponent else Decimal(minor).scaleb(-self.cur.exponent)

    def cell(self, ws: Worksheet, value: object, kind: str = TEXT, *, bold: bool = False,
             fill: PatternFill | None = None, wrap: bool = False) -> WriteOnlyCell:
        if kind == MONEY and isinstance(value, int):
            value = self.amount(value)
        elif kind == SHARE_VALUE and isinstance(value, Decimal):
            value = fraction_to_major(value, self.cur)
        c = WriteOnlyCell(ws, value=value)
        if kind == MONEY:
            c.number_format = self.money
        elif kind == SHARE_VALUE:
            c.number_format = self.share_value
        elif kind == DATE:
            c.number_format = DATE_FORMAT
        elif kind == DATETIME:
            c.number_format = DATETIME_FORMAT
        elif kind == PERCENT:
            c.number_format = "0.00%"
        elif kind == COUNT:
            c.number_format = "#,##0"
        if bold:
            c.font = BOLD
        if fill is not None:
            c.fill = fill
        if wrap:
            c.alignment = Alignment(wrap_text=True, vertical="top")
        return c

    def sheet(self, title: str, columns: Sequence[Col], *, heading: str, subtitle: str,
              samples: Iterable[Sequence[object]] = (), preamble: int = 0) -> Sheet:
        name = self.t(title)
        for bad in "[]:*?/\\":
            name = name.replace(bad, " ")
        ws = self.wb.create_sheet(name[:31])
        # Printed (or turned into PDF) landscape, as wide as the page.
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        return Sheet(self, ws, columns, heading=heading, subtitle=subtitle, samples=samples,
                     preamble=preamble)

    def discard(self) -> None:
        """Drop a workbook that will not be saved (cancelled or failed): finish each
        sheet's stream and remove openpyxl's temporary files."""
        for ws in self.wb.worksheets:
            try:
                if not ws.closed:
                    ws.close()
                if ws._writer is not None:  # noqa: SLF001
                    ws._writer.cleanup()  # noqa: SLF001
            except Exception:  # noqa: BLE001, S110 - best effort on the way out
                pass

    def save(self, path: Path | str) -> None:
        path = Path(path)
        partial = path.with_name(f".{path.name}.partial")
        try:
            self.wb.save(partial)
            if self.progress is not None and not self.progress(self.total, self.total):
                raise UserCancelled()
            os.replace(partial, path)
        except BaseException:
            self.discard()
            raise
        finally:
            if partial.exists():
                partial.unlink()


class Sheet:
    """Title, subtitle, ``preamble`` free rows, the header (frozen, filtered), the rows."""

    def __init__(self, book: Book, ws: Worksheet, columns: Sequence[Col], *, heading: str,
                 subtitle: str, samples: Iterable[Sequence[object]], preamble: int) -> None:
        self.book, self.ws, self.columns = book, ws, list(columns)
        widths = [text_width(book.t(c.title)) + 2 for c in self.columns]
        for row in samples:
            for i, value in enumerate(row):
                if i < len(widths) and isinstance(value, str):
                    widths[i] = max(widths[i], text_width(value) + 2)
        for i, col in enumerate(self.columns):
            # Never narrower than the title or the samples (Lao titles are long).
            width = max(col.width or 0, widths[i])
            if col.kind == MONEY:
                width = max(width, 16)
            elif col.kind in (DATE, DATETIME):
                width = max(width, 12 if col.kind == DATE else 17)
            ws.column_dimensions[get_column_letter(i + 1)].width = min(max(width, 6), 70)
        self.header_row = 3 + preamble + 1
        ws.freeze_panes = f"A{self.header_row + 1}"
        self.row = 0
        self.append([self._title(heading)])
        self.append([book.cell(ws, subtitle)])
        self.append([])
        self.first_data = self.header_row + 1

    def _title(self, text: str) -> WriteOnlyCell:
        c = WriteOnlyCell(self.ws, value=text)
        c.font = TITLE
        return c

    def append(self, cells: Sequence[object]) -> None:
        self.ws.append(list(cells))
        self.row += 1

    def header(self) -> None:
        assert self.row == self.header_row - 1, "preamble rows do not match"
        self.append([self.book.cell(self.ws, self.book.t(c.title), bold=True, fill=HEADER_FILL,
                                    wrap=True) for c in self.columns])

    def data(self, values: Sequence[object]) -> None:
        """One row of values; only numbers and dates get a styled cell (plain text and
        empty cells go as they are, which keeps long sheets fast)."""
        self.append([v if v is None or c.kind == TEXT else self.book.cell(self.ws, v, c.kind)
                     for v, c in zip(values, self.columns, strict=False)])

    def letter(self, index: int) -> str:
        return get_column_letter(index + 1)

    def span(self, index: int, last: int | None = None) -> str:
        col = self.letter(index)
        last = self.row if last is None else last
        return f"{col}{self.first_data}:{col}{max(last, self.first_data)}"

    def totals(self, figures: dict[int, int | None], *, label_column: int = 0,
               kinds: dict[int, str] | None = None) -> dict[str, int]:
        """The Total / Ledger's figure / Check rows under the data for the columns in
        ``figures`` (column index -> the ledger's figure, or None for a sum without one;
        only the Total row when no column has a figure). Returns the rows' numbers."""
        last = self.row
        width = len(self.columns)
        kinds = kinds or {}
        self.append([])
        rows = {"total": self.row + 1, "ledger": self.row + 2, "check": self.row + 3}
        total = [None] * width
        ledger = [None] * width
        check = [None] * width
        total[label_column] = self.book.cell(self.ws, self.book.t(TOTAL), bold=True)
        ledger[label_column] = self.book.cell(self.ws, self.book.t(LEDGER))
        check[label_column] = self.book.cell(self.ws, self.book.t(CHECK), bold=True,
                                             fill=CHECK_FILL)
        for index, figure in figures.items():
            kind = kinds.get(index, self.columns[index].kind)
            total[index] = self.book.cell(self.ws, f"=SUM({self.span(index, last)})", kind,
                                          bold=True)
            if figure is not None:
                col = self.letter(index)
                ledger[index] = self.book.cell(self.ws, figure, kind)
                check[index] = self.book.cell(
                    self.ws, f"={col}{rows['total']}-{col}{rows['ledger']}", kind, bold=True,
                    fill=CHECK_FILL)
        self.append(total)
        if any(figure is not None for figure in figures.values()):
            self.append(ledger)
            self.append(check)
        self.filter(last)
        return rows

    def filter(self, last: int | None = None) -> None:
        last = self.row if last is None else last
        self.ws.auto_filter.ref = (f"A{self.header_row}:{self.letter(len(self.columns) - 1)}"
                                   f"{max(last, self.header_row)}")
