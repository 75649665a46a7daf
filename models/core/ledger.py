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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session, make_transient_to_detached

from models.core import audit, chart, clock, seal, settings, totals
from models.core.balances import (  # noqa: F401 (the ledger's balance functions)
    EntryRow,
    TrialBalanceRow,
    account_sums,
    balance,
    entries,
    federation_trial_balance,
    fund_balance,
    member_balances,
    member_sums,
    raw_sum,
    trial_balance,
)
from models.core.entry_hash import (  # noqa: F401 (the ledger's hashes)
    canonical,
    canonical_fields,
    entry_hash,
    hash_fields,
)
from models.core.errors import LedgerIntegrityError, NotFound, UserError, check_text
from models.core.i18n import N_, Deferred
from models.core.loaded import require_capabilities
from models.core.money import HARD_MAX_MINOR, MAX_BALANCE, currency, format_money
from models.core.permissions import Permission, require, require_writer
from models.core.schema import (
    Account,
    Group,
    JournalEntry,
    JournalLine,
    Member,
    PeriodLock,
    User,
)

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
    """The group's last locked day, read once per session (``lock_period`` forgets it)."""
    cache: dict = session.info.setdefault("kongthun_locked_through", {})
    if group_id not in cache:
        cache[group_id] = session.scalar(select(func.max(PeriodLock.locked_through))
                                         .where(PeriodLock.group_id == group_id))
    return cache[group_id]


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
    posting = Posting(value_date, kind, tuple(lines), memo, meeting_id=meeting_id,
                      loan_id=loan_id, claim_id=claim_id, remittance_id=remittance_id,
                      reverses_id=reverses_id)
    group, account_ids = _checked(session, actor, group_id, [posting])
    (entry_id, row), = _write(session, actor, group, [posting], account_ids)
    entry = JournalEntry(id=entry_id, **row)  # the session's own; lines load when read
    make_transient_to_detached(entry)
    session.add(entry)
    return entry


@dataclass(frozen=True)
class Posting:
    """One entry of a batch for ``post_entries``: the arguments of ``post_entry``."""

    value_date: dt.date
    kind: str
    lines: tuple[Line, ...]
    memo: str = ""
    meeting_id: int | None = None
    loan_id: int | None = None
    claim_id: int | None = None
    remittance_id: int | None = None
    reverses_id: int | None = None


@dataclass(frozen=True)
class Posted:
    id: int
    seq: int
    hash: str


def post_entries(session: Session, actor: User, *, group_id: int,
                 postings: Sequence[Posting]) -> list[Posted]:
    """Append many entries to the group's chain at once, in the caller's transaction: what
    ``post_entry`` does for each in turn, with the same checks and the same hashes, but the
    group row, its accounts, members, period lock and settings are read once, the running
    balances (cash, bank, each member's savings) are followed through the batch, and the
    entries and their lines are each written with one statement. Every entry is checked
    before anything is written: one refused entry refuses the batch."""
    if not postings:
        return []
    group, account_ids = _checked(session, actor, group_id, postings)
    return [Posted(entry_id, row["seq"], row["hash"])
            for entry_id, row in _write(session, actor, group, postings, account_ids)]


_ENTRIES, _LINES = cast(Table, JournalEntry.__table__), cast(Table, JournalLine.__table__)


