"""``kongthun loan-schedule``: print a loan's repayment schedule (no ledger needed).

Amounts on the command line and in the output are in major units (kip, baht) with
``--decimals`` places; the engine works in minor units (``models.loans.schedule``). The
rows are ``models.loans.schedule_sheet``'s, as the calculator screen and the printed
schedule show them. Formats: ``table`` for people (grouped thousands, a totals line),
``csv`` and ``json`` for scripts (columns ``n,due_date,principal,interest,total,balance``,
ISO dates, no grouping).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
import unicodedata
from decimal import Decimal, InvalidOperation

from desktop.cli import CliUsageError
from desktop.cli._common import iso_date
from models.core import clock
from models.core.errors import UserError
from models.core.i18n import _
from models.core.money import ROUNDING_MODES, Currency, format_amount, parse_money, to_major
from models.loans.schedule import (
    AMORTIZATIONS,
    FREQUENCIES,
    INTEREST_PERIODS,
    MAX_EXPONENT,
    METHODS,
    ScheduleTerms,
    build_schedule,
)
from models.loans.schedule_sheet import ScheduleLine, schedule_lines

COLUMNS = ("n", "due_date", "principal", "interest", "total", "balance")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "loan-schedule",
        help="print a loan repayment schedule",
        description="Print a loan repayment schedule (Apache Fineract's conventions). "
                    "Amounts are in major units (kip, baht).",
    )
    # Numbers and dates are parsed in run() so that every bad value gets the same
    # translated message and exit code 2 through CliUsageError.
    parser.add_argument("--principal", required=True, metavar="P",
                        help="loan amount in major units, e.g. 5000000 (kip) or 5000.00 (baht)")
    parser.add_argument("--annual-rate", required=True, metavar="R",
                        help="interest rate in percent a year, 0-100, e.g. 12 or 18.5")
    parser.add_argument("--installments", required=True, metavar="N",
                        help="number of installments")
    parser.add_argument("--method", choices=METHODS, default="declining",
                        help="interest method (default: declining)")
    parser.add_argument("--amortization", choices=AMORTIZATIONS, default="equal-installments",
                        help="declining balance: equal installments (EMI) or equal principal "
                             "(default: equal-installments)")
    parser.add_argument("--interest-period", choices=INTEREST_PERIODS, default="repayment",
                        help="interest per repayment period, or per actual day (/365) "
                             "(default: repayment)")
    parser.add_argument("--frequency", choices=FREQUENCIES, default="monthly",
                        help="how often installments fall due (default: monthly)")
    parser.add_argument("--decimals", default="0", metavar="D",
                        help="decimals of the currency: 0 for kip (default), 2 for baht")
    parser.add_argument("--multiple", default="0", metavar="M",
                        help="round installments to a multiple of M major units, "
                             "e.g. 500 or 1000 kip (default: no rounding to a multiple)")
    parser.add_argument("--rounding", choices=tuple(ROUNDING_MODES), default="half-even",
                        help="rounding mode (default: half-even)")
    parser.add_argument("--disbursed", metavar="DATE",
                        help="disbursement date YYYY-MM-DD (default: today)")
    parser.add_argument("--first-due", metavar="DATE",
                        help="first due date YYYY-MM-DD (default: one period after disbursement); "
                             "interest runs from disbursement, so a first due date two "
                             "months late adds two months of interest to installment 1")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table",
                        help="output format (default: table)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the schedule the arguments describe and print it. Bad input raises
    ``CliUsageError`` (exit 2) with a translated message."""
    decimals = _parse_int(args.decimals, _("The number of decimals must be a whole number."))
    if not 0 <= decimals <= MAX_EXPONENT:
        raise CliUsageError(_("The number of decimals must be between 0 and {maximum}.")
                            .format(maximum=MAX_EXPONENT))
    installments = _parse_int(args.installments,
                              _("The number of installments must be a whole number."))
    cur = Currency("", decimals, "", symbol_after=False)
    principal = _parse_amount(args.principal, cur, option="--principal")
    multiple = _parse_amount(args.multiple, cur, option="--multiple")
    rate = _parse_decimal(args.annual_rate,
                          _("“{text}” is not an interest rate; write a percentage such as 12 "
                            "or 18.5.").format(text=args.annual_rate))
    disbursed = _parse_date(args.disbursed) if args.disbursed else clock.today()
    first_due = _parse_date(args.first_due) if args.first_due else None
    try:
        terms = ScheduleTerms(
            principal, rate,
            installments=installments, disbursed=disbursed, first_due=first_due,
            method=args.method, amortization=args.amortization,
            interest_period=args.interest_period, frequency=args.frequency,
            exponent=decimals, multiple=multiple, rounding=args.rounding,
        )
        schedule = schedule_lines(build_schedule(terms))
    except UserError as exc:
        raise CliUsageError(str(exc)) from exc

    if args.format == "csv":
        _write_csv(schedule, cur)
    elif args.format == "json":
        _write_json(schedule, cur)
    else:
        _write_table(schedule, cur)
    return 0


