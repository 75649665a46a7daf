"""The auditor's workbook as frozen rows, sheet by sheet (``AuditorData`` holds them all),
and the hook a capability fills to add a column to the members sheet (``MEMBER_COLUMNS``:
the NSSF pots register a ``MemberColumn`` whose ``values(session, group_id, start, end)``
gives a figure per member and ``ledger_total`` the ledger's figure for the check cell)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from models.core.ledger import TrialBalanceRow
from models.loans import arrears


@dataclass(frozen=True)
class MemberColumn:
    """An extra column of the members sheet (the hook the NSSF capability fills)."""

    key: str
    title: str  # N_() text
    values: Callable[[Session, int, dt.date, dt.date], dict[int, int]]
    ledger_total: Callable[[Session, int, dt.date, dt.date], int]


MEMBER_COLUMNS: list[MemberColumn] = []


def register_member_column(column: MemberColumn) -> MemberColumn:
    MEMBER_COLUMNS[:] = [c for c in MEMBER_COLUMNS if c.key != column.key] + [column]
    return column


@dataclass(frozen=True)
class Cover:
    group_id: int
    group_name: str
    group_latin: str | None
    village: str | None
    district: str | None
    currency: str
    start: dt.date
    end: dt.date
    exported_by: str
    exported_at: dt.datetime
    seal: str | None          # the chain head (the seal is its first digits, models.core.seal)
    total_entries: int        # the whole chain
    period_entries: int
    problems: tuple[tuple[str, dict], ...]  # verify at export time: (message id, params)
    is_demo: bool


@dataclass(frozen=True)
class AccountLine:
    code: str
    name: str  # N_() text of the standard chart, or the group's own name
    kind: str
    fund: str | None
    amount: int  # in the account's normal direction


@dataclass(frozen=True)
class FundPosition:
    """One fund's balance sheet at the period end and income statement for the period."""

    fund: str | None
    assets: tuple[AccountLine, ...]
    cash_share: int           # cash and bank held for this fund (its worth less its own assets)
    liabilities: tuple[AccountLine, ...]
    equity: tuple[AccountLine, ...]
    unclosed_result: int      # income less expenses to the period end, not yet closed
    worth: int                # ledger.fund_balance at the period end
    income: tuple[AccountLine, ...]
    expenses: tuple[AccountLine, ...]
    result: int               # the period's income less expenses, by a separate query


@dataclass(frozen=True)
class CashRow:
    value_date: dt.date
    seq: int | None
    kind: str               # entry kind, or "count" for a cash count
    memo: str
    cash: int               # signed movement of the box
    bank: int
    cash_balance: int
    bank_balance: int
    counted: int | None = None
    difference: int | None = None


@dataclass(frozen=True)
class JournalRow:
    seq: int
    value_date: dt.date
    recorded_at: dt.datetime
    user: str
    kind: str
    memo: str
    reverses_seq: int | None
    reversed_by_seq: int | None
    hash: str
    line_no: int
    account_code: str
    account_name: str
    member: str
    loan_number: int | None
    amount: int  # signed: debit positive


@dataclass(frozen=True)
class MemberLine:
    number: int
    name: str
    name_latin: str | None
    status: str
    joined_on: dt.date
    opening_savings: int
    closing_savings: int
    loans: int
    fines_owed: int
    welfare_contributions: int
    extra: tuple[int, ...]


@dataclass(frozen=True)
class LoanLine:
    number: int
    member_number: int
    member_name: str
    amount: int
    annual_rate_bp: int
    installments: int
    method: str
    disbursed_on: dt.date | None
    principal_paid: int
    interest_paid: int
    outstanding: int
    overdue: int
    penalties: int
    days_overdue: int
    bucket: str | None  # N_() label of the aging bucket


@dataclass(frozen=True)
class ClaimLine:
    number: int
    member_number: int
    member_name: str
    type_name: str
    event_date: dt.date
    claim_date: dt.date
    beneficiary: str
    amount_asked: int
    status: str
    rules: tuple[tuple[str, bool, str, dict], ...]  # (rule label id, passed, message, params)
    approvers: tuple[str, ...]
    rejected_by: str | None
    granted: int
    owed: int


@dataclass(frozen=True)
class MeetingLine:
    meeting_date: dt.date
    status: str
    attendance: tuple[int, ...]  # per meetings' ATTENDANCE status
    amounts: tuple[int, ...]     # per column of AuditorData.meeting_columns


@dataclass(frozen=True)
class ShareOutLine:
    share_out_date: dt.date
    cycle: int
    member_number: int
    member_name: str
    savings: int
    shares: int
    payout: int
    debts_netted: int
    reinvested: int
    cash_paid: int
    debt_left: int
    # V = D / total shares of a value-per-share share-out (minor units; None otherwise):
    # ``shareout_preview.value_per_share``, as the wizard and the printed statement show it.
    value_per_share: Decimal | None = None
    # Her other funds at the share-out (the NSSF pot): paid out to her with her share, and
    # put into them from her payout (``member_funds.recorded_share_out``).
    funds_paid_out: int = 0
    funds_topped_up: int = 0

    @property
    def cash_in_hand(self) -> int:
        """All the cash she was handed: her share's cash and her funds paid out, less what
        she put into them."""
        return self.cash_paid + self.funds_paid_out - self.funds_topped_up


@dataclass(frozen=True)
class AuditLine:
    at: dt.datetime
    username: str
    action: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class AuditorData:
    cover: Cover
    trial_balance: tuple[TrialBalanceRow, ...]
    funds: tuple[FundPosition, ...]
    cash_opening: int
    bank_opening: int
    cash_closing: int      # the ledger's balances at the period end
    bank_closing: int
    cash_rows: Callable[[], Iterator[CashRow]]
    journal_rows: Callable[[], Iterator[JournalRow]]
    journal_lines: int
    journal_debits: int    # the ledger's sum of the period's debits
    members: tuple[MemberLine, ...]
    member_columns: tuple[str, ...]                 # N_() titles of the extra columns
    member_ledger: dict[str, int] = field(default_factory=dict)  # column key -> ledger figure
    loans: tuple[LoanLine, ...] = ()
    risk: arrears.PortfolioRisk | None = None
    loans_ledger: int = 0
    claims: tuple[ClaimLine, ...] = ()
    claims_ledger: int = 0
    meeting_columns: tuple[str, ...] = ()           # N_() labels
    meetings: tuple[MeetingLine, ...] = ()
    share_outs: tuple[ShareOutLine, ...] = ()
    audit: tuple[AuditLine, ...] = ()
    member_column_keys: tuple[str, ...] = ()        # the extra columns' keys (member_ledger's)
