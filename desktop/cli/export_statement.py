"""``kongthun export statement --db PATH --user U --group N --member M [--from DATE --to DATE]
[--lang lo|en] --out FILE.xlsx|FILE.pdf``: one member's statement, as a workbook or a
one-page PDF.

M is the member's number on the Members screen. The period defaults to her whole
membership. Written under a temporary name and renamed at the end; audited with the file's
SHA-256, which is printed.
"""
from __future__ import annotations

import argparse

from desktop.cli._common import add_login_options
from desktop.cli._ledger import log_in, open_existing
from desktop.cli._progress import write_with_progress
from desktop.cli.export_auditor import add_period_options, check_group
from desktop.exporting import export_statement
from models.core import i18n
from models.core.i18n import _


def register_export(kinds: argparse._SubParsersAction) -> None:
    parser = kinds.add_parser(
        "statement", help="one member's statement (.xlsx or a one-page .pdf)",
        description="Write one member's statement: every movement of her savings, loans, "
                    "fines, welfare and NSSF pot in the period, with running balances.")
    add_login_options(parser)
    add_period_options(parser)
    parser.add_argument("--member", required=True, type=int, metavar="M",
                        help="the member's number")
    parser.add_argument("--out", required=True, metavar="FILE",
                        help="FILE.xlsx for a workbook, FILE.pdf for one page")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    database = open_existing(args.db)
    try:
        user = log_in(database, args.user)  # first: the groups are named only after it
        check_group(database, user, args.group)
        return write_with_progress(lambda progress: export_statement(
            database, user, group_id=args.group, member_number=args.member, start=args.start,
            end=args.end, language=args.export_lang or i18n.current_language(), out=args.out,
            progress=progress),
            _("Wrote {file}: {entries} movements from {start} to {end}."))
    finally:
        database.dispose()
