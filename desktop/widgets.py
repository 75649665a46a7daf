"""Building blocks shared by the screens: the screen base class, thin table models over
query rows, big-row table views, date fields, form dialogs and file choosers."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QFrame,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.context import Change, ScreenContext
from desktop.errors import error_text
from models.core.errors import UserError
from models.core.i18n import N_, _
from models.core.ledger import fmt_date
from models.core.money import format_money, parse_money

ROW_HEIGHT = 34


class FlowLayout(QLayout):
    """Lays its widgets out left to right and wraps to a new line when the width runs out,
    so a row of buttons keeps every button's whole text on a narrow window instead of
    pushing the window wider than the screen."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self._width = -1  # the width last laid out at, and the height wrapping needed there
        self._wrapped = 0
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, move=True)
        if rect.width() != self._width:
            self._width = rect.width()
            wrapped = self.heightForWidth(rect.width())
            if wrapped != self._wrapped:
                # The lines wrapped differently: ask for that height as the minimum, so the
                # layouts around never squeeze the buttons over the tables above them.
                self._wrapped = wrapped
                QTimer.singleShot(0, self, self.invalidate)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        size += QSize(m.left() + m.right(), m.top() + m.bottom())
        return QSize(size.width(), max(size.height(), self._wrapped))

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line = area.x(), area.y(), 0
        for item in self._items:
            if item.widget() is not None and item.widget().isHidden():
                continue
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y, line = area.x(), y + line + self._gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._gap
            line = max(line, hint.height())
        return y + line - rect.y() + m.bottom()


def mark_data(widget: QWidget) -> QWidget:
    """Mark a widget as showing data (names, numbers), not interface text: the test that
    looks for untranslated English skips it."""
    widget.setProperty("data", True)
    return widget


