"""Building blocks the screens share, one module per kind of thing:

- ``tables``: ``Column``, ``RowTableModel``, ``TableView`` (``TableView.of``: a panel's
  table in one call) — frozen query rows as tables;
- ``fields``: ``DateField``, ``ChoiceBox``, ``parse_date``, ``read_money``, ``read_date`` —
  what a treasurer types;
- ``labels``: ``heading``, ``date_text``, ``data_note``, ``problems_label``, ``mark_data``;
- ``forms``: ``FormDialog`` — a form that lists its problems inside itself;
- ``layout``: ``FlowLayout``, ``button_row``, ``ScrollBody``, ``FittedDialog``,
  ``fit_to_screen``, ``usable_screen`` — fitting a laptop's screen;
- ``screen``: ``Screen``, the base of the main window's sections.

Choosing files is ``desktop.documents`` (``choose_file``, ``choose_folder``,
``save_document``). The names are also importable from ``desktop.widgets`` itself.
"""
from desktop.widgets.fields import (
    DATE_FORMAT_HINT,
    ChoiceBox,
    DateField,
    parse_date,
    read_date,
    read_money,
)
from desktop.widgets.forms import FormDialog
from desktop.widgets.labels import data_note, date_text, heading, mark_data, problems_label
from desktop.widgets.layout import (
    TITLE_BAR,
    FittedDialog,
    FlowLayout,
    ScrollBody,
    button_row,
    fit_to_screen,
    usable_screen,
)
from desktop.widgets.screen import Screen
from desktop.widgets.tables import ROW_HEIGHT, Column, RowTableModel, TableView

__all__ = [
    "DATE_FORMAT_HINT", "ROW_HEIGHT", "TITLE_BAR", "ChoiceBox", "Column", "DateField",
    "FittedDialog", "FlowLayout", "FormDialog", "RowTableModel", "Screen", "ScrollBody",
    "TableView", "button_row", "data_note", "date_text", "fit_to_screen", "heading",
    "mark_data", "parse_date",
    "problems_label", "read_date", "read_money", "usable_screen",
]
