"""The meeting grid's view: spreadsheet keys and editors over ``MeetingGridModel``, and the
totals row kept in view below it.

Keys: typing a number replaces the cell, Tab / Shift+Tab move across (editable cells
only), Enter moves down, Esc while typing cancels and Esc on a cell puts back the expected
amount, Delete empties a cell; in the attendance column 1 present, 2 came late,
3 represented, 4 absent, Space the next of these.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from desktop.meeting_grid import (
    ATTEND,
    GRID_ROW_HEIGHT,
    MONEY,
    NAME,
    NOTE,
    TOTAL,
    MeetingGridModel,
    MeetingTotalsModel,
)
from models.core.i18n import _
from models.meetings.attendance import ATTENDANCE, ATTENDANCE_NAMES


class GridDelegate(QStyledItemDelegate):
    """Editors of the grid: a list of the four attendance choices, a line for amounts
    (right-aligned) and notes. An editor opened by a typed key starts with its text
    selected, so the key replaces it."""

    def createEditor(self, parent: QWidget, option,  # noqa: ANN001, N802
                     index: QModelIndex) -> QWidget:
        f = index.model().field_at(index)
        if f.kind == ATTEND:
            combo = QComboBox(parent)
            for status in ATTENDANCE:
                combo.addItem(_(ATTENDANCE_NAMES[status]), status)
            return combo
        editor = QLineEdit(parent)
        editor.setObjectName("gridEditor")
        editor.setProperty("data", True)
        editor.setFrame(False)
        if f.is_money:
            editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:  # noqa: N802
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        else:
            editor.setText("" if value is None else str(value))
            editor.selectAll()

    def setModelData(self, editor: QWidget, model,  # noqa: ANN001, N802
                     index: QModelIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        else:
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


ATTENDANCE_KEYS = {Qt.Key.Key_1: ATTENDANCE[0], Qt.Key.Key_2: ATTENDANCE[1],
                   Qt.Key.Key_3: ATTENDANCE[2], Qt.Key.Key_4: ATTENDANCE[3]}


class MeetingGridView(QTableView):
    """The grid with spreadsheet keys (see the module docstring)."""

    def __init__(self, model: MeetingGridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setObjectName("meetingGrid")
        self.setItemDelegate(GridDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setTabKeyNavigation(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(GRID_ROW_HEIGHT)
        header = self.horizontalHeader()
        header.setMinimumSectionSize(48)
        header.setStretchLastSection(True)
        # Long titles (Lao ones especially) take two lines so the money columns stay
        # narrow enough for the whole grid to fit the window.
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter
                                   | Qt.TextFlag.TextWordWrap)

    def grid_model(self) -> MeetingGridModel:
        return self.model()  # type: ignore[return-value]

    # -- moving -------------------------------------------------------------------------
    def _editable_columns(self) -> list[int]:
        model = self.grid_model()
        return [c for c, f in enumerate(model.fields) if f.kind in (ATTEND, MONEY, NOTE)]

    def moveCursor(self, action, modifiers):  # noqa: ANN001, ANN201, N802
        model, current = self.grid_model(), self.currentIndex()
        columns = self._editable_columns()
        if not current.isValid() or not model.lines or not columns:
            return super().moveCursor(action, modifiers)
        row, column = current.row(), current.column()
        if action == QAbstractItemView.CursorAction.MoveNext:
            later = [c for c in columns if c > column]
            if later:
                return model.index(row, later[0])
            return model.index(min(row + 1, len(model.lines) - 1),
                               columns[0] if row + 1 < len(model.lines) else column)
        if action == QAbstractItemView.CursorAction.MovePrevious:
            earlier = [c for c in columns if c < column]
            if earlier:
                return model.index(row, earlier[-1])
            return model.index(max(row - 1, 0), columns[-1] if row > 0 else column)
        return super().moveCursor(action, modifiers)

    def move_down(self) -> None:
        current = self.currentIndex()
        if current.isValid() and current.row() + 1 < self.grid_model().rowCount():
            self.setCurrentIndex(self.grid_model().index(current.row() + 1, current.column()))

    def go_to(self, member_id: int, key: str) -> None:
        model = self.grid_model()
        row = model.row_of(member_id)
        column = model.column_of(key) if key in model.money_keys() else next(
            (c for c, f in enumerate(model.fields) if f.kind == key), -1)
        if row >= 0 and column >= 0:
            index = model.index(row, column)
            self.setCurrentIndex(index)
            self.scrollTo(index)

    def closeEditor(self, editor: QWidget, hint) -> None:  # noqa: ANN001, N802
        # Tab and Enter leave the next cell selected, not opened: the next key typed
        # replaces it, as in a spreadsheet.
        Hint = QAbstractItemDelegate.EndEditHint
        if hint in (Hint.EditNextItem, Hint.EditPreviousItem):
            super().closeEditor(editor, Hint.NoHint)
            action = (QAbstractItemView.CursorAction.MoveNext if hint == Hint.EditNextItem
                      else QAbstractItemView.CursorAction.MovePrevious)
            self.setCurrentIndex(self.moveCursor(action, Qt.KeyboardModifier.NoModifier))
            return
        super().closeEditor(editor, hint)
        if hint == Hint.SubmitModelCache:
            self.move_down()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        model, index = self.grid_model(), self.currentIndex()
        if self.state() != QAbstractItemView.State.EditingState and index.isValid():
            f = model.field_at(index)
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.move_down()
                return
            if key == Qt.Key.Key_Escape and model.revert(index):
                return
            if model.is_editable(index) and f.kind == ATTEND:
                if key in ATTENDANCE_KEYS:
                    model.set_attendance(index.row(), ATTENDANCE_KEYS[key])
                    return
                if key == Qt.Key.Key_Space:
                    status = model.lines[index.row()].attendance
                    following = ATTENDANCE[(ATTENDANCE.index(status) + 1) % len(ATTENDANCE)]
                    model.set_attendance(index.row(), following)
                    return
            if model.is_editable(index) and f.kind in (MONEY, NOTE) \
                    and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                model.setData(index, "", Qt.ItemDataRole.EditRole)
                return
        super().keyPressEvent(event)

    def fit_columns(self) -> None:
        """Widths from the cells, at least the longest word of the title (titles wrap at
        spaces; a Lao title has none, so it is kept whole), with a floor per kind of
        column; the note takes what is left."""
        model = self.grid_model()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        bold = header.font()
        bold.setBold(True)  # the style sheet draws titles in bold
        metrics = QFontMetrics(bold)
        two_lines = False
        for column, f in enumerate(model.fields):
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            words = max((metrics.horizontalAdvance(w) for w in title.split()), default=0) + 28
            floor = {NAME: 200, ATTEND: 112, MONEY: 100, TOTAL: 108,
                     NOTE: 110}[f.kind]
            width = max(self.sizeHintForColumn(column) + 12, words, floor)
            self.setColumnWidth(column, width)
            two_lines = two_lines or metrics.horizontalAdvance(title) + 28 > width
        header.setFixedHeight(metrics.lineSpacing() * (2 if two_lines else 1) + 16)
        self._fit_note()

    def _fit_note(self) -> None:
        """The note (last) column gets the room left, so the grid needs no sideways
        scrolling when the window is wide enough."""
        last = self.grid_model().columnCount() - 1
        if last < 1:
            return
        others = sum(self.columnWidth(c) for c in range(last))
        self.setColumnWidth(last, max(self.viewport().width() - others, 90))

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().resizeEvent(event)
        self._fit_note()


class TotalsView(QTableView):
    """The totals row under the grid, its columns kept as wide as the grid's."""

    def __init__(self, model: MeetingTotalsModel, grid: MeetingGridView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setObjectName("meetingTotals")
        self.grid = grid
        self.horizontalHeader().setVisible(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(GRID_ROW_HEIGHT)
        self.setFixedHeight(GRID_ROW_HEIGHT + 4)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.horizontalHeader().setStretchLastSection(True)
        grid.horizontalHeader().sectionResized.connect(
            lambda column, _old, new: self.setColumnWidth(column, new))
        grid.horizontalScrollBar().valueChanged.connect(self.horizontalScrollBar().setValue)
        model.modelReset.connect(self.follow_grid)

    def follow_grid(self) -> None:
        for column in range(self.model().columnCount()):
            self.setColumnWidth(column, self.grid.columnWidth(column))