def heading(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("heading")
    return label


def date_text(value: dt.date | None) -> str:
    return fmt_date(value) if value else ""


# -- tables -----------------------------------------------------------------------------

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


# -- dates ------------------------------------------------------------------------------

DATE_FORMAT_HINT = N_("dd/mm/yyyy")


def parse_date(text: str) -> dt.date | None:
    """``20/11/2026`` (also with ``.`` or ``-``) to a date; empty text is ``None``."""
    text = (text or "").strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass
    raise UserError(N_("“{text}” is not a date; write it as dd/mm/yyyy."), text=text)


class DateField(QLineEdit):
    """A date typed as dd/mm/yyyy (the way it is written on paper); may be left empty."""

    def __init__(self, value: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_date(value)
        self.setMaximumWidth(220)
        self.retranslate()

    def retranslate(self) -> None:
        self.setPlaceholderText(_(DATE_FORMAT_HINT))

    def set_date(self, value: dt.date | None) -> None:
        self.setText(date_text(value))

    def date(self) -> dt.date | None:
        return parse_date(self.text())


class ChoiceBox(QComboBox):
    """A drop-down of codes shown by their names (``N_()`` texts), in ``codes`` order
    (default: the order of ``names``); ``retranslate()`` puts the names in the current
    language."""

    def __init__(self, names: Mapping[Any, str], codes: Iterable[Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names = names
        for code in (names if codes is None else codes):
            self.addItem(_(names[code]), code)

    def choose(self, code: Any) -> None:
        """Select ``code`` (the first choice when it is not offered)."""
        self.setCurrentIndex(max(0, self.findData(code)))

    def retranslate(self) -> None:
        for index in range(self.count()):
            self.setItemText(index, _(self.names[self.itemData(index)]))


def read_money(text: str, ctx: ScreenContext, problems: list[UserError]) -> int:
    """An amount typed in the group's currency; 0 with the problem added to ``problems``
    when it is not one (so a form lists every problem at once)."""
    try:
        return parse_money(text, ctx.currency())
    except UserError as error:
        problems.append(error)
        return 0


def read_date(field: DateField, problems: list[UserError]) -> dt.date | None:
    """The date typed in ``field``; ``None`` with the problem added to ``problems`` when it
    is not a date or is left empty."""
    try:
        value = field.date()
    except UserError as error:
        problems.append(error)
        return None
    if value is None:
        problems.append(UserError(N_("Enter the date.")))
    return value


def problems_label() -> QLabel:
    """The hidden, wrapping, red-framed line where a form lists what is wrong (style
    ``QLabel#problems``)."""
    label = QLabel()
    label.setObjectName("problems")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


# -- screens and forms ------------------------------------------------------------------

class Screen(QWidget):
    """Base of the main window's screens. Subclasses fill ``refresh()`` and
    ``retranslate()``; ``topics`` lists the ``Change`` topics that make it refresh."""

    topics: tuple[str, ...] = ()  # "users" is always among them: roles open buttons

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        ctx.signals.ledger_changed.connect(self._on_ledger_changed)
        ctx.signals.group_changed.connect(self._on_group_changed)

    def refresh(self) -> None:
        """Read the ledger again and show it."""

    def retranslate(self) -> None:
        """Set every interface text again in the current language."""

    def money(self, amount: int) -> str:
        return format_money(amount, self.ctx.currency())

    def _on_ledger_changed(self, change: Change) -> None:
        if change.touches(*self.topics, "users"):
            self._refresh_when_visible()

    def _on_group_changed(self, _group_id: object) -> None:
        self._refresh_when_visible()

    def _refresh_when_visible(self) -> None:
        if self.isVisible():
            self.refresh()
            self._stale = False
        else:
            self._stale = True

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        if self._stale:
            self._stale = False
            self.refresh()
        super().showEvent(event)


TITLE_BAR = 32  # what the window system's title bar and frame take of the screen's height


class ScrollBody(QScrollArea):
    """A frameless scrolling area for a dialog's or screen's contents: as large as its
    contents when the screen has room, and scrolling (never pushing the buttons below it
    off the screen) when it has not. ``least``: the smallest it may become (default: its
    contents' width, 160 px high).

    The contents fill the area and shrink to their minimum height before it scrolls (Qt's
    own resizable scroll area keeps contents with wrapping text or a tab widget at their
    preferred height, which scrolls buttons out of sight under tables that could shrink)."""

    def __init__(self, contents: QWidget | None = None, parent: QWidget | None = None,
                 *, least: QSize | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(False)
        self.least = least or QSize(16_000, 160)
        self.setWidget(contents if contents is not None else QWidget())
        self.widget().setObjectName("scrollBody")
        self._fit_timer = QTimer(self)  # dies with the area, unlike a bare single shot
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_contents)
        self.widget().installEventFilter(self)

    def fit_contents(self) -> None:
        inner = self.widget()
        least = inner.minimumSizeHint().expandedTo(inner.minimumSize())
        room = self.maximumViewportSize()
        bar = self.verticalScrollBar().sizeHint().width()
        width = max(room.width() - (bar if least.height() > room.height() else 0),
                    least.width())
        inner.resize(width, max(room.height(), least.height()))

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        self.fit_contents()
        super().resizeEvent(event)

    def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self._fit_timer.start()
        return super().eventFilter(watched, event)

    def sizeHint(self) -> QSize:  # noqa: N802
        inner = self.widget().sizeHint().expandedTo(self.widget().minimumSizeHint())
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(inner.width() + bar, inner.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        inner = self.widget().minimumSizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(inner.width() + bar, inner.height()).boundedTo(self.least)


def usable_screen(widget: QWidget) -> QSize:
    """The room a window of ``widget`` has: the screen less the taskbar and a title bar."""
    screen = widget.screen() or QApplication.primaryScreen()
    area = screen.availableGeometry().size() if screen is not None else QSize(1366, 728)
    return QSize(area.width(), area.height() - TITLE_BAR)


def fit_to_screen(window: QWidget) -> None:
    """Size a dialog as it asks, but never larger than the screen (it scrolls instead),
    and keep it on the screen."""
    room = usable_screen(window)
    want = window.sizeHint().expandedTo(window.size())
    window.resize(want.boundedTo(room).expandedTo(window.minimumSizeHint().boundedTo(room)))
    screen = window.screen() or QApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        frame = window.frameGeometry()
        x = min(max(frame.x(), area.x()), area.right() - frame.width() + 1)
        y = min(max(frame.y(), area.y()), area.bottom() - frame.height() + 1)
        if (x, y) != (frame.x(), frame.y()):
            window.move(max(x, area.x()), max(y, area.y()))


class FittedDialog(QDialog):
    """A dialog that is fitted to the screen when it is first shown (``fit_to_screen``)."""

    _fitted = False

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        if not self._fitted:
            self._fitted = True
            fit_to_screen(self)
        super().showEvent(event)


class FormDialog(FittedDialog):
    """A form with its problems shown inside it: when saving fails the dialog stays open,
    lists every problem, and nothing is saved. Subclasses add rows to ``self.form`` (or
    widgets to ``self.body``, the scrolling part above and below it) and implement
    ``save() -> bool``. The problems and the buttons stay in view; the form scrolls when
    the screen is too small for it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.problems = problems_label()
        layout.addWidget(self.problems)
        self.scroll = ScrollBody()
        self.body = QVBoxLayout(self.scroll.widget())
        self.body.setContentsMargins(0, 0, 0, 0)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.body.addLayout(self.form)
        self.body.addStretch(1)
        layout.addWidget(self.scroll, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.save_button.setObjectName("primaryButton")
        self.cancel_button = QPushButton()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self._save_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self._labels: list[tuple[QLabel, str]] = []

    def add_row(self, title: str, field: QWidget, form: QFormLayout | None = None) -> QLabel:
        """``title`` is an ``N_()`` text (retranslated with the dialog); ``form``: another
        form of the dialog (a tab's) instead of the main one."""
        label = QLabel(_(title))
        label.setBuddy(field)
        self._labels.append((label, title))
        (form or self.form).addRow(label, field)
        return label

    def retranslate(self) -> None:
        for label, title in self._labels:
            label.setText(_(title))
        self.cancel_button.setText(_("Cancel"))

    def show_problems(self, error: UserError) -> None:
        self.problems.setText(error_text(error))
        self.problems.setVisible(True)

    def clear_problems(self) -> None:
        self.problems.clear()
        self.problems.setVisible(False)

    def save(self) -> bool:
        raise NotImplementedError

    def _save_clicked(self) -> None:
        self.clear_problems()
        if self.save():
            self.accept()


def choose_file(parent: QWidget | None, title: str, name_filter: str) -> str | None:
    """Ask for one existing file (folders: ``desktop.documents.choose_folder``)."""
    from desktop.documents import file_dialog

    dialog = file_dialog(parent, title)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilter(name_filter)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, _("Open"))
    if dialog.exec() and dialog.selectedFiles():
        return dialog.selectedFiles()[0]
    return None