def _write(session: Session, actor: User, group: Group, postings: Sequence[Posting],
           account_ids: Sequence[Sequence[int]]) -> list[tuple[int, dict]]:
    """The one place entries and their lines are written, after ``_checked``: hashes
    chained in one pass, the entries and the lines each in one statement, the kept totals
    moved by the lines (``models.core.totals``), the chain head updated once. Returns each
    entry's id and row."""
    group_id = group.id
    recorded_at = clock.now()
    rows: list[dict] = []
    hashes: list[tuple[int, list[list[Any]]]] = []
    prev, seq = group.head_hash, group.entry_count
    for posting, ids in zip(postings, account_ids):
        seq += 1
        lines = [[i, account_id, line.member_id, line.loan_id, line.amount, line.memo]
                 for i, (line, account_id) in enumerate(zip(posting.lines, ids), start=1)]
        links = [posting.meeting_id, posting.loan_id, posting.claim_id, posting.remittance_id]
        digest = hash_fields(group_id, seq, posting.value_date, recorded_at, actor.id,
                             posting.kind, posting.memo, posting.reverses_id, links, lines, prev)
        rows.append({"group_id": group_id, "seq": seq, "value_date": posting.value_date,
                     "recorded_at": recorded_at, "user_id": actor.id, "kind": posting.kind,
                     "memo": posting.memo or "", "reverses_id": posting.reverses_id,
                     "meeting_id": posting.meeting_id, "loan_id": posting.loan_id,
                     "claim_id": posting.claim_id, "remittance_id": posting.remittance_id,
                     "prev_hash": prev, "hash": digest})
        hashes.append((seq, lines))
        prev = digest
    session.flush()
    connection = session.connection()
    if len(rows) == 1:
        entry_ids = {rows[0]["seq"]: connection.execute(
            insert(_ENTRIES).returning(_ENTRIES.c.id), rows[0]).scalar_one()}
    else:
        # Plain executemany (the ORM would send one statement per entry to learn each
        # id); the ids are then read back by the group's (group_id, seq) key.
        connection.execute(insert(_ENTRIES), rows)
        entry_ids = dict(connection.execute(
            select(JournalEntry.seq, JournalEntry.id)
            .where(JournalEntry.group_id == group_id,
                   JournalEntry.seq > group.entry_count)).all())
    connection.execute(insert(_LINES), [
        {"entry_id": entry_ids[entry_seq], "line_no": no, "account_id": account_id,
         "member_id": member_id, "loan_id": loan_id, "amount": amount, "memo": memo}
        for entry_seq, lines in hashes
        for no, account_id, member_id, loan_id, amount, memo in lines])
    totals.move(session, ((account_id, member_id, amount) for _s, lines in hashes
                          for _n, account_id, member_id, _l, amount, _m in lines))
    group.entry_count, group.head_hash = seq, prev
    seal.head_moved(session, group_id)
    session.flush()
    return [(entry_ids[row["seq"]], row) for row in rows]


def _lock_group(session: Session, group_id: int) -> Group:
    # Held for the session (its identity map is weak): a meeting reads the group once.
    locked: dict[int, Group] = session.info.setdefault("kongthun_locked_groups", {})
    group = locked.get(group_id)
    if group is None:
        # Lock the chain head for the rest of the transaction (PostgreSQL; SQLite holds the
        # write lock already through BEGIN IMMEDIATE).
        group = session.scalar(select(Group).where(Group.id == group_id).with_for_update())
        if group is not None:
            locked[group_id] = group
    if group is None:
        raise NotFound(N_("No such group."))
    return group


def _checked(session: Session, actor: User, group_id: int,
             postings: Sequence[Posting]) -> tuple[Group, list[list[int]]]:
    """Every check of ``post_entry`` over a batch, in order; the account ids of each
    posting's lines."""
    group = _lock_group(session, group_id)
    require_writer(session, actor, group_id)
    limit = min(HARD_MAX_MINOR, settings.get(session, group_id, MAX_AMOUNT.key))
    dates: set[dt.date] = set()
    for posting in postings:
        _check_lines(posting, limit, group)
        if posting.value_date not in dates:
            check_open_date(session, group_id, posting.value_date)
            dates.add(posting.value_date)
    resolved: dict[str | int, int] = {}
    account_ids = []
    for posting in postings:
        for line in posting.lines:
            if line.account not in resolved:
                resolved[line.account] = _resolve_account(session, group_id, line.account)
        account_ids.append([resolved[line.account] for line in posting.lines])
    # Held for the session (it keeps loaded rows only while someone does); only their
    # keys and names are read here, and those never change under a posting.
    accounts: dict[int, Account] = session.info.setdefault("kongthun_accounts", {})
    missing = set(resolved.values()) - accounts.keys()
    if missing:
        accounts.update((acc.id, acc) for acc in session.scalars(
            select(Account).where(Account.id.in_(missing))))
    known: set[int] = session.info.setdefault(("kongthun_members", group_id), set())
    member_ids = {line.member_id for p in postings for line in p.lines
                  if line.member_id is not None} - known
    if member_ids:
        found = set(session.scalars(select(Member.id).where(Member.id.in_(member_ids),
                                                            Member.group_id == group_id)))
        if found != member_ids:
            raise LedgerIntegrityError(N_("A line names a member of another group."))
        known.update(member_ids)
    _check_running_balances(session, group, postings, account_ids, accounts)
    return group, account_ids


def _check_lines(posting: Posting, limit: int, group: Group) -> None:
    lines = posting.lines
    check_text(posting.memo or "")
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
    if largest > limit:
        raise LedgerIntegrityError(
            N_("{amount} is more than this group's largest amount, {limit}."),
            amount=format_money(largest, currency(group.currency)),
            limit=format_money(limit, currency(group.currency)))
    total = sum(line.amount for line in lines)
    if total != 0:
        raise LedgerIntegrityError(N_("The entry does not balance: debits and credits differ "
                                      "by {difference}."), difference=total)


