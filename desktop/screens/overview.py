"""Overview: what the group has, fund by fund, the ledger seal and the trial balance."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout

from desktop.actions import run_query
from desktop.screens import Section
from desktop.widgets import Column, RowTableModel, Screen, TableView, heading, mark_data
from models import chart, groups, ledger, members
from models.seal import format_seal
from models.i18n import N_, _
from models.ledger import TrialBalanceRow
from models.permissions import Permission

@dataclass(frozen=True)
class Overview:
    group_name: str
    village: str
    loan_fund: int
    welfare_fund: int
    nssf_pots: int
    cash: int
    bank: int
    active_members: int
    entry_count: int
    seal: str
    trial_balance: tuple[TrialBalanceRow, ...]  # accounts that hold something


def read_overview(session, actor, group_id: int) -> Overview:  # noqa: ANN001
    rows = members.list_members(session, actor, group_id, include_inactive=False)
    group = groups.get_group(session, group_id)
    return Overview(
        group_name=group.name, village=group.village or "",
        loan_fund=ledger.fund_balance(session, group_id, chart.LOAN_FUND),
        welfare_fund=ledger.fund_balance(session, group_id, chart.WELFARE_FUND),
        nssf_pots=ledger.fund_balance(session, group_id, chart.NSSF_FUND),
        cash=ledger.balance(session, group_id, "cash"),
        bank=ledger.balance(session, group_id, "bank"),
        active_members=len(rows), entry_count=group.entry_count,
        seal=format_seal(group.head_hash),
        trial_balance=tuple(r for r in ledger.trial_balance(session, group_id)
                            if r.debit or r.credit))


CARDS = (
    ("loan_fund", N_("Loan fund")),
    ("welfare_fund", N_("Welfare fund")),
    ("nssf_pots", N_("NSSF pots")),
    ("cash", N_("Cash box")),
    ("bank", N_("Bank account")),
    ("active_members", N_("Members")),
)


class OverviewScreen(Screen):
    topics = ("journal", "members", "groups")

    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        self.title = mark_data(heading())
        self.village = mark_data(QLabel())
        layout.addWidget(self.title)
        layout.addWidget(self.village)
        grid = QGridLayout()
        grid.setSpacing(12)
        self.card_titles: dict[str, QLabel] = {}
        self.card_values: dict[str, QLabel] = {}
        for index, (key, _title) in enumerate(CARDS):
            card = QFrame()
            card.setObjectName("card")
            box = QVBoxLayout(card)
            caption = QLabel()
            caption.setObjectName("cardTitle")
            value = mark_data(QLabel())
            value.setObjectName("cardValue")
            box.addWidget(caption)
            box.addWidget(value)
            self.card_titles[key], self.card_values[key] = caption, value
            grid.addWidget(card, index // 3, index % 3)
        layout.addLayout(grid)
        seal_row = QHBoxLayout()
        self.seal_caption = QLabel()
        self.seal_value = mark_data(QLabel())
        self.seal_value.setObjectName("seal")
        self.entries_caption = QLabel()
        self.entries_value = mark_data(QLabel())
        for widget in (self.seal_caption, self.seal_value, self.entries_caption,
                       self.entries_value):
            seal_row.addWidget(widget)
        seal_row.addStretch(1)
        layout.addLayout(seal_row)
        self.tb_title = QLabel()
        self.tb_title.setObjectName("subheading")
        layout.addWidget(self.tb_title)
        self.model = RowTableModel([
            Column(N_("Code"), lambda r: r.code),
            Column(N_("Account"), lambda r: _(r.name)),
            Column(N_("Fund"), lambda r: _(chart.FUND_NAMES[r.fund]) if r.fund else ""),
            Column(N_("Debit"), lambda r: self.money(r.debit) if r.debit else "", right=True),
            Column(N_("Credit"), lambda r: self.money(r.credit) if r.credit else "",
                   right=True),
        ], self)
        self.table = TableView(self.model)
        self.table.stretch_column(1)  # the account's name takes the spare width
        layout.addWidget(self.table, 1)
        totals = QHBoxLayout()
        totals.addStretch(1)
        self.total_caption = QLabel()
        self.total_value = mark_data(QLabel())
        totals.addWidget(self.total_caption)
        totals.addWidget(self.total_value)
        layout.addLayout(totals)
        self.data: Overview | None = None
        self.retranslate()

    def refresh(self) -> None:
        gid = self.ctx.group_id
        if gid is None:
            return
        self.data = run_query(self.ctx, self, lambda s, a: read_overview(s, a, gid), None)
        if self.data is None:
            return
        d = self.data
        self.title.setText(d.group_name)
        self.village.setText(d.village)
        for key, _title in CARDS:
            value = getattr(d, key)
            self.card_values[key].setText(str(value) if key == "active_members"
                                          else self.money(value))
        self.seal_value.setText(d.seal or "—")
        self.entries_value.setText(str(d.entry_count))
        self.model.set_rows(d.trial_balance)
        debit = sum(r.debit for r in d.trial_balance)
        credit = sum(r.credit for r in d.trial_balance)
        self.total_value.setText(f"{self.money(debit)}  /  {self.money(credit)}")

    def retranslate(self) -> None:
        for key, title in CARDS:
            self.card_titles[key].setText(_(title))
        self.seal_caption.setText(_("Ledger seal:"))
        self.seal_caption.setToolTip(_("The fingerprint of the newest entry. If anything "
                                       "before it were changed, the seal would not match."))
        self.entries_caption.setText(_("Entries:"))
        self.tb_title.setText(_("Trial balance"))
        self.total_caption.setText(_("Total debits / credits:"))
        self.model.retranslate()


SECTION = Section("overview", title=N_("Overview"), order=10, factory=OverviewScreen,
                  permission=Permission.READ)
