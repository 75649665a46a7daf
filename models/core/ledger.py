"""The ledger: posting balanced entries, reversals, period locks, the hash chain, balances.

Posted entries are never updated or deleted. A mistake is corrected by a linked reversal
(a negated copy, with a reason) and, if needed, the right entry. Each group's entries form a
hash chain: an entry's hash covers the previous hash and a canonical serialisation of the
entry and its lines; the group row keeps the chain head.

``post_entry`` checks the ledger's invariants and that the actor holds a writing role in the
group (``permissions.require_writer``); the services that call it check the narrower
permission the business action needs.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, chart, clock, seal, settings
from models.core.errors import LedgerIntegrityError, NotFound, UserError, check_text
from models.core.money import HARD_MAX_MINOR, MAX_BALANCE, currency, format_money
from models.core.i18n import N_, Deferred
from models.core.permissions import Permission, require, require_writer
from models.core.schema import Account, Group, JournalEntry, JournalLine, Member, PeriodLock, User


MAX_AMOUNT = settings.register(
    "max_amount", 10**12, N_("Largest amount of one entry line, in the smallest unit"),
    settings.whole(1, HARD_MAX_MINOR))
# Lines below this cannot bring a balance near ``MAX_BALANCE`` in any ledger that fits on a
# laptop (it would take ten million of them in one account), so only larger ones pay for
# summing their accounts.
BALANCE_CHECK_FROM = 10**9


@dataclass(frozen=True)
class Line:
    """One line to post: ``account`` is a system key (``"cash"``) or an account id;
    ``amount`` in minor units, debit positive, credit negative."""

    account: str | int
    amount: int
    member_id: int | None = None
    loan_id: int | None = None
    memo: str | None = None


def debit(account: str | int, amount: int, **kw) -> Line:
    return Line(account, amount, **kw)


def credit(account: str | int, amount: int, **kw) -> Line:
    return Line(account, -amount, **kw)


def fmt_date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def locked_through(session: Session, group_id: int) -> dt.date | None:
    return session.scalar(select(func.max(PeriodLock.locked_through))
                          .where(PeriodLock.group_id == group_id))


def check_open_date(session: Session, group_id: int, value_date: dt.date) -> None:
    """Refuse dates inside a locked period, in the future, or off the usable calendar."""
    clock.check_date(value_date)
    locked = locked_through(session, group_id)
    if locked is not None and value_date <= locked:
        raise LedgerIntegrityError(
            N_("The books are locked through {locked}; nothing can be dated {date}."),
            locked=fmt_date(locked), date=fmt_date(value_date))
    if value_date > clock.today():
        raise LedgerIntegrityError(N_("{date} is in the future."), date=fmt_date(value_date))


def post_entry(session: Session, actor: User, *, group_id: int, value_date: dt.date, kind: str,
               memo: str = "", lines: Sequence[Line], meeting_id: int | None = None,
               loan_id: int | None = None, claim_id: int | None = None,
               remittance_id: int | None = None, reverses_id: int | None = None) -> JournalEntry:
    """Append one balanced entry to the group's chain, in the caller's transaction.

    Refused (``LedgerIntegrityError``, nothing written): no group, fewer than two lines, a
    zero or non-integer amount, lines that do not sum to zero, an account or member of
    another group, an inactive account, a date in a locked period or the future;
    ``PermissionDenied`` unless ``actor`` holds a writing role in the group."""
    locked: set[int] = session.info.setdefault("kongthun_locked_groups", set())
    if group_id in locked:
        group = session.get(Group, group_id)
    else:
        # Lock the chain head for the rest of the transaction (PostgreSQL; SQLite holds the
        # write lock already through BEGIN IMMEDIATE).
        group = session.scalar(select(Group).where(Group.id == group_id).with_for_update())
        if group is not None:
            locked.add(group_id)
    if group is None:
        raise NotFound(N_("No such group."))
    require_writer(session, actor, group_id)
    check_text(memo or "")
    for line in lines:
        check_text(line.memo or "")
    if len(lines) < 2:
        raise LedgerIntegrityError(N_("An entry needs at least two lines."))
    for line in lines:
        if not isinstance(line.amount, int) or isinstance(line.amount, bool):
            raise LedgerIntegrityError(N_("Amounts must be whole numbers of the smallest unit."))
        if line.amount == 0:
            raise LedgerIntegrityError(N_("An entry line cannot be zero."))
    largest = max(abs(line.amount) for line in lines)
    if largest > HARD_MAX_MINOR or largest > settings.get(session, group_id, MAX_AMOUNT.key):
        limit = min(HARD_MAX_MINOR, settings.get(session, group_id, MAX_AMOUNT.key))
        raise LedgerIntegrityError(
            N_("{amount} is more than this group's largest amount, {limit}."),
            amount=format_money(largest, currency(group.currency)),
            limit=format_money(limit, currency(group.currency)))
    total = sum(line.amount for line in lines)
    if total != 0:
        raise LedgerIntegrityError(N_("The entry does not balance: debits and credits differ "
                                      "by {difference}."), difference=total)
    check_open_date(session, group_id, value_date)

    account_ids = [_resolve_account(session, group_id, line.account) for line in lines]
    known: set[int] = session.info.setdefault(("kongthun_members", group_id), set())
    member_ids = {line.member_id for line in lines if line.member_id is not None} - known
    if member_ids:
        found = set(session.scalars(select(Member.id).where(Member.id.in_(member_ids),
                                                            Member.group_id == group_id)))
        if found != member_ids:
            raise LedgerIntegrityError(N_("A line names a member of another group."))
        known.update(member_ids)

    _check_member_balances(session, group_id, lines, account_ids)
    _check_balance_bound(session, group, lines, account_ids)

    entry = JournalEntry(
        group_id=group_id, seq=group.entry_count + 1, value_date=value_date,
        recorded_at=clock.now(), user_id=actor.id, kind=kind, memo=memo or "",
        reverses_id=reverses_id, meeting_id=meeting_id, loan_id=loan_id, claim_id=claim_id,
        remittance_id=remittance_id, prev_hash=group.head_hash, hash="")
    entry.lines = [
        JournalLine(line_no=i, account_id=account_id, member_id=line.member_id,
                    loan_id=line.loan_id, amount=line.amount, memo=line.memo)
        for i, (line, account_id) in enumerate(zip(lines, account_ids), start=1)
    ]
    entry.hash = entry_hash(entry, entry.lines)
    session.add(entry)
    group.entry_count = entry.seq
    group.head_hash = entry.hash
    seal.head_moved(session, group_id)
    session.flush()
    return entry


# Subledgers a member can never owe on: savings and NSSF pots never go below zero.
NON_NEGATIVE_MEMBER_ACCOUNTS = ("member_savings", "nssf_pot")
# Money that physically exists cannot go below zero.
NON_NEGATIVE_ACCOUNTS = ("cash", "bank")


def _check_member_balances(session: Session, group_id: int, lines: Sequence[Line],
                           account_ids: Sequence[int]) -> None:
    deltas: dict[tuple[int, int], int] = {}
    for line, account_id in zip(lines, account_ids):
        if line.member_id is not None:
            key = (account_id, line.member_id)
            deltas[key] = deltas.get(key, 0) + line.amount
    per_account: dict[int, int] = {}
    for line, account_id in zip(lines, account_ids):
        per_account[account_id] = per_account.get(account_id, 0) + line.amount
    for account_id, delta in per_account.items():
        if delta >= 0:
            continue
        acc = session.get(Account, account_id)
        if acc.key in NON_NEGATIVE_ACCOUNTS:
            held = raw_sum(session, account_id)
            if held + delta < 0:
                raise LedgerIntegrityError(
                    N_("{account} holds only {amount}; it cannot pay this."),
                    account=Deferred(acc.name), amount=held)
    for (account_id, member_id), delta in deltas.items():
        if delta <= 0:
            continue  # a credit only raises a savings balance
        acc = session.get(Account, account_id)
        if acc.key not in NON_NEGATIVE_MEMBER_ACCOUNTS:
            continue
        after = -(raw_sum(session, account_id, member_id=member_id) + delta)
        if after < 0:
            member = session.get(Member, member_id)
            raise LedgerIntegrityError(
                N_("This would leave {member} with less than nothing in {account}."),
                member=member.name_lao, account=Deferred(acc.name))


def _check_balance_bound(session: Session, group: Group, lines: Sequence[Line],
                         account_ids: Sequence[int]) -> None:
    """No account's balance may leave ±``MAX_BALANCE``: sums must never overflow."""
    per_account: dict[int, int] = {}
    for line, account_id in zip(lines, account_ids):
        if abs(line.amount) >= BALANCE_CHECK_FROM:
            per_account[account_id] = 0
    for line, account_id in zip(lines, account_ids):
        if account_id in per_account:
            per_account[account_id] += line.amount
    for account_id, delta in per_account.items():
        if abs(raw_sum(session, account_id) + delta) > MAX_BALANCE:
            acc = session.get(Account, account_id)
            raise LedgerIntegrityError(
                N_("{account} would pass {limit}, more than the ledger can add up."),
                account=Deferred(acc.name),
                limit=format_money(MAX_BALANCE, currency(group.currency)))


