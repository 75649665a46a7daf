"""The repayment schedule as people read it: one line per installment with its part of the
loan fee, what to pay and the principal left after it. The calculator screen, the printed
schedule (a loan's, or the calculator's before she borrows) and ``kongthun
loan-schedule`` all read these rows; the PDF only lays them out."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import clock
from models.core.errors import UserError
from models.core.groups import group_currency
from models.core.i18n import N_
from models.core.money import Currency
from models.core.permissions import Permission, require
from models.core.schema import Group, Member, User
from models.loans.common import loan_by_id, method_key, rate_bp, rate_of
from models.loans.policy import FEE_AT_PAYOUT, FEE_WITH_INSTALLMENTS
from models.loans.queries import preview_fee, preview_schedule
from models.loans.schedule import Installment
from models.loans.schema import LoanInstallment
from models.loans.state import current_version, version_on


@dataclass(frozen=True)
class ScheduleLine:
    """One installment: ``fee`` is its part of the loan fee (0 when the fee is kept from
    the payout); ``balance`` the principal still owed once it is paid. Installment 0, on
    a rescheduled loan, is what the earlier schedule left owing."""

    n: int
    due_date: dt.date
    principal: int
    interest: int
    fee: int
    balance: int

    @property
    def total(self) -> int:
        """What to pay on the due date."""
        return self.principal + self.interest + self.fee


@dataclass(frozen=True)
class ScheduleSheet:
    """A schedule to show or print. ``member_name`` and ``loan_number`` are empty for a
    calculator preview; ``fee`` is the loan fee, ``fee_timing`` whether it is kept from
    the money paid out or paid with the installments."""

    group_name: str
    currency: Currency
    is_demo: bool
    amount: int
    annual_rate: Decimal
    method: str  # a key of LOAN_METHOD_NAMES
    disbursed: dt.date
    lines: tuple[ScheduleLine, ...]
    printed_at: dt.datetime
    printed_by: str
    member_name: str = ""
    loan_number: int | None = None
    purpose: str = ""
    fee: int = 0
    fee_timing: str = FEE_AT_PAYOUT

    @property
    def total_interest(self) -> int:
        return sum(line.interest for line in self.lines)

    @property
    def fees_in_installments(self) -> int:
        return sum(line.fee for line in self.lines)

    @property
    def total_to_repay(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def fee_at_payout(self) -> int:
        """The fee kept from the money paid out (0 when it is paid with the installments)."""
        return self.fee if self.fee_timing == FEE_AT_PAYOUT else 0


def schedule_lines(schedule: Sequence[Installment],
                   fees: Sequence[int] = ()) -> tuple[ScheduleLine, ...]:
    """The lines of a schedule ``build_schedule`` made, with each installment's part of
    the fee (none when ``fees`` is empty)."""
    parts = list(fees) or [0] * len(schedule)
    return tuple(ScheduleLine(i.n, i.due_date, i.principal, i.interest, fee, i.balance)
                 for i, fee in zip(schedule, parts, strict=True))


def preview_sheet(session: Session, actor: User, *, group_id: int, amount: int,
                  annual_rate: Decimal | int | str, installments: int, method: str,
                  frequency: str = "monthly", disbursed: dt.date | None = None,
                  first_due: dt.date | None = None) -> ScheduleSheet:
    """The calculator: the schedule and fee a loan would get under the group's policy."""
    disbursed = disbursed or clock.today()
    schedule = preview_schedule(session, actor, group_id=group_id, amount=amount,
                                annual_rate=annual_rate, installments=installments,
                                method=method, frequency=frequency, disbursed=disbursed,
                                first_due=first_due)
    fee = preview_fee(session, actor, group_id=group_id, amount=amount,
                      installments=len(schedule), on=disbursed)
    group = session.get(Group, group_id)
    return ScheduleSheet(group.name, group_currency(session, group_id), group.is_demo, amount,
                         rate_of(rate_bp(annual_rate)), method, disbursed,
                         schedule_lines(schedule, fee.parts), clock.now(),
                         actor.display_name, fee=fee.amount, fee_timing=fee.timing)


def loan_schedule_sheet(session: Session, actor: User, *, loan_id: int,
                        on: dt.date | None = None) -> ScheduleSheet:
    """A paid-out loan's schedule in force on ``on`` (default today), as given to the
    member. The fee kept from the payout shows on the first schedule only."""
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.READ, loan.group_id)
    terms = version_on(session, loan.id, on or clock.today()) or current_version(session,
                                                                                 loan.id)
    if terms is None:
        raise UserError(N_("Loan {number} is not paid out yet, so it has no schedule."),
                        number=loan.number)
    rows = session.scalars(select(LoanInstallment).where(
        LoanInstallment.loan_id == loan.id, LoanInstallment.version == terms.version)
        .order_by(LoanInstallment.n)).all()
    left = sum(r.principal for r in rows)
    lines = []
    for r in rows:
        left -= r.principal
        lines.append(ScheduleLine(r.n, r.due_date, r.principal, r.interest, r.fee, left))
    kept = loan.fee if loan.fee_timing == FEE_AT_PAYOUT and terms.version == 1 else 0
    group = session.get(Group, loan.group_id)
    member = session.get(Member, loan.member_id)
    return ScheduleSheet(
        group.name, group_currency(session, group.id), group.is_demo,
        sum(r.principal for r in rows), rate_of(loan.annual_rate_bp), method_key(loan),
        loan.disbursed_on, tuple(lines), clock.now(), actor.display_name,
        member_name=member.name_lao, loan_number=loan.number, purpose=loan.purpose,
        fee=kept or sum(r.fee for r in rows),
        fee_timing=FEE_AT_PAYOUT if kept else FEE_WITH_INSTALLMENTS)
