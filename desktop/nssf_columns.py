"""The remittance file's columns, as the LSSO office asks for them: which of the documented
fields are in the file, the header each has (blank: our name, in the file's language), and
their order, with a preview of the header row and one example row. The layout is a dated
group setting; a month's file takes the layout in force on the month's first day, and a
batch exported before a change keeps the layout it was exported with.

Bad input (no column, two columns with the same header, a header on more than one line or
too long) is refused with every problem listed, and nothing is saved."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.context import ScreenContext
from desktop.errors import error_text
from desktop.nssf_dialogs import NSSF_TOPICS, month_text
from desktop.permission_tips import allow, who_may
from desktop.widgets import DateField, mark_data, problems_label, read_date
from models.core import clock, settings
from models.core.errors import UserError, ValidationError
from models.core.groups import get_group
from models.core.i18n import N_, _, gettext
from models.core.permissions import Permission
from models.nssf import scheme as scheme_mod


@dataclass(frozen=True)
class ColumnChoice:
    """One documented field as the editor shows it: in the file or not, and its header
    (``""``: our name)."""

    field: str
    included: bool
    title: str


def choices_from(columns: tuple[tuple[str, str], ...] | list) -> list[ColumnChoice]:
    """The saved layout as the editor's list: its columns in order, then the fields left
    out, in the documented order."""
    chosen = [ColumnChoice(f, True, t) for f, t in columns]
    used = {c.field for c in chosen}
    return chosen + [ColumnChoice(f, False, "") for f in scheme_mod.FILE_FIELDS
                     if f not in used]


def default_title(field: str, language: str | None = None) -> str:
    return gettext(scheme_mod.FILE_FIELD_TITLES[field], language)


def check_columns(choices: list[ColumnChoice]) -> list[list[str]]:
    """The layout to save, ``[[field, header], ...]``; every problem at once as a
    ``ValidationError``. A header may not repeat another column's (ours counted, in Lao and
    in English, since a file may be written in either), nor run over one line."""
    layout = [[choice.field, choice.title.strip()] for choice in choices if choice.included]
    problems = scheme_mod.column_problems(layout)
    if not layout:
        problems.append(UserError(N_("Put at least one column in the file.")))
    if problems:
        unique = list({str(p): p for p in problems}.values())
        raise ValidationError(unique)
    return layout


def sample_row(s: scheme_mod.Scheme, group_name: str, month: dt.date) -> dict[str, object]:
    """What one member's row of the file looks like at the lowest level offered."""
    level = s.levels[0] if s.levels else s.ceiling
    total = scheme_mod.contribution(s, level)
    health, short_term, long_term = scheme_mod.split(s, level, total)
    return {"group": group_name, "period": month.strftime("%Y-%m"), "ss_number": "123456789",
            "name": _("Member's name"), "level_number": s.level_number(level), "level": level,
            "contribution": total, "health": health, "short_term": short_term,
            "long_term": long_term, "months_covered": 1}


class _RowKeys(QObject):
    """Ctrl+Up and Ctrl+Down move the row the keyboard is on."""

    def __init__(self, editor: ColumnsEditor, row: int) -> None:
        super().__init__(editor)
        self.editor, self.row = editor, row

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier \
                and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = -1 if event.key() == Qt.Key.Key_Up else 1
            self.editor.move(self.row, step, keep_focus=watched)
            return True
        return False


