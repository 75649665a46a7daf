"""Verify checkpoints: the daily check reads only the entries posted since the last clean
verify.

After a verify that found nothing wrong, a row per group (``verify_checkpoints``, append-only)
keeps where its chain ended (``last_seq`` and that entry's hash), how many entries and lines
it covered, and the count and sum of the lines per account and member. Each row is sealed
by the hash of its own fields. The next verify (``verify_database(resume=True)``) checks
each group's newest checkpoint and, if it holds, hashes only the entries after it: the first
of them must link to the checkpoint's hash.

What a checkpoint proves, and what it cannot (docs/ARCHITECTURE.md, tests/models/
test_verify_checkpoints.py):

- Caught by the resumed check: any change after the checkpoint (every new entry is hashed);
  the entry at the checkpoint changed or re-chained (its hash is read again); an entry
  removed or added anywhere (the group's entry count against its head); a line before the
  checkpoint removed, added, or changed in amount, account or member (the counts and sums
  per account and member are read again, one statement over the index, and must equal the
  checkpoint's plus the new lines'); a checkpoint row edited by hand (its seal).
- Not caught by the resumed check: a change before the checkpoint that keeps every count
  and sum per account and member and the hash of the entry at the checkpoint: a memo, a
  date, a kind, a link to a meeting or loan, the loan named on a line, two amounts swapped
  between lines of the same account and member. Those are only seen by hashing every
  entry: the resumed check is therefore a full one for a group whose last full check is
  older than ``FULL_EVERY`` (and ``kongthun verify --full`` always is).
- Not caught by any check inside the file: someone who rewrites the whole chain and writes
  a new checkpoint with a seal of his own (the seal is a hash anyone can recompute, like
  the chain's). The seals printed on pages and kept in the seal history are the check
  from outside (``kongthun verify --seal``).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from models.core import clock
from models.core.chain import row_hash
from models.core.i18n import N_
from models.core.permissions import Permission, has_permission, require
from models.core.schema import Account, Group, JournalLine, User, VerifyCheckpoint

FULL_EVERY = dt.timedelta(days=7)

Sums = dict[tuple[int, int | None], tuple[int, int]]  # (account, member) -> (lines, sum)


@dataclass(frozen=True)
class Checkpoint:
    group_id: int
    last_seq: int
    last_hash: str | None
    entries: int
    lines: int
    sums: Sums
    full_checked_at: dt.datetime


def checkpoint_fields(row: VerifyCheckpoint) -> dict:
    """What a checkpoint's seal covers: every field but its id, its recorder and the seal."""
    return {"group": row.group_id, "last_seq": row.last_seq, "last_hash": row.last_hash,
            "entries": row.entries, "lines": row.lines, "sums": row.sums,
            "full_checked_at": row.full_checked_at, "recorded_at": row.recorded_at}


def seal_of(row: VerifyCheckpoint) -> str:
    return row_hash(checkpoint_fields(row), None)


def has_checkpoints(session: Session) -> bool:
    """Whether the file has the table (a backup made before migration 0019 has not)."""
    key = "kongthun_has_verify_checkpoints"
    if key not in session.info:
        session.info[key] = inspect(session.connection()).has_table("verify_checkpoints")
    return session.info[key]


def sums_text(sums: Sums) -> str:
    return json.dumps([[account, member, lines, total]
                       for (account, member), (lines, total) in
                       sorted(sums.items(), key=lambda item: (item[0][0], item[0][1] or 0))],
                      separators=(",", ":"))


def _sums_from_text(value: str) -> Sums:
    return {(account, member): (lines, total) for account, member, lines, total in
            json.loads(value)}


def current_sums(session: Session, group_ids: list[int]) -> dict[int, Sums]:
    """Per group, the count and sum of its lines per account and member, now: one statement
    over the ``(account, member, amount)`` index."""
    found: dict[int, Sums] = {gid: {} for gid in group_ids}
    for group_id, account, member, lines, total in session.execute(
            select(Account.group_id, JournalLine.account_id, JournalLine.member_id,
                   func.count(), func.sum(JournalLine.amount))
            .join(Account, Account.id == JournalLine.account_id)
            .where(Account.group_id.in_(group_ids))
            .group_by(Account.group_id, JournalLine.account_id, JournalLine.member_id)):
        found[group_id][(account, member)] = (int(lines), int(total))
    return found


