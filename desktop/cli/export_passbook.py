"""``kongthun export passbook --db PATH --user U --group N [--member M] [--continue]
--out FILE.pdf``: members' passbooks on the group's passbook page size.

N is the group's number (its id, listed when N is wrong) and M the member's number, as
the members screen shows it. Without
``--continue`` the whole book is printed from its first page (a copy when it was printed
before); with it, only the lines not yet printed, on the page where the last print ended.
When there is nothing new, it says so and writes no file. The print is recorded (so the
next ``--continue`` starts after it) in the same transaction the PDF is written in.
"""
from __future__ import annotations

import argparse

from desktop.cli import CliUsageError
from desktop.cli._common import add_login_options
from desktop.cli._ledger import log_in, open_existing
from desktop.cli.verify import schema_problem
from models.core import users
from models.core.groups import visible_groups
from models.core.i18n import _
from models.core.lookup import member_id_by_number
from models.statements import passbook
from reports.passbook_pdf import write_passbook


def register_export(kinds: argparse._SubParsersAction) -> None:
    parser = kinds.add_parser(
        "passbook", help="members' passbooks as a PDF on the passbook's page size",
        description="Print members' passbooks: the whole book, or with --continue only the "
                    "lines not yet printed, starting on the line where the last print ended.")
    add_login_options(parser)
    parser.add_argument("--group", required=True, type=int, metavar="N",
                        help="the group's number")
    parser.add_argument("--member", type=int, metavar="M",
                        help="one member's number (default: every active member)")
    parser.add_argument("--continue", dest="cont", action="store_true",
                        help="only the lines not printed yet")
    parser.add_argument("--out", required=True, metavar="FILE.pdf")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    database = open_existing(args.db)
    try:
        problem = schema_problem(database)
        if problem is not None:
            raise CliUsageError(problem)
        user = log_in(database, args.user)
        with database.write() as session:
            actor = users.reload_user(session, user)
            visible = sorted(visible_groups(session, actor), key=lambda g: g.id)
            if args.group not in {g.id for g in visible}:
                known = "; ".join(f"{g.id} {g.name}" for g in visible)
                raise CliUsageError(_("There is no group {number}. Groups: {groups}").format(
                    number=args.group, groups=known or "—"))
            member_ids = None
            if args.member is not None:
                member_id = member_id_by_number(session, actor, group_id=args.group,
                                                number=args.member)
                if member_id is None:
                    raise CliUsageError(_("Group {group} has no member {number}.").format(
                        group=args.group, number=args.member))
                member_ids = [member_id]
            job = passbook.print_passbooks(
                session, actor, group_id=args.group, member_ids=member_ids,
                mode=passbook.NEW if args.cont else passbook.FULL)
            pages = write_passbook(job, args.out)
        if not pages:
            print(_("Nothing new to print: every line is already in the passbook."))
            return 0
        print(_("{lines} lines for {members} members on {pages} pages: {path}").format(
            lines=job.line_count, members=len(job.members), pages=pages, path=args.out))
        return 0
    finally:
        database.dispose()
