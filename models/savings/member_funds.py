"""Money a member keeps in the group outside her savings (an NSSF pot, say), paid out to
her with her savings when she leaves: the savings capability's hook ``member_funds``.

A capability contributes a ``MemberFund``: ``balance`` says what she has in it on a day,
``pay_out`` pays ``amount`` of it (0 included: the fund may close her other records) from
``paid_from`` in the caller's transaction, as part of the exit settlement.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.core.i18n import gettext
from models.core.schema import User


@dataclass(frozen=True)
class MemberFund:
    key: str
    label: str      # N_() text
    order: int
    balance: Callable[[Session, int, int, dt.date], int]          # (session, group, member, on)
    pay_out: Callable[[Session, User, int, int, dt.date, str, str], None]
    # (session, actor, member, amount, on, paid_from, memo)


@dataclass(frozen=True)
class FundPayout:
    """One such fund on an exit statement: what is paid out of it."""

    key: str
    label: str
    amount: int

    def __str__(self) -> str:
        return gettext(self.label)


_FUNDS: dict[str, MemberFund] = {}


def register(fund: MemberFund) -> None:
    if fund.key in _FUNDS:
        raise ValueError(f"member fund {fund.key} registered twice")
    _FUNDS[fund.key] = fund


def member_funds() -> list[MemberFund]:
    return sorted(_FUNDS.values(), key=lambda f: f.order)


def payouts(session: Session, group_id: int, member_id: int, on: dt.date) -> tuple[FundPayout, ...]:
    """What each fund holds for her on ``on`` (every fund listed, 0 included)."""
    return tuple(FundPayout(f.key, f.label, f.balance(session, group_id, member_id, on))
                 for f in member_funds())


def pay_out(session: Session, actor: User, member_id: int, funds: tuple[FundPayout, ...],
            on: dt.date, paid_from: str, memo: str) -> None:
    by_key = {f.key: f for f in member_funds()}
    for item in funds:
        by_key[item.key].pay_out(session, actor, member_id, item.amount, on, paid_from, memo)
