"""``kongthun nssf``: the group's monthly NSSF remittance from the command line.

- ``kongthun nssf run --db PATH --user U --group N --month YYYY-MM [--ahead M=K ...]``
  keeps the month's run as a draft batch and prints who pays what (``--ahead 4=3``: member
  number 4 pays 3 months ahead from her pot);
- ``kongthun nssf remittance --db PATH --user U --group N --month YYYY-MM --format csv|xlsx
  --out FILE [--batch B] [--lang lo|en]`` writes the month's file (the newest batch of the
  month, or batch number B): a draft is exported first (its money posted, the batch
  frozen); with no batch for the month yet, the month's run is made and exported. The
  bytes are those the window writes (``reports.nssf_file.export_remittance``), and an
  exported batch gives the same bytes every time;
- ``kongthun nssf confirm --db PATH --user U --group N --batch B --receipt R --paid-on DATE
  [--paid-from cash|bank]`` records the LSSO's receipt and pays the batch;
- ``kongthun nssf batches --db PATH --user U --group N`` lists the group's batches.

N is the group's number as the Groups screen shows it. Exit 0 when done, 2 for bad input
or a refused login or permission.
"""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from sqlalchemy import select

from desktop.cli import CliUsageError
from desktop.cli._common import add_login_options, iso_date
from desktop.cli._ledger import log_in, open_existing
from desktop.cli.export_auditor import check_group
from models.core import i18n
from models.core.groups import group_currency
from models.core.i18n import _, gettext
from models.core.money import format_money
from models.core.schema import Member
from models.nssf import batches as batch_queries
from models.nssf import remittance
from models.nssf.schema import NssfBatch
from reports.nssf_file import export_remittance, write_file


def month_arg(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“{text}” is not a month; use YYYY-MM.").format(text=text)) from None


def ahead_arg(text: str) -> tuple[int, int]:
    number, _sep, months = text.partition("=")
    try:
        return int(number), int(months)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“{text}” is not MEMBER=MONTHS (for example 4=3).").format(text=text)) from None


def _group_option(parser: argparse.ArgumentParser) -> None:
    add_login_options(parser)
    parser.add_argument("--group", required=True, type=int, metavar="N",
                        help="the group's number")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "nssf", help="the group's monthly NSSF remittance to the LSSO",
        description="Members' NSSF contributions paid through the group: the monthly run, "
                    "the remittance file and the LSSO's receipt.")
    actions = parser.add_subparsers(dest="nssf_action", metavar="ACTION", required=True)

    made = actions.add_parser("run", help="keep the month's run as a draft batch")
    _group_option(made)
    made.add_argument("--month", required=True, type=month_arg, metavar="YYYY-MM")
    made.add_argument("--ahead", action="append", type=ahead_arg, default=[],
                      metavar="MEMBER=MONTHS", help="a member pays months ahead from her pot")
    made.set_defaults(func=run_run)

    written = actions.add_parser("remittance", help="write the month's remittance file")
    _group_option(written)
    written.add_argument("--month", required=True, type=month_arg, metavar="YYYY-MM")
    written.add_argument("--format", dest="fmt", required=True, choices=remittance.FORMATS)
    written.add_argument("--out", required=True, type=Path, metavar="FILE")
    written.add_argument("--batch", type=int, metavar="B",
                         help="the batch's number (default: the month's newest)")
    written.add_argument("--lang", dest="file_lang", choices=["lo", "en"],
                         help="language of a file exported now (default: of messages)")
    written.set_defaults(func=run_remittance)

    confirmed = actions.add_parser("confirm", help="record the LSSO's receipt for a batch")
    _group_option(confirmed)
    confirmed.add_argument("--batch", required=True, type=int, metavar="B")
    confirmed.add_argument("--receipt", required=True, metavar="TEXT")
    confirmed.add_argument("--paid-on", dest="paid_on", required=True, type=iso_date,
                           metavar="DATE")
    confirmed.add_argument("--paid-from", dest="paid_from", default="cash",
                           choices=["cash", "bank"])
    confirmed.set_defaults(func=run_confirm)

    listed = actions.add_parser("batches", help="list the group's batches")
    _group_option(listed)
    listed.set_defaults(func=run_batches)


def _money(session, group_id: int, amount: int) -> str:
    return format_money(amount, group_currency(session, group_id))


