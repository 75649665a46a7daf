"""``kongthun verify``: prove the ledger is whole.

Checks, listing every problem found (not stopping at the first): each entry balances and
has two or more non-zero lines; each group's chain is contiguous, each hash recomputes and
links to the previous one, and the group's stored head matches; the trial balance nets to
zero; subledger lines carry their member/loan and sum to their control accounts; the
append-only guards are in place; the schema is at the newest revision. Feature modules add
their own checks in their ``Capability``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from models.core import access_log, audit, chain, chart, seal
from models.core.i18n import N_, gettext
from models.core.ledger import hash_fields
from models.core.loaded import require_capabilities
from models.core.schema import (
    APPEND_ONLY_TABLES,
    Account,
    AuditEvent,
    Group,
    JournalEntry,
    JournalLine,
)
from models.core.totals import problems as kept_total_problems


@dataclass(frozen=True)
class Problem:
    message: str  # untranslated id
    params: dict
    group_id: int | None = None
    entry_seq: int | None = None

    def __str__(self) -> str:
        return gettext(self.message).format(**self.params)


Check = Callable[[Session, Group], list[Problem]]
EXTRA_CHECKS: list[Check] = []

# Append-only tables of the capabilities, guarded against INSERT OR REPLACE by their own
# 0010 migrations (their update/delete guards come with the tables).
CAPABILITY_APPEND_ONLY_TABLES = ("loan_terms", "loan_installments", "loan_events",
                                 "welfare_claim_rules", "welfare_claim_approvals")

# Accounts whose every line must name a member (a subledger per member) or a loan.
MEMBER_SUBLEDGERS = ("member_savings", "nssf_pot", "share_out_payable")
LOAN_SUBLEDGERS = ("loans_receivable",)


def add_check(check: Check) -> None:
    """A capability's check (models.core.capability registers its declared ones)."""
    if check in EXTRA_CHECKS:
        raise ValueError(f"check {check.__qualname__} added twice")
    EXTRA_CHECKS.append(check)


Progress = Callable[[int, int], object]  # what it returns is not used


