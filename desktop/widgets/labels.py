"""Small texts on screens: headings, dates as written on paper, the line where a form lists
its problems, and the mark that tells the translation test a widget shows data."""
from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLabel, QWidget

from models.core.ledger import fmt_date


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


def data_note() -> QLabel:
    """A wrapping line of data under a table: the chosen row's details, the totals."""
    label = QLabel()
    label.setWordWrap(True)
    return mark_data(label)


def problems_label() -> QLabel:
    """The hidden, wrapping, red-framed line where a form lists what is wrong (style
    ``QLabel#problems``)."""
    label = QLabel()
    label.setObjectName("problems")
    label.setWordWrap(True)
    label.setVisible(False)
    return label
