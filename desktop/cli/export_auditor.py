"""``kongthun export auditor --db PATH --user U --group N [--from DATE --to DATE]
[--lang lo|en] --out FILE.xlsx``: the auditor's workbook of one group.

N is the group's number (``kongthun export auditor`` with a wrong number lists them). The
period defaults to the whole history. The workbook is written under a temporary name and
renamed at the end (Ctrl-C leaves no file); the export is audited with the file's SHA-256,
which is printed. Exit 0 when written, 2 for bad input or a refused login or permission.
"""
from __future__ import annotations

import argparse

from desktop.cli import CliUsageError
from desktop.cli._common import add_login_options, iso_date
from desktop.cli._ledger import log_in, open_existing
from desktop.cli._progress import write_with_progress
from desktop.exporting import export_auditor
from models.core import i18n, users
from models.core.db import Database
from models.core.groups import visible_groups
from models.core.i18n import _
from models.core.schema import User


def add_period_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--group", required=True, type=int, metavar="N",
                        help="the group's number")
    parser.add_argument("--from", dest="start", type=iso_date, metavar="DATE",
                        help="first day (YYYY-MM-DD; default: the first entry)")
    parser.add_argument("--to", dest="end", type=iso_date, metavar="DATE",
                        help="last day (YYYY-MM-DD; default: today)")
    parser.add_argument("--lang", dest="export_lang", choices=["lo", "en"],
                        help="language of the file (default: the language of messages)")


def register_export(kinds: argparse._SubParsersAction) -> None:
    parser = kinds.add_parser(
        "auditor", help="the auditor's workbook of one group (.xlsx)",
        description="Write the auditor's workbook: cover with the ledger seal, trial balance, "
                    "balance sheet and income statement by fund, cash book, journal, members, "
                    "loan portfolio, welfare claims, meetings, share-outs and audit log.")
    add_login_options(parser)
    add_period_options(parser)
    parser.add_argument("--out", required=True, metavar="FILE.xlsx", help="the workbook to write")
    parser.set_defaults(func=run)


def check_group(database: Database, user: User, group_id: int) -> None:
    """Refuse a group number the user cannot see, naming the groups she can."""
    with database.read() as session:
        groups = sorted(visible_groups(session, users.reload_user(session, user)),
                        key=lambda g: g.id)
    if group_id not in {g.id for g in groups}:
        listing = "; ".join(f"{g.id} {g.name_latin or g.name}" for g in groups)
        raise CliUsageError(_("No group number {number}. The groups are: {groups}.").format(
            number=group_id, groups=listing or _("none")))


def run(args: argparse.Namespace) -> int:
    database = open_existing(args.db)
    try:
        user = log_in(database, args.user)  # first: the groups are named only after it
        check_group(database, user, args.group)
        language = args.export_lang or i18n.current_language()
        return write_with_progress(lambda progress: export_auditor(
            database, user, group_id=args.group, start=args.start, end=args.end,
            language=language, out=args.out, progress=progress),
            _("Wrote {file}: {entries} entries from {start} to {end}."))
    finally:
        database.dispose()
