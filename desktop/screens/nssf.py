"""NSSF: members' social-security contributions paid through the group. Who is enrolled and
what her pot holds; the monthly run (each member's due, from her pot or, when it is short,
by the group's policy); the batches sent to the LSSO (draft → exported → confirmed); who is
covered through which month, over time, and the next twelve months planned."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.nssf_dialogs import NSSF_TOPICS
from desktop.nssf_warnings import GraceWarning
from desktop.permission_tips import allow
from desktop.screens import Section
from desktop.screens.nssf_coverage import CoveragePanel
from desktop.screens.nssf_members import MembersPanel
from desktop.screens.nssf_run import BatchesPanel, RunPanel
from desktop.screens.nssf_settings import SettingsPanel
from desktop.widgets import Screen, heading, mark_data
from models.core import clock
from models.core.i18n import N_, _
from models.core.permissions import Permission
from models.nssf import enrolment as enrolments
from models.nssf import pot
from models.nssf import scheme as scheme_mod


@dataclass(frozen=True)
class Header:
    pooling: bool
    scheme: scheme_mod.Scheme
    enrolled: int
    covered: int
    in_grace: int
    lapsed: int
    pots: int
    advances: int
    subsidy: int


def read_header(session, actor, group_id: int) -> Header:  # noqa: ANN001
    from models.core import ledger

    today = clock.today()
    rows = enrolments.enrolments(session, actor, group_id)
    count = lambda status: sum(1 for r in rows if r.status == status)  # noqa: E731
    return Header(
        scheme_mod.uses_pooling(session, group_id, today),
        scheme_mod.scheme(session, group_id, today),
        count(enrolments.ACTIVE) + count(enrolments.IN_GRACE), count(enrolments.ACTIVE),
        count(enrolments.IN_GRACE), count(enrolments.LAPSED),
        ledger.balance(session, group_id, "nssf_pot"),
        ledger.balance(session, group_id, "nssf_advances"),
        pot.subsidy_balance(session, group_id))


class NssfScreen(Screen):
    topics = tuple(NSSF_TOPICS) + ("settings", "meetings")

    def __init__(self, ctx: ScreenContext, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        self.title = heading()
        layout.addWidget(self.title)
        self.summary = mark_data(QLabel())
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.provisional = QLabel()
        self.provisional.setObjectName("warning")
        self.provisional.setWordWrap(True)
        layout.addWidget(self.provisional)
        self.warning = GraceWarning(ctx)
        layout.addWidget(self.warning)
        off = QHBoxLayout()
        self.off_note = QLabel()
        self.off_note.setObjectName("notice")
        self.off_note.setWordWrap(True)
        self.turn_on = QPushButton()
        self.turn_on.setObjectName("primaryButton")
        self.turn_on.clicked.connect(self.start_pooling)
        off.addWidget(self.off_note, 1)
        off.addWidget(self.turn_on)
        layout.addLayout(off)
        self.tabs = QTabWidget()
        self.members = MembersPanel(ctx)
        self.run = RunPanel(ctx)
        self.batches = BatchesPanel(ctx)
        self.coverage = CoveragePanel(ctx)
        self.settings = SettingsPanel(ctx)
        for panel in self.panels():
            self.tabs.addTab(panel, "")
        layout.addWidget(self.tabs, 1)
        self.run.batch_made.connect(self.show_batch)
        self.tabs.currentChanged.connect(lambda _index: self._refresh_tab())
        self.header: Header | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("NSSF: social security through the group"))
        for index, title in enumerate((N_("Members and pots"), N_("Monthly run"),
                                       N_("Batches to the LSSO"), N_("Coverage"),
                                       N_("Rules and levels"))):
            self.tabs.setTabText(index, _(title))
        self.off_note.setText(_("This group does not pool its members' NSSF contributions. "
                                "When it does, each member saves into her own NSSF pot and "
                                "the group pays the LSSO every month."))
        self.turn_on.setText(_("Start NSSF pooling"))
        for panel in self.panels():
            panel.retranslate()
        self.warning.retranslate()
        self._show_header()

    def panels(self) -> tuple[QWidget, ...]:
        return (self.members, self.run, self.batches, self.coverage, self.settings)

    def refresh(self) -> None:
        gid = self.ctx.group_id
        if gid is None:
            self.header = None
            self._show_header()
            return
        self.header = run_query(self.ctx, self, lambda s, a: read_header(s, a, gid), None)
        self.warning.refresh()
        self._show_header()
        self._refresh_tab()

    def _refresh_tab(self) -> None:
        if self.ctx.group_id is not None and self.header is not None:
            self.tabs.currentWidget().refresh()

    def _show_header(self) -> None:
        h = self.header
        pooling = bool(h and h.pooling)
        self.tabs.setVisible(pooling or bool(h and h.enrolled))
        self.off_note.setVisible(h is not None and not pooling)
        self.turn_on.setVisible(h is not None and not pooling)
        if h is not None and not pooling:
            allow(self.turn_on, self.ctx, Permission.CHANGE_SETTINGS)
        self.provisional.setVisible(bool(h and pooling and h.scheme.provisional))
        self.summary.setVisible(h is not None and pooling)
        if h is None:
            return
        self.provisional.setText(_("Provisional level table: the program's own, not yet the "
                                   "LSSO's official one. Check the amounts with the LSSO."))
        money = self.ctx.money
        self.summary.setText(_(
            "Enrolled {enrolled}: covered {covered}, in grace {grace} · lapsed {lapsed} · "
            "pots {pots} · advances owed {advances} · subsidy fund {subsidy}").format(
            enrolled=h.enrolled, covered=h.covered, grace=h.in_grace, lapsed=h.lapsed,
            pots=money(h.pots), advances=money(h.advances), subsidy=money(h.subsidy)))

    def show_batch(self, batch_id: int) -> None:
        self.tabs.setCurrentWidget(self.batches)
        self.batches.select_batch(batch_id)

    def start_pooling(self) -> None:
        gid, today = self.ctx.group_id, clock.today()
        self.ctx.run(self, lambda s, actor: scheme_mod.set_scheme_settings(
            s, actor, group_id=gid, effective_from=today, values={"nssf_pooling": True}),
            changed={"nssf", "settings"},
            message=_("NSSF pooling is on: enrol members on the first tab."))


SECTION = Section("nssf", title=N_("NSSF"), order=55, factory=NssfScreen,
                  permission=Permission.READ)
