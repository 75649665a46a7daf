"""``kongthun export WHAT``: documents made from the ledger (workbooks, passbooks, …).

Each module ``desktop/cli/export_<what>.py`` that defines ``register_export(subparsers)``
adds one ``kongthun export <what>`` subcommand, the same way the top-level subcommands are
found. Nothing here imports Qt.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil

import desktop.cli


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "export", help="write a document made from the ledger (see 'kongthun export -h')",
        description="Write a document made from the ledger.")
    kinds = parser.add_subparsers(dest="export_kind", metavar="WHAT", required=True)
    for info in sorted(pkgutil.iter_modules(desktop.cli.__path__), key=lambda m: m.name):
        if not info.name.startswith("export_"):
            continue
        module = importlib.import_module(f"desktop.cli.{info.name}")
        register_export = getattr(module, "register_export", None)
        if register_export is None:
            raise RuntimeError(f"desktop.cli.{info.name} defines no register_export()")
        register_export(kinds)
