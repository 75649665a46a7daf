"""``kongthun verify --db PATH --user U``: prove the ledger is whole.

Checks (``models.core.verify``): every entry balances, each group's hash chain is unbroken and
ends at its stored head, trial balances net to zero, subledgers carry their member or loan,
the append-only guards are in place, the file is not damaged; and here, the schema version
(the file is opened as it is, never migrated). Prints a summary with each group's ledger
seal (the hash at the head of its chain) and every problem. Exit 0 only if all hold, 1 if
any check failed, 2 for bad usage or a refused login.

The file itself is checked with SQLite's ``quick_check``; each group's chain is hashed from
the last clean check's checkpoint on (``models.core.checkpoints``: only the new entries,
the older lines' counts and sums read again; every entry once a week), and a clean check
leaves a new checkpoint. ``--full`` hashes every entry and runs the slower
``integrity_check`` (every index against its table). A progress line on stderr follows the
journal lines read.

Who may verify (``models.core.verify_scope.groups_to_verify``): a user verifies the groups in
which a role gives them ``VERIFY``; a grant for all groups (an administrator, an auditor of
the federation) verifies every group. Checks of the file itself (damage, guards, schema) are
shown to everyone. The run is audited.

``--seal HEX [--as-of DATE]``: is a seal printed on a page (its 16 digits, spaces optional;
12 from older screens work too) still in this ledger's history, and was it the seal on
DATE? A chain rewritten or shortened after the page was printed no longer holds it: the
printed seals are the check from outside the file. Exit 1 if it is not found.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys

from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError

from desktop.cli import CliUsageError
from desktop.cli._common import add_login_options, iso_date
from desktop.cli._ledger import describe, log_in, open_existing
from desktop.cli._progress import ProgressLine
from models.core import audit, migrate, users
from models.core.checkpoints import record_checkpoints
from models.core.db import Database
from models.core.errors import UserError
from models.core.i18n import _
from models.core.seal import SealMatch, find_seal, format_seal, parse_seal
from models.core.verify import VerifyRun, verify_run
from models.core.verify_scope import groups_to_verify


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "verify", help="check balances, hash chains and schema; exit 1 if anything fails",
        description="Check that every entry balances, the hash chains are unbroken, "
                    "subledgers tie to their control accounts and the schema is current. "
                    "The ledger is not changed (only the check is written to the audit log).")
    add_login_options(parser)
    parser.add_argument("--full", action="store_true",
                        help="hash every entry again (not only those after the last "
                             "clean check) and check every index of the file against its "
                             "table (SQLite integrity_check: slow on a big ledger; the "
                             "default is quick_check)")
    parser.add_argument("--seal", metavar="HEX",
                        help="a ledger seal printed on a page: say whether it is still in this "
                             "ledger's history")
    parser.add_argument("--as-of", type=iso_date, metavar="DATE",
                        help="with --seal: the day the page was printed (YYYY-MM-DD)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.as_of is not None and not args.seal:
        raise CliUsageError(_("--as-of goes with --seal: the day a seal was printed."))
    if args.seal:
        try:
            parse_seal(args.seal)
        except UserError as exc:
            raise CliUsageError(str(exc)) from None
    database = open_existing(args.db)
    try:
        return verify_ledger(database, args.user, seal=args.seal, as_of=args.as_of,
                             full=args.full, progress=ProgressLine(text=_("Checking… {percent}%")))
    finally:
        database.dispose()


def schema_problem(database: Database) -> str | None:
    """A translated sentence if the file's schema is not the one this program writes."""
    if not migrate.needs_upgrade(database):
        return None
    found = sorted(migrate.current_revisions(database))
    expected = sorted(migrate.head_revisions())
    known = {rev.revision for rev in
             ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()}
    found_text = ", ".join(found) or _("none")
    expected_text = ", ".join(expected)
    if set(found) - known:
        return _("The ledger was written by a newer version of Kongthun (schema {found}); "
                 "this version knows {expected}.").format(found=found_text,
                                                          expected=expected_text)
    return _("The ledger's schema ({found}) is older than this version of Kongthun "
             "({expected}). Open it in Kongthun to upgrade it; a backup is made first.").format(
        found=found_text, expected=expected_text)


