"""Printing passbooks from the window: one member's new lines, a reprint marked as a copy,
a calibration page; after a meeting, the new lines of everyone who came (one PDF, each
member's book on its own pages). The PDF is written inside the transaction that records
the print, so a print that fails is not remembered as printed."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.context import ScreenContext
from desktop.documents import Paper, save_document
from desktop.widgets.fields import ChoiceBox, DateField, read_date
from desktop.widgets.forms import FormDialog
from models.core import clock, settings
from models.core.errors import UserError, ValidationError
from models.core.groups import get_group
from models.core.i18n import N_, _
from models.core.members import MemberRow
from models.core.permissions import Permission
from models.meetings.meeting import MeetingRow
from models.statements import passbook
from models.statements.passbook import PageLayout
from reports.passbook_pdf import write_calibration, write_passbook

NEW_LINES, REPRINT, CALIBRATION = "new", "reprint", "calibration"
NOTHING_NEW = N_("Nothing new to print: every line is already in the passbook.")
CHOICES = {NEW_LINES: N_("New lines (continue where the last print ended)"),
           REPRINT: N_("Reprint dates again, marked COPY"),
           CALIBRATION: N_("Calibration page (a grid with millimetre marks)")}


def layout_text(layout: PageLayout) -> str:
    return _("{width} × {height} mm, {lines} lines").format(
        width=layout.width, height=layout.height, lines=layout.lines)


def _save(parent: QWidget, ctx: ScreenContext, name: str, write) -> Path | None:  # noqa: ANN001
    """Print or save (desktop.documents: the one flow) what ``write(session, actor, path)
    -> pages`` makes, in one transaction. ``None`` when cancelled, refused or there was
    nothing to print (she is told so)."""
    paths = save_document(parent, ctx, [Paper(name, write, nothing=NOTHING_NEW)],
                          what=_("the passbook pages"), topics=("passbooks",))
    return paths[0] if paths else None


class PassbookDialog(FormDialog):
    """What to print for one member, and the page size of the group's passbooks."""

    def __init__(self, parent: QWidget | None, ctx: ScreenContext, member: MemberRow) -> None:
        super().__init__(parent)
        self.ctx, self.member = ctx, member
        self.written: Path | None = None
        self.may_print = ctx.can(Permission.PRINT_PASSBOOK)
        self.choice = QButtonGroup(self)
        box = QVBoxLayout()
        self.buttons: dict[str, QRadioButton] = {}
        for code in CHOICES:
            button = QRadioButton()
            self.buttons[code] = button
            self.choice.addButton(button)
            box.addWidget(button)
        self.buttons[NEW_LINES if self.may_print else CALIBRATION].setChecked(True)
        self.buttons[NEW_LINES].setEnabled(self.may_print)
        self.buttons[REPRINT].setEnabled(self.may_print)
        holder = QWidget()
        holder.setLayout(box)
        self.add_row(N_("Print"), holder)
        dates = QHBoxLayout()
        self.first = DateField(member.joined_on)
        self.last = DateField(clock.today())
        dates.addWidget(self.first)
        dates.addWidget(QLabel("–"))
        dates.addWidget(self.last)
        dates.addStretch(1)
        holder = QWidget()
        holder.setLayout(dates)
        self.dates_label = self.add_row(N_("From – to"), holder)
        self.dates = holder
        for button in self.buttons.values():
            button.toggled.connect(self._update)
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.add_row(N_("Printed so far"), self.where)
        page = QHBoxLayout()
        self.page_text = QLabel()
        self.page_button = QPushButton()
        self.page_button.setVisible(ctx.can(Permission.CHANGE_SETTINGS))
        self.page_button.clicked.connect(self.change_page)
        page.addWidget(self.page_text, 1)
        page.addWidget(self.page_button)
        holder = QWidget()
        holder.setLayout(page)
        self.add_row(N_("Page size"), holder)
        self.retranslate()
        self._show_layout()

    def _show_where(self) -> None:
        positions = self.ctx.read(
            lambda s, actor: passbook.print_positions(s, actor, self.member.id))
        lines = [_("{section}: page {page}, line {line}").format(
            section=_(spec.title), page=positions[key].page, line=positions[key].line)
            for key, spec in passbook.SECTIONS.items() if key in positions]
        self.where.setText("\n".join(lines) or _("Nothing yet: the next print starts with "
                                                   "the cover."))

    def _show_layout(self) -> None:
        gid = self.member.group_id
        self.layout_now = self.ctx.read(lambda s, actor: passbook.page_layout(s, gid))
        self.page_text.setText(layout_text(self.layout_now))

    def _update(self, *_args: object) -> None:
        reprint = self.buttons[REPRINT].isChecked()
        self.dates.setEnabled(reprint)
        self.dates_label.setEnabled(reprint)

    def chosen(self) -> str:
        return next(code for code, button in self.buttons.items() if button.isChecked())

    def change_page(self) -> None:
        if PageSizeDialog.ask(self, self.ctx, self.member.group_id):
            self._show_layout()

    def save(self) -> bool:
        member, choice = self.member, self.chosen()
        name = f"passbook-{member.number}-{clock.today().isoformat()}.pdf"
        if choice == CALIBRATION:
            gid = member.group_id

            def write(session, actor, path):  # noqa: ANN001, ANN202
                layout = passbook.calibration_layout(session, actor, gid)
                write_calibration(layout, path, group_name=get_group(session, gid).name)
                return 1

            self.written = _save(self, self.ctx, "passbook-calibration.pdf", write)
            return self.written is not None
        mode, first, last = passbook.NEW, None, None
        if choice == REPRINT:
            problems: list[UserError] = []
            first = read_date(self.first, problems)
            last = read_date(self.last, problems)
            if problems:
                self.show_problems(ValidationError(problems))
                return False
            mode = passbook.COPY

        def write(session, actor, path):  # noqa: ANN001, ANN202
            job = passbook.print_passbooks(session, actor, group_id=member.group_id,
                                           member_ids=[member.id], mode=mode, first=first,
                                           last=last)
            return write_passbook(job, path)

        self.written = _save(self, self.ctx, name, write)
        return self.written is not None

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Passbook of {name}").format(name=self.member.name_lao))
        for code, button in self.buttons.items():
            button.setText(_(CHOICES[code]))
        self.page_button.setText(_("Change…"))
        self.save_button.setText(_("Print…"))
        self._show_where()
        self._update()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: ScreenContext, member: MemberRow) -> Path | None:
        dialog = cls(parent, ctx, member)
        dialog.exec()
        return dialog.written


