"""``kongthun verify``: prove the ledger is whole.

Checks, listing every problem found (not stopping at the first): each entry balances and
has two or more non-zero lines; each group's chain is contiguous, each hash recomputes and
links to the previous one, and the group's stored head matches; the trial balance nets to
zero; subledger lines carry their member/loan and sum to their control accounts; the
append-only guards are in place; the schema is at the newest revision. Feature modules add
their own checks in their ``Capability``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from models.core import access_log, audit, chain, checkpoints, clock, seal
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
from models.core.verify_stream import chain_rows


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
CHECK_TABLES: dict[Check, tuple[str, ...]] = {}  # the tables of the capability a check is of

# Append-only tables of the capabilities, guarded against INSERT OR REPLACE by their own
# 0010 migrations (their update/delete guards come with the tables).
CAPABILITY_APPEND_ONLY_TABLES = ("loan_terms", "loan_installments", "loan_events",
                                 "welfare_claim_rules", "welfare_claim_approvals")

# Accounts whose every line must name a member (a subledger per member) or a loan.
MEMBER_SUBLEDGERS = ("member_savings", "nssf_pot", "share_out_payable")
LOAN_SUBLEDGERS = ("loans_receivable",)


def add_check(check: Check, *, tables: tuple[str, ...] = ()) -> None:
    """A capability's check and its tables (models.core.capability registers its declared
    ones)."""
    if check in EXTRA_CHECKS:
        raise ValueError(f"check {check.__qualname__} added twice")
    EXTRA_CHECKS.append(check)
    CHECK_TABLES[check] = tables


def _runnable_checks(session: Session) -> tuple[list[Check], list[Problem]]:
    """The capabilities' checks whose tables the ledger has. A ledger written by an older
    version (checked in its backup before it is migrated) lacks a newer capability's tables:
    its other checks run and that one is skipped. A ledger at this version's schema that
    lacks one is a problem."""
    present = set(inspect(session.connection()).get_table_names())
    missing = sorted({t for check in EXTRA_CHECKS for t in CHECK_TABLES.get(check, ())
                      if t not in present})
    runnable = [c for c in EXTRA_CHECKS if set(CHECK_TABLES.get(c, ())) <= present]
    if not missing or "alembic_version" not in present:
        return runnable, []
    stamped = set(session.execute(text("SELECT version_num FROM alembic_version")).scalars())
    from models.core.revisions import head_revisions

    if stamped != head_revisions():
        return runnable, []
    return runnable, [Problem(N_("The ledger lacks the tables {tables}."),
                              {"tables": ", ".join(missing)})]


Progress = Callable[[int, int], object]  # what it returns is not used


def verify_group(session: Session, group: Group, *,
                 progress: Callable[[int], None] | None = None) -> list[Problem]:
    """Every problem of one group (the auditor's workbook shows it), all its entries read."""
    return verify_groups(session, [group], progress=progress).problems


@dataclass(frozen=True)
class Head:
    """Where a group's chain ended in a verify: its last ``seq`` and that entry's hash."""
    seq: int
    hash: str | None


@dataclass(frozen=True)
class GroupsChecked:
    problems: list[Problem]
    heads: dict[int, Head]  # group id -> where its chain ended
    # group id -> {(account, member): [lines, sum]} of the entries read after a checkpoint
    tallies: dict[int, dict[tuple, list[int]]]


def verify_groups(session: Session, groups: list[Group], *,
                  starts: dict[int, Head] | None = None, checks: list[Check] | None = None,
                  progress: Callable[[int], None] | None = None) -> GroupsChecked:
    """Every problem of ``groups``, each checked by a fixed number of statements over all of
    them: one stream of the chains (``verify_stream.chain_rows``: entries by ``(group,
    seq)``, each hash recomputed as it passes; for a group in ``starts``, only the entries
    after that head, which must link to it), then one aggregate statement per rule. The
    capabilities' checks run per group."""
    problems: list[Problem] = []
    by_id = {g.id: g for g in groups}
    starts = starts or {}

    def add(gid: int, message: str, at_seq: int | None = None, **params) -> None:  # noqa: ANN003
        problems.append(Problem(message, {"group": by_id[gid].name, **params}, gid, at_seq))

    account_group = dict(session.execute(select(Account.id, Account.group_id)).all())
    heads: dict[int, Head] = {gid: starts.get(gid, Head(0, None)) for gid in by_id}
    tallies: dict[int, dict[tuple, list[int]]] = {gid: {} for gid in starts}
    foreign: dict[int, int] = {}
    gid, found, prev_hash, tally = None, 0, None, None
    for row_gid, seq, lines, stored_prev, stored_hash, fields in chain_rows(
            session, {g: h.seq for g, h in starts.items()}, progress, groups=list(by_id)):
        if row_gid != gid:
            if gid is not None:
                heads[gid] = Head(found, prev_hash)
            gid = row_gid
            found, prev_hash = heads[gid].seq, heads[gid].hash
            tally = tallies.get(gid)
        found += 1
        if seq != found:
            add(gid, N_("Group {group}: entry {expected} is missing (found {seq} next)."),
                seq, expected=found, seq=seq)
            found = seq
        total = 0
        for line in lines:
            amount = line[4]
            if amount == 0:
                total = None
                break
            total += amount
            if account_group.get(line[1]) != gid:
                foreign[gid] = foreign.get(gid, 0) + 1
            if tally is not None:
                kept = tally.setdefault((line[1], line[2]), [0, 0])
                kept[0] += 1
                kept[1] += amount
        if total is None or len(lines) < 2:
            add(gid, N_("Group {group}: entry {seq} has fewer than two lines or a zero line."),
                seq, seq=seq)
            total = sum(line[4] for line in lines)
        if total != 0:
            add(gid, N_("Group {group}: entry {seq} does not balance (off by {difference})."),
                seq, seq=seq, difference=total)
        if stored_prev != prev_hash:
            add(gid, N_("Group {group}: entry {seq} does not link to the entry before it."),
                seq, seq=seq)
        if hash_fields(gid, seq, *fields, lines, stored_prev) != stored_hash:
            add(gid, N_("Group {group}: entry {seq} was changed after it was posted."),
                seq, seq=seq)
        prev_hash = stored_hash
    if gid is not None:
        heads[gid] = Head(found, prev_hash)

    counts = dict(session.execute(
        select(JournalEntry.group_id, func.count(JournalEntry.id))
        .where(JournalEntry.group_id.in_(list(by_id))).group_by(JournalEntry.group_id)).all())
    nets = dict(session.execute(
        select(Account.group_id, func.sum(JournalLine.amount))
        .join(JournalLine, JournalLine.account_id == Account.id)
        .where(Account.group_id.in_(list(by_id))).group_by(Account.group_id)).all())
    copies = office_copies(session)
    orphans = _subledger_orphans(session, list(by_id), copies)
    # Read, never create: verify also runs on read-only backups.
    negative = session.execute(
        select(Account.group_id, JournalLine.member_id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(Account.group_id.in_(list(by_id)), Account.key == "member_savings")
        .group_by(Account.group_id, JournalLine.member_id)
        .having(func.sum(JournalLine.amount) > 0)
        .order_by(Account.group_id, JournalLine.member_id)).all()
    negative_by_group: dict[int, list[int]] = {}
    for group_id, member_id in negative:
        negative_by_group.setdefault(group_id, []).append(member_id)

    sealed: dict[int, list[tuple[str, dict]]] = {}
    if has_seal_history(session):
        for message, params, group_id in seal.history_problems(session, groups):
            sealed.setdefault(group_id, []).append((message, params))

    for group in groups:
        gid = group.id
        count = int(counts.get(gid, 0))
        if group.entry_count != count or group.head_hash != heads[gid].hash:
            add(gid, N_("Group {group}: the ledger should end at entry {count} but ends at "
                        "{found}; entries were removed or added behind the app's back."),
                count=group.entry_count, found=count)
        net = int(nets.get(gid) or 0)
        if net != 0:
            add(gid, N_("Group {group}: the trial balance is off by {difference}."),
                difference=net)
        if foreign.get(gid):
            add(gid, N_("Group {group}: {count} lines post to another group's accounts."),
                count=foreign[gid])
        for code, number in orphans.get(gid, []):
            add(gid, N_("Group {group}: {count} lines on {account} name no member or loan, so "
                        "the subledger does not tie to the control account."),
                count=number, account=code)
        for member_id in negative_by_group.get(gid, []):
            add(gid, N_("Group {group}: member {member} has negative savings."),
                member=member_id)
        for message, params in sealed.get(gid, []):
            problems.append(Problem(message, params, gid))
        problems.extend(Problem(m, p, gid) for m, p in kept_total_problems(session, group))
        if gid in copies:
            # An office's copy holds the village's ledger, not its loan records: its loan
            # subledger and the capabilities' ties to their records are checked on the
            # laptop; here the village's own chain is proven again from the texts it hashed.
            from models.core.bundles import replica_problems

            problems.extend(Problem(message, params, gid)
                            for message, params in replica_problems(session, group))
            continue
        for check in EXTRA_CHECKS if checks is None else checks:
            problems.extend(check(session, group))
    return GroupsChecked(problems, heads, tallies)


def _subledger_orphans(session: Session, group_ids: list[int],
                       copies: set[int]) -> dict[int, list[tuple[str, int]]]:
    """Per group, the subledger accounts (code, lines) with lines that name no member (or,
    outside an office's copies, no loan): one statement for all groups."""
    rows = session.execute(
        select(Account.group_id, Account.key, Account.code,
               func.count(JournalLine.id).filter(JournalLine.member_id.is_(None)),
               func.count(JournalLine.id).filter(JournalLine.loan_id.is_(None)))
        .join(JournalLine, JournalLine.account_id == Account.id)
        .where(Account.group_id.in_(group_ids),
               Account.key.in_(MEMBER_SUBLEDGERS + LOAN_SUBLEDGERS))
        .group_by(Account.group_id, Account.key, Account.code)
        .order_by(Account.group_id, Account.code)).all()
    found: dict[int, list[tuple[str, int]]] = {}
    for group_id, key, code, no_member, no_loan in rows:
        if key in MEMBER_SUBLEDGERS:
            number = no_member
        else:
            number = 0 if group_id in copies else no_loan
        if number:
            found.setdefault(group_id, []).append((code, int(number)))
    return found


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


@dataclass(frozen=True)
class VerifyRun:
    """What a verify found, and where it left each group's chain (for its checkpoint)."""
    problems: list[Problem]
    heads: dict[int, Head]
    sums: dict[int, checkpoints.Sums]          # per group, as read in the same snapshot
    full_checked: dict[int, dt.datetime]       # per group, when its chain was last hashed whole
    resumed: dict[int, int]                    # group -> the seq its check resumed after


def verify_database(session: Session, *, full: bool = False, resume: bool = False,
                    progress: Progress | None = None) -> list[Problem]:
    """Every problem of the ledger (``verify_run`` says where each chain ended too)."""
    return verify_run(session, full=full, resume=resume, progress=progress).problems


def verify_run(session: Session, *, full: bool = False, resume: bool = False,
               progress: Progress | None = None) -> VerifyRun:
    """Every problem of the ledger. On SQLite the file is checked with ``PRAGMA
    quick_check`` (every page and row readable), or with ``full``, ``integrity_check``
    (every index matches its table too: minutes on a big ledger). With ``resume`` (and
    not ``full``), each group whose newest checkpoint holds is hashed only after it
    (``models.core.checkpoints`` says what that can and cannot miss). ``progress(done,
    total)`` follows the journal lines read."""
    require_capabilities()  # every capability's checks, also from the command line
    problems = file_problems(session, full=full)
    if has_seal_history(session):
        problems.extend(chain_problems(session))
    groups = list(session.scalars(select(Group).order_by(Group.id)))
    names = {g.id: g.name for g in groups}
    used: dict[int, checkpoints.Checkpoint] = {}
    if resume and not full:
        used, found = checkpoints.usable(session)
        problems.extend(Problem(message, params, gid) for message, params, gid in found)
    sums = checkpoints.current_sums(session, list(names))
    total = sum(lines for group in sums.values() for lines, _ in group.values()) - \
        sum(c.lines for c in used.values())
    done = 0

    def step(lines: int) -> None:
        nonlocal done
        done += lines
        progress(done, max(total, done))

    runnable, lacking = _runnable_checks(session)
    problems.extend(lacking)
    checked = verify_groups(session, groups, checks=runnable,
                            starts={gid: Head(c.last_seq, c.last_hash) for gid, c in used.items()},
                            progress=step if progress else None)
    problems.extend(checked.problems)
    problems.extend(Problem(message, params, gid) for message, params, gid in
                    checkpoints.cross_check(used, sums, checked.tallies, names))
    if progress is not None:
        progress(max(total, done), max(total, done))
    now = clock.now()
    return VerifyRun(problems, checked.heads, sums,
                     {gid: used[gid].full_checked_at if gid in used else now for gid in names},
                     {gid: c.last_seq for gid, c in used.items()})


def file_problems(session: Session, *, full: bool = False) -> list[Problem]:
    """The file itself: SQLite's quick (or, ``full``, integrity) check and the append-only
    guards."""
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