def verify_group(session: Session, group: Group, *,
                 progress: Callable[[int], None] | None = None) -> list[Problem]:
    """Every problem of one group. The chain is read as a stream of plain rows (entries by
    ``seq``, their lines alongside), each hash recomputed as it passes; ``progress(lines)``
    is told how many lines were read, now and then."""
    problems: list[Problem] = []
    gid = group.id

    def add(message: str, at_seq: int | None = None, **params) -> None:  # noqa: ANN003
        problems.append(Problem(message, params, gid, at_seq))

    found, prev_hash = 0, None
    for seq, lines, stored_prev, stored_hash, fields in chain_rows(session, gid, progress):
        found += 1
        if seq != found:
            add(N_("Group {group}: entry {expected} is missing (found {seq} next)."),
                seq, group=group.name, expected=found, seq=seq)
            found = seq
        if len(lines) < 2 or any(line[4] == 0 for line in lines):
            add(N_("Group {group}: entry {seq} has fewer than two lines or a zero line."),
                seq, group=group.name, seq=seq)
        total = sum(line[4] for line in lines)
        if total != 0:
            add(N_("Group {group}: entry {seq} does not balance (off by {difference})."),
                seq, group=group.name, seq=seq, difference=total)
        if stored_prev != prev_hash:
            add(N_("Group {group}: entry {seq} does not link to the entry before it."),
                seq, group=group.name, seq=seq)
        if hash_fields(gid, seq, *fields, lines, stored_prev) != stored_hash:
            add(N_("Group {group}: entry {seq} was changed after it was posted."),
                seq, group=group.name, seq=seq)
        prev_hash = stored_hash
    count = session.scalar(select(func.count(JournalEntry.id))
                           .where(JournalEntry.group_id == gid))
    if group.entry_count != count or group.head_hash != prev_hash:
        add(N_("Group {group}: the ledger should end at entry {count} but ends at {found}; "
               "entries were removed or added behind the app's back."),
            group=group.name, count=group.entry_count, found=count)

    net = session.scalar(select(func.coalesce(func.sum(JournalLine.amount), 0))
                         .join(Account, Account.id == JournalLine.account_id)
                         .where(Account.group_id == gid))
    if net != 0:
        add(N_("Group {group}: the trial balance is off by {difference}."),
            group=group.name, difference=int(net))
    foreign = session.scalar(select(func.count(JournalLine.id)).join(JournalEntry)
                             .join(Account, Account.id == JournalLine.account_id)
                             .where(JournalEntry.group_id == gid, Account.group_id != gid))
    if foreign:
        add(N_("Group {group}: {count} lines post to another group's accounts."),
            group=group.name, count=foreign)

    copy = gid in office_copies(session)
    # An office's copy holds the village's ledger, not its loan records: its loan subledger
    # and the capabilities' ties to their records are checked on the laptop; here the
    # village's own chain is proven again from the texts it hashed.
    loan_subledgers = () if copy else LOAN_SUBLEDGERS
    for key, column in [(k, JournalLine.member_id) for k in MEMBER_SUBLEDGERS] + \
                       [(k, JournalLine.loan_id) for k in loan_subledgers]:
        acc = chart.find_account(session, gid, key)
        if acc is None:
            continue
        orphans = session.scalar(select(func.count(JournalLine.id))
                                 .where(JournalLine.account_id == acc.id, column.is_(None)))
        if orphans:
            add(N_("Group {group}: {count} lines on {account} name no member or loan, so the "
                   "subledger does not tie to the control account."),
                group=group.name, count=orphans, account=acc.code)
    # Read, never create: verify also runs on read-only backups.
    negative = session.execute(
        select(JournalLine.member_id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(Account.group_id == gid, Account.key == "member_savings")
        .group_by(JournalLine.member_id).having(func.sum(JournalLine.amount) > 0)).all()
    for (member_id,) in negative:
        add(N_("Group {group}: member {member} has negative savings."),
            group=group.name, member=member_id)

    problems.extend(Problem(m, p, gid) for m, p in kept_total_problems(session, group))
    if has_seal_history(session):
        for message, params in seal.history_problems(session, group):
            problems.append(Problem(message, params, gid))

    if copy:
        from models.core.bundles import replica_problems

        problems.extend(Problem(message, params, gid)
                        for message, params in replica_problems(session, group))
        return problems
    for check in EXTRA_CHECKS:
        problems.extend(check(session, group))
    return problems


STEP = 5_000  # lines between two progress calls


def chain_rows(session: Session, group_id: int, progress: Callable[[int], None] | None = None):
    """The group's entries in ``seq`` order as plain tuples ``(seq, lines, prev_hash,
    hash, fields)``: ``lines`` as the hash covers them (``[line_no, account, member,
    loan, amount, memo]``) and ``fields`` the rest of what it covers, in
    ``ledger.canonical_fields`` order after the group and seq. Two cursors walk side by
    side; nothing is held but the entry being checked."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # The driver's own cursors: plain tuples, dates as the ISO text SQLite keeps (the
        # time's space becomes the ISO "T"), hashed as read.
        raw = connection.connection.dbapi_connection
        entries = raw.execute(
            "SELECT id, seq, value_date, replace(recorded_at, ' ', 'T'), user_id, kind, "
            "memo, reverses_id, meeting_id, loan_id, claim_id, remittance_id, prev_hash, "
            "hash FROM journal_entries WHERE group_id = ? ORDER BY seq", (group_id,))
        lines = raw.execute(
            "SELECT l.entry_id, l.line_no, l.account_id, l.member_id, l.loan_id, l.amount, "
            "l.memo FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id "
            "WHERE e.group_id = ? ORDER BY e.seq, l.line_no", (group_id,))
    else:
        # Per statement: a Connection's own execution_options() would change it in place,
        # and the writes after a verify in the same transaction would go to server cursors.
        stream = {"stream_results": True, "yield_per": STEP}
        entries = iter(connection.execute(
            select(JournalEntry.id, JournalEntry.seq, JournalEntry.value_date,
                   JournalEntry.recorded_at, JournalEntry.user_id, JournalEntry.kind,
                   JournalEntry.memo, JournalEntry.reverses_id, JournalEntry.meeting_id,
                   JournalEntry.loan_id, JournalEntry.claim_id, JournalEntry.remittance_id,
                   JournalEntry.prev_hash, JournalEntry.hash)
            .where(JournalEntry.group_id == group_id).order_by(JournalEntry.seq),
            execution_options=stream))
        lines = iter(connection.execute(
            select(JournalLine.entry_id, JournalLine.line_no, JournalLine.account_id,
                   JournalLine.member_id, JournalLine.loan_id, JournalLine.amount,
                   JournalLine.memo)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalEntry.group_id == group_id)
            .order_by(JournalEntry.seq, JournalLine.line_no), execution_options=stream))
    pending = next(lines, None)
    read = 0
    for (entry_id, seq, value_date, recorded_at, user_id, kind, memo, reverses_id,
         meeting_id, loan_id, claim_id, remittance_id, prev, digest) in entries:
        own = []
        while pending is not None and pending[0] == entry_id:
            own.append(list(pending[1:]))
            pending = next(lines, None)
        read += len(own)
        if progress is not None and read >= STEP:
            progress(read)
            read = 0
        yield seq, own, prev, digest, (
            value_date, recorded_at, user_id, kind, memo, reverses_id,
            [meeting_id, loan_id, claim_id, remittance_id])
    if progress is not None and read:
        progress(read)


def office_copies(session: Session) -> set[int]:
    """The groups that are an office's copies of village ledgers (none in a ledger made
    before bundles existed)."""
    key = "kongthun_office_copies"
    if key not in session.info:
        copies: set[int] = set()
        if inspect(session.connection()).has_table("replica_groups"):
            from models.core.schema_bundles import ReplicaGroup

            copies = set(session.scalars(select(ReplicaGroup.group_id)))
        session.info[key] = copies
    return session.info[key]


def has_seal_history(session: Session) -> bool:
    """Whether the file has the chained audit and access logs and the seal history (a
    backup made before the migration that added them, 0010, has not)."""
    key = "kongthun_has_seal_history"
    if key not in session.info:
        session.info[key] = inspect(session.connection()).has_table("ledger_seals")
    return session.info[key]


def chain_problems(session: Session) -> list[Problem]:
    """The chains outside the journal: the audit log, the access log (and the users and
    grants it must explain), the seal history."""
    problems: list[Problem] = []
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    broken = chain.check_chain(events, audit.event_fields)
    if broken is not None:
        problems.append(Problem(N_("The audit log was changed at event {number} ({action}): "
                                   "events were altered, removed or slipped in."),
                                {"number": broken.id, "action": broken.action}))
    problems.extend(Problem(message, params) for message, params in access_log.problems(session))
    found = seal.chain_problem(session)
    if found is not None:
        problems.append(Problem(*found))
    return problems


def verify_database(session: Session, *, full: bool = False,
                    progress: Progress | None = None) -> list[Problem]:
    """Every problem of the ledger. On SQLite the file is checked with ``PRAGMA
    quick_check`` (every page and row readable), or with ``full``, ``integrity_check``
    (every index matches its table too: minutes on a big ledger). ``progress(done,
    total)`` follows the journal lines read."""
    require_capabilities()  # every capability's checks, also from the command line
    problems: list[Problem] = []
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        pragma = "PRAGMA integrity_check" if full else "PRAGMA quick_check"
        integrity = session.execute(text(pragma)).scalar()
        if integrity != "ok":
            problems.append(Problem(N_("The database file is damaged: {detail}"),
                                    {"detail": integrity}))
        triggers = set(session.scalars(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")))
        for table in APPEND_ONLY_TABLES:
            for suffix in ("no_update", "no_delete", "no_replace")[
                    :3 if has_seal_history(session) else 2]:
                if f"{table}_{suffix}" not in triggers:
                    problems.append(Problem(
                        N_("The guard that keeps {table} append-only was removed."),
                        {"table": table}))
        if has_seal_history(session):
            tables = set(session.scalars(text(
                "SELECT name FROM sqlite_master WHERE type = 'table'")))
            for table in CAPABILITY_APPEND_ONLY_TABLES:
                if table in tables and f"{table}_no_replace" not in triggers:
                    problems.append(Problem(
                        N_("The guard that keeps {table} append-only was removed."),
                        {"table": table}))
    elif bind.dialect.name == "postgresql":
        problems.extend(postgresql_guard_problems(session))
    if has_seal_history(session):
        problems.extend(chain_problems(session))
    total = session.scalar(select(func.count()).select_from(JournalLine)) if progress else 0
    done = 0

    def step(lines: int) -> None:
        nonlocal done
        done += lines
        progress(done, total)

    for group in session.scalars(select(Group).order_by(Group.id)):
        problems.extend(verify_group(session, group, progress=step if progress else None))
    if progress is not None:
        progress(total, total)
    return problems


def postgresql_guard_problems(session: Session) -> list[Problem]:
    """On PostgreSQL each append-only table has one row trigger that must be present and
    enabled (``ALTER TABLE ... DISABLE TRIGGER`` by the tables' owner would switch it off;
    the app's own role cannot, see docs/FEDERATION.md)."""
    rows = session.execute(text(
        "SELECT c.relname, t.tgenabled FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE c.relnamespace = to_regnamespace(current_schema()) "
        "AND t.tgname = c.relname || '_append_only'")).all()
    state = {name: enabled for name, enabled in rows}
    problems: list[Problem] = []
    for table in APPEND_ONLY_TABLES:
        if table not in state:
            problems.append(Problem(N_("The guard that keeps {table} append-only was removed."),
                                    {"table": table}))
        elif state[table] not in ("O", "A"):
            problems.append(Problem(
                N_("The guard that keeps {table} append-only is switched off."),
                {"table": table}))
    return problems