class PageSizeDialog(FormDialog):
    """The group's passbook page: A5, A6 or a custom size with margins, lines and offset
    (an administrator's setting, in force from today)."""

    def __init__(self, parent: QWidget | None, ctx: ScreenContext, group_id: int) -> None:
        super().__init__(parent)
        self.ctx, self.group_id = ctx, group_id
        layout = ctx.read(lambda s, actor: passbook.page_layout(s, group_id))
        self.preset = ChoiceBox(passbook.PRESET_NAMES)
        self.preset.choose(layout.preset)
        self.add_row(N_("Paper"), self.preset)
        self.fields: dict[str, QSpinBox] = {}
        for key, (low, high) in passbook.LIMITS.items():
            spin = QSpinBox()
            spin.setRange(low, high)
            spin.setValue(getattr(layout, key))
            spin.setMaximumWidth(140)
            self.fields[key] = spin
            self.add_row(passbook.FIELD_NAMES[key], spin)
        self.preset.currentIndexChanged.connect(self._preset_changed)
        self._preset_changed()
        self.retranslate()

    def _preset_changed(self, *_args: object) -> None:
        preset = self.preset.currentData()
        for key, spin in self.fields.items():
            if preset in passbook.PRESETS and key not in ("offset_x", "offset_y"):
                spin.setValue(passbook.PRESETS[preset][key])
            spin.setEnabled(preset == "custom" or key in ("offset_x", "offset_y"))

    def value(self) -> dict:
        return {"preset": self.preset.currentData(),
                **{key: spin.value() for key, spin in self.fields.items()}}

    def save(self) -> bool:
        value, gid = self.value(), self.group_id
        outcome = self.ctx.run(
            self, lambda s, actor: settings.set_value(s, actor, group_id=gid,
                                                      key="passbook_page", value=value,
                                                      effective_from=clock.today()),
            changed=("settings",), on_user_error=self.show_problems,
            message=_("The passbook page size is saved."))
        return bool(outcome)

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Passbook page size"))
        self.save_button.setText(_("Save"))
        self.preset.retranslate()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: ScreenContext, group_id: int) -> bool:
        return cls(parent, ctx, group_id).exec() == FormDialog.DialogCode.Accepted


def print_meeting_passbooks(parent: QWidget | None, ctx: ScreenContext,
                            meeting: MeetingRow) -> Path | None:
    """The new lines of everyone who came to the posted meeting, one PDF."""
    def write(session, actor, path):  # noqa: ANN001, ANN202
        attended = passbook.meeting_attendees(session, actor, meeting.id)
        job = passbook.print_passbooks(session, actor, group_id=meeting.group_id,
                                       member_ids=attended, mode=passbook.NEW)
        return write_passbook(job, path)

    return _save(parent, ctx, f"meeting-{meeting.meeting_date.isoformat()}-passbooks.pdf", write)
