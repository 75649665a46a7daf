"""The ledger seal: the hash at the head of a group's chain, shown in one format everywhere
(screen, every printed page, the command line), and its history.

Every transaction that moves a group's head adds a row to ``ledger_seals`` (the hook below,
run as the transaction commits), so a seal printed on any page can be looked up later
(``find_seal``; ``kongthun verify --seal``) and verify can check that every seal ever made
still matches the journal."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from models.core import chain, clock
from models.core.errors import UserError
from models.core.i18n import N_
from models.core.schema import Group, JournalEntry, LedgerSeal

# 16 hex digits (64 bits) in four groups: short enough to read out and type, long enough
# that no two heads of one ledger share it.
SEAL_DIGITS = 16
MIN_TYPED_DIGITS = 12  # screens before this version showed 12
_SESSION_KEY = "kongthun_moved_heads"


def format_seal(head_hash: str | None) -> str:
    """``3F2A 9C1B 7E04 55D2``; empty for a group without entries."""
    if not head_hash:
        return ""
    digits = head_hash[:SEAL_DIGITS].upper()
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))


def parse_seal(text: str) -> str:
    """A typed or copied seal as lowercase hex digits (spaces and dashes dropped)."""
    digits = re.sub(r"[\s\-:]", "", text or "").lower()
    if not re.fullmatch(r"[0-9a-f]+", digits) or not MIN_TYPED_DIGITS <= len(digits) <= 64:
        raise UserError(N_("“{seal}” is not a ledger seal: type the {count} letters and "
                           "digits printed after “Ledger seal”."), seal=text, count=SEAL_DIGITS)
    return digits


def head_moved(session: Session, group_id: int) -> None:
    """Called by ``ledger.post_entry``: this transaction moved the group's head."""
    session.info.setdefault(_SESSION_KEY, set()).add(group_id)


def seal_fields(row: LedgerSeal) -> dict[str, Any]:
    return {"group": row.group_id, "entries": row.entry_count, "seal": row.seal,
            "at": row.recorded_at}


def record_seal(session: Session, group: Group) -> LedgerSeal | None:
    """Add the group's current head to the history, unless it is there already."""
    if not group.head_hash:
        return None
    last = session.scalar(select(LedgerSeal.seal).where(LedgerSeal.group_id == group.id)
                          .order_by(LedgerSeal.id.desc()).limit(1))
    if last == group.head_hash:
        return None
    row = LedgerSeal(group_id=group.id, entry_count=group.entry_count,
                     seal=group.head_hash, recorded_at=clock.now())
    row.prev_hash = chain.last_hash(session, LedgerSeal)
    row.hash = chain.row_hash(seal_fields(row), row.prev_hash)
    session.add(row)
    return row


@event.listens_for(Session, "before_commit")
def _seal_moved_heads(session: Session) -> None:
    moved = session.info.pop(_SESSION_KEY, None)
    for group_id in sorted(moved or ()):
        group = session.get(Group, group_id)
        if group is not None:
            record_seal(session, group)


@event.listens_for(Session, "after_rollback")
def _forget_moved_heads(session: Session) -> None:
    if not session.in_transaction():
        session.info.pop(_SESSION_KEY, None)


@dataclass(frozen=True)
class SealMatch:
    group_id: int
    group_name: str
    entry_count: int  # the seal is the head after this many entries
    value_date: dt.date  # of that entry
    first_seen: dt.datetime | None  # when the seal history first recorded it
    superseded_at: dt.datetime | None  # when the next seal of the group replaced it


def find_seal(session: Session, seal_text: str, *,
              group_ids: set[int] | None = None) -> list[SealMatch]:
    """Every place in the ledger's history where a seal with these digits was the head:
    entries whose hash starts with them (the chain as it stands now). A seal printed
    before the chain was rewritten or shortened is no longer found."""
    digits = parse_seal(seal_text)
    query = (select(JournalEntry.group_id, JournalEntry.seq, JournalEntry.value_date,
                    JournalEntry.hash, Group.name)
             .join(Group, Group.id == JournalEntry.group_id)
             .where(JournalEntry.hash.like(digits + "%")))
    if group_ids is not None:
        query = query.where(JournalEntry.group_id.in_(group_ids))
    matches = []
    for group_id, seq, value_date, full, name in session.execute(query):
        seals = session.execute(
            select(LedgerSeal.seal, LedgerSeal.recorded_at).where(LedgerSeal.group_id == group_id)
            .order_by(LedgerSeal.id)).all()
        first = next((i for i, (s, _) in enumerate(seals) if s == full), None)
        first_seen = seals[first][1] if first is not None else None
        superseded = seals[first + 1][1] if first is not None and first + 1 < len(seals) else None
        matches.append(SealMatch(group_id, name, seq, value_date, first_seen, superseded))
    return matches


def history_problems(session: Session, groups: list[Group]) -> list[tuple[str, dict, int]]:
    """Every recorded seal of ``groups`` must still be the hash of the entry it sealed
    (``(message, params, group)``, the first broken seal of each group): one statement
    for all groups, each seal against its entry by ``(group, seq)``."""
    names = {g.id: g.name for g in groups}
    found: list[tuple[str, dict, int]] = []
    broken: set[int] = set()
    rows = session.execute(
        select(LedgerSeal.group_id, LedgerSeal.entry_count, LedgerSeal.seal,
               LedgerSeal.recorded_at, JournalEntry.hash)
        .outerjoin(JournalEntry, (JournalEntry.group_id == LedgerSeal.group_id)
                   & (JournalEntry.seq == LedgerSeal.entry_count))
        .where(LedgerSeal.group_id.in_(list(names))).order_by(LedgerSeal.id))
    for group_id, count, sealed, recorded_at, now in rows:
        if group_id in broken:
            continue
        if now is None:
            broken.add(group_id)
            found.append((N_("Group {group}: the ledger was sealed at entry {count} on {date}, "
                             "but that entry is gone: entries were removed behind the app's "
                             "back."), {"group": names[group_id], "count": count,
                                        "date": recorded_at.strftime("%d/%m/%Y")}, group_id))
        elif now != sealed:
            broken.add(group_id)
            found.append((N_("Group {group}: entry {count} was sealed {seal} on {date} but "
                             "now reads {now}: the chain was rewritten."),
                          {"group": names[group_id], "count": count,
                           "seal": format_seal(sealed), "now": format_seal(now),
                           "date": recorded_at.strftime("%d/%m/%Y")}, group_id))
    return found


def chain_problem(session: Session) -> tuple[str, dict] | None:
    rows = session.scalars(select(LedgerSeal).order_by(LedgerSeal.id)).all()
    broken = chain.check_chain(rows, seal_fields)
    if broken is None:
        return None
    return (N_("The seal history was changed at record {number}."), {"number": broken.id})