# Subledgers a member can never owe on: savings and NSSF pots never go below zero.
NON_NEGATIVE_MEMBER_ACCOUNTS = ("member_savings", "nssf_pot")
# Money that physically exists cannot go below zero.
NON_NEGATIVE_ACCOUNTS = ("cash", "bank")


def _check_running_balances(session: Session, group: Group, postings: Sequence[Posting],
                            account_ids: Sequence[Sequence[int]],
                            accounts: dict[int, Account]) -> None:
    """Entry by entry, as if each were posted alone: cash and bank never below zero, no
    member below zero in her savings or NSSF pot, no account past ±``MAX_BALANCE`` (only
    for lines from ``BALANCE_CHECK_FROM``). Each balance is read once, then followed."""
    deltas = []
    held_ids: set[int] = set()
    pair_ids: set[tuple[int, int]] = set()
    bound_ids: set[int] = set()
    for posting, ids in zip(postings, account_ids):
        per_account: dict[int, int] = {}
        per_member: dict[tuple[int, int], int] = {}
        for line, account_id in zip(posting.lines, ids):
            per_account[account_id] = per_account.get(account_id, 0) + line.amount
            if line.member_id is not None:
                key = (account_id, line.member_id)
                per_member[key] = per_member.get(key, 0) + line.amount
            if abs(line.amount) >= BALANCE_CHECK_FROM:
                bound_ids.add(account_id)
        held_ids.update(a for a, d in per_account.items()
                        if d < 0 and accounts[a].key in NON_NEGATIVE_ACCOUNTS)
        pair_ids.update(k for k, d in per_member.items() if d > 0 and
                        accounts[k[0]].key in NON_NEGATIVE_MEMBER_ACCOUNTS)
        deltas.append((per_account, per_member, {
            a for line, a in zip(posting.lines, ids) if abs(line.amount) >= BALANCE_CHECK_FROM}))
    if not (held_ids or pair_ids or bound_ids):
        return
    sums = totals.account_totals(session, held_ids | bound_ids)
    member_held = totals.member_totals(session, pair_ids)
    for per_account, per_member, large in deltas:
        for account_id, delta in per_account.items():
            held = sums.get(account_id, 0)
            if delta < 0 and account_id in held_ids and held + delta < 0:
                raise LedgerIntegrityError(
                    N_("{account} holds only {amount}; it cannot pay this."),
                    account=Deferred(accounts[account_id].name), amount=held)
            if account_id in large and abs(held + delta) > MAX_BALANCE:
                raise LedgerIntegrityError(
                    N_("{account} would pass {limit}, more than the ledger can add up."),
                    account=Deferred(accounts[account_id].name),
                    limit=format_money(MAX_BALANCE, currency(group.currency)))
        for (account_id, member_id), delta in per_member.items():
            if delta > 0 and (account_id, member_id) in pair_ids and \
                    member_held.get((account_id, member_id), 0) + delta > 0:
                raise LedgerIntegrityError(
                    N_("This would leave {member} with less than nothing in {account}."),
                    member=session.get(Member, member_id).name_lao,
                    account=Deferred(accounts[account_id].name))
        for account_id, delta in per_account.items():
            if account_id in sums or account_id in held_ids or account_id in bound_ids:
                sums[account_id] = sums.get(account_id, 0) + delta
        for key, delta in per_member.items():
            member_held[key] = member_held.get(key, 0) + delta


def _resolve_account(session: Session, group_id: int, ref: str | int) -> int:
    if isinstance(ref, str):
        return chart.account_id(session, group_id, ref)
    acc = session.get(Account, ref)
    if acc is None or acc.group_id != group_id:
        raise LedgerIntegrityError(N_("A line names an account of another group."))
    if not acc.is_active:
        raise LedgerIntegrityError(N_("The account {code} is closed."), code=acc.code)
    return acc.id


# Kinds whose reversal must go through their own service (a loan repayment replays the
# later ones, for instance; a share-out refuses). Capabilities declare them as
# ``reversal_rules``; models.core.capability adds them here.
ReversalHandler = Callable[[Session, User, JournalEntry, str, dt.date], JournalEntry]
REVERSAL_HANDLERS: dict[str, ReversalHandler] = {}


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
    session.info.get("kongthun_locked_through", {}).pop(group_id, None)
    audit.record(session, actor, "period.lock", group_id=group_id, through=through,
                 reason=reason)
