"""What a capability is, and the one list of them.

A capability (meetings, savings, loans, welfare, ...) is a package under ``models/`` whose
``__init__`` holds one ``CAPABILITY = Capability(...)``: everything it adds to the core,
named in one place. ``load()`` imports every package in ``CAPABILITIES`` in order and
registers their contributions; every front end (window, command line, demo, tests) calls
it at start, and a missing package, a missing declaration, an undeclared need or a
contribution claimed twice stops the program there, never later and never silently.

The core owns four registries (verify checks, reversal rules, entry-kind names and
describers, dated settings — a capability makes its settings with ``settings.define`` and
they are registered here). A capability may own a hook others contribute to (meetings own
the grid's columns, the roll call and the keeper of the cycles meetings are held in;
savings own the debts netted at exit and share-out, and the member funds — an NSSF pot —
paid out with her savings at exit): it names the hook in ``accepts`` with the function
that registers one contribution, and a contributor must list the owner in ``needs``.
"""
from __future__ import annotations

import functools
import importlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from models.core import entry_text, ledger, settings, verify
from models.core.loaded import capabilities_loaded
from models.core.permissions import Permission

# In dependency order: a capability may need only those before it.
CAPABILITIES = ("meetings", "savings", "loans", "welfare", "nssf", "statements", "opening")

# The hooks capabilities own, by the field a contributor fills.
HOOKS = ("meeting_columns", "roll_call", "cycle_keeper", "debt_sources", "member_funds")


@dataclass(frozen=True)
class Capability:
    name: str                  # the package under models/
    title: str                 # N_() text
    needs: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()      # its tables (``tables_in(schema)``); migrations make them
    # kind -> N_() name, one name per kind
    entry_kinds: Mapping[str, str] = field(default_factory=dict)
    # Renders the program-written memos of this capability's kinds (entry_text.describe).
    describe_entries: entry_text.Describer | None = None
    settings: tuple[settings.SettingSpec, ...] = ()
    checks: tuple[verify.Check, ...] = ()
    reversal_rules: Mapping[str, ledger.ReversalHandler] = field(default_factory=dict)
    permissions: tuple[Permission, ...] = ()       # the permissions its services require
    meeting_columns: tuple[Any, ...] = ()           # models.meetings.columns.MeetingColumn
    roll_call: tuple[Any, ...] = ()                 # models.meetings.roll.RollCallHook
    cycle_keeper: tuple[Any, ...] = ()              # models.meetings.cycles.CycleKeeper
    debt_sources: tuple[Any, ...] = ()              # models.savings.debts.DebtSource
    member_funds: tuple[Any, ...] = ()  # models.savings.member_funds.MemberFund (paid at exit)
    # hook -> register one contribution
    accepts: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    demo: tuple[str, ...] = ()      # its demo activities' modules (each defines ACTIVITY)
    cli: tuple[str, ...] = ()                       # its `kongthun` subcommands
    extra: Mapping[str, Any] = field(default_factory=dict)  # for tests and tools: anything else


def tables_in(*modules: ModuleType) -> tuple[str, ...]:
    """The names of the tables the mapped classes of ``modules`` define."""
    return tuple(sorted({value.__table__.name for module in modules
                         for value in vars(module).values()
                         if isinstance(value, type) and hasattr(value, "__table__")
                         and value.__module__ == module.__name__}))


class CapabilityError(RuntimeError):
    """A capability is missing or its declaration is wrong: a bug, stopped at start."""


_LOADING = threading.Lock()


def load() -> tuple[Capability, ...]:
    """Import every capability and register what each declares (once per process; the
    window's start loads them on the day's backup thread while the log-in is shown, so a
    second caller waits for the first)."""
    with _LOADING:
        return _load()


@functools.cache
def _load() -> tuple[Capability, ...]:
    loaded: dict[str, Capability] = {}
    for name in CAPABILITIES:
        module = importlib.import_module(f"models.{name}")
        cap = getattr(module, "CAPABILITY", None)
        if not isinstance(cap, Capability) or cap.name != name:
            raise CapabilityError(f"models.{name} declares no CAPABILITY named {name!r}")
        unknown = [n for n in cap.needs if n not in loaded]
        if unknown:
            raise CapabilityError(f"{name} needs {unknown}, not loaded before it")
        loaded[name] = cap
    _register(tuple(loaded.values()))
    capabilities_loaded()
    return tuple(loaded.values())


def _register(caps: tuple[Capability, ...]) -> None:
    owners: dict[str, Capability] = {}
    for cap in caps:
        for hook in cap.accepts:
            if hook not in HOOKS or hook in owners:
                raise CapabilityError(f"{cap.name}: hook {hook!r} unknown or owned twice")
            owners[hook] = cap
    for cap in caps:
        for check in cap.checks:
            verify.add_check(check, tables=cap.tables)
        for kind, rule in cap.reversal_rules.items():
            ledger.add_reversal_rule(kind, rule)
        entry_text.add_kinds(cap.entry_kinds, cap.describe_entries)
        for spec in cap.settings:
            settings.add(spec)
        for hook in HOOKS:
            items = getattr(cap, hook)
            if not items:
                continue
            owner = owners.get(hook)
            if owner is None or (owner is not cap and owner.name not in cap.needs):
                raise CapabilityError(f"{cap.name} contributes {hook} but does not need "
                                      f"{owner.name if owner else 'an owner'}")
            for item in items:
                owner.accepts[hook](item)


def by_name(name: str) -> Capability:
    for cap in load():
        if cap.name == name:
            return cap
    raise KeyError(name)


def demo_modules() -> list[str]:
    return [module for cap in load() for module in cap.demo]


def cli_commands() -> dict[str, str]:
    """Subcommand -> the capability that declares it."""
    return {command: cap.name for cap in load() for command in cap.cli}

