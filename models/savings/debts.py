"""What a member owes, and her own money paying it: the one netting rule of an exit and a
share-out.

Debts are gathered from *debt sources*, the savings capability's hook ``debt_sources``:
fines are this capability's (``fines.py``), the loans capability adds its own, so a
share-out or an exit settlement pays a loan through the loans' own rules. Every loan
declares its source, so everything a member owes can be settled from her money.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from models.core.i18n import gettext
from models.core.schema import User


@dataclass(frozen=True)
class Debt:
    """Something a member owes. ``label`` is an N_() text formatted with ``params``."""

    source: str
    label: str
    amount: int
    loan_id: int | None = None
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return gettext(self.label).format(**self.params)


@dataclass(frozen=True)
class SettleFrom:
    """Where the money that pays a debt comes from: ``account`` is debited on a line naming
    ``member_id`` (``member_savings`` at an exit, ``share_out_payable`` at a share-out)."""

    account: str
    member_id: int
    on: dt.date
    memo: str


@dataclass(frozen=True)
class DebtSource:
    """A capability that holds members' debts. ``accounts`` are the receivable accounts it
    answers for; ``owed`` lists a member's debts on a day (oldest first); ``settle`` pays
    ``amount`` of one debt from ``SettleFrom`` in the caller's transaction; ``income``
    says how much of paying ``amount`` of a debt on a day becomes the fund's income then
    (a loan's interest and fees, on a cash basis; None: nothing, the debt is all on the
    ledger already)."""

    key: str
    order: int
    accounts: tuple[str, ...]
    owed: Callable[[Session, int, int, dt.date], list[Debt]]
    settle: Callable[[Session, User, Debt, int, SettleFrom], None]
    income: Callable[[Session, Debt, int, dt.date], int] | None = None


_DEBT_SOURCES: dict[str, DebtSource] = {}


def register_debt_source(source: DebtSource) -> None:
    """One capability's debts (the savings capability's hook ``debt_sources``)."""
    if source.key in _DEBT_SOURCES:
        raise ValueError(f"debt source {source.key} registered twice")
    _DEBT_SOURCES[source.key] = source


def debt_sources() -> list[DebtSource]:
    return sorted(_DEBT_SOURCES.values(), key=lambda s: s.order)


def debt_accounts() -> tuple[str, ...]:
    """Every receivable account some source answers for: a member with a balance on one
    of them owes something."""
    return tuple(key for source in debt_sources() for key in source.accounts)


def member_debts(session: Session, group_id: int, member_id: int, on: dt.date) -> list[Debt]:
    """Everything the member owes, in the order it is paid from her money (the sources'
    order: loans oldest first, then fines)."""
    return [d for source in debt_sources()
            for d in source.owed(session, group_id, member_id, on) if d.amount > 0]


@dataclass(frozen=True)
class DebtLine:
    """One debt on a statement: what was owed, what the member's money paid, what is left."""

    debt: Debt
    netted: int

    @property
    def owed(self) -> int:
        return self.debt.amount

    @property
    def left(self) -> int:
        return self.debt.amount - self.netted

    @property
    def label(self) -> str:
        return str(self.debt)


def plan_netting(debts: list[Debt], available: int) -> list[DebtLine]:
    """Pay debts in order from ``available`` until it runs out: the one netting rule of an
    exit and a share-out (VSLA). The member's money goes to her debts first, in the order
    ``member_debts`` lists them (loans oldest first, then fines); a debt it cannot clear
    is paid as far as the money reaches and the rest stays owed; only what is left after
    every debt is hers in cash."""
    lines = []
    for debt in debts:
        take = min(debt.amount, max(available, 0))
        available -= take
        lines.append(DebtLine(debt, take))
    return lines


def netting_income(session: Session, lines: list[DebtLine], on: dt.date) -> int:
    """What paying ``lines`` on ``on`` brings into the fund as income (interest and fees
    of loans, on a cash basis)."""
    sources = {s.key: s for s in debt_sources()}
    total = 0
    for line in lines:
        source = sources.get(line.debt.source)
        if line.netted and source is not None and source.income is not None:
            total += source.income(session, line.debt, line.netted, on)
    return total


def apply_netting(session: Session, actor: User, lines: list[DebtLine],
                  source: SettleFrom) -> None:
    sources = {s.key: s for s in debt_sources()}
    for line in lines:
        if line.netted:
            sources[line.debt.source].settle(session, actor, line.debt, line.netted, source)