def _resolve_account(session: Session, group_id: int, ref: str | int) -> int:
    if isinstance(ref, str):
        return chart.account_id(session, group_id, ref)
    acc = session.get(Account, ref)
    if acc is None or acc.group_id != group_id:
        raise LedgerIntegrityError(N_("A line names an account of another group."))
    if not acc.is_active:
        raise LedgerIntegrityError(N_("The account {code} is closed."), code=acc.code)
    return acc.id


def canonical(entry: JournalEntry, lines: Iterable[JournalLine]) -> bytes:
    """The bytes an entry's hash covers: every field that means something, in a fixed
    order, with the previous hash. Ids of the entry itself are left out (its ``seq``
    stands for its place)."""
    body = {
        "group": entry.group_id,
        "seq": entry.seq,
        "value_date": entry.value_date.isoformat(),
        "recorded_at": entry.recorded_at.isoformat(timespec="microseconds"),
        "user": entry.user_id,
        "kind": entry.kind,
        "memo": entry.memo or "",
        "reverses": entry.reverses_id,
        "links": [entry.meeting_id, entry.loan_id, entry.claim_id, entry.remittance_id],
        "lines": [[ln.line_no, ln.account_id, ln.member_id, ln.loan_id, ln.amount, ln.memo]
                  for ln in sorted(lines, key=lambda ln: ln.line_no)],
        "prev": entry.prev_hash,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def entry_hash(entry: JournalEntry, lines: Iterable[JournalLine]) -> str:
    return hashlib.sha256(canonical(entry, lines)).hexdigest()


# Kinds whose reversal must go through their own service (a loan repayment replays the
# later ones, for instance; a share-out refuses). Capabilities declare them as
# ``reversal_rules``; models.core.capability adds them here.
ReversalHandler = Callable[[Session, User, JournalEntry, str, dt.date], JournalEntry]
REVERSAL_HANDLERS: dict[str, ReversalHandler] = {}


_capabilities_loaded = False


def capabilities_loaded() -> None:
    """Called by ``models.core.capability.load`` once every capability is registered."""
    global _capabilities_loaded
    _capabilities_loaded = True


def require_capabilities() -> None:
    """Stop loudly where the capabilities' rules are needed and no front end loaded them
    (a share-out reversed as a plain entry was such a silent gap)."""
    if not _capabilities_loaded:
        raise RuntimeError("the capabilities are not loaded: a front end must call "
                           "models.core.capability.load() at start")


def add_reversal_rule(kind: str, rule: ReversalHandler) -> None:
    if kind in REVERSAL_HANDLERS:
        raise ValueError(f"two reversal rules for {kind}")
    REVERSAL_HANDLERS[kind] = rule


def reverse_entry(session: Session, actor: User, *, entry_id: int, reason: str,
                  value_date: dt.date | None = None) -> JournalEntry:
    """Post a negated copy of entry ``entry_id``, linked to it, with a reason."""
    entry = session.get(JournalEntry, entry_id)
    if entry is None:
        raise NotFound(N_("No such entry."))
    require(session, actor, Permission.REVERSE, entry.group_id)
    reason = (reason or "").strip()
    if not reason:
        raise UserError(N_("Give the reason for the reversal."))
    if entry.reverses_id is not None:
        raise UserError(N_("Entry {seq} is itself a reversal; post the right entry instead."),
                        seq=entry.seq)
    if is_reversed(session, entry.id):
        raise UserError(N_("Entry {seq} was already reversed."), seq=entry.seq)
    value_date = value_date or clock.today()
    require_capabilities()
    handler = REVERSAL_HANDLERS.get(entry.kind)
    if handler is not None:
        reversal = handler(session, actor, entry, reason, value_date)
    else:
        reversal = post_reversal(session, entry, checked_by=actor,
                                 reason=reason, value_date=value_date)
    audit.record(session, actor, "entry.reverse", group_id=entry.group_id, entry=entry.seq,
                 reversal=reversal.seq, reason=reason)
    return reversal


def post_reversal(session: Session, entry: JournalEntry, *, checked_by: User, reason: str,
                  value_date: dt.date) -> JournalEntry:
    """The plain reversal, for the reversal handlers that add their own steps around it,
    inside ``reverse_entry`` (or a service of their own) that checked ``checked_by`` may
    reverse. It does not check the reverse permission itself: ``post_entry`` only asks for
    a writing role in the group."""
    lines = [Line(ln.account_id, -ln.amount, member_id=ln.member_id, loan_id=ln.loan_id,
                  memo=ln.memo) for ln in entry.lines]
    return post_entry(session, checked_by, group_id=entry.group_id, value_date=value_date,
                      kind="reversal", memo=reason, lines=lines, meeting_id=entry.meeting_id,
                      loan_id=entry.loan_id, claim_id=entry.claim_id,
                      remittance_id=entry.remittance_id, reverses_id=entry.id)


def is_reversed(session: Session, entry_id: int) -> bool:
    return session.scalar(select(JournalEntry.id)
                          .where(JournalEntry.reverses_id == entry_id)) is not None


def lock_period(session: Session, actor: User, *, group_id: int, through: dt.date,
                reason: str = "") -> None:
    """Close the books through ``through`` (after an audit). Locks only move forward."""
    require(session, actor, Permission.LOCK_PERIOD, group_id)
    current = locked_through(session, group_id)
    if current is not None and through <= current:
        raise UserError(N_("The books are already locked through {date}."), date=fmt_date(current))
    if through >= clock.today():
        raise UserError(N_("Only past days can be locked."))
    session.add(PeriodLock(group_id=group_id, locked_through=through, user_id=actor.id,
                           recorded_at=clock.now(), reason=reason))
    audit.record(session, actor, "period.lock", group_id=group_id, through=through,
                 reason=reason)


# ----- balances -------------------------------------------------------------------------

def raw_sum(session: Session, account_id: int, *, member_id: int | None = None,
            loan_id: int | None = None, as_of: dt.date | None = None) -> int:
    """Signed sum of the lines of one account (debits positive), read from the covering
    indexes when no date is given."""
    query = select(func.coalesce(func.sum(JournalLine.amount), 0)).where(
        JournalLine.account_id == account_id)
    if member_id is not None:
        query = query.where(JournalLine.member_id == member_id)
    if loan_id is not None:
        query = query.where(JournalLine.loan_id == loan_id)
    if as_of is not None:
        query = query.join(JournalEntry).where(JournalEntry.value_date <= as_of)
    return int(session.scalar(query))


def balance(session: Session, group_id: int, key: str, *, member_id: int | None = None,
            loan_id: int | None = None, as_of: dt.date | None = None) -> int:
    """Balance of a system account in its normal direction (savings owed to members is
    positive, cash in the box is positive)."""
    acc = chart.account(session, group_id, key)
    return chart.normal_sign(acc.kind) * raw_sum(session, acc.id, member_id=member_id,
                                                 loan_id=loan_id, as_of=as_of)


def member_balances(session: Session, group_id: int, key: str,
                    as_of: dt.date | None = None) -> dict[int, int]:
    """Normal-direction balance per member on one system account (members with no lines
    are absent)."""
    acc = chart.account(session, group_id, key)
    query = (select(JournalLine.member_id, func.sum(JournalLine.amount))
             .where(JournalLine.account_id == acc.id, JournalLine.member_id.is_not(None))
             .group_by(JournalLine.member_id))
    if as_of is not None:
        query = query.join(JournalEntry).where(JournalEntry.value_date <= as_of)
    sign = chart.normal_sign(acc.kind)
    return {member: sign * int(total) for member, total in session.execute(query)}


def fund_balance(session: Session, group_id: int, fund: str,
                 as_of: dt.date | None = None) -> int:
    """What a fund is worth: its savings/liabilities + equity + income − expenses."""
    query = (select(func.coalesce(func.sum(JournalLine.amount), 0))
             .join(Account, Account.id == JournalLine.account_id)
             .where(Account.group_id == group_id, Account.fund == fund,
                    Account.kind != chart.ASSET))
    if as_of is not None:
        query = query.join(JournalEntry).where(JournalEntry.value_date <= as_of)
    return -int(session.scalar(query))


@dataclass(frozen=True)
class TrialBalanceRow:
    account_id: int
    code: str
    key: str | None
    name: str
    kind: str
    fund: str | None
    debit: int
    credit: int

    @property
    def net(self) -> int:
        return self.debit - self.credit


def trial_balance(session: Session, group_id: int,
                  as_of: dt.date | None = None) -> list[TrialBalanceRow]:
    """One row per account: the net debit or credit. The debits equal the credits."""
    query = (select(JournalLine.account_id, func.sum(JournalLine.amount).label("net"))
             .group_by(JournalLine.account_id))
    if as_of is not None:
        query = query.join(JournalEntry).where(JournalEntry.value_date <= as_of)
    sums = query.subquery()
    rows = session.execute(
        select(Account, func.coalesce(sums.c.net, 0))
        .outerjoin(sums, sums.c.account_id == Account.id)
        .where(Account.group_id == group_id).order_by(Account.code))
    out = []
    for acc, net in rows:
        net = int(net)
        out.append(TrialBalanceRow(acc.id, acc.code, acc.key, acc.name, acc.kind, acc.fund,
                                   max(net, 0), max(-net, 0)))
    return out


@dataclass(frozen=True)
class EntryRow:
    id: int
    seq: int
    value_date: dt.date
    recorded_at: dt.datetime
    user: str
    kind: str
    memo: str
    amount: int  # sum of the debits
    reverses_seq: int | None
    reversed_by_seq: int | None


def entries(session: Session, actor: User, group_id: int, *, limit: int = 200,
            offset: int = 0) -> list[EntryRow]:
    """The newest entries first, for the journal screen."""
    require(session, actor, Permission.READ, group_id)
    reversed_by = {}
    original = {}
    rows = session.execute(
        select(JournalEntry, User.username)
        .join(User, User.id == JournalEntry.user_id)
        .where(JournalEntry.group_id == group_id)
        .order_by(JournalEntry.seq.desc()).limit(limit).offset(offset)).all()
    ids = [e.id for e, _ in rows]
    for rid, rseq, target in session.execute(
            select(JournalEntry.id, JournalEntry.seq, JournalEntry.reverses_id)
            .where(JournalEntry.reverses_id.in_(ids))):
        reversed_by[target] = rseq
    targets = [e.reverses_id for e, _ in rows if e.reverses_id]
    for tid, tseq in session.execute(select(JournalEntry.id, JournalEntry.seq)
                                     .where(JournalEntry.id.in_(targets))):
        original[tid] = tseq
    debit_sums = dict(session.execute(
        select(JournalLine.entry_id, func.sum(JournalLine.amount))
        .where(JournalLine.entry_id.in_(ids), JournalLine.amount > 0)
        .group_by(JournalLine.entry_id)).all())
    return [EntryRow(e.id, e.seq, e.value_date, e.recorded_at, username, e.kind, e.memo,
                     int(debit_sums.get(e.id, 0)), original.get(e.reverses_id),
                     reversed_by.get(e.id)) for e, username in rows]
