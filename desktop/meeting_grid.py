"""The meeting grid's models: one row per member (her number and name, attendance, a money
cell for every column the capabilities register in ``models.meetings.columns``, what she
paid in all, a note), and the totals row.

``MeetingGridModel`` is a thin Qt model over plain ``GridLine`` rows built from
``models.meetings.meeting.MeetingGrid``; it never writes to the ledger. It announces what the
treasurer changed (``amount_changed``, ``attendance_changed``, ``note_changed``) and the
screen checks the cell with the domain and hands back the problems to mark, and keeps
the cell's draft (``draft_value``); a draft read back is loaded over the expected amounts.

The view with its spreadsheet keys is ``desktop.meeting_grid_view``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QWidget

from models.core.errors import UserError
from models.core.i18n import N_, _
from models.core.money import Currency, format_amount, format_money, parse_money
from models.meetings.attendance import ABSENT, ATTENDANCE, ATTENDANCE_NAMES
from models.meetings.grid import MeetingGrid

NAME, ATTEND, MONEY, TOTAL, NOTE = "name", "attendance", "money", "total", "note"
GRID_ROW_HEIGHT = 36
BAD = QColor("#f6c9c9")
READ_ONLY = QColor("#efece4")
TOTALS = QColor("#dcebe8")
ABSENT_TEXT = QColor("#8a8a8a")
Cell = tuple[int, str]


@dataclass(frozen=True)
class GridField:
    """One column of the grid: ``kind`` is one of the constants above; a money column
    carries the meeting column's ``key`` and its ``N_()`` label."""

    kind: str
    title: str
    key: str = ""

    @property
    def is_money(self) -> bool:
        return self.kind == MONEY


FIXED_TITLES = {NAME: N_("Member"), ATTEND: N_("Attendance"),
                TOTAL: N_("Paid in all"), NOTE: N_("Note")}


def grid_fields(grid: MeetingGrid | None) -> list[GridField]:
    money = [GridField(MONEY, c.label, c.key) for c in grid.columns] if grid else []
    return ([GridField(NAME, FIXED_TITLES[NAME]), GridField(ATTEND, FIXED_TITLES[ATTEND])]
            + money
            + [GridField(TOTAL, FIXED_TITLES[TOTAL]), GridField(NOTE, FIXED_TITLES[NOTE])])


@dataclass
class GridLine:
    """One member's row as the treasurer fills it in."""

    member_id: int
    number: int
    name: str
    attendance: str
    note: str
    expected: dict[str, int]
    amounts: dict[str, int]
    typed: dict[str, str] = field(default_factory=dict)  # text that is not an amount
    edited: set[str] = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.amounts.values())


