"""``kongthun verify --db PATH --user U``: prove the ledger is whole.

Checks (``models.verify``): every entry balances, each group's hash chain is unbroken and
ends at its stored head, trial balances net to zero, subledgers carry their member or loan,
the append-only guards are in place, the file is not damaged; and here, the schema version
(the file is opened as it is, never migrated). Prints a summary with each group's ledger
seal (the hash at the head of its chain) and every problem. Exit 0 only if all hold, 1 if
any check failed, 2 for bad usage or a refused login.

Who may verify: a user verifies the groups in which a role gives them ``VERIFY``; a grant
for all groups (an administrator, an auditor of the federation) verifies every group. Checks
of the file itself (damage, guards, schema) are shown to everyone. The run is audited.
"""
from __future__ import annotations

import argparse
import sys

from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from desktop.cli._common import add_login_options
from desktop.cli._ledger import describe, log_in, open_existing
from models import audit, migrate, users
from models.db import Database
from models.i18n import _
from models.permissions import Permission, has_permission, require
from models.schema import Group, JournalEntry
from models.verify import verify_database


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "verify", help="check balances, hash chains and schema; exit 1 if anything fails",
        description="Check that every entry balances, the hash chains are unbroken, "
                    "subledgers tie to their control accounts and the schema is current. "
                    "The ledger is not changed (only the check is written to the audit log).")
    add_login_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    database = open_existing(args.db)
    try:
        return verify_ledger(database, args.user)
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


def verify_ledger(database: Database, username: str) -> int:
    schema = schema_problem(database)
    try:
        user = log_in(database, username)
        # One snapshot: entries posted while this runs are not half seen (a server engine
        # would otherwise show a new entry's lines without the chain head that names it).
        with database.snapshot() as session:
            actor = users.reload_user(session, user)
            every_group = session.scalars(select(Group).order_by(Group.id)).all()
            if has_permission(session, actor, Permission.VERIFY, None):
                groups = list(every_group)
            else:
                groups = [g for g in every_group
                          if has_permission(session, actor, Permission.VERIFY, g.id)]
                if not groups:
                    require(session, actor, Permission.VERIFY, None)  # says who may not
            ids = {g.id for g in groups}
            problems = [str(p) for p in verify_database(session)
                        if p.group_id is None or p.group_id in ids]
            counts = dict(session.execute(
                select(JournalEntry.group_id, func.count(JournalEntry.id))
                .group_by(JournalEntry.group_id)).all())
            summary = [(g.name, g.name_latin, counts.get(g.id, 0), g.head_hash) for g in groups]
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
    if schema is None:
        print(_("Schema: up to date ({revisions}).").format(
            revisions=", ".join(sorted(migrate.head_revisions()))))
    for name, latin, entries, seal in summary:
        title = f"{name} ({latin})" if latin else name
        if seal:
            print("  " + _("{group}: {entries} entries, seal {seal}").format(
                group=title, entries=entries, seal=seal))
        else:
            print("  " + _("{group}: no entries yet").format(group=title))
    print(_("Checked {groups} groups and {entries} entries.").format(
        groups=len(summary), entries=sum(row[2] for row in summary)))
    if not problems:
        print(_("All checks passed."))
    else:
        print(_("1 problem found:") if len(problems) == 1 else
              _("{count} problems found:").format(count=len(problems)))
        for problem in problems:
            print("  - " + problem)
    _audit(database, user, ok=not problems, groups=sorted(ids), problems=len(problems))
    return 1 if problems else 0


def _audit(database: Database, user, **detail) -> None:  # noqa: ANN001, ANN003
    try:
        with database.write() as session:
            audit.record(session, users.reload_user(session, user), "ledger.verify", **detail)
    except SQLAlchemyError as exc:
        print(_("The check could not be written to the audit log: {error}").format(
            error=exc.__class__.__name__), file=sys.stderr)
