"""Query rows as tables: a ``Column`` says what a column shows, ``RowTableModel`` holds the
frozen rows of a model query, ``TableView`` shows them with big rows and whole-row
selection."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from models.core.i18n import _

ROW_HEIGHT = 34


@dataclass(frozen=True)
class Column:
    """One column: ``title`` is an ``N_()`` text; ``value(row)`` returns what to show
    (translated at call time when it is interface text)."""

    title: str
    value: Callable[[Any], Any]
    right: bool = False
    tip: bool = False  # long text: also shown whole as the cell's tooltip


class RowTableModel(QAbstractTableModel):
    """A read-only table over a list of frozen query rows (moneyGuru's thin Qt table)."""

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def column_of(self, title: str) -> int:
        """The position of the column titled ``title`` (its ``N_()`` text)."""
        return next(i for i, c in enumerate(self.columns) if c.title == title)

    def row_at(self, index: QModelIndex | int) -> Any:
        number = index if isinstance(index, int) else index.row()
        return self.rows[number] if 0 <= number < len(self.rows) else None

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole or (role == Qt.ItemDataRole.ToolTipRole
                                                   and column.tip):
            value = column.value(self.rows[index.row()])
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.right else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return _(self.columns[section].title)
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.rows):
            return str(section + 1)
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def retranslate(self) -> None:
        if self.columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, len(self.columns) - 1))


class TableView(QTableView):
    """Whole-row selection, big rows; Enter or a double click emits ``row_activated``."""

    row_activated = Signal(object)

    def __init__(self, model: RowTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(80)
        self.doubleClicked.connect(lambda index: self._activate(index))

    @classmethod
    def of(cls, columns: Sequence[Column], parent: QWidget, *,
           stretch: Sequence[int] | None = None,
           selected: Callable[..., None] | None = None) -> TableView:
        """A panel's table of query rows: the model (owned by ``parent``, read back with
        ``table_model()``), the spare width given to ``stretch`` (``stretch_column``; None:
        the last column takes it), and ``selected`` told when the chosen row changes."""
        view = cls(RowTableModel(columns, parent))
        if stretch is not None:
            view.stretch_column(*stretch)
        if selected is not None:
            view.selectionModel().selectionChanged.connect(selected)
        return view

    def table_model(self) -> RowTableModel:
        return self.model()  # type: ignore[return-value]

    def stretch_column(self, *columns: int) -> None:
        """Give the spare width to ``columns`` (name or text columns), not to the last one:
        money columns stay sized to their numbers, right-aligned beside each other. On a
        narrow window these columns give way first (their text elided, never narrower
        than their heading) before the table needs a sideways scroll bar. No columns:
        every column keeps its content's width and the spare width stays empty."""
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        self._give_way = tuple(columns)
        for column in columns:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        if not columns:
            return
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_columns)
        model = self.model()
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted,
                       model.rowsRemoved, model.dataChanged, model.headerDataChanged):
            signal.connect(self._fit_timer.start)
        self._fit_timer.start()

    def fit_columns(self) -> None:
        """Share the width left by the other columns among the give-way columns: each
        gets its content's width when all fit, else a share, but at least its heading."""
        columns = getattr(self, "_give_way", ())
        if not columns:
            return
        header = self.horizontalHeader()
        count = header.count()
        others = sum(header.sectionSize(c) for c in range(count)
                     if c not in columns and not header.isSectionHidden(c))
        available = max(0, self.viewport().width() - others)
        heading = {c: header.sectionSizeHint(c) for c in columns}
        wanted = {c: max(heading[c], self.sizeHintForColumn(c)) for c in columns}
        total = sum(wanted.values()) or 1
        spare = max(0, available - sum(heading.values()))
        need = sum(wanted[c] - heading[c] for c in columns) or 1
        for c in columns:
            if total <= available:
                width = wanted[c] + (available - total) // len(columns)
            else:
                width = heading[c] + (wanted[c] - heading[c]) * spare // need
            header.resizeSection(c, width)

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().resizeEvent(event)
        if getattr(self, "_give_way", ()):
            self._fit_timer.start()

    def selected_row(self) -> Any:
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isRowSelected(index.row()):
            return None
        return self.table_model().row_at(index)

    def select_first(self) -> None:
        if self.table_model().rowCount():
            self.selectRow(0)

    def _activate(self, index: QModelIndex) -> None:
        row = self.table_model().row_at(index)
        if row is not None:
            self.row_activated.emit(row)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activate(self.currentIndex())
            return
        super().keyPressEvent(event)
