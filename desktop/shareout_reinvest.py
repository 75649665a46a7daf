"""The share-out wizard's table of what each member re-invests in the next cycle and puts
into her NSSF pot, typed in per member; the cash she takes home follows."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QWidget

from models.core.errors import UserError
from models.core.i18n import N_, _
from models.core.money import Currency, format_amount, format_money, parse_money
from models.savings.shareout_preview import ShareOutRow


@dataclass
class ReinvestLine:
    member_id: int
    number: int
    name: str
    net: int  # what is hers after her debts
    reinvest: int
    top_up: int = 0  # what she puts into her NSSF pot


class ReinvestModel(QAbstractTableModel):
    """Each member's re-investment and what she puts into her NSSF pot, typed in (a plain
    editable table); the re-investment only when each member says her own."""

    TITLES = (N_("Number"), N_("Member"), N_("Hers after debts"), N_("Re-invest"),
              N_("Into her NSSF pot"), N_("Cash to take home"))
    EDITABLE, POT = 3, 4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines: list[ReinvestLine] = []
        self.currency: Currency | None = None
        self.problems: dict[int, str] = {}
        self.changed_callback = None
        self.error_callback = None
        self.reinvest_editable = False
        self.pot_editable = False

    def load(self, rows: list[ShareOutRow], currency: Currency,
             keep: dict[int, int] | None) -> None:
        top_ups = self.top_ups()
        self.beginResetModel()
        self.currency = currency
        self.lines = [ReinvestLine(r.member_id, r.number, r.name, r.net,
                                   (keep or {}).get(r.member_id, r.reinvest),
                                   top_ups.get(r.member_id, 0))
                      for r in rows if r.net > 0]
        self.endResetModel()

    def amounts(self) -> dict[int, int]:
        return {line.member_id: line.reinvest for line in self.lines}

    def top_ups(self) -> dict[int, int]:
        return {line.member_id: line.top_up for line in self.lines if line.top_up}

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.TITLES)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        editable = ((index.column() == self.EDITABLE and self.reinvest_editable)
                    or (index.column() == self.POT and self.pot_editable))
        return flags | Qt.ItemFlag.ItemIsEditable if editable else flags

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.TITLES):
            return _(self.TITLES[section])
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.lines):
            return None
        line, column = self.lines[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return str(line.number)
            if column == 1:
                return line.name
            if column == 2:
                return format_money(line.net, self.currency)
            if column == 5:
                return format_money(line.net - line.reinvest - line.top_up, self.currency)
            amount = line.top_up if column == self.POT else line.reinvest
            if role == Qt.ItemDataRole.EditRole:
                return format_amount(amount, self.currency)
            return format_money(amount, self.currency)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignLeft if column == 1 else Qt.AlignmentFlag.AlignRight
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.EDITABLE, self.POT):
            return self.problems.get(line.member_id)
        return None

    def setData(self, index: QModelIndex, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() \
                or index.column() not in (self.EDITABLE, self.POT):
            return False
        try:
            amount = parse_money(str(value or "0"), self.currency)
        except UserError as error:
            line = self.lines[index.row()]
            self.problems[line.member_id] = f"{line.name}: {error}"
            if self.error_callback is not None:
                self.error_callback([self.problems[line.member_id]])
            return False
        if index.column() == self.POT:
            self.lines[index.row()].top_up = amount
        else:
            self.lines[index.row()].reinvest = amount
        self.problems.pop(self.lines[index.row()].member_id, None)
        self.dataChanged.emit(index, self.index(index.row(), len(self.TITLES) - 1))
        if self.changed_callback is not None:
            self.changed_callback()
        return True

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.TITLES) - 1)
