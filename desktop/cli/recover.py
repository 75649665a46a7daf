"""``kongthun recover`` and ``kongthun recovery-code``: the way back in for a locked-out
administrator.

``kongthun recovery-code --db PATH --user ADMIN`` (an administrator of all groups logs in)
prints a new recovery code to write on paper; any older code stops working. The window's
first-run wizard shows one too.

``kongthun recover --db PATH --user ADMIN`` asks for that code (or KONGTHUN_RECOVERY_CODE)
and a new password (or KONGTHUN_NEW_PASSWORD): the password is replaced, the lock-out
lifted and the code spent. Exit 0 on success, 2 for a wrong name or code.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys

from desktop.cli import CliUsageError
from desktop.cli._common import add_login_options
from desktop.cli._ledger import log_in, open_existing
from models.core import users
from models.core.i18n import _


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "recover", help="set a new administrator password with the recovery code",
        description="An administrator who is locked out or forgot the password sets a new "
                    "one with the recovery code written down at set-up.")
    add_login_options(parser)
    parser.set_defaults(func=run_recover)

    parser = sub.add_parser(
        "recovery-code", help="print a new recovery code for an administrator",
        description="Print a new recovery code for the administrator who logs in; the old "
                    "one stops working. Write it on paper and keep it with the cash box key.")
    add_login_options(parser)
    parser.set_defaults(func=run_recovery_code)


def _secret(variable: str, prompt: str) -> str:
    value = os.environ.get(variable)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise CliUsageError(_("Set {variable} or run in a terminal.").format(variable=variable))
    return getpass.getpass(prompt)


def run_recover(args: argparse.Namespace) -> int:
    code = _secret("KONGTHUN_RECOVERY_CODE", _("Recovery code: "))
    password = _secret("KONGTHUN_NEW_PASSWORD", _("New password: "))
    if "KONGTHUN_NEW_PASSWORD" not in os.environ:
        if getpass.getpass(_("New password again: ")) != password:
            raise CliUsageError(_("The two passwords are not the same."))
    database = open_existing(args.db)
    try:
        users.recover(database, args.user, code, password)
    finally:
        database.dispose()
    print(_("{user} has a new password and can log in again. The recovery code is used up: "
            "make a new one with kongthun recovery-code.").format(user=args.user))
    return 0


def run_recovery_code(args: argparse.Namespace) -> int:
    database = open_existing(args.db)
    try:
        user = log_in(database, args.user)
        with database.write() as session:
            code = users.new_recovery_code(session, users.reload_user(session, user))
    finally:
        database.dispose()
    print(_("Recovery code for {user}: {code}").format(user=args.user, code=code))
    print(_("Write it on paper and keep it with the cash box key. It lets this administrator "
            "set a new password if locked out (kongthun recover)."))
    return 0