def verify_ledger(database: Database, username: str, *, seal: str | None = None,
                  as_of: dt.date | None = None, full: bool = False,
                  progress: ProgressLine | None = None) -> int:
    schema = schema_problem(database)
    try:
        user = log_in(database, username)
        # One snapshot: entries posted while this runs are not half seen (a server engine
        # would otherwise show a new entry's lines without the chain head that names it).
        with database.snapshot() as session:
            actor = users.reload_user(session, user)
            groups = groups_to_verify(session, actor)
            ids = {g.group_id for g in groups}
            run = verify_run(session, full=full, resume=not full, progress=progress)
            if progress is not None:
                progress.finish()
            problems = [str(p) for p in run.problems if p.group_id is None or p.group_id in ids]
            seal_lines, seal_ok = ([], True) if seal is None else \
                seal_report(find_seal(session, seal, group_ids=ids), seal, as_of)
    except SQLAlchemyError:
        if schema is None:
            raise
        # An outdated or newer schema can stop the checks themselves: that is the finding.
        print(_("Ledger: {place}").format(place=describe(database)))
        print(_("1 problem found:"))
        print("  - " + schema)
        return 1
    if schema is not None:
        problems.insert(0, schema)

    print(_("Ledger: {place}").format(place=describe(database)))
    for line in seal_lines:
        print(line)
    if schema is None:
        print(_("Schema: up to date ({revisions}).").format(
            revisions=", ".join(sorted(migrate.head_revisions()))))
    for group in groups:
        title = f"{group.name} ({group.name_latin})" if group.name_latin else group.name
        if group.seal:
            print("  " + _("{group}: {entries} entries, seal {seal}").format(
                group=title, entries=group.entries, seal=group.seal))
        else:
            print("  " + _("{group}: no entries yet").format(group=title))
    print(_("Checked {groups} groups and {entries} entries.").format(
        groups=len(groups), entries=sum(g.entries for g in groups)))
    if not problems:
        print(_("All checks passed."))
    else:
        print(_("1 problem found:") if len(problems) == 1 else
              _("{count} problems found:").format(count=len(problems)))
        for problem in problems:
            print("  - " + problem)
    if run.resumed:
        print(_("Entries already proven by the last check were not hashed again: run "
                "kongthun verify --full to hash every entry."))
    _audit(database, user, ok=not problems and seal_ok, groups=sorted(ids),
           problems=len(problems), **({"seal": seal, "seal_found": seal_ok} if seal else {}),
           checkpoint=run if not run.problems and schema is None else None)
    return 1 if problems or not seal_ok else 0


def seal_report(matches: list[SealMatch], typed: str, as_of: dt.date | None,
                ) -> tuple[list[str], bool]:
    """The lines ``--seal`` prints, and whether the seal stands (for ``as_of``: was the
    ledger's seal on that day)."""
    shown = format_seal(parse_seal(typed)) if len(parse_seal(typed)) >= 16 else typed.strip()

    def when(moment: dt.datetime | None) -> str:
        return moment.strftime("%d/%m/%Y %H:%M") if moment else "—"

    if not matches:
        return [_("Seal {seal}: NOT in this ledger's history. Either the page comes from "
                  "another ledger, or entries were changed or removed after it was "
                  "printed.").format(seal=shown)], False
    lines, ok = [], False
    for match in matches:
        lines.append(_("Seal {seal}: in this ledger's history — {group}, after entry "
                       "{count} (dated {date}).").format(
            seal=shown, group=match.group_name, count=match.entry_count,
            date=match.value_date.strftime("%d/%m/%Y")))
        if match.first_seen is None:
            lines.append("  " + _("It was never the seal between two saves, so no page "
                                  "could show it."))
            continue
        lines.append("  " + _("It was the ledger's seal from {start} until {end}.").format(
            start=when(match.first_seen),
            end=when(match.superseded_at) if match.superseded_at else _("now")))
        held = (match.first_seen.date() <= as_of and
                (match.superseded_at is None or match.superseded_at.date() >= as_of)) \
            if as_of is not None else True
        if as_of is not None and not held:
            lines.append("  " + _("It was NOT the seal on {date}: a page printed that day "
                                  "showed another seal.").format(date=as_of.strftime("%d/%m/%Y")))
        ok = ok or held
    return lines, ok


def _audit(database: Database, user, *, checkpoint: VerifyRun | None,  # noqa: ANN001
           **detail) -> None:  # noqa: ANN003
    """The check in the audit log; after a clean check, where it left each chain (the next
    check resumes there)."""
    try:
        with database.write() as session:
            actor = users.reload_user(session, user)
            if checkpoint is not None:
                detail["resumed"] = len(checkpoint.resumed)
                record_checkpoints(
                    session, actor, heads={g: (h.seq, h.hash) for g, h in checkpoint.heads.items()},
                    sums=checkpoint.sums, full_checked=checkpoint.full_checked)
            audit.record(session, actor, "ledger.verify", **detail)
    except SQLAlchemyError as exc:
        print(_("The check could not be written to the audit log: {error}").format(
            error=exc.__class__.__name__), file=sys.stderr)