def _parse_int(text: str, message: str) -> int:
    try:
        return int(text.strip())
    except (ValueError, AttributeError):
        raise CliUsageError(message) from None


def _parse_decimal(text: str, message: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", "").replace("_", ""))
    except (InvalidOperation, AttributeError):
        raise CliUsageError(message) from None
    if not value.is_finite():
        raise CliUsageError(message)
    return value


def _parse_amount(text: str, cur: Currency, *, option: str) -> int:
    """Major units (``5000.00``, ``1,000,000``) to minor units by the one money parser
    (``models.core.money.parse_money``, as every form of the window reads amounts): no
    negative amounts, no more decimals than ``cur`` has, nothing past the hard limit. Its
    message is given with the option it is about."""
    try:
        return parse_money(text, cur)
    except UserError as error:
        raise CliUsageError(f"{option}: {error}") from None


def _parse_date(text: str) -> dt.date:
    try:
        return iso_date(text)
    except argparse.ArgumentTypeError as exc:
        raise CliUsageError(str(exc)) from None


def _plain(minor: int, cur: Currency) -> str:
    """Major units with the currency's decimals and no grouping: ``5000.00``."""
    return f"{to_major(minor, cur):f}"


def _rows(schedule: tuple[ScheduleLine, ...], cur: Currency) -> list[dict[str, object]]:
    return [
        {"n": i.n, "due_date": i.due_date.isoformat(), "principal": _plain(i.principal, cur),
         "interest": _plain(i.interest, cur), "total": _plain(i.total, cur),
         "balance": _plain(i.balance, cur)}
        for i in schedule
    ]


def _write_csv(schedule: tuple[ScheduleLine, ...], cur: Currency) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in _rows(schedule, cur):
        writer.writerow([row[c] for c in COLUMNS])


def _write_json(schedule: tuple[ScheduleLine, ...], cur: Currency) -> None:
    json.dump(_rows(schedule, cur), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: Lao vowel and tone marks take none."""
    return sum(0 if unicodedata.category(ch) in ("Mn", "Me", "Cf") else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool) -> str:
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


def _write_table(schedule: tuple[ScheduleLine, ...], cur: Currency) -> None:
    header = [_("No."), _("Due date"), _("Principal"), _("Interest"), _("Total"), _("Balance")]
    lines = [[str(i.n), i.due_date.isoformat(), format_amount(i.principal, cur),
              format_amount(i.interest, cur), format_amount(i.total, cur),
              format_amount(i.balance, cur)] for i in schedule]
    footer = ["", _("Total"), format_amount(sum(i.principal for i in schedule), cur),
              format_amount(sum(i.interest for i in schedule), cur),
              format_amount(sum(i.total for i in schedule), cur), ""]
    widths = [max(_width(row[c]) for row in (header, *lines, footer)) for c in range(6)]
    left = {1}  # the date column reads left to right; numbers align right

    def render(row: list[str]) -> str:
        return "  ".join(_pad(cell, widths[c], right=c not in left)
                         for c, cell in enumerate(row)).rstrip()

    out = [render(header), "  ".join("-" * w for w in widths)]
    out += [render(row) for row in lines]
    out += ["  ".join("-" * w for w in widths), render(footer)]
    sys.stdout.write("\n".join(out) + "\n")
