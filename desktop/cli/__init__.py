"""The ``kongthun`` command line.

Each module in this package that defines ``register(subparsers)`` adds one subcommand; the
subcommand's handler is ``args.func(args) -> int``. Exit codes: 0 success, 1 a check failed,
2 bad usage or input. Nothing here imports Qt: ``kongthun`` with no subcommand imports the
window lazily.
"""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

from models.core import capability
from models.core.db import is_busy
from models.core.errors import LedgerBusy, UserError
from models.core.i18n import _

capability.load()  # the command line's start: every capability, or a loud stop here


class CliUsageError(Exception):
    """Bad usage or input on the command line: printed, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kongthun",
        description="Kongthun: a ledger for community savings groups and their welfare funds.",
    )
    parser.add_argument("--lang", choices=["lo", "en"], default=None,
                        help="language of messages (default: the LANG environment)")
    parser.add_argument("--db", dest="app_db", metavar="PATH", default=None,
                        help="with no command: open the window on this ledger file or URL")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from models.core import i18n

    i18n.set_language(args.lang or i18n.language_from_environment())
    if args.command is None:
        from desktop.app import run_app  # Qt only when the window is asked for

        return run_app(args.app_db)
    try:
        return int(args.func(args) or 0)
    except CliUsageError as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return 2
    except UserError as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except OperationalError as exc:
        if is_busy(exc):
            message = str(LedgerBusy())
        else:
            message = _("the ledger cannot be opened: {detail}.").format(detail=_first_line(exc))
        print(_("error: {message}").format(message=message), file=sys.stderr)
        return 2
    except DatabaseError as exc:
        return _unreadable(exc)
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith(DATABASE_DRIVERS):
            raise
        print(_("error: {message}").format(message=_(
            "the database driver {name} is not installed on this computer.").format(
                name=exc.name)), file=sys.stderr)
        return 2
    except (ArgumentError, NoSuchModuleError):
        print(_("error: {message}").format(message=_(
            "this is not a ledger file or a database address Kongthun can open; give a "
            "file path, or an address such as postgresql+psycopg://user@host/name.")),
            file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader stopped early (``| head -5``): it has what it wanted. Point stdout at
        # nothing so the interpreter's last flush does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


DATABASE_DRIVERS = ("psycopg", "pg8000", "asyncpg", "MySQLdb", "pymysql")


def _first_line(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", exc)).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _unreadable(exc: DatabaseError) -> int:
    """A ledger SQLite cannot read (damaged pages): said plainly, exit 1 (a check failed)."""
    detail = _first_line(exc)
    print(_("error: {message}").format(message=_(
        "the ledger cannot be read: {detail}. The file is damaged; restore the newest good "
        "backup (kongthun restore) and keep this file for a closer look.").format(
            detail=detail)), file=sys.stderr)
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
