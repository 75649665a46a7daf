"""What every loan service uses: rates typed as percents, the group's money, finding a
loan, its history and the memo of its entries, and the date checks."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from models.core import clock
from models.core.errors import NotFound, UserError
from models.core.groups import group_currency
from models.core.i18n import N_, _, gettext
from models.core.ledger import fmt_date
from models.core.money import format_money
from models.core.schema import JournalEntry, Member, User
from models.loans.policy import LOAN_METHODS
from models.loans.schema import Loan, LoanEvent


def money_text(session: Session, group_id: int, amount: int) -> str:
    return format_money(amount, group_currency(session, group_id))


def rate_bp(rate: Decimal | int | str) -> int:
    """Percent a year to hundredths of a percent; refuses more than two decimals."""
    try:
        value = Decimal(str(rate).strip())
        # quantize itself fails past 28 digits (1e30): no interest rate is that long
        two_decimals = value.is_finite() and value == value.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise UserError(N_("“{text}” is not an interest rate."), text=str(rate)) from None
    if not two_decimals:
        raise UserError(N_("Give the interest rate with at most two decimals."))
    return int(value * 100)


def rate_of(bp: int) -> Decimal:
    return (Decimal(bp) / 100).normalize() if bp % 100 else Decimal(bp // 100)


def loan_by_id(session: Session, loan_id: int) -> Loan:
    loan = session.get(Loan, loan_id)
    if loan is None:
        raise NotFound(N_("No such loan."))
    return loan


def method_key(loan: Loan) -> str:
    for key, pair in LOAN_METHODS.items():
        if pair == (loan.method, loan.amortization):
            return key
    return loan.method


def record_event(session: Session, loan: Loan, actor: User, kind: str, on: dt.date, *,
           amount: int | None = None, entry: JournalEntry | None = None,
           note: str = "", entry_id: int | None = None) -> None:
    """A line of the loan's history (``entry_id`` names the entry without loading it)."""
    session.add(LoanEvent(loan_id=loan.id, on=on, at=clock.now(), user_id=actor.id, kind=kind,
                          amount=amount, entry_id=entry.id if entry is not None else entry_id,
                          note=note or ""))


def entry_memo(session: Session, loan: Loan, text: str, **params: object) -> str:
    """An entry's memo, in the language of the user who posts it."""
    member = session.get(Member, loan.member_id)
    return _("{text}: loan {number}, {member}").format(
        text=gettext(text).format(**params), number=loan.number, member=member.name_lao)


def date_problems(on: dt.date, problems: list[UserError], *, not_before: dt.date | None = None,
                before_text: str = N_("The date cannot be before {date}.")) -> None:
    if on > clock.today():
        problems.append(UserError(N_("{date} is in the future."), date=fmt_date(on)))
    if not_before is not None and on < not_before:
        problems.append(UserError(before_text, date=fmt_date(not_before)))
