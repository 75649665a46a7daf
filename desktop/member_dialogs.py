"""The member form, the "left or deceased" dialog and a member's change history."""
from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from desktop import errors
from desktop.context import ScreenContext
from desktop.widgets.fields import ChoiceBox, DateField
from desktop.widgets.forms import FormDialog
from desktop.widgets.labels import date_text, heading, mark_data
from desktop.widgets.layout import FittedDialog
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core import clock, members
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_, _
from models.core.members import MemberDetails, MemberRow

FIELD_NAMES = {
    "created": N_("Added"),
    "status": N_("Status"),
    "name_lao": N_("Name in Lao"),
    "name_latin": N_("Name in Latin letters"),
    "gender": N_("Gender"),
    "birth_date": N_("Birth date"),
    "village": N_("Village"),
    "occupation": N_("Occupation"),
    "phone": N_("Phone"),
    "id_number": N_("ID card number"),
    "nssf_number": N_("NSSF number"),
    "joined_on": N_("Joined on"),
}


class MemberDialog(FormDialog):
    """Add a member (``member=None``) or edit one. Problems are listed in the dialog and
    nothing is saved until they are fixed."""

    def __init__(self, ctx: ScreenContext, member: MemberRow | None = None,
                 parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.member = member
        self.saved: MemberRow | None = None
        self.name_lao = mark_data(QLineEdit())
        self.name_latin = mark_data(QLineEdit())
        self.gender = ChoiceBox(members.GENDER_NAMES, members.GENDERS)
        self.birth_date = DateField()
        self.village = mark_data(QLineEdit())
        self.occupation = mark_data(QLineEdit())
        self.phone = mark_data(QLineEdit())
        self.id_number = mark_data(QLineEdit())
        self.nssf_number = mark_data(QLineEdit())
        self.joined_on = DateField(clock.today())
        for key, widget in (("name_lao", self.name_lao), ("name_latin", self.name_latin),
                            ("gender", self.gender), ("birth_date", self.birth_date),
                            ("village", self.village), ("occupation", self.occupation),
                            ("phone", self.phone), ("id_number", self.id_number),
                            ("nssf_number", self.nssf_number), ("joined_on", self.joined_on)):
            self.add_row(FIELD_NAMES[key], widget)
        self.names_note = QLabel()
        self.names_note.setWordWrap(True)
        self.layout().insertWidget(1, self.names_note)
        if member is not None:
            self.fill(member)
        self.retranslate()

    def fill(self, m: MemberRow) -> None:
        if m.name_latin is None and not members.has_lao(m.name_lao):
            # Known only by a Latin name (kept as her main name): shown where it was typed.
            self.name_lao.setText("")
            self.name_latin.setText(m.name_lao)
        else:
            self.name_lao.setText(m.name_lao)
            self.name_latin.setText(m.name_latin or "")
        self.gender.choose(m.gender)
        self.birth_date.set_date(m.birth_date)
        for field in ("village", "occupation", "phone", "id_number", "nssf_number"):
            getattr(self, field).setText(getattr(m, field) or "")
        self.joined_on.set_date(m.joined_on)

    def retranslate(self) -> None:
        super().retranslate()
        adding = self.member is None
        self.setWindowTitle(_("Add member") if adding else _("Edit member"))
        self.names_note.setText(_("A name is required: in Lao, in Latin letters, or both. "
                                  "One of the two is enough."))
        self.save_button.setText(_("Add member") if adding else _("Save"))
        self.gender.retranslate()

    def details(self) -> MemberDetails:
        """The form as ``MemberDetails``; unreadable dates raise a ``ValidationError``."""
        problems: list[UserError] = []
        dates: dict[str, dt.date | None] = {}
        for key in ("birth_date", "joined_on"):
            try:
                dates[key] = getattr(self, key).date()
            except UserError as error:
                problems.append(error)
                dates[key] = None
        if dates["joined_on"] is None and not problems:
            problems.append(UserError(N_("Enter the date the member joined.")))
        if problems:
            raise ValidationError(problems)
        return MemberDetails(
            name_lao=self.name_lao.text(), name_latin=self.name_latin.text(),
            gender=self.gender.currentData(), birth_date=dates["birth_date"],
            village=self.village.text(), occupation=self.occupation.text(),
            phone=self.phone.text(), id_number=self.id_number.text(),
            nssf_number=self.nssf_number.text(), joined_on=dates["joined_on"])

    def save(self) -> bool:
        try:
            details = self.details()
        except UserError as error:
            self.show_problems(error)
            return False
        gid = self.ctx.group_id
        if self.member is None:
            def op(s, actor):  # noqa: ANN001, ANN202
                return members.add_member(s, actor, group_id=gid, details=details)
            message = lambda row: _("{name} was added as member {number}.").format(  # noqa: E731
                name=row.name_lao, number=row.number)
        else:
            member_id = self.member.id

            def op(s, actor):  # noqa: ANN001, ANN202
                return members.update_member(s, actor, member_id=member_id, details=details)
            message = lambda row: _("{name}'s details were saved.").format(  # noqa: E731
                name=row.name_lao)
        outcome = self.ctx.run(self, op, changed={"members"}, message=message,
                               on_user_error=self.show_problems)
        if outcome:
            self.saved = outcome.value
        return bool(outcome)

    @classmethod
    def ask(cls, parent, ctx: ScreenContext,  # noqa: ANN001
            member: MemberRow | None = None) -> MemberRow | None:
        dialog = cls(ctx, member, parent)
        return dialog.saved if dialog.exec() else None


STATUS_CHOICES = {"active": ("left", "deceased"), "left": ("active", "deceased"),
                  "deceased": ("active",)}
STATUS_VERBS = {"left": N_("left the group"), "deceased": N_("died"),
                "active": N_("is a member again")}


class StatusDialog(FormDialog):
    """Mark a member as left or deceased (or active again), with the date; confirmed."""

    def __init__(self, ctx: ScreenContext, member: MemberRow, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.member = member
        self.saved: MemberRow | None = None
        self.who = mark_data(heading(member.display_name))
        self.body.insertWidget(0, self.who)
        self.status = ChoiceBox(members.STATUS_NAMES, STATUS_CHOICES[member.status])
        self.on = DateField(clock.today())
        self.note = mark_data(QLineEdit())
        self.add_row(N_("New status"), self.status)
        self.add_row(N_("Date"), self.on)
        self.add_row(N_("Note"), self.note)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Change member status"))
        self.save_button.setText(_("Save"))
        self.status.retranslate()

    def save(self) -> bool:
        try:
            on = self.on.date()
        except UserError as error:
            self.show_problems(error)
            return False
        if on is None:
            self.show_problems(UserError(N_("Enter the date.")))
            return False
        status = self.status.currentData()
        text = _("Record that {name} {what} on {date}?").format(
            name=self.member.name_lao, what=_(STATUS_VERBS[status]), date=date_text(on))
        if not errors.confirm(self, text, confirm_text=_("Save")):
            return False
        member_id, note = self.member.id, self.note.text()
        outcome = self.ctx.run(
            self, lambda s, actor: members.set_status(s, actor, member_id=member_id,
                                                      status=status, on=on, note=note),
            changed={"members"}, on_user_error=self.show_problems,
            message=lambda row: _("{name}: {status} from {date}.").format(
                name=row.name_lao, status=_(members.STATUS_NAMES[row.status]),
                date=date_text(on)))
        if outcome:
            self.saved = outcome.value
        return bool(outcome)

    @classmethod
    def ask(cls, parent, ctx: ScreenContext, member: MemberRow) -> MemberRow | None:  # noqa: ANN001
        dialog = cls(ctx, member, parent)
        return dialog.saved if dialog.exec() else None


def change_text(field: str, value: str | None) -> str:
    """A history value as people read it: dates dd/mm/yyyy, codes in words."""
    if not value:
        return ""
    if field == "gender" and value in members.GENDER_NAMES:
        return _(members.GENDER_NAMES[value])
    if field == "status":
        word, _sep, rest = value.partition(" ")
        day, _sep, note = rest.partition(" ")
        parts = [_(members.STATUS_NAMES.get(word, word))]
        try:
            parts.append(date_text(dt.date.fromisoformat(day)))
        except ValueError:
            pass
        return " ".join(parts + ([note] if note else []))
    if field in ("birth_date", "joined_on"):
        try:
            return date_text(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return value


class HistoryDialog(FittedDialog):
    """Every change to a member's details: when, who, what, before, after."""

    def __init__(self, ctx: ScreenContext, member: MemberRow, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.resize(900, 500)
        layout = QVBoxLayout(self)
        layout.addWidget(mark_data(heading(member.display_name)))
        self.model = RowTableModel([
            Column(N_("When"), lambda r: r.changed_at.strftime("%d/%m/%Y %H:%M")),
            Column(N_("Who"), lambda r: r.username),
            Column(N_("What"), lambda r: _(FIELD_NAMES.get(r.field, r.field))),
            Column(N_("Before"), lambda r: change_text(r.field, r.old_value)),
            Column(N_("After"), lambda r: change_text(r.field, r.new_value)),
        ], self)
        self.model.set_rows(ctx.read(lambda s, actor: members.member_history(s, actor,
                                                                               member.id)))
        self.table = TableView(self.model)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.accept)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Change history"))
        self.close_button.setText(_("Close"))
        self.model.retranslate()

    @classmethod
    def ask(cls, parent, ctx: ScreenContext, member: MemberRow) -> None:  # noqa: ANN001
        cls(ctx, member, parent).exec()
