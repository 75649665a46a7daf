"""Shared pieces of the subcommands: --db/--user options, opening a ledger, logging in."""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys

from desktop.cli import CliUsageError
from models.core.i18n import _


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“{text}” is not a date; use YYYY-MM-DD.").format(text=text)) from None


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH",
                        help="ledger file or database URL (default: KONGTHUN_DATABASE_URL, "
                             "else the ledger in the user data folder)")


def add_login_options(parser: argparse.ArgumentParser) -> None:
    add_db_option(parser)
    parser.add_argument("--user", required=True, metavar="NAME",
                        help="user name; the password comes from KONGTHUN_PASSWORD or a prompt")


def read_password() -> str:
    password = os.environ.get("KONGTHUN_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise CliUsageError(_("No password: set KONGTHUN_PASSWORD or run in a terminal."))
    return getpass.getpass(_("Password: "))