def usable(session: Session, *, now: dt.datetime | None = None,
           ) -> tuple[dict[int, Checkpoint], list[tuple[str, dict, int]]]:
    """Each group's newest checkpoint that a verify may resume from, and the problems
    found with the checkpoints (``(message, params, group)``). A checkpoint whose seal no
    longer matches, or whose entry no longer carries its hash, is a problem and is not
    used; one whose last full check is older than ``FULL_EVERY`` is simply not used (that
    group is checked in full)."""
    if not has_checkpoints(session):
        return {}, []
    now = now or clock.now()
    newest = select(func.max(VerifyCheckpoint.id)).group_by(VerifyCheckpoint.group_id)
    rows = session.scalars(select(VerifyCheckpoint).where(VerifyCheckpoint.id.in_(newest))
                           .order_by(VerifyCheckpoint.group_id)).all()
    names = dict(session.execute(select(Group.id, Group.name)).all())
    problems: list[tuple[str, dict, int]] = []
    kept: dict[int, VerifyCheckpoint] = {}
    for row in rows:
        if row.seal != seal_of(row):
            problems.append((N_("Group {group}: the record of the last check (entry {seq}) "
                                "was changed by hand, so it was not trusted and the whole "
                                "ledger was checked."),
                             {"group": names.get(row.group_id, row.group_id),
                              "seq": row.last_seq}, row.group_id))
        elif now - row.full_checked_at <= FULL_EVERY:
            kept[row.group_id] = row
    hashes = _hashes_at(session, {gid: row.last_seq for gid, row in kept.items()})
    used: dict[int, Checkpoint] = {}
    for gid, row in kept.items():
        if row.last_seq and hashes.get(gid) != row.last_hash:
            problems.append((N_("Group {group}: entry {seq} is not the one the last check "
                                "saw: the ledger was changed before that check."),
                             {"group": names.get(gid, gid), "seq": row.last_seq}, gid))
            continue
        used[gid] = Checkpoint(gid, row.last_seq, row.last_hash, row.entries, row.lines,
                               _sums_from_text(row.sums), row.full_checked_at)
    return used, problems


def _hashes_at(session: Session, seqs: dict[int, int]) -> dict[int, str]:
    """The hash of entry ``seqs[group]`` of each group: one statement."""
    wanted = {gid: seq for gid, seq in seqs.items() if seq}
    if not wanted:
        return {}
    cases = " ".join(f"WHEN {int(g)} THEN {int(s)}" for g, s in sorted(wanted.items()))
    ids = ",".join(str(int(g)) for g in sorted(wanted))
    return dict(session.execute(text(
        f"SELECT group_id, hash FROM journal_entries WHERE group_id IN ({ids}) "
        f"AND seq = CASE group_id {cases} END")).all())


def cross_check(used: dict[int, Checkpoint], now: dict[int, Sums],
                new: dict[int, dict[tuple, list[int]]], names: dict[int, str],
                ) -> list[tuple[str, dict, int]]:
    """Each resumed group's lines before its checkpoint must still count and sum, per
    account and member, to what the checkpoint kept: today's sums less the lines read
    after it."""
    problems: list[tuple[str, dict, int]] = []
    for gid, checkpoint in used.items():
        before: dict[tuple, tuple[int, int]] = {}
        added = new.get(gid, {})
        for key, (lines, total) in now.get(gid, {}).items():
            lines_new, total_new = added.get(key, (0, 0))
            if lines - lines_new:
                before[key] = (lines - lines_new, total - total_new)
        for key, (lines_new, _) in added.items():
            if key not in now.get(gid, {}) and lines_new:
                before[key] = (-lines_new, 0)
        if before != checkpoint.sums:
            problems.append((N_("Group {group}: the lines up to entry {seq} no longer add up "
                                "to what the last check counted: a line was changed, added "
                                "or removed behind the app's back."),
                             {"group": names.get(gid, gid), "seq": checkpoint.last_seq}, gid))
    return problems


def record_checkpoints(session: Session, actor: User | None, *,
                       heads: dict[int, tuple[int, str | None]], sums: dict[int, Sums],
                       full_checked: dict[int, dt.datetime]) -> int:
    """Keep where a clean verify left each group the actor may verify (``heads``: group ->
    (last seq, its hash); ``sums`` as ``current_sums`` read in the same snapshot;
    ``full_checked``: when each group's chain was last hashed whole). ``actor`` None is
    the app's own check of the day's backup (before anyone logs in): every group. Returns
    how many were kept. Nothing is kept in a file made before checkpoints existed."""
    if heads and actor is not None and not any(
            has_permission(session, actor, Permission.VERIFY, gid) for gid in heads):
        require(session, actor, Permission.VERIFY, None)  # says who may
    if not has_checkpoints(session):
        return 0
    now = clock.now()
    kept = 0
    for gid, (seq, digest) in sorted(heads.items()):
        if actor is not None and not has_permission(session, actor, Permission.VERIFY, gid):
            continue
        group_sums = sums.get(gid, {})
        row = VerifyCheckpoint(
            group_id=gid, last_seq=seq, last_hash=digest, entries=seq,
            lines=sum(lines for lines, _ in group_sums.values()), sums=sums_text(group_sums),
            full_checked_at=full_checked[gid], recorded_at=now,
            recorded_by=None if actor is None else actor.id)
        row.seal = seal_of(row)
        session.add(row)
        kept += 1
    session.flush()
    return kept
