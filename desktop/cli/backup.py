"""``kongthun backup`` and ``kongthun restore``.

``kongthun backup --db PATH --out FILE --user U`` copies the ledger with SQLite's online
backup (the app may stay open), then opens the copy and verifies it. ``--out`` may name a
folder (a USB stick): the copy is then called ``kongthun-YYYYMMDD-HHMMSS.sqlite3``. The user
logs in and must be allowed to back up every group (the copy holds them all, members'
personal data included); the backup is recorded in the audit log, under their name. The
copy is owner-only (0600). Exit 0 if the copy verifies, 1 if it does not (the copy is kept,
so the damage can be examined), 2 for bad usage.

``kongthun restore --db PATH --from FILE --user U`` replaces the ledger with a backup,
whatever state the ledger is in — damaged, cut short, 0 bytes or missing: U logs in against
the backup's own users and must be an administrator of every group there. A file that is
not a Kongthun backup, is damaged, does not verify or was written by a newer Kongthun is
refused (exit 2), and so is a restore while a window has the ledger open. What was at the
ledger's place is kept first in ``backups/<ledger>/special`` beside it (a copy, or the
damaged file itself, moved).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from desktop.cli import CliUsageError
from desktop.cli._common import add_login_options, read_password
from desktop.cli._ledger import log_in, open_existing
from models.core import clock, maintenance, recovery
from models.core.db import resolve_url, sqlite_path
from models.core.i18n import _


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "backup", help="copy the ledger to a file and check the copy",
        description="Copy the ledger (it may stay open in the app) and verify the copy.")
    add_login_options(parser)
    parser.add_argument("--out", required=True, metavar="FILE",
                        help="the backup file to write, or a folder to write it into")
    parser.set_defaults(func=run_backup)

    parser = sub.add_parser(
        "restore", help="replace the ledger with a checked backup (administrators)",
        description="Replace the ledger with a backup. The backup must verify; the current "
                    "ledger is backed up first.")
    add_login_options(parser)
    parser.add_argument("--from", dest="source", required=True, metavar="FILE",
                        help="the backup file to restore")
    parser.set_defaults(func=run_restore)


def backup_target(out: Path, ledger: Path | None) -> Path:
    """Where the backup goes: ``out``, or a dated name inside it if it is a folder. Never
    over an existing file (least of all the ledger itself), never into a missing folder."""
    out = out.expanduser()
    if out.is_dir():
        out = out / f"kongthun-{clock.now():%Y%m%d-%H%M%S}.sqlite3"
    if out.exists():
        raise CliUsageError(_("{path} already exists; choose another name.").format(path=out))
    if not out.parent.is_dir():
        raise CliUsageError(_("The folder {folder} does not exist.").format(folder=out.parent))
    if ledger is not None and out.resolve() == ledger.resolve():
        raise CliUsageError(_("{path} is the ledger itself.").format(path=out))
    return out


def run_backup(args: argparse.Namespace) -> int:
    database = open_existing(args.db)
    try:
        target = backup_target(Path(args.out), database.path)
        user = log_in(database, args.user)
        result = maintenance.make_backup(database, user, target)
    finally:
        database.dispose()
    print(_("Backup written: {path}").format(path=result.path))
    print(_("Made by {user}; recorded in the audit log.").format(user=args.user))
    print(_("Size: {size} bytes; journal entries: {entries}.").format(
        size=f"{result.size:,}", entries=result.entries))
    if result.ok:
        print(_("The copy verifies: no damage, every entry balances, every hash chain is "
                "unbroken."))
        return 0
    print(_("The copy does NOT verify:"))
    for problem in result.problems:
        print("  - " + problem)
    return 1


def run_restore(args: argparse.Namespace) -> int:
    """Works whatever state the ledger is in (even gone): the user logs in against the
    backup's own users, so a damaged ledger never stands in the way of its own repair."""
    source = Path(args.source).expanduser()
    if not source.is_file():
        raise CliUsageError(_("No backup file at {path}.").format(path=source))
    target = sqlite_path(resolve_url(args.db))
    if target is None:
        raise CliUsageError(_("Backups are made of SQLite ledgers only; back up the server "
                              "database with its own tools."))
    if target.is_dir():
        raise CliUsageError(_("{path} is a folder; name a file.").format(path=target))
    state = recovery.ledger_state(target)
    if state is recovery.LedgerState.FOREIGN:
        raise CliUsageError(_("{path} is not a Kongthun ledger; nothing was restored over "
                              "it.").format(path=target))
    recovery.check_source(source)  # a bad backup is refused before the password is asked
    result = recovery.restore_file(target, source, username=args.user,
                                   password=read_password())
    print(_("Restored {path}: {entries} journal entries; the backup verified.").format(
        path=source, entries=result.entries))
    if result.kept is not None:
        print(_("The ledger as it was before is kept in {folder}.").format(
            folder=result.kept.parent))
        print("  " + str(result.kept))
    else:
        print(_("There was no ledger at {path}; it is now the backup.").format(path=target))
    return 0
