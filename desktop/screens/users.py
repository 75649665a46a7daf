"""Users (administrators): create users, give and take roles per group, reset passwords,
switch accounts off."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QVBoxLayout

from desktop import errors
from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.login import LANGUAGE_NAMES
from desktop.screens import Section
from desktop.widgets.forms import FormDialog
from desktop.widgets.labels import heading, mark_data
from desktop.widgets.layout import FlowLayout
from desktop.widgets.screen import Screen
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core import clock, groups, i18n, members, users
from models.core.errors import UserError
from models.core.i18n import N_, _
from models.core.permissions import ROLE_NAMES, Permission, Role
from models.core.users import UserRow


def _password_pair() -> tuple[QLineEdit, QLineEdit]:
    fields = QLineEdit(), QLineEdit()
    for field in fields:
        field.setEchoMode(QLineEdit.EchoMode.Password)
    return fields


def _passwords_match(dialog: FormDialog) -> bool:
    """Whether the two password fields agree; shows the problem in the dialog if not."""
    if dialog.password.text() == dialog.password_again.text():
        return True
    dialog.show_problems(UserError(N_("The two passwords are not the same.")))
    return False


def role_text(grant: tuple[int | None, str], group_names: dict[int, str]) -> str:
    group_id, role = grant
    where = _("all groups") if group_id is None else group_names.get(group_id, str(group_id))
    return _("{role} in {group}").format(role=_(ROLE_NAMES[Role(role)]), group=where)


class NewUserDialog(FormDialog):
    def __init__(self, ctx: ScreenContext, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.saved_id: int | None = None
        self.display_name = mark_data(QLineEdit())
        self.username = mark_data(QLineEdit())
        self.password, self.password_again = _password_pair()
        self.language = mark_data(QComboBox())
        for code in i18n.LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.add_row(N_("Name"), self.display_name)
        self.add_row(N_("User name (one word)"), self.username)
        self.add_row(N_("Password"), self.password)
        self.add_row(N_("Password again"), self.password_again)
        self.add_row(N_("Language"), self.language)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Add user"))
        self.save_button.setText(_("Add user"))

    def save(self) -> bool:
        if not _passwords_match(self):
            return False
        values = dict(username=self.username.text(), display_name=self.display_name.text(),
                      password=self.password.text(), language=self.language.currentData())
        outcome = self.ctx.run(
            self, lambda s, actor: users.create_user(s, actor, **values).id,
            changed={"users"}, on_user_error=self.show_problems,
            message=_("The user {name} was added. Give them a role next.").format(
                name=values["username"].strip()))
        if outcome:
            self.saved_id = outcome.value
        return bool(outcome)

    @classmethod
    def ask(cls, parent, ctx: ScreenContext) -> int | None:  # noqa: ANN001
        dialog = cls(ctx, parent)
        return dialog.saved_id if dialog.exec() else None


class RoleDialog(FormDialog):
    """Give a role in one group or in all groups."""

    def __init__(self, ctx: ScreenContext, user: UserRow, group_names: dict[int, str],
                 parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.user = user
        self.saved = False
        self.who = mark_data(heading(user.display_name))
        self.body.insertWidget(0, self.who)
        self.group = QComboBox()
        self.group.addItem("", None)
        for gid, name in group_names.items():
            self.group.addItem(name, gid)
        if ctx.group_id in group_names:
            self.group.setCurrentIndex(self.group.findData(ctx.group_id))
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(_(ROLE_NAMES[role]), str(role))
        self.add_row(N_("Role"), self.role)
        self.add_row(N_("Group"), self.group)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Give a role"))
        self.save_button.setText(_("Give role"))
        self.group.setItemText(0, _("All groups"))
        for index, role in enumerate(Role):
            self.role.setItemText(index, _(ROLE_NAMES[role]))

    def save(self) -> bool:
        user_id, role, gid = self.user.id, self.role.currentData(), self.group.currentData()
        outcome = self.ctx.run(
            self, lambda s, actor: users.grant_role(s, actor, user_id=user_id, role=role,
                                                    group_id=gid),
            changed={"users"}, on_user_error=self.show_problems,
            message=_("{name} is now {role}.").format(name=self.user.display_name,
                                                     role=_(ROLE_NAMES[Role(role)])))
        self.saved = bool(outcome)
        return self.saved

    @classmethod
    def ask(cls, parent, ctx: ScreenContext, user: UserRow,  # noqa: ANN001
            group_names: dict[int, str]) -> bool:
        dialog = cls(ctx, user, group_names, parent)
        return bool(dialog.exec()) and dialog.saved


class PasswordDialog(FormDialog):
    """An administrator sets a new password (this also lifts a lock-out)."""

    def __init__(self, ctx: ScreenContext, user: UserRow, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.user = user
        self.saved = False
        self.body.insertWidget(0, mark_data(heading(user.display_name)))
        self.password, self.password_again = _password_pair()
        self.add_row(N_("New password"), self.password)
        self.add_row(N_("Password again"), self.password_again)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Reset password"))
        self.save_button.setText(_("Set password"))

    def save(self) -> bool:
        if not _passwords_match(self):
            return False
        user_id, password = self.user.id, self.password.text()
        outcome = self.ctx.run(
            self, lambda s, actor: users.change_password(s, actor, user_id=user_id,
                                                         new_password=password),
            changed={"users"}, on_user_error=self.show_problems,
            message=_("The password of {name} was changed.").format(name=self.user.username))
        self.saved = bool(outcome)
        return self.saved

    @classmethod
    def ask(cls, parent, ctx: ScreenContext, user: UserRow) -> bool:  # noqa: ANN001
        dialog = cls(ctx, user, parent)
        return bool(dialog.exec()) and dialog.saved


class MemberLinkDialog(FormDialog):
    """Record that a user is also a member of the group in view (a leader who saves in
    the group), so she can never approve her own loan or welfare claim."""

    def __init__(self, ctx: ScreenContext, user: UserRow, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.user = user
        self.saved = False
        self.who = mark_data(heading(user.display_name))
        self.body.insertWidget(0, self.who)
        self.member = mark_data(QComboBox())
        gid = ctx.group_id
        rows = run_query(ctx, self, lambda s, actor: members.list_members(
            s, actor, gid, include_inactive=False), []) if gid is not None else []
        for row in rows:
            self.member.addItem(f"{row.number}. {row.display_name}", row.id)
        self.add_row(N_("Member"), self.member)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("This user is a member"))
        self.save_button.setText(_("Save"))

    def save(self) -> bool:
        member_id = self.member.currentData()
        if member_id is None:
            self.show_problems(UserError(N_("Choose the member.")))
            return False
        user_id = self.user.id
        outcome = self.ctx.run(
            self, lambda s, actor: users.link_member(s, actor, user_id=user_id,
                                                     member_id=member_id),
            changed={"users"}, on_user_error=self.show_problems,
            message=_("{name} is now known as a member: she or he cannot approve "
                      "their own loan or claim.").format(name=self.user.display_name))
        self.saved = bool(outcome)
        return self.saved

    @classmethod
    def ask(cls, parent, ctx: ScreenContext, user: UserRow) -> bool:  # noqa: ANN001
        dialog = cls(ctx, user, parent)
        return bool(dialog.exec()) and dialog.saved


class UsersScreen(Screen):
    topics = ("users", "groups")

    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        self.group_names: dict[int, str] = {}
        layout = QVBoxLayout(self)
        self.title = heading()
        layout.addWidget(self.title)
        self.model = RowTableModel([
            Column(N_("User name"), lambda u: u.username),
            Column(N_("Name"), lambda u: u.display_name),
            Column(N_("Account"), self._state),
            Column(N_("Roles"), lambda u: "; ".join(role_text(g, self.group_names)
                                                    for g in u.roles), tip=True),
            Column(N_("Is member"), lambda u: ", ".join(u.members), tip=True),
        ], self)
        self.table = TableView(self.model)
        # A user's roles in every group make a long line: it takes the spare width (whole
        # in its tooltip) so the table needs no sideways scroll bar.
        self.table.stretch_column(3)
        layout.addWidget(self.table, 1)
        self.role_choice = QComboBox()
        # As wide as its longest role ("Administrator in all groups"), never cut; the row
        # wraps instead of widening the window.
        self.role_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        buttons = FlowLayout()
        self.add_button = QPushButton()
        self.add_button.setObjectName("primaryButton")
        self.grant_button = QPushButton()
        self.revoke_button = QPushButton()
        self.password_button = QPushButton()
        self.active_button = QPushButton()
        self.member_button = QPushButton()
        for button in (self.add_button, self.grant_button, self.revoke_button,
                       self.role_choice, self.member_button, self.password_button,
                       self.active_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add_user)
        self.grant_button.clicked.connect(self.grant_role)
        self.revoke_button.clicked.connect(self.revoke_role)
        self.password_button.clicked.connect(self.reset_password)
        self.active_button.clicked.connect(self.toggle_active)
        self.member_button.clicked.connect(self.link_member)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.retranslate()

    def _state(self, user: UserRow) -> str:
        if not user.is_active:
            return _("Switched off")
        if user.locked_until is not None and user.locked_until > clock.now():
            return _("Locked (too many wrong passwords)")
        return _("Can log in")

    def refresh(self) -> None:
        self.group_names = {g.id: g.name for g in run_query(
            self.ctx, self, groups.visible_groups, [])}
        selected = self.table.selected_row()
        rows = run_query(self.ctx, self, users.list_users, [])
        self.model.set_rows(rows)
        ids = [u.id for u in rows]
        if selected is not None and selected.id in ids:
            self.table.selectRow(ids.index(selected.id))
        else:
            self.table.select_first()
        self._selection_changed()

    def _selection_changed(self, *_args: object) -> None:
        user = self.table.selected_row()
        self.role_choice.clear()
        for grant in (user.roles if user else ()):
            self.role_choice.addItem(role_text(grant, self.group_names), grant)
        for button in (self.grant_button, self.password_button, self.active_button):
            button.setEnabled(user is not None)
        self.member_button.setEnabled(user is not None and self.ctx.group_id is not None)
        self.revoke_button.setEnabled(bool(user and user.roles))
        self.role_choice.setEnabled(bool(user and user.roles))
        self._retranslate_active_button()

    def _retranslate_active_button(self) -> None:
        user = self.table.selected_row()
        self.active_button.setText(_("Switch on") if user is not None and not user.is_active
                                   else _("Switch off"))

    def add_user(self) -> None:
        NewUserDialog.ask(self, self.ctx)

    def grant_role(self) -> None:
        user = self.table.selected_row()
        if user is not None:
            RoleDialog.ask(self, self.ctx, user, self.group_names)

    def revoke_role(self) -> None:
        user = self.table.selected_row()
        grant = self.role_choice.currentData()
        if user is None or grant is None:
            return
        gid, role = grant
        text = _("Take away this role from {name}: {role}?").format(
            name=user.display_name, role=role_text(grant, self.group_names))
        if errors.confirm(self, text, confirm_text=_("Take role away"), danger=True):
            self.ctx.run(self, lambda s, actor: users.revoke_role(
                s, actor, user_id=user.id, role=role, group_id=gid), changed={"users"},
                message=_("The role was taken away."))

    def link_member(self) -> None:
        user = self.table.selected_row()
        if user is not None:
            MemberLinkDialog.ask(self, self.ctx, user)

    def reset_password(self) -> None:
        user = self.table.selected_row()
        if user is not None:
            PasswordDialog.ask(self, self.ctx, user)

    def toggle_active(self) -> None:
        user = self.table.selected_row()
        if user is None:
            return
        active = not user.is_active
        if not active and not errors.confirm(
                self, _("Switch off the account of {name}? They can no longer log in.").format(
                    name=user.display_name), confirm_text=_("Switch off"), danger=True):
            return
        self.ctx.run(self, lambda s, actor: users.set_active(s, actor, user_id=user.id,
                                                             active=active),
                     changed={"users"},
                     message=(_("{name} can log in again.") if active else
                              _("{name} can no longer log in.")).format(name=user.username))

    def retranslate(self) -> None:
        self.title.setText(_("Users"))
        self.add_button.setText(_("Add user"))
        self.grant_button.setText(_("Give a role…"))
        self.revoke_button.setText(_("Take role away:"))
        self.password_button.setText(_("Reset password…"))
        self.member_button.setText(_("Is a member…"))
        self._retranslate_active_button()
        self.model.retranslate()
        self._selection_changed()


SECTION = Section("users", title=N_("Users"), order=85, factory=UsersScreen,
                  permission=Permission.MANAGE_USERS, all_groups=True)
