"""``kongthun demo``: build the deterministic demo ledger into a new file and print the logins.

``kongthun demo --db PATH [--seed N] [--groups G] [--years Y] [--today DATE] [--weekly]``
(``--weekly``: the groups meet every week instead of every month). The file
must be new or empty (exit 2 otherwise); if the build fails, a file this command created is
removed again, so a retry starts clean; a demo whose build was cut short (killed, power
cut: demo groups and users only, without the ``demo.finished`` mark a finished build
leaves) is built again.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from desktop.cli import CliUsageError
from desktop.cli._common import add_db_option, iso_date
from desktop.cli._ledger import holds_data, open_existing
from models.core import audit, clock
from models.core.db import display_url, resolve_url, sqlite_path
from models.core.i18n import N_, _, gettext
from models.core.migrate import open_database
from models.demo import build_demo, state
from models.demo.core import MAX_GROUPS, MAX_YEARS

ROLES = {
    "admin": N_("administrator of every group"),
    "treasurer": N_("treasurer in every demo group"),
    "leader": N_("leader in every demo group: approves loans and welfare claims"),
    "auditor": N_("auditor in every demo group: reads, exports and verifies"),
}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "demo", help="build a demo ledger (five savings groups of home-based workers)",
        description="Build a deterministic demo ledger into a new file and print the demo "
                    "logins. The same seed and day give the same ledger.")
    add_db_option(parser)
    # Numbers are parsed in run() so a bad value gets a translated message and exit code 2.
    parser.add_argument("--seed", default="1", metavar="N", help="random seed (default: 1)")
    parser.add_argument("--groups", default="5", metavar="G",
                        help=f"number of groups, 1-{MAX_GROUPS}; beyond 5 the five kinds "
                             "repeat in other villages (default: 5)")
    parser.add_argument("--years", default="2", metavar="Y",
                        help=f"years of monthly meetings, 1-{MAX_YEARS} (default: 2)")
    parser.add_argument("--weekly", action="store_true",
                        help="the groups meet every week (default: every month)")
    parser.add_argument("--today", metavar="DATE",
                        help="the demo ends before this day, YYYY-MM-DD (default: today)")
    parser.set_defaults(func=run)


def _whole_number(text: str, option: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise CliUsageError(_("{option} needs a whole number, not “{text}”.").format(
            option=option, text=text)) from None


def run(args: argparse.Namespace) -> int:
    seed = _whole_number(args.seed, "--seed")
    group_count = _whole_number(args.groups, "--groups")
    years = _whole_number(args.years, "--years")
    today = None
    if args.today:
        try:
            today = iso_date(args.today)
        except argparse.ArgumentTypeError as exc:
            raise CliUsageError(str(exc)) from None
        if today > clock.today():
            raise CliUsageError(_("--today cannot be in the future."))
    if not args.db and not os.environ.get("KONGTHUN_DATABASE_URL"):
        raise CliUsageError(_("Name the new demo ledger with --db PATH."))
    url = resolve_url(args.db)
    path = sqlite_path(url)
    created = path is not None and not path.exists()
    if path is not None and not created and _refuse_foreign_file(path):
        _remove_ledger(path)  # a demo build cut short: start it again
        created = True
        print(_("{path} held an unfinished demo; it is built again.").format(path=path))

    started = time.perf_counter()
    database = open_database(args.db)
    try:
        summary = build_demo(database, seed=seed, groups=group_count, years=years, today=today,
                             weekly=args.weekly)
        with database.write() as session:
            audit.record(session, None, state.FINISHED, username="demo")
    except BaseException:
        database.dispose()
        if created:
            _remove_ledger(path)
        raise
    database.dispose()
    seconds = time.perf_counter() - started

    print(_("Demo ledger {place}: {groups} groups, {members} members ({women} women), "
            "{entries} journal entries.").format(
        place=display_url(url), groups=len(summary.groups), members=summary.members,
        women=summary.women, entries=summary.entries))
    meetings = _("Weekly meetings from {first} to {last}; seed {seed}; built in {seconds} s.") \
        if args.weekly else \
        _("Monthly meetings from {first} to {last}; seed {seed}; built in {seconds} s.")
    print(meetings.format(
        first=summary.first_meeting.isoformat(), last=summary.last_meeting.isoformat(),
        seed=summary.seed, seconds=f"{seconds:.1f}"))
    for group in summary.groups[:10]:
        print("  " + _("{name} ({latin}): {members} members, {km} km from the social "
                       "security office").format(name=group.name, latin=group.name_latin,
                                                 members=group.members, km=group.distance_km))
    if len(summary.groups) > 10:
        print("  " + _("... and {count} more groups").format(count=len(summary.groups) - 10))
    print(_("Log in as one of these users; every password is “{password}”:").format(
        password=summary.password))
    width = max(len(name) for name in summary.usernames)
    for username in summary.usernames:
        print(f"  {username:<{width}}  " + gettext(ROLES[username]))
    return 0


def _refuse_foreign_file(path: Path) -> bool:
    """An existing file must be empty, an empty Kongthun ledger, or a demo whose build was
    cut short (demo groups and users only, no ``demo.finished`` mark): the demo never
    writes into a ledger that holds real data or a finished demo, nor into another
    program's file. True when it is an unfinished demo to be replaced."""
    if path.is_file() and path.stat().st_size == 0:
        return False
    database = open_existing(str(path))
    try:
        if not holds_data(database):
            return False
        if is_unfinished_demo(database):
            return True
        raise CliUsageError(_("{path} already holds a ledger. The demo is built only "
                              "into a new file.").format(path=path))
    finally:
        database.dispose()


def is_unfinished_demo(database) -> bool:  # noqa: ANN001
    """Every group is a demo group, every user a demo user, and the build never finished."""
    with database.read() as session:
        return state.is_unfinished_demo(session)


def _remove_ledger(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
