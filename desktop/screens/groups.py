"""Groups (administrators): the list, add a group, edit its details."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout

from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.permission_tips import allow
from desktop.screens import Section
from desktop.widgets.fields import ChoiceBox
from desktop.widgets.forms import FormDialog
from desktop.widgets.labels import heading, mark_data
from desktop.widgets.screen import Screen
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core import groups
from models.core.errors import UserError
from models.core.groups import GroupRow
from models.core.i18n import N_, _
from models.core.money import CURRENCIES
from models.core.permissions import Permission


def parse_distance(text: str) -> int | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    if not text.isdigit():
        raise UserError(N_("Write the distance as a whole number of kilometres."))
    return int(text)


class GroupDialog(FormDialog):
    """Add a group (``group=None``) or edit one. The currency is chosen once."""

    def __init__(self, ctx: ScreenContext, group: GroupRow | None = None,
                 parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.group = group
        self.saved_id: int | None = None
        self.name = mark_data(QLineEdit())
        self.name_latin = mark_data(QLineEdit())
        self.village = mark_data(QLineEdit())
        self.district = mark_data(QLineEdit())
        self.currency = mark_data(QComboBox())
        for code, cur in CURRENCIES.items():
            self.currency.addItem(f"{code} ({cur.symbol})", code)
        self.frequency = ChoiceBox(groups.FREQUENCY_NAMES, groups.FREQUENCIES)
        self.frequency.choose("monthly")
        self.distance = mark_data(QLineEdit())
        self.add_row(N_("Group name"), self.name)
        self.add_row(N_("Name in Latin letters"), self.name_latin)
        self.add_row(N_("Village"), self.village)
        self.add_row(N_("District"), self.district)
        self.add_row(N_("Currency"), self.currency)
        self.add_row(N_("Meets"), self.frequency)
        self.add_row(N_("Distance to the social security office (km)"), self.distance)
        if group is not None:
            self.name.setText(group.name)
            self.name_latin.setText(group.name_latin or "")
            self.village.setText(group.village or "")
            self.district.setText(group.district or "")
            self.currency.setCurrentIndex(self.currency.findData(group.currency))
            self.currency.setEnabled(False)
            self.frequency.setCurrentIndex(self.frequency.findData(group.meeting_frequency))
            self.distance.setText("" if group.distance_km is None else str(group.distance_km))
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        adding = self.group is None
        self.setWindowTitle(_("Add group") if adding else _("Edit group"))
        self.save_button.setText(_("Add group") if adding else _("Save"))
        self.frequency.retranslate()

    def save(self) -> bool:
        try:
            distance = parse_distance(self.distance.text())
        except UserError as error:
            self.show_problems(error)
            return False
        values = dict(name=self.name.text(), name_latin=self.name_latin.text(),
                      village=self.village.text(), district=self.district.text(),
                      meeting_frequency=self.frequency.currentData(), distance_km=distance)
        if self.group is None:
            cur = self.currency.currentData()
            outcome = self.ctx.run(
                self, lambda s, actor: groups.create_group(s, actor, currency=cur,
                                                           **values).id,
                changed={"groups"}, on_user_error=self.show_problems,
                message=_("The group {name} was added.").format(name=values["name"].strip()))
        else:
            gid = self.group.id
            outcome = self.ctx.run(
                self, lambda s, actor: groups.update_group(s, actor, gid, **values) or gid,
                changed={"groups"}, on_user_error=self.show_problems,
                message=_("The group's details were saved."))
        if outcome:
            self.saved_id = outcome.value
        return bool(outcome)

    @classmethod
    def ask(cls, parent, ctx: ScreenContext, group: GroupRow | None = None) -> int | None:  # noqa: ANN001
        dialog = cls(ctx, group, parent)
        return dialog.saved_id if dialog.exec() else None


class GroupsScreen(Screen):
    topics = ("groups", "members")

    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        self.title = heading()
        layout.addWidget(self.title)
        self.model = RowTableModel([
            # The number the command line's --group takes (export, passbook, bundle).
            Column(N_("No."), lambda g: g.id, right=True),
            Column(N_("Group name"), lambda g: g.name, tip=True),
            Column(N_("Name in Latin letters"), lambda g: g.name_latin or "", tip=True),
            Column(N_("Village"), lambda g: g.village or ""),
            Column(N_("District"), lambda g: g.district or ""),
            Column(N_("Currency"), lambda g: g.currency),
            Column(N_("Meets"), lambda g: _(groups.FREQUENCY_NAMES.get(g.meeting_frequency,
                                                                       g.meeting_frequency))),
            Column(N_("Members"), lambda g: g.active_members, right=True),
            Column(N_("Distance (km)"), lambda g: "" if g.distance_km is None
                   else g.distance_km, right=True),
        ], self)
        self.table = TableView(self.model)
        # The two names give way (whole in their tooltips): every column stays in sight.
        self.table.stretch_column(0, 1)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton()
        self.add_button.setObjectName("primaryButton")
        self.edit_button = QPushButton()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add_group)
        self.edit_button.clicked.connect(self.edit_group)
        self.table.row_activated.connect(self.edit_group)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.retranslate()

    def refresh(self) -> None:
        self.model.set_rows(run_query(self.ctx, self, groups.visible_groups, []))
        ids = [g.id for g in self.model.rows]
        if self.ctx.group_id in ids:
            self.table.selectRow(ids.index(self.ctx.group_id))
        allow(self.add_button, self.ctx, Permission.MANAGE_GROUPS,
              may=self.ctx.can(Permission.MANAGE_GROUPS, None))
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        group = self.table.selected_row()
        allow(self.edit_button, self.ctx, Permission.MANAGE_GROUPS,
              may=group is None or self.ctx.can(Permission.MANAGE_GROUPS, group.id),
              also=group is not None)

    def add_group(self) -> None:
        if self.ctx.can(Permission.MANAGE_GROUPS, None):
            new_id = GroupDialog.ask(self, self.ctx)
            if new_id is not None and self.ctx.group_id is None:
                self.ctx.set_group(new_id)

    def edit_group(self, group: GroupRow | None = None) -> None:
        group = group or self.table.selected_row()
        if group is not None and self.ctx.can(Permission.MANAGE_GROUPS, group.id):
            GroupDialog.ask(self, self.ctx, group)

    def retranslate(self) -> None:
        self.title.setText(_("Groups"))
        self.add_button.setText(_("Add group"))
        self.edit_button.setText(_("Edit"))
        self.model.retranslate()


SECTION = Section("groups", title=N_("Groups"), order=80, factory=GroupsScreen,
                  permission=Permission.MANAGE_GROUPS)
