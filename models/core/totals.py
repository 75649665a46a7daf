"""Kept totals: the sum of every account's lines, and of every member's lines on each
account, kept in ``account_totals`` and ``member_totals`` so that balances and trial
balances read one row per account instead of summing the ledger.

``move`` is the one place the totals change: the ledger calls it with the lines it has just
written, in the same transaction (``post_entry``, ``post_entries``, and so every reversal).
Each total moves by ``UPDATE ... SET total = total + delta`` inside the database (an
``INSERT ... ON CONFLICT DO UPDATE``), never read, added in Python and written back, so two
writers on PostgreSQL queue on the row instead of losing one another's amount.

The lines stay the record: ``problems`` (called by verify) sums them again and names every
account and member whose kept total differs, so a total changed behind the app's back and a
line changed behind its back are both caught."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Table, func, inspect, select
from sqlalchemy.orm import Session

from models.core.i18n import N_
from models.core.money import currency, format_money
from models.core.schema import Account, AccountTotal, Group, JournalLine, Member, MemberTotal

ACCOUNT_TOTALS: Table = AccountTotal.__table__  # type: ignore[assignment]
MEMBER_TOTALS: Table = MemberTotal.__table__  # type: ignore[assignment]
_UPSERTS: dict = {}


def _upsert(dialect: str, table: Table, keys: tuple[str, ...]):  # noqa: ANN202
    """``INSERT ... ON CONFLICT (keys) DO UPDATE SET total = total + excluded.total``."""
    cache_key = (dialect, table.name)
    if cache_key not in _UPSERTS:
        # the dialect modules load on the first posting, not at every start of the window
        from sqlalchemy.dialects import postgresql, sqlite

        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(table)
        _UPSERTS[cache_key] = statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={"total": table.c.total + statement.excluded.total})
    return _UPSERTS[cache_key]


def kept(session: Session) -> bool:
    """Whether the database keeps totals: a backup made before migration 0018, opened to be
    checked, has none, and its balances are summed from the lines. Asked once per database
    connection."""
    info = session.connection().info
    if "kongthun_kept_totals" not in info:
        info["kongthun_kept_totals"] = inspect(session.connection()).has_table("account_totals")
    return info["kongthun_kept_totals"]


def move(session: Session, lines: Iterable[tuple[int, int | None, int]]) -> None:
    """Add the lines just written (``(account_id, member_id, amount)``) to the kept totals,
    in the caller's transaction: one statement per table, however many lines."""
    per_account: dict[int, int] = {}
    per_member: dict[tuple[int, int], int] = {}
    for account_id, member_id, amount in lines:
        per_account[account_id] = per_account.get(account_id, 0) + amount
        if member_id is not None:
            key = (account_id, member_id)
            per_member[key] = per_member.get(key, 0) + amount
    connection = session.connection()
    dialect = connection.dialect.name
    if per_account:
        connection.execute(_upsert(dialect, ACCOUNT_TOTALS, ("account_id",)), [
            {"account_id": a, "total": t} for a, t in sorted(per_account.items())])
    if per_member:
        connection.execute(_upsert(dialect, MEMBER_TOTALS, ("account_id", "member_id")), [
            {"account_id": a, "member_id": m, "total": t}
            for (a, m), t in sorted(per_member.items())])


def account_totals(session: Session, account_ids: Iterable[int]) -> dict[int, int]:
    """The kept total of each account (accounts never posted to are absent)."""
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    return {a: int(t) for a, t in session.execute(
        select(AccountTotal.account_id, AccountTotal.total)
        .where(AccountTotal.account_id.in_(ids)))}


def member_totals(session: Session,
                  pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """The kept total of each (account, member) pair (pairs never posted to are absent)."""
    pairs = set(pairs)
    if not pairs:
        return {}
    rows = session.execute(
        select(MemberTotal.account_id, MemberTotal.member_id, MemberTotal.total)
        .where(MemberTotal.account_id.in_({a for a, _m in pairs}),
               MemberTotal.member_id.in_({m for _a, m in pairs})))
    return {(a, m): int(t) for a, m, t in rows if (a, m) in pairs}


def problems(session: Session, group: Group) -> list[tuple[str, dict]]:
    """Every kept total of the group's accounts and members that is not the sum of its
    lines, as (message, params) for verify. A backup made before the totals were kept
    (migration 0018) has none to check."""
    found: list[tuple[str, dict]] = []
    if not kept(session):
        return found
    money = currency(group.currency)
    lines = dict(session.execute(
        select(JournalLine.account_id, func.sum(JournalLine.amount))
        .join(Account, Account.id == JournalLine.account_id)
        .where(Account.group_id == group.id).group_by(JournalLine.account_id)).all())
    kept_totals = dict(session.execute(
        select(AccountTotal.account_id, AccountTotal.total)
        .join(Account, Account.id == AccountTotal.account_id)
        .where(Account.group_id == group.id)).all())
    codes = dict(session.execute(select(Account.id, Account.code)
                                 .where(Account.group_id == group.id)).all())
    for account_id in sorted(lines.keys() | kept_totals.keys()):
        summed, total = int(lines.get(account_id) or 0), int(kept_totals.get(account_id) or 0)
        if summed != total:
            found.append((N_("Group {group}: the kept total of account {account} is {total} "
                             "but its lines add up to {lines}."),
                          {"group": group.name, "account": codes.get(account_id, account_id),
                           "total": format_money(total, money),
                           "lines": format_money(summed, money)}))
    member_lines = {(a, m): int(t) for a, m, t in session.execute(
        select(JournalLine.account_id, JournalLine.member_id, func.sum(JournalLine.amount))
        .join(Account, Account.id == JournalLine.account_id)
        .where(Account.group_id == group.id, JournalLine.member_id.is_not(None))
        .group_by(JournalLine.account_id, JournalLine.member_id))}
    member_kept = {(a, m): int(t) for a, m, t in session.execute(
        select(MemberTotal.account_id, MemberTotal.member_id, MemberTotal.total)
        .join(Account, Account.id == MemberTotal.account_id)
        .where(Account.group_id == group.id))}
    pairs = sorted(member_lines.keys() | member_kept.keys())
    numbers = dict(session.execute(
        select(Member.id, Member.number)
        .where(Member.id.in_({m for _a, m in pairs}))).all()) if pairs else {}
    for account_id, member_id in pairs:
        summed = member_lines.get((account_id, member_id), 0)
        total = member_kept.get((account_id, member_id), 0)
        if summed != total:
            found.append((N_("Group {group}: the kept total of member {member} on account "
                             "{account} is {total} but her lines add up to {lines}."),
                          {"group": group.name, "member": numbers.get(member_id, member_id),
                           "account": codes.get(account_id, account_id),
                           "total": format_money(total, money),
                           "lines": format_money(summed, money)}))
    return found