class ColumnsEditor(QGroupBox):
    """The NSSF rules screen's box for the remittance file's columns."""

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.scheme: scheme_mod.Scheme | None = None
        self.group_name = ""
        layout = QVBoxLayout(self)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        layout.addWidget(self.explain)
        self.problems = problems_label()
        layout.addWidget(self.problems)
        self.preview_label = QLabel()
        layout.addWidget(self.preview_label)
        self.preview = QTableWidget(1, 0)
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preview.verticalHeader().setVisible(False)
        self.preview.horizontalHeader().setMinimumSectionSize(60)
        layout.addWidget(mark_data(self.preview))
        grid = QGridLayout()
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(4, 1)
        self.head_in = QLabel()
        self.head_title = QLabel()
        self.head_order = QLabel()
        for column, label in enumerate((self.head_in, self.head_title, self.head_order)):
            label.setObjectName("mutedLabel")
            grid.addWidget(label, 0, column, 1, 2 if column == 2 else 1)
        self.included: list[QCheckBox] = []
        self.titles: list[QLineEdit] = []
        self.ups: list[QToolButton] = []
        self.downs: list[QToolButton] = []
        self.fields: list[str] = []
        for row in range(len(scheme_mod.FILE_FIELDS)):
            keys = _RowKeys(self, row)
            check = QCheckBox()
            title = mark_data(QLineEdit())
            title.setMaxLength(scheme_mod.LONGEST_HEADER + 20)
            title.setMinimumWidth(320)
            title.setMaximumWidth(480)
            up, down = QToolButton(), QToolButton()
            for button, arrow in ((up, Qt.ArrowType.UpArrow), (down, Qt.ArrowType.DownArrow)):
                button.setArrowType(arrow)
                button.setFixedSize(40, 32)
            up.clicked.connect(lambda _c=False, r=row: self.move(r, -1, keep_focus=self.ups[r]))
            down.clicked.connect(lambda _c=False, r=row: self.move(r, 1,
                                                                   keep_focus=self.downs[r]))
            check.toggled.connect(self.update_preview)
            title.textChanged.connect(self.update_preview)
            for widget in (check, title, up, down):
                widget.installEventFilter(keys)
            for column, widget in enumerate((check, title, up, down)):
                grid.addWidget(widget, row + 1, column)
            grid.setRowMinimumHeight(row + 1, 40)
            self.included.append(check)
            self.titles.append(title)
            self.ups.append(up)
            self.downs.append(down)
        layout.addLayout(grid)
        row = QHBoxLayout()
        self.effective = DateField(clock.today().replace(day=1))
        self.effective_label = QLabel()
        self.effective_label.setBuddy(self.effective)
        row.addWidget(self.effective_label)
        row.addWidget(self.effective)
        row.addStretch(1)
        self.save_button = QPushButton()
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self.read_only = QLabel()
        self.read_only.setWordWrap(True)
        self.read_only.setObjectName("mutedLabel")
        layout.addWidget(self.read_only)
        self.history_title = QLabel()
        layout.addWidget(self.history_title)
        self.history = mark_data(QLabel())
        self.history.setWordWrap(True)
        self.history.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.history)
        self.save_button.clicked.connect(self.save)
        self.set_choices(choices_from([[f, ""] for f in scheme_mod.FILE_FIELDS]))
        self.past: list[tuple[dt.date, list]] = []

    def choices(self) -> list[ColumnChoice]:
        return [ColumnChoice(field, check.isChecked(), title.text())
                for field, check, title in zip(self.fields, self.included, self.titles)]

    def set_choices(self, choices: list[ColumnChoice]) -> None:
        self.fields = [c.field for c in choices]
        for choice, check, title in zip(choices, self.included, self.titles):
            for widget in (check, title):
                widget.blockSignals(True)
            check.setChecked(choice.included)
            title.setText(choice.title)
            for widget in (check, title):
                widget.blockSignals(False)
        self.retranslate_rows()
        self.update_preview()

    def move(self, row: int, step: int, *, keep_focus: QObject | None = None) -> None:
        """Move row ``row`` one place up (``step`` -1) or down (1); the keyboard follows it."""
        target = row + step
        choices = self.choices()
        if not 0 <= target < len(choices) or not self.save_button.isEnabled():
            return
        choices[row], choices[target] = choices[target], choices[row]
        self.set_choices(choices)
        for widgets in (self.included, self.titles, self.ups, self.downs):
            if keep_focus in widgets:
                widgets[target].setFocus()

    def retranslate_rows(self) -> None:
        for field, check, title, up, down in zip(self.fields, self.included, self.titles,
                                                 self.ups, self.downs):
            name = default_title(field)
            check.setText(name)
            title.setPlaceholderText(name)
            title.setAccessibleName(_("Header for “{column}”").format(column=name))
            up.setToolTip(_("Move “{column}” up (Ctrl+Up)").format(column=name))
            down.setToolTip(_("Move “{column}” down (Ctrl+Down)").format(column=name))

    def retranslate(self) -> None:
        self.setTitle(_("Columns of the remittance file"))
        self.explain.setText(_(
            "Tick the columns the LSSO office wants, type the header it asks for (leave it "
            "blank for our name) and put them in its order. A month's file uses the columns "
            "in force on the month's first day; files already exported keep their columns."))
        self.head_in.setText(_("In the file"))
        self.head_title.setText(_("Header in the file (blank: our name)"))
        self.head_order.setText(_("Order"))
        self.preview_label.setText(_("The file will start like this (an example row):"))
        self.effective_label.setText(_("From the file for the month of"))
        self.save_button.setText(_("Save the columns"))
        self.history_title.setText(_("The columns from each month on:"))
        self.effective.retranslate()
        self.retranslate_rows()
        self.update_preview()
        self._show_history()
        self._show_permission()

    def refresh(self, s: scheme_mod.Scheme) -> None:
        self.scheme = s
        gid = self.ctx.group_id
        key = scheme_mod.COLUMNS.key

        def read(session, actor):  # noqa: ANN001, ANN202
            return (get_group(session, gid).name, settings.history(session, gid, key),
                    settings.get(session, gid, key, on=clock.today()))

        self.group_name, self.past, now = self.ctx.read(read)
        self.problems.setVisible(False)
        self.set_choices(choices_from(now))
        self._show_history()
        self._show_permission()

    def _show_permission(self) -> None:
        may = self.ctx.can(Permission.CHANGE_SETTINGS)
        allow(self.save_button, self.ctx, Permission.CHANGE_SETTINGS, may=may)
        for widgets in (self.included, self.titles, self.ups, self.downs):
            for widget in widgets:
                widget.setEnabled(may)
        self.effective.setEnabled(may)
        self.read_only.setVisible(not may)
        if not may:
            self.read_only.setText(_("You can read these columns but not change them. {why}")
                                   .format(why=who_may(Permission.CHANGE_SETTINGS)))

    def _headers(self, layout: list) -> str:
        return " | ".join(title or default_title(field) for field, title in layout)

    def _show_history(self) -> None:
        lines = [_("At first: {columns} (the program's columns)").format(
                columns=self._headers([[f, ""] for f in scheme_mod.FILE_FIELDS]))]
        for day, layout in self.past:
            lines.append(_("From {month}: {columns}").format(month=month_text(day),
                                                            columns=self._headers(layout)))
        self.history.setText("\n".join(lines))

    def update_preview(self, *_args: object) -> None:
        chosen = [c for c in self.choices() if c.included]
        self.preview.clear()
        self.preview.setColumnCount(len(chosen))
        self.preview.setHorizontalHeaderLabels(
            [c.title.strip() or default_title(c.field) for c in chosen])
        if self.scheme is None:
            return
        sample = sample_row(self.scheme, self.group_name, clock.today())
        for column, choice in enumerate(chosen):
            value = sample[choice.field]
            item = QTableWidgetItem(str(value))  # as the CSV file holds it
            if isinstance(value, int):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.preview.setItem(0, column, item)
        self.preview.resizeColumnsToContents()
        height = (self.preview.horizontalHeader().sizeHint().height()
                  + self.preview.rowHeight(0) + 2 * self.preview.frameWidth() + 20)
        self.preview.setFixedHeight(height)

    def save(self) -> bool:
        """Save the layout from the month typed; refused with every problem listed, and
        nothing changed, when it cannot be a file's columns."""
        self.problems.setVisible(False)
        problems: list[UserError] = []
        on = read_date(self.effective, problems)
        try:
            layout = check_columns(self.choices())
        except ValidationError as error:
            problems.extend(error.problems)
        if problems:
            self.problems.setText(error_text(ValidationError(problems)))
            self.problems.setVisible(True)
            return False
        month = on.replace(day=1)
        gid = self.ctx.group_id

        def done(keys: list[str]) -> str:
            if not keys:
                return _("These columns were already in force for {month}.").format(
                    month=month_text(month))
            return _("The file for {month} and later months has these columns.").format(
                month=month_text(month))

        outcome = self.ctx.run(self, lambda s, actor: scheme_mod.set_scheme_settings(
            s, actor, group_id=gid, effective_from=month,
            values={scheme_mod.COLUMNS.key: layout}),
            changed=NSSF_TOPICS | {"settings"}, on_user_error=self._show_error, message=done)
        return bool(outcome)

    def _show_error(self, error: Exception) -> None:
        self.problems.setText(error_text(error))
        self.problems.setVisible(True)