class MeetingGridModel(QAbstractTableModel):
    amount_changed = Signal(int, str)       # member id, column key
    attendance_changed = Signal(int, str, str)  # member id, status, the one before
    note_changed = Signal(int, str)         # member id, note

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: list[GridField] = grid_fields(None)
        self.lines: list[GridLine] = []
        self.currency: Currency | None = None
        self.editable = False
        self.problems: dict[Cell, str] = {}

    # -- loading ------------------------------------------------------------------------
    def load(self, grid: MeetingGrid | None, currency: Currency, *, editable: bool,
             drafts: Mapping[Cell, int] | None = None) -> int:
        """Show ``grid``; in an editable grid the ``drafts`` (amounts typed before, by
        cell) replace the expected amounts as typed cells. Returns how many drafted
        cells were put in (those of members and columns no longer in the grid are not)."""
        self.beginResetModel()
        self.currency = currency
        self.fields = grid_fields(grid)
        self.editable = editable and grid is not None and not grid.meeting.is_posted
        self.problems = {}
        self.lines = []
        restored = 0
        if grid is not None:
            cells = grid.expected_cells()
            keys = {c.key for c in grid.columns}
            for row in grid.rows:
                amounts = {c.key: cells.get((row.member_id, c.key), 0) for c in grid.columns}
                line = GridLine(row.member_id, row.number, row.name, row.attendance,
                                row.note, dict(row.expected), amounts)
                if self.editable and drafts:
                    for key in keys:
                        if (row.member_id, key) in drafts:
                            line.amounts[key] = drafts[(row.member_id, key)]
                            line.edited.add(key)
                            restored += 1
                self.lines.append(line)
        self.endResetModel()
        return restored

    # -- what was entered ---------------------------------------------------------------
    def money_keys(self) -> list[str]:
        return [f.key for f in self.fields if f.is_money]

    def cells(self) -> dict[Cell, int]:
        """Every non-empty money cell, as ``post_meeting`` takes them."""
        return {(line.member_id, key): amount for line in self.lines
                for key, amount in line.amounts.items() if amount}

    def attendance(self) -> dict[int, str]:
        return {line.member_id: line.attendance for line in self.lines}

    def notes(self) -> dict[int, str]:
        return {line.member_id: line.note for line in self.lines}

    def totals(self) -> dict[str, int]:
        return {key: sum(line.amounts.get(key, 0) for line in self.lines)
                for key in self.money_keys()}

    def grand_total(self) -> int:
        return sum(line.total for line in self.lines)

    def attendance_counts(self) -> dict[str, int]:
        counts = {status: 0 for status in ATTENDANCE}
        for line in self.lines:
            counts[line.attendance] += 1
        return counts

    def typing_problems(self) -> dict[Cell, str]:
        """Cells holding text that is not an amount, with the reason."""
        found = {}
        for line in self.lines:
            for key, text in line.typed.items():
                try:
                    parse_money(text, self.currency)
                except UserError as error:
                    found[(line.member_id, key)] = str(error)
        return found

    def draft_value(self, member_id: int, key: str) -> int | None:
        """What the draft keeps of a money cell: the amount typed (0 for a cell emptied on
        purpose), or ``None`` where the cell shows its expected amount."""
        line = self.line_of(member_id)
        if line is None or key not in line.edited:
            return None
        return line.amounts.get(key, 0)

    def line_of(self, member_id: int) -> GridLine | None:
        return next((line for line in self.lines if line.member_id == member_id), None)

    def row_of(self, member_id: int) -> int:
        return next((i for i, line in enumerate(self.lines) if line.member_id == member_id), -1)

    def column_of(self, key: str) -> int:
        return next((i for i, f in enumerate(self.fields) if f.is_money and f.key == key), -1)

    def field_at(self, index: QModelIndex | int) -> GridField:
        column = index if isinstance(index, int) else index.column()
        return self.fields[column]

    def is_editable(self, index: QModelIndex) -> bool:
        return bool(self.flags(index) & Qt.ItemFlag.ItemIsEditable)

    # -- changing -----------------------------------------------------------------------
    def set_problems(self, problems: Mapping[Cell, str]) -> None:
        self.problems = dict(problems)
        self._all_changed()

    def update_problems(self, member_id: int, keys: list[str],
                        problems: Mapping[Cell, str]) -> None:
        """Replace the problems of some cells of one row."""
        for key in keys:
            self.problems.pop((member_id, key), None)
        self.problems.update(problems)
        self._row_changed(self.row_of(member_id))

    def set_amount(self, row: int, key: str, amount: int | str, *, edited: bool = True) -> None:
        """Put ``amount`` (or text that is not an amount) in a money cell."""
        line = self.lines[row]
        if isinstance(amount, str):
            line.typed[key] = amount
            line.amounts[key] = 0
        else:
            line.typed.pop(key, None)
            line.amounts[key] = amount
        if edited:
            line.edited.add(key)
        else:
            line.edited.discard(key)
        self._row_changed(row)
        self.amount_changed.emit(line.member_id, key)

    def revert(self, index: QModelIndex) -> bool:
        """Put back the expected amount of a money cell (Esc)."""
        f = self.field_at(index)
        if not f.is_money or not self.is_editable(index):
            return False
        line = self.lines[index.row()]
        self.set_amount(index.row(), f.key, line.expected.get(f.key, 0), edited=False)
        return True

    def set_expected(self, member_id: int, expected: Mapping[str, int]) -> list[str]:
        """New expected amounts for a member (her attendance changed): cells the treasurer
        has not typed in follow them. Returns the keys that changed."""
        row = self.row_of(member_id)
        if row < 0:
            return []
        line = self.lines[row]
        line.expected = dict(expected)
        changed = []
        for key, amount in expected.items():
            if key not in line.edited and key not in line.typed and line.amounts.get(key) != amount:
                line.amounts[key] = amount
                changed.append(key)
        self._row_changed(row)
        return changed

    def set_attendance(self, row: int, status: str) -> None:
        line = self.lines[row]
        if status not in ATTENDANCE or line.attendance == status:
            return
        before, line.attendance = line.attendance, status
        self._row_changed(row)
        self.attendance_changed.emit(line.member_id, status, before)

    def undo_attendance(self, member_id: int, status: str) -> None:
        """Put back a status that could not be recorded (without announcing it)."""
        row = self.row_of(member_id)
        if row >= 0:
            self.lines[row].attendance = status
            self._row_changed(row)

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self.lines):
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.fields) - 1))

    def _all_changed(self) -> None:
        if self.lines:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.lines) - 1, len(self.fields) - 1))

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.fields) - 1)
        self._all_changed()

    # -- Qt -----------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.fields)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable and self.fields[index.column()].kind in (ATTEND, MONEY, NOTE):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.fields):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(self.fields[section].title)
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.lines):
            return None
        line, f = self.lines[index.row()], self.fields[index.column()]
        problem = self.problems.get((line.member_id, f.key or f.kind))
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(line, f)
        if role == Qt.ItemDataRole.EditRole:
            if f.is_money:
                if f.key in line.typed:
                    return line.typed[f.key]
                amount = line.amounts.get(f.key, 0)
                return format_amount(amount, self.currency) if amount else ""
            if f.kind == ATTEND:
                return line.attendance
            if f.kind == NOTE:
                return line.note
            return self._display(line, f)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (Qt.AlignmentFlag.AlignRight if f.kind in (MONEY, TOTAL)
                          else Qt.AlignmentFlag.AlignLeft)
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if problem:
                return QBrush(BAD)
            if f.kind in (NAME, TOTAL):
                return QBrush(READ_ONLY)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and line.attendance == ABSENT \
                and f.kind in (NAME, ATTEND):
            return QBrush(ABSENT_TEXT)
        if role == Qt.ItemDataRole.FontRole and f.kind == TOTAL:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(line, f, problem)
        return None

    def _display(self, line: GridLine, f: GridField) -> str:
        if f.kind == NAME:
            return f"{line.number} · {line.name}"
        if f.kind == ATTEND:
            return _(ATTENDANCE_NAMES[line.attendance])
        if f.kind == MONEY:
            amount = line.amounts.get(f.key, 0)
            return line.typed.get(f.key) or (format_money(amount, self.currency) if amount else "")
        if f.kind == TOTAL:
            return format_money(line.total, self.currency) if line.total else ""
        return line.note

    def _tooltip(self, line: GridLine, f: GridField, problem: str | None) -> str | None:
        if problem:
            return problem
        if f.is_money and self.editable:
            return _("Expected: {amount}").format(
                amount=format_money(line.expected.get(f.key, 0), self.currency))
        if f.kind == NOTE and line.note:
            return line.note
        if f.kind == ATTEND and self.editable:
            return _("1 present · 2 came late · 3 represented · 4 absent")
        return None

    def setData(self, index: QModelIndex, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.is_editable(index):
            return False
        row, f = index.row(), self.fields[index.column()]
        line = self.lines[row]
        if f.kind == ATTEND:
            self.set_attendance(row, str(value))
            return True
        if f.kind == NOTE:
            note = str(value or "").strip()
            if note != line.note:
                line.note = note
                self._row_changed(row)
                self.note_changed.emit(line.member_id, note)
            return True
        text = str(value or "").strip()
        if not text:
            self.set_amount(row, f.key, 0)
            return True
        try:
            amount: int | str = parse_money(text, self.currency)
        except UserError:
            amount = text
        self.set_amount(row, f.key, amount)
        return True


class MeetingTotalsModel(QAbstractTableModel):
    """The one totals row under the grid, in the grid's columns; follows every change."""

    def __init__(self, grid: MeetingGridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = grid
        grid.modelAboutToBeReset.connect(self.beginResetModel)
        grid.modelReset.connect(self.endResetModel)
        grid.dataChanged.connect(self._grid_changed)
        grid.headerDataChanged.connect(self._grid_changed)

    def _grid_changed(self, *_args: object) -> None:
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(0, self.columnCount() - 1))

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or not self.grid.lines else 1

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.grid.fields)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() != 0 or not self.grid.lines:
            return None
        f = self.grid.fields[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if f.kind == NAME:
                return _("Total")
            if f.kind == ATTEND:
                counts = self.grid.attendance_counts()
                came = len(self.grid.lines) - counts[ABSENT]
                return _("came {came}/{members}").format(came=came,
                                                         members=len(self.grid.lines))
            if f.is_money:
                return format_money(self.grid.totals().get(f.key, 0), self.grid.currency)
            if f.kind == TOTAL:
                return format_money(self.grid.grand_total(), self.grid.currency)
            return ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (Qt.AlignmentFlag.AlignRight if f.kind in (MONEY, TOTAL)
                          else Qt.AlignmentFlag.AlignLeft)
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(TOTALS)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.grid.fields):
            return _(self.grid.fields[section].title)
        return None
