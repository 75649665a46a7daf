"""Fitting a laptop screen (1366×768 less the taskbar): buttons that wrap to a new line,
areas that scroll instead of growing past the screen, dialogs sized to the screen."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QLayout,
    QLayoutItem,
    QScrollArea,
    QWidget,
)


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


TITLE_BAR = 32  # what the window system's title bar and frame take of the screen's height


def button_row(*widgets: QWidget) -> FlowLayout:
    """A panel's buttons (and the few fields that go with them) in one row that wraps on
    a narrow window."""
    row = FlowLayout()
    for widget in widgets:
        row.addWidget(widget)
    return row


class ScrollBody(QScrollArea):
    """A frameless scrolling area for a dialog's or screen's contents: as large as its
    contents when the screen has room, and scrolling (never pushing the buttons below it
    off the screen) when it has not. ``least``: the smallest it may become (default: its
    contents' width, 160 px high).

    The contents fill the area and shrink to their minimum height before it scrolls (Qt's
    own resizable scroll area keeps contents with wrapping text or a tab widget at their
    preferred height, which scrolls buttons out of sight under tables that could shrink).

    ``wrapped``: for a page of forms with text that wraps and no table to shrink (the NSSF
    rules): the contents get the height their wrapped lines take at the width given, and
    scroll, instead of a box that does not wrap being squeezed under its minimum."""

    def __init__(self, contents: QWidget | None = None, parent: QWidget | None = None,
                 *, least: QSize | None = None, wrapped: bool = False) -> None:
        super().__init__(parent)
        self.wrapped = wrapped
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
        height = least.height()
        layout = inner.layout()
        if self.wrapped and layout is not None and layout.hasHeightForWidth():
            height = max(height, layout.minimumHeightForWidth(width))
            if height > room.height() and least.height() <= room.height():
                width = max(room.width() - bar, least.width())
                height = max(least.height(), layout.minimumHeightForWidth(width))
        inner.resize(width, max(room.height(), height))

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
