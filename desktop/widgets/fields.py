"""What a treasurer types into a form: dates as dd/mm/yyyy, choices shown by their
translated names, amounts in the group's currency; ``read_*`` collect every problem of a
form at once."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from desktop.context import ScreenContext
from desktop.widgets.labels import date_text
from models.core.errors import UserError
from models.core.i18n import N_, _
from models.core.money import parse_money

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
