"""Each capability names everything it adds in its one ``Capability``; nothing is added
anywhere else, and every front end loads all of them before anything can happen."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from models.core import capability, entry_text, ledger, settings, verify
from models.core.permissions import Permission
from models.meetings import columns as meeting_columns
from models.meetings import cycles, roll
from models.savings import debts, member_funds

ROOT = Path(__file__).resolve().parents[2]
CORE_KINDS = {"reversal", "opening_balance"}
CORE_SETTINGS = {"rounding", "idle_lock_minutes", "max_amount"}
CORE_COMMANDS = {"backup", "bundle", "demo", "recover", "recovery-code", "restore", "verify"}


def caps() -> tuple[capability.Capability, ...]:
    return capability.load()


def test_every_capability_package_is_in_the_one_list_and_loads():
    packages = sorted(p.parent.name for p in (ROOT / "models").glob("*/__init__.py")
                      if p.parent.name not in ("core", "demo", "migrations"))
    assert sorted(capability.CAPABILITIES) == packages
    assert [c.name for c in caps()] == list(capability.CAPABILITIES)


def test_verify_checks_are_exactly_the_declared_ones():
    declared = [check for cap in caps() for check in cap.checks]
    assert verify.EXTRA_CHECKS == declared


def test_reversal_rules_are_exactly_the_declared_ones():
    declared = {kind: rule for cap in caps() for kind, rule in cap.reversal_rules.items()}
    assert ledger.REVERSAL_HANDLERS == declared
    assert declared["share_out_payment"] is not None


def test_every_entry_kind_has_one_name_declared_by_one_owner():
    declared: dict[str, str] = {}
    for cap in caps():
        assert not set(cap.entry_kinds) & set(declared), cap.name
        declared.update(cap.entry_kinds)
    assert set(entry_text.KIND_NAMES) == CORE_KINDS | set(declared)


def test_hooks_hold_exactly_the_declared_contributions():
    assert sorted(meeting_columns._REGISTRY) == sorted(
        col.key for cap in caps() for col in cap.meeting_columns)
    assert roll._HOOKS == [h for cap in caps() for h in cap.roll_call]
    assert cycles._KEEPERS == [k for cap in caps() for k in cap.cycle_keeper]
    assert list(member_funds._FUNDS.values()) == [f for cap in caps() for f in cap.member_funds]
    assert debts.debt_sources() == sorted(
        (s for cap in caps() for s in cap.debt_sources), key=lambda s: s.order)


def test_dated_settings_are_the_core_ones_and_the_declared_ones():
    declared = {spec.key for cap in caps() for spec in cap.settings}
    assert set(settings.REGISTRY) == CORE_SETTINGS | declared
    assert not CORE_SETTINGS & declared


def test_every_command_line_subcommand_belongs_to_the_core_or_one_capability():
    from desktop.cli import build_parser

    parser = build_parser()
    commands = set(next(a for a in parser._actions if a.dest == "command").choices)
    declared = capability.cli_commands()
    assert commands == CORE_COMMANDS | set(declared)


def test_every_demo_activity_is_declared_by_its_capability():
    modules = {f"models.demo.{p.stem}" for p in (ROOT / "models/demo").glob("activity_*.py")}
    assert set(capability.demo_modules()) == modules


def test_a_capability_declares_the_permissions_its_services_require():
    for cap in caps():
        used = set()
        for path in (ROOT / "models" / cap.name).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                        and node.value.id == "Permission"):
                    used.add(Permission[node.attr])
        assert used <= set(cap.permissions), (cap.name, used - set(cap.permissions))


def test_a_contribution_to_a_hook_nobody_owns_stops_the_start():
    stray = capability.Capability(name="stray", title="Stray", roll_call=(lambda *a: None,))
    with pytest.raises(capability.CapabilityError):
        capability._register((stray,))


@pytest.mark.sqlite_only
def test_a_fresh_command_line_process_refuses_to_reverse_a_share_out_payment(tmp_path):
    """The bug this layout fixed: "a share-out cannot be reversed" held only once a screen had
    imported the share-out module. Build a demo with the command line, then in a second
    fresh interpreter that imports only what the command line imports, try it."""
    path = tmp_path / "demo.kongthun"
    built = subprocess.run([sys.executable, "-m", "desktop.cli", "--lang", "en", "demo",
                            "--db", str(path), "--groups", "1", "--years", "2"],
                           cwd=ROOT, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    script = f"""
import sys
from desktop.cli import build_parser
build_parser()
from sqlalchemy import select
from models.core import i18n, ledger
i18n.set_language("en")
from models.core.migrate import open_database
from models.core.errors import UserError
from models.core.permissions import Permission, has_permission
from models.core.schema import JournalEntry, User
db = open_database({str(path)!r})
with db.write() as s:
    entry = s.scalars(select(JournalEntry).where(JournalEntry.kind == "share_out_payment")
                      .order_by(JournalEntry.id)).first()
    assert entry is not None, "the demo has no share-out payment"
    actor = next(u for u in s.scalars(select(User))
                 if has_permission(s, u, Permission.REVERSE, entry.group_id))
    try:
        ledger.reverse_entry(s, actor, entry_id=entry.id, reason="test")
    except UserError as exc:
        print("refused:", exc)
        sys.exit(0)
print("reversed")
sys.exit(1)
"""
    tried = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                           text=True)
    assert tried.returncode == 0, tried.stdout + tried.stderr
    assert "share-out" in tried.stdout


def test_every_table_belongs_to_the_core_or_the_one_capability_declaring_it():
    from models.core import schema, schema_bundles, schema_recovery
    from models.core.schema import Base

    core = set(capability.tables_in(schema, schema_bundles, schema_recovery))
    declared = [t for cap in caps() for t in cap.tables]
    assert len(declared) == len(set(declared))
    assert set(Base.metadata.tables) == core | set(declared)
