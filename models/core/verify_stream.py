"""The journal as one stream of plain rows for ``verify``: every group's entries in
``(group, seq)`` order with their lines alongside, read by two cursors over the whole
ledger (no statement per group, no ORM objects), so the check costs one pass however many
groups the file holds.

On SQLite both cursors walk the ``(group_id, seq)`` and ``(entry_id, line_no)`` indexes:
no sort, nothing held but the entry being checked."""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping

from sqlalchemy import text
from sqlalchemy.orm import Session

STEP = 5_000  # lines between two progress calls

_ENTRY_COLUMNS = ("e.id, e.group_id, e.seq, e.value_date, {recorded}, e.user_id, e.kind, "
                  "e.memo, e.reverses_id, e.meeting_id, e.loan_id, e.claim_id, "
                  "e.remittance_id, e.prev_hash, e.hash")


def _where(starts: Mapping[int, int] | None, groups: Collection[int] | None) -> str:
    """The condition that keeps ``groups`` and skips each group's entries up to its
    checkpoint (ints only, so written into the statement: one statement for any number of
    groups)."""
    terms = []
    if groups is not None:
        terms.append(f"e.group_id IN ({','.join(str(int(g)) for g in sorted(groups)) or 0})")
    if starts:
        cases = " ".join(f"WHEN {int(g)} THEN {int(seq)}" for g, seq in sorted(starts.items()))
        terms.append(f"e.seq > CASE e.group_id {cases} ELSE 0 END")
    return " WHERE " + " AND ".join(terms) if terms else ""


def chain_rows(session: Session, starts: Mapping[int, int] | None = None,
               progress: Callable[[int], None] | None = None, *,
               groups: Collection[int] | None = None) -> Iterator[tuple]:
    """The entries of ``groups`` (all groups if None) after ``starts[group]`` (all of them
    for a group not named),
    ordered by group and ``seq``, as plain tuples ``(group, seq, lines, prev_hash, hash,
    fields)``: ``lines`` as the hash covers them (``[line_no, account, member, loan,
    amount, memo]``) and ``fields`` the rest of what it covers, in
    ``ledger.canonical_fields`` order after the group and seq. ``progress(lines)`` is told
    how many lines were read, now and then."""
    where = _where(starts, groups)
    connection = session.connection()
    lines_sql = ("SELECT l.entry_id, l.line_no, l.account_id, l.member_id, l.loan_id, "
                 "l.amount, l.memo FROM journal_entries e "
                 "JOIN journal_lines l ON l.entry_id = e.id" + where +
                 " ORDER BY e.group_id, e.seq, l.line_no")
    if connection.dialect.name == "sqlite":
        # The driver's own cursors: plain tuples, dates as the ISO text SQLite keeps (the
        # time's space becomes the ISO "T"), hashed as read.
        raw = connection.connection.dbapi_connection
        entries = raw.execute(
            "SELECT " + _ENTRY_COLUMNS.format(recorded="replace(e.recorded_at, ' ', 'T')") +
            " FROM journal_entries e" + where + " ORDER BY e.group_id, e.seq")
        lines = raw.execute(lines_sql)
    else:
        # Per statement: a Connection's own execution_options() would change it in place,
        # and the writes after a verify in the same transaction would go to server cursors.
        stream = {"stream_results": True, "yield_per": STEP}
        entries = iter(connection.execute(text(
            "SELECT " + _ENTRY_COLUMNS.format(recorded="e.recorded_at") +
            " FROM journal_entries e" + where + " ORDER BY e.group_id, e.seq"),
            execution_options=stream))
        lines = iter(connection.execute(text(lines_sql), execution_options=stream))
    pending = next(lines, None)
    read = 0
    for (entry_id, group_id, seq, value_date, recorded_at, user_id, kind, memo, reverses_id,
         meeting_id, loan_id, claim_id, remittance_id, prev, digest) in entries:
        own = []
        while pending is not None and pending[0] == entry_id:
            own.append(pending[1:])
            pending = next(lines, None)
        read += len(own)
        if progress is not None and read >= STEP:
            progress(read)
            read = 0
        yield group_id, seq, own, prev, digest, (
            value_date, recorded_at, user_id, kind, memo, reverses_id,
            [meeting_id, loan_id, claim_id, remittance_id])
    if progress is not None and read:
        progress(read)
