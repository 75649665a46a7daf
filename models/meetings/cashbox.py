"""The cash box: what should be in it, counting it note by note, moving money to and from
the bank, and paying the group's expenses.

The box's statement runs from the last count: its opening is the cash the ledger held
once that count was posted, its movements are every later entry that touched cash (by
the account on the other side), and its expected closing is the ledger's cash balance. A
count posts the difference to ``cash_over_short`` with the treasurer's explanation.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, chart, clock, ledger
from models.core.errors import UserError, ValidationError
from models.core.groups import group_currency
from models.core.i18n import N_, gettext
from models.core.ledger import Line, fmt_date
from models.core.money import format_money
from models.core.permissions import Permission, require
from models.core.schema import Account, Group, JournalEntry, JournalLine, User
from models.meetings.schema import CashCount

# Notes in circulation, in minor units, largest first. Coins and anything else are
# counted as one "other" amount.
DENOMINATIONS: dict[str, tuple[int, ...]] = {
    "LAK": (100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500),
    "THB": (100_000, 50_000, 10_000, 5_000, 2_000),
    "USD": (10_000, 5_000, 2_000, 1_000, 500, 200, 100),
}
KIND_COUNT = "cash_count"
KIND_TRANSFER = "cash_transfer"
KIND_EXPENSE = "expense"
TO_BANK, FROM_BANK = "to_bank", "from_bank"


def denominations(currency_code: str) -> tuple[int, ...]:
    return DENOMINATIONS.get(currency_code, ())


def _money(session: Session, group_id: int, amount: int) -> str:
    return format_money(amount, group_currency(session, group_id))


def shortfall(session: Session, group_id: int, account: str, amount: int) -> UserError | None:
    """A problem when the cash box (or bank account) holds less than ``amount``."""
    held = ledger.balance(session, group_id, account)
    if amount <= held:
        return None
    if account == "bank":
        return UserError(N_("The bank account holds only {held}; {amount} cannot be paid from "
                            "it."), held=_money(session, group_id, held),
                         amount=_money(session, group_id, amount))
    return UserError(N_("The cash box holds only {held}; {amount} cannot be paid from it."),
                     held=_money(session, group_id, held), amount=_money(session, group_id, amount))


@dataclass(frozen=True)
class CashCountRow:
    id: int
    counted_on: dt.date
    meeting_id: int | None
    notes: tuple[tuple[int, int], ...]  # (denomination, how many), largest first
    other: int
    counted: int
    expected: int
    entry_seq: int | None
    note: str

    @property
    def difference(self) -> int:
        """Positive when the box holds more than the ledger says (over), negative when short."""
        return self.counted - self.expected


def count_row(session: Session, count: CashCount) -> CashCountRow:
    notes = tuple(sorted(((int(k), v) for k, v in count.denominations.items()), reverse=True))
    seq = session.scalar(select(JournalEntry.seq).where(JournalEntry.id == count.entry_id)) \
        if count.entry_id else None
    return CashCountRow(count.id, count.counted_on, count.meeting_id, notes, count.other,
                        count.counted, count.expected, seq, count.note)


def count_cash(session: Session, actor: User, *, group_id: int, on: dt.date,
               notes: dict[int, int], other: int = 0, meeting_id: int | None = None,
               note: str = "") -> CashCountRow:
    """Record a count of the box: ``notes`` maps each denomination (minor units) to how many
    were counted; ``other`` is coins and anything else. A difference from what the ledger
    expects is posted to cash over/short and needs a note saying why."""
    require(session, actor, Permission.RECORD, group_id)
    group = session.get(Group, group_id)
    allowed = denominations(group.currency)
    problems = []
    for value, how_many in notes.items():
        if value not in allowed:
            problems.append(UserError(N_("There is no {value} note."),
                                      value=_money(session, group_id, value)))
        if isinstance(how_many, bool) or not isinstance(how_many, int) or how_many < 0:
            problems.append(UserError(N_("Count the {value} notes as a whole number of zero or "
                                         "more."), value=_money(session, group_id, value)))
    if isinstance(other, bool) or not isinstance(other, int) or other < 0:
        problems.append(UserError(N_("Coins and other money must be zero or more.")))
    if on > clock.today():
        problems.append(UserError(N_("{date} is in the future."), date=fmt_date(on)))
    if problems:
        raise ValidationError(problems)
    counted = sum(value * how_many for value, how_many in notes.items()) + other
    expected = ledger.balance(session, group_id, "cash")
    difference = counted - expected
    note = note.strip()
    if difference and not note:
        raise ValidationError([UserError(
            N_("The box holds {counted} but the records say {expected}; write down why they "
               "differ."), counted=_money(session, group_id, counted),
            expected=_money(session, group_id, expected))])
    entry = None
    if difference:
        entry = ledger.post_entry(session, actor, group_id=group_id, value_date=on,
                                  kind=KIND_COUNT, memo=note, meeting_id=meeting_id,
                                  lines=[Line("cash", difference),
                                         Line("cash_over_short", -difference)])
    count = CashCount(group_id=group_id, meeting_id=meeting_id, counted_on=on,
                      recorded_at=clock.now(), user_id=actor.id,
                      denominations={str(k): v for k, v in notes.items() if v},
                      other=other, counted=counted, expected=expected,
                      entry_id=entry.id if entry else None,
                      head_seq=session.get(Group, group_id).entry_count, note=note)
    session.add(count)
    session.flush()
    audit.record(session, actor, "cash.count", group_id=group_id, counted=counted,
                 expected=expected, difference=difference)
    return count_row(session, count)


def last_count(session: Session, group_id: int) -> CashCount | None:
    return session.scalar(select(CashCount).where(CashCount.group_id == group_id)
                          .order_by(CashCount.head_seq.desc(), CashCount.id.desc()).limit(1))


def counts(session: Session, actor: User, group_id: int, *, limit: int = 50) -> list[CashCountRow]:
    require(session, actor, Permission.READ, group_id)
    return [count_row(session, c) for c in session.scalars(
        select(CashCount).where(CashCount.group_id == group_id)
        .order_by(CashCount.head_seq.desc(), CashCount.id.desc()).limit(limit))]


@dataclass(frozen=True)
class CashMovement:
    """Cash in and out since the opening, by the account on the other side."""

    account_code: str
    account_name: str  # N_() text of the standard chart, or the group's own name
    received: int
    paid: int

    @property
    def label(self) -> str:
        return gettext(self.account_name)


@dataclass(frozen=True)
class CashBoxStatement:
    group_id: int
    last_count: CashCountRow | None
    opening: int
    movements: tuple[CashMovement, ...]
    expected: int
    bank: int

    @property
    def received(self) -> int:
        return sum(m.received for m in self.movements)

    @property
    def paid(self) -> int:
        return sum(m.paid for m in self.movements)


def cash_movements(session: Session, group_id: int, *, after_seq: int = 0,
                   through_seq: int | None = None,
                   counts: bool = True) -> tuple[int, tuple[CashMovement, ...]]:
    """(cash held through entry ``after_seq``, movements of the later entries up to
    ``through_seq``; without the counts' over/short entries when ``counts`` is false).

    Each entry's cash goes to the accounts on the other side of it: a claim paid in part
    (the benefit debited, cash and "claims owed" credited) is cash paid for the benefit,
    never money received from the claims owed."""
    cash_id = chart.account_id(session, group_id, "cash")
    opening = int(session.scalar(
        select(func.coalesce(func.sum(JournalLine.amount), 0)).join(JournalEntry)
        .where(JournalLine.account_id == cash_id, JournalEntry.group_id == group_id,
               JournalEntry.seq <= after_seq)))
    touching = (select(JournalLine.entry_id).join(JournalEntry)
                .where(JournalLine.account_id == cash_id, JournalEntry.group_id == group_id,
                       JournalEntry.seq > after_seq))
    if through_seq is not None:
        touching = touching.where(JournalEntry.seq <= through_seq)
    if not counts:
        touching = touching.where(JournalEntry.kind != KIND_COUNT)
    lines: dict[int, list[tuple[int, int]]] = {}
    for entry_id, account_id, amount in session.execute(
            select(JournalLine.entry_id, JournalLine.account_id, JournalLine.amount)
            .where(JournalLine.entry_id.in_(touching)).order_by(JournalLine.id)):
        lines.setdefault(entry_id, []).append((account_id, int(amount)))
    received: dict[int, int] = {}
    paid: dict[int, int] = {}
    for entry_lines in lines.values():
        cash = sum(amount for account_id, amount in entry_lines if account_id == cash_id)
        if not cash:
            continue
        into = received if cash > 0 else paid
        left = abs(cash)
        # The other side of cash carries the opposite sign; it may hold more than the cash
        # (what else was credited with it), so the cash is shared out as far as it goes.
        for account_id, amount in entry_lines:
            if account_id == cash_id or (amount > 0) == (cash > 0) or not left:
                continue
            part = min(abs(amount), left)
            into[account_id] = into.get(account_id, 0) + part
            left -= part
    accounts = {a.id: a for a in session.scalars(
        select(Account).where(Account.id.in_(set(received) | set(paid))))}
    return opening, tuple(
        CashMovement(accounts[a].code, accounts[a].name, received.get(a, 0), paid.get(a, 0))
        for a in sorted(accounts, key=lambda a: accounts[a].code))


def cash_box(session: Session, actor: User, group_id: int) -> CashBoxStatement:
    """The box since its last count: opening, money in and out, what should be there now."""
    require(session, actor, Permission.READ, group_id)
    count = last_count(session, group_id)
    opening, movements = cash_movements(session, group_id,
                                        after_seq=count.head_seq if count else 0)
    expected = ledger.balance(session, group_id, "cash")
    return CashBoxStatement(group_id, count_row(session, count) if count else None, opening,
                            movements, expected, ledger.balance(session, group_id, "bank"))


def transfer_cash(session: Session, actor: User, *, group_id: int, amount: int, direction: str,
                  on: dt.date, note: str = "") -> int:
    """Take cash to the bank (``to_bank``) or bring it back (``from_bank``). Returns the
    entry id."""
    require(session, actor, Permission.RECORD, group_id)
    if direction not in (TO_BANK, FROM_BANK):
        raise UserError(N_("Choose whether the money goes to the bank or comes from it."))
    source, target = ("cash", "bank") if direction == TO_BANK else ("bank", "cash")
    problems = []
    if amount <= 0:
        problems.append(UserError(N_("The amount must be more than zero.")))
    elif (short := shortfall(session, group_id, source, amount)) is not None:
        problems.append(short)
    if problems:
        raise ValidationError(problems)
    entry = ledger.post_entry(session, actor, group_id=group_id, value_date=on,
                              kind=KIND_TRANSFER, memo=note.strip(),
                              lines=[Line(target, amount), Line(source, -amount)])
    audit.record(session, actor, "cash.transfer", group_id=group_id, amount=amount,
                 direction=direction, entry=entry.seq)
    return entry.id


def record_expense(session: Session, actor: User, *, group_id: int, amount: int, on: dt.date,
                   memo: str, paid_from: str = "cash", meeting_id: int | None = None) -> int:
    """Pay a group expense (stationery, a padlock, transport to the bank) from the loan
    fund. ``memo`` says what it was. Returns the entry id."""
    require(session, actor, Permission.RECORD, group_id)
    problems = []
    if not memo.strip():
        problems.append(UserError(N_("Say what the money was spent on.")))
    if paid_from not in ("cash", "bank"):
        problems.append(UserError(N_("Money is paid from the cash box or the bank.")))
    if amount <= 0:
        problems.append(UserError(N_("The amount must be more than zero.")))
    elif paid_from in ("cash", "bank") and \
            (short := shortfall(session, group_id, paid_from, amount)) is not None:
        problems.append(short)
    if problems:
        raise ValidationError(problems)
    entry = ledger.post_entry(session, actor, group_id=group_id, value_date=on,
                              kind=KIND_EXPENSE, memo=memo.strip(), meeting_id=meeting_id,
                              lines=[Line("expenses", amount), Line(paid_from, -amount)])
    audit.record(session, actor, "cash.expense", group_id=group_id, amount=amount,
                 memo=memo.strip(), entry=entry.seq)
    return entry.id