def _batch_id(session, group_id: int, number: int) -> int:
    found = session.scalar(select(NssfBatch.id).where(NssfBatch.group_id == group_id,
                                                      NssfBatch.number == number))
    if found is None:
        raise CliUsageError(_("Group {group} has no batch {number}.").format(group=group_id,
                                                                           number=number))
    return found


def run_run(args: argparse.Namespace) -> int:
    database = open_existing(args.db)
    try:
        user = log_in(database, args.user)
        check_group(database, user, args.group)
        with database.write() as session:
            ahead = {}
            for number, months in args.ahead:
                member_id = session.scalar(select(Member.id).where(
                    Member.group_id == args.group, Member.number == number))
                if member_id is None:
                    raise CliUsageError(_("No member number {number} in this group.").format(
                        number=number))
                ahead[member_id] = months
            batch = remittance.make_run(session, user, group_id=args.group, month=args.month,
                                        ahead=ahead)
            preview = remittance.preview_run(session, user, group_id=args.group,
                                             month=args.month, ahead=ahead)
            for row in preview.rows:
                print(f"{row.member_number}\t{row.name}\t{_money(session, args.group, row.paid)}"
                      f"\t{gettext(row.note) if row.note else ''}".rstrip())
            print(_("Draft batch {number} for {month}: {rows} member-months, {total}.").format(
                number=batch.number, month=args.month.strftime("%m/%Y"),
                rows=batch.member_months, total=_money(session, args.group, batch.total)))
        return 0
    finally:
        database.dispose()


def run_remittance(args: argparse.Namespace) -> int:
    out = args.out.expanduser()
    if not out.parent.is_dir():
        raise CliUsageError(_("There is no folder {path}.").format(path=out.parent))
    database = open_existing(args.db)
    try:
        user = log_in(database, args.user)
        check_group(database, user, args.group)
        language = args.file_lang or i18n.current_language()
        with database.write() as session:
            if args.batch is not None:
                batch_id = _batch_id(session, args.group, args.batch)
                if session.get(NssfBatch, batch_id).month != args.month:
                    raise CliUsageError(_("Batch {number} is not for {month}.").format(
                        number=args.batch, month=args.month.strftime("%m/%Y")))
            else:
                newest = batch_queries.latest_batch(session, user, args.group, args.month)
                if newest is None:
                    newest = remittance.make_run(session, user, group_id=args.group,
                                                 month=args.month)
                batch_id = newest.id
            content = export_remittance(session, user, batch_id=batch_id, fmt=args.fmt,
                                        language=language)
            row = batch_queries.batch_row(session, user, batch_id)
            write_file(content, out)
            total = _money(session, args.group, row.total)
        print(_("Wrote {file}: batch {number}, {rows} member-months, {total}.").format(
            file=out, number=row.number, rows=row.member_months, total=total))
        return 0
    finally:
        database.dispose()


def run_confirm(args: argparse.Namespace) -> int:
    database = open_existing(args.db)
    try:
        user = log_in(database, args.user)
        check_group(database, user, args.group)
        with database.write() as session:
            row = remittance.confirm_batch(
                session, user, batch_id=_batch_id(session, args.group, args.batch),
                receipt=args.receipt, paid_on=args.paid_on, paid_from=args.paid_from)
            total = _money(session, args.group, row.total)
        print(_("Batch {number} confirmed: LSSO receipt {receipt}, {total} paid on {date}.")
              .format(number=row.number, receipt=row.lsso_receipt, total=total,
                      date=row.paid_on.strftime("%d/%m/%Y")))
        return 0
    finally:
        database.dispose()


def run_batches(args: argparse.Namespace) -> int:
    database = open_existing(args.db)
    try:
        user = log_in(database, args.user)
        check_group(database, user, args.group)
        with database.read() as session:
            for row in batch_queries.batches(session, user, args.group):
                corrects = (_("corrects {number}").format(number=row.corrects_number)
                            if row.corrects_number else "")
                print("\t".join(str(x) for x in (
                    row.number, row.month.strftime("%Y-%m"),
                    gettext(batch_queries.BATCH_STATUS_NAMES[row.status]), row.member_months,
                    _money(session, args.group, row.total), row.lsso_receipt or "",
                    corrects)).rstrip())
        return 0
    finally:
        database.dispose()
