"""``kongthun bundle export`` and ``kongthun bundle import``: a village laptop's ledger
carried to the federation office (models/bundles.py; docs/FEDERATION.md).

``kongthun bundle export --db PATH --user U --group N [--since SEAL] --out FILE`` writes one
group's entries (after the entry sealed SEAL, as the office last printed or reported it, or
all), signed with the group's key. ``kongthun bundle import --db URL --user U --from FILE``
checks the bundle and appends it to the office's copy of that group (made at the first
import): a forged, forked or gapped bundle is refused with the reason (exit 1), and nothing
is written.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from desktop.cli import CliUsageError
from desktop.cli._common import add_login_options
from desktop.cli._ledger import log_in, open_existing
from desktop.cli.export_auditor import check_group
from models.core import bundles
from models.core.bundles import BundleRefused
from models.core.i18n import _
from models.core.seal import format_seal


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "bundle", help="carry a group's ledger from a village laptop to the office",
        description="Sealed, signed bundles of one group's ledger: made on the village "
                    "laptop, checked and appended at the office.")
    actions = parser.add_subparsers(dest="bundle_action", metavar="ACTION", required=True)
    made = actions.add_parser("export", help="write a bundle of one group's entries")
    add_login_options(made)
    made.add_argument("--group", required=True, type=int, metavar="N",
                      help="the group's number")
    made.add_argument("--since", metavar="SEAL",
                      help="only the entries after the one with this seal (the office's last)")
    made.add_argument("--out", required=True, type=Path, metavar="FILE")
    made.set_defaults(func=run_export)
    taken = actions.add_parser("import", help="check a bundle and append it (the office)")
    add_login_options(taken)
    taken.add_argument("--from", dest="source", required=True, type=Path, metavar="FILE")
    taken.set_defaults(func=run_import)


def run_export(args: argparse.Namespace) -> int:
    out = args.out.expanduser()
    if out.exists():
        raise CliUsageError(_("{path} already exists; choose another name.").format(path=out))
    if not out.parent.is_dir():
        raise CliUsageError(_("There is no folder {path}.").format(path=out.parent))
    database = open_existing(args.db)
    try:
        user = log_in(database, args.user)
        check_group(database, user, args.group)
        with database.write() as session:
            made = bundles.export_bundle(session, user, group_id=args.group, since=args.since)
            partial = out.with_name(out.name + ".partial")
            partial.write_bytes(made.data)
            os.replace(partial, out)
    finally:
        database.dispose()
    print(_("Wrote {file}: entries {first} to {last}; seal {seal}.").format(
        file=out, first=made.first_seq, last=made.last_seq, seal=format_seal(made.head)))
    return 0


def run_import(args: argparse.Namespace) -> int:
    source = args.source.expanduser()
    if not source.is_file():
        raise CliUsageError(_("There is no file {path}.").format(path=source))
    data = source.read_bytes()
    database = open_existing(args.db)
    try:
        user = log_in(database, args.user)
        try:
            with database.write() as session:
                done = bundles.import_bundle(session, user, data)
        except BundleRefused as refused:
            print(_("Refused, nothing was added: {reason}").format(reason=refused))
            return 1
    finally:
        database.dispose()
    if done.created:
        print(_("New group {number} at the office, from the village's laptop.").format(
            number=done.group_id))
    print(_("Group {number}: {added} entries added, {held} already held; the office now "
            "holds the village's ledger up to entry {seq}, seal {seal}.").format(
        number=done.group_id, added=done.appended, held=done.already_held, seq=done.head_seq,
        seal=format_seal(done.head)))
    return 0
