"""What the loan queries and services return: frozen rows, and the few reads that build
them. ``loan_rows`` reads any number of loans with their members and guarantors in two
statements."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from models.core.i18n import gettext
from models.core.schema import JournalEntry, Member, User
from models.loans import texts
from models.loans.common import method_key, rate_of
from models.loans.policy import FEE_AT_PAYOUT
from models.loans.schema import Loan, LoanGuarantor, LoanRepayment, LoanRequest
from models.loans.statuses import EVENT_ENTRY_KINDS, EVENT_NAMES, STATUS_NAMES


@dataclass(frozen=True)
class LoanRow:
    id: int
    group_id: int
    number: int
    member_id: int
    member_name: str
    amount: int
    purpose: str
    annual_rate: Decimal
    installments: int
    frequency: str
    method: str  # a key of LOAN_METHODS
    status: str
    applied_on: dt.date
    disbursed_on: dt.date | None
    closed_on: dt.date | None
    principal_outstanding: int
    guarantor_ids: tuple[int, ...]
    guarantor_names: tuple[str, ...]
    decision_note: str | None
    fee: int = 0
    fee_timing: str = FEE_AT_PAYOUT

    @property
    def status_name(self) -> str:
        return gettext(STATUS_NAMES[self.status])

    @property
    def fee_at_payout(self) -> int:
        """The fee kept from the money paid out (0 when it is paid with the installments)."""
        return self.fee if self.fee_timing == FEE_AT_PAYOUT else 0

    @property
    def paid_out(self) -> int:
        """What the member receives."""
        return self.amount - self.fee_at_payout


@dataclass(frozen=True)
class InstallmentRow:
    version: int
    n: int
    due_date: dt.date
    principal: int
    interest: int
    penalty: int
    paid_principal: int
    paid_interest: int
    paid_penalty: int
    status: str
    fee: int = 0
    paid_fee: int = 0

    @property
    def total(self) -> int:
        return self.principal + self.interest + self.penalty + self.fee

    @property
    def paid(self) -> int:
        return self.paid_principal + self.paid_interest + self.paid_penalty + self.paid_fee

    @property
    def left(self) -> int:
        return self.total - self.paid


@dataclass(frozen=True)
class RepaymentRow:
    id: int
    loan_id: int
    paid_on: dt.date
    amount: int
    paid_from: str
    penalty: int
    interest: int
    principal: int
    status: str  # posted reversed
    meeting_id: int | None
    entry_seq: int | None
    reversal_reason: str | None
    fee: int = 0


@dataclass(frozen=True)
class EventRow:
    on: dt.date
    at: dt.datetime
    user: str
    kind: str
    amount: int | None
    note: str

    @property
    def name(self) -> str:
        """What happened, translated; an event that is a journal entry of its own kind
        shows that kind's one name, as the journal does."""
        if self.kind in EVENT_ENTRY_KINDS:
            return gettext(texts.KIND_NAMES[EVENT_ENTRY_KINDS[self.kind]])
        return gettext(EVENT_NAMES.get(self.kind, self.kind))


@dataclass(frozen=True)
class RequestRow:
    id: int
    loan_id: int
    loan_number: int
    member_name: str
    kind: str
    effective_on: dt.date
    reason: str
    installments: int | None
    annual_rate: Decimal | None
    first_due: dt.date | None
    status: str
    requested_by: str
    decided_by: str | None
    decision_note: str | None


@dataclass(frozen=True)
class PayoffRow:
    loan_id: int
    on: dt.date
    penalty: int
    interest: int
    principal: int
    fee: int = 0

    @property
    def total(self) -> int:
        return self.penalty + self.fee + self.interest + self.principal


@dataclass(frozen=True)
class LoanDetail:
    loan: LoanRow
    version: int
    installments: tuple[InstallmentRow, ...]
    repayments: tuple[RepaymentRow, ...]
    events: tuple[EventRow, ...]
    requests: tuple[RequestRow, ...]
    payoff: PayoffRow | None
    days_overdue: int
    due_now: int


def loan_row(session: Session, loan: Loan) -> LoanRow:
    return loan_rows(session, select(Loan).where(Loan.id == loan.id))[0]


def loan_rows(session: Session, query: Select) -> list[LoanRow]:
    """The rows of the loans ``query`` selects (``select(Loan)`` with any filter and order),
    with their borrowers and guarantors: two statements however many loans."""
    loans = session.scalars(query).all()
    scope = query.with_only_columns(Loan.id).order_by(None)
    names = dict(session.execute(select(Member.id, Member.name_lao).where(
        Member.id.in_(scope.with_only_columns(Loan.member_id)))).all()) \
        if loans else {}
    guarantors: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if loans:
        for loan_id, member_id, name in session.execute(
                select(LoanGuarantor.loan_id, Member.id, Member.name_lao)
                .join(Member, Member.id == LoanGuarantor.member_id)
                .where(LoanGuarantor.loan_id.in_(scope)).order_by(Member.number)):
            guarantors[loan_id].append((member_id, name))
    return [LoanRow(loan.id, loan.group_id, loan.number, loan.member_id, names[loan.member_id],
                    loan.amount, loan.purpose, rate_of(loan.annual_rate_bp), loan.installments,
                    loan.frequency, method_key(loan), loan.status, loan.applied_on,
                    loan.disbursed_on, loan.closed_on, loan.principal_outstanding,
                    tuple(g[0] for g in guarantors[loan.id]),
                    tuple(g[1] for g in guarantors[loan.id]), loan.decision_note, loan.fee,
                    loan.fee_timing) for loan in loans]


def repayment_row(session: Session, row: LoanRepayment) -> RepaymentRow:
    seq = session.scalar(select(JournalEntry.seq).where(JournalEntry.id == row.entry_id)) \
        if row.entry_id else None
    return RepaymentRow(row.id, row.loan_id, row.paid_on, row.amount, row.paid_from,
                        row.penalty, row.interest, row.principal, row.status, row.meeting_id,
                        seq, row.reversal_reason, row.fee)


def request_row(session: Session, r: LoanRequest) -> RequestRow:
    loan = session.get(Loan, r.loan_id)
    member = session.get(Member, loan.member_id)
    asked = session.get(User, r.requested_by)
    decided = session.get(User, r.decided_by) if r.decided_by else None
    return RequestRow(r.id, r.loan_id, loan.number, member.name_lao, r.kind, r.effective_on,
                      r.reason, r.installments,
                      rate_of(r.annual_rate_bp) if r.annual_rate_bp is not None else None,
                      r.first_due, r.status, asked.username,
                      decided.username if decided else None, r.decision_note)
