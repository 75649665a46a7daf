"""A member's savings: the savings entry kinds, her balances, deposits under the group's
rules, and every member's savings as one list. Withdrawals are ``withdrawals.py``, fines
``fines.py``, what a member owes ``debts.py``, leaving the group ``exits.py``, the meeting
grid's savings and fines columns ``meeting.py``, the cycle closed by a share-out
``shareout_preview.py``, ``shareout_posting.py`` and ``shareout_records.py``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import audit, clock, ledger
from models.core.errors import NotFound, UserError, ValidationError
from models.core.i18n import N_
from models.core.ledger import Line
from models.core.permissions import Permission, require
from models.core.schema import JournalEntry, Member, User
from models.savings.rules import SavingsRules, cycle_for_posting, money_text, rules

PAY_ACCOUNTS = ("cash", "bank")

KIND_DEPOSIT = "savings_deposit"
KIND_WITHDRAWAL = "savings_withdrawal"
KIND_FINE = "fine"
KIND_FINE_PAYMENT = "fine_payment"
KIND_EXIT = "exit_settlement"
KIND_EXIT_BELOW_PAR = "exit_below_par"


@dataclass(frozen=True)
class SavingsReceipt:
    """What a deposit or withdrawal did, for the receipt."""

    member_id: int
    entry_id: int
    entry_seq: int
    on: dt.date
    amount: int
    shares: int
    balance_after: int
    shares_after: int


def find_member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(N_("No such member."))
    return member


def savings_balance(session: Session, group_id: int, member_id: int,
                    as_of: dt.date | None = None) -> int:
    return ledger.balance(session, group_id, "member_savings", member_id=member_id, as_of=as_of)


def fines_owed(session: Session, group_id: int, member_id: int) -> int:
    return ledger.balance(session, group_id, "fines_receivable", member_id=member_id)


def loan_principal(session: Session, group_id: int, member_id: int) -> int:
    """Outstanding loan principal of a member, from the ledger's loans receivable."""
    return ledger.balance(session, group_id, "loans_receivable", member_id=member_id)


def active_problem(member: Member) -> UserError | None:
    if member.status != "active":
        return UserError(N_("{name} is no longer an active member."), name=member.name_lao)
    return None


def deposit_problems(session: Session, group_id: int, amount: int,
                     on: dt.date) -> list[UserError]:
    """What is wrong with saving ``amount`` on ``on`` under the group's rules."""
    r = rules(session, group_id, on)
    if amount <= 0:
        return [UserError(N_("The amount must be more than zero."))]
    problems = []
    if r.is_shares:
        if amount % r.share_price:
            problems.append(UserError(
                N_("{amount} is not a whole number of shares at {price} a share."),
                amount=money_text(session, group_id, amount),
                price=money_text(session, group_id, r.share_price)))
        else:
            shares = amount // r.share_price
            if shares < r.min_shares:
                problems.append(UserError(N_("Buy at least {count} shares ({amount})."),
                                          count=r.min_shares, amount=money_text(
                                              session, group_id, r.min_shares * r.share_price)))
            if shares > r.max_shares:
                problems.append(UserError(N_("At most {count} shares a meeting ({amount})."),
                                          count=r.max_shares, amount=money_text(
                                              session, group_id, r.max_shares * r.share_price)))
    elif amount < r.min_deposit:
        problems.append(UserError(N_("The smallest deposit is {amount}."),
                                  amount=money_text(session, group_id, r.min_deposit)))
    return problems


def post_deposit(session: Session, actor: User, member: Member, amount: int, on: dt.date, *,
                 meeting_id: int | None, into: str = "cash", note: str = "") -> JournalEntry:
    cycle_for_posting(session, actor, member.group_id, on)
    entry = ledger.post_entry(
        session, actor, group_id=member.group_id, value_date=on, kind=KIND_DEPOSIT,
        memo=note, meeting_id=meeting_id,
        lines=[Line(into, amount), Line("member_savings", -amount, member_id=member.id)])
    audit.record(session, actor, "savings.deposit", group_id=member.group_id,
                 member=member.id, amount=amount, entry=entry.seq)
    return entry


def savings_receipt(session: Session, member: Member, entry: JournalEntry,
                    amount: int) -> SavingsReceipt:
    r = rules(session, member.group_id, entry.value_date)
    after = savings_balance(session, member.group_id, member.id)
    return SavingsReceipt(member.id, entry.id, entry.seq, entry.value_date, amount,
                          r.shares(amount), after, r.shares(after))


def record_deposit(session: Session, actor: User, *, member_id: int, amount: int, on: dt.date,
                   into: str = "cash", meeting_id: int | None = None,
                   note: str = "") -> SavingsReceipt:
    """A member saves ``amount`` (a whole number of shares in a share group)."""
    member = find_member(session, member_id)
    require(session, actor, Permission.RECORD, member.group_id)
    problems = deposit_problems(session, member.group_id, amount, on)
    if (inactive := active_problem(member)) is not None:
        problems.append(inactive)
    if into not in PAY_ACCOUNTS:
        problems.append(UserError(N_("Money goes into the cash box or the bank.")))
    if problems:
        raise ValidationError(problems)
    entry = post_deposit(session, actor, member, amount, on, meeting_id=meeting_id, into=into,
                         note=note.strip())
    return savings_receipt(session, member, entry, amount)


def secured_amount(session: Session, group_id: int, member_id: int, r: SavingsRules) -> int:
    """Savings that must stay to secure the member's outstanding loans."""
    principal = max(loan_principal(session, group_id, member_id), 0)
    return -(-principal * r.loan_security_percent // 100)



@dataclass(frozen=True)
class MemberSavingsRow:
    member_id: int
    number: int
    name: str
    status: str
    savings: int
    shares: int
    fines_owed: int
    loan_principal: int
    secured: int


def member_savings(session: Session, actor: User, group_id: int,
                   on: dt.date | None = None) -> list[MemberSavingsRow]:
    """Every member's savings, shares and what secures her loans (one query per account)."""
    require(session, actor, Permission.READ, group_id)
    on = on or clock.today()
    r = rules(session, group_id, on)
    savings = ledger.member_balances(session, group_id, "member_savings")
    fines = ledger.member_balances(session, group_id, "fines_receivable")
    loans = ledger.member_balances(session, group_id, "loans_receivable")
    rows = []
    for m in session.scalars(select(Member).where(Member.group_id == group_id)
                             .order_by(Member.number)):
        principal = loans.get(m.id, 0)
        rows.append(MemberSavingsRow(
            m.id, m.number, m.name_lao, m.status, savings.get(m.id, 0),
            r.shares(savings.get(m.id, 0)), fines.get(m.id, 0), principal,
            -(-max(principal, 0) * r.loan_security_percent // 100)))
    return rows

