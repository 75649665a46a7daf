"""Money a member keeps in the group outside her savings (an NSSF pot, say), paid out to
her with her savings when she leaves: the savings capability's hook ``member_funds``.

A capability contributes a ``MemberFund``: ``balance`` says what she has in it on a day,
``pay_out`` pays ``amount`` of it (0 included: the fund may close her other records) from
``paid_from`` in the caller's transaction, as part of the exit settlement.

A fund with ``share_out`` hooks also shows at the share-out (``ShareOutHooks``): by the
group's rule it is paid out with her share or kept for her into the new cycle (it is not
the loan fund's money, so it is never shared), and she may put part of her payout into
it. The share-out posts what the preview showed through ``post`` and reads it back
through ``recorded``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.core.errors import UserError
from models.core.i18n import N_, gettext
from models.core.schema import User


@dataclass(frozen=True)
class FundShare:
    """One of her funds at a share-out: what it held, what is paid out to her with her
    share (the group's rule), what she puts into it from her payout (``receipt``: the
    ledger number of that deposit, once posted); the rest is kept for her."""

    key: str
    label: str      # N_() text
    held: int
    paid_out: int = 0
    topped_up: int = 0
    receipt: int | None = None

    @property
    def kept(self) -> int:
        """What the fund holds for her after the share-out."""
        return self.held - self.paid_out + self.topped_up

    def __str__(self) -> str:
        return gettext(self.label)


@dataclass(frozen=True)
class ShareOutHooks:
    holders: Callable[[Session, int], set[int]]                   # (session, group)
    pays_out: Callable[[Session, int, dt.date], bool]             # (session, group, on)
    top_up_problem: Callable[[Session, int, dt.date], UserError | None]  # (session, member, on)
    post: Callable[[Session, User, int, int, FundShare, dt.date, str], FundShare]
    # (session, actor, share_out_id, member, share, on, memo) -> the share with its receipt
    recorded: Callable[[Session, int], dict[int, FundShare]]      # (session, share_out_id)


@dataclass(frozen=True)
class MemberFund:
    key: str
    label: str      # N_() text
    order: int
    balance: Callable[[Session, int, int, dt.date], int]          # (session, group, member, on)
    pay_out: Callable[[Session, User, int, int, dt.date, str, str], None]
    # (session, actor, member, amount, on, paid_from, memo)
    share_out: ShareOutHooks | None = None


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
    unknown = [item.key for item in funds if item.key not in by_key]
    if unknown:
        raise UserError(N_("There is no fund called “{fund}” to pay out."), fund=unknown[0])
    for item in funds:
        by_key[item.key].pay_out(session, actor, member_id, item.amount, on, paid_from, memo)


def share_out_funds() -> list[MemberFund]:
    """The funds the share-out shows; the first of them takes what members put in from
    their payouts."""
    return [f for f in member_funds() if f.share_out is not None]


def share_out_holders(session: Session, group_id: int) -> set[int]:
    """Members who hold money in a fund the share-out shows."""
    return set().union(*(f.share_out.holders(session, group_id) for f in share_out_funds()))


def share_out_plan(session: Session, group_id: int, member_id: int, on: dt.date,
                   top_up: int) -> tuple[FundShare, ...]:
    """What each fund does for her at a share-out on ``on``: paid out by the group's rule
    or kept; ``top_up`` goes into the first fund."""
    out = []
    for index, fund in enumerate(share_out_funds()):
        held = fund.balance(session, group_id, member_id, on)
        paid = held if held > 0 and fund.share_out.pays_out(session, group_id, on) else 0
        out.append(FundShare(fund.key, fund.label, held, paid, top_up if index == 0 else 0))
    return tuple(out)


def top_up_problem(session: Session, member_id: int, on: dt.date) -> UserError | None:
    """Why she cannot put money from her payout into a fund (None: she can)."""
    funds = share_out_funds()
    if not funds:
        return UserError(N_("There is no fund to put part of a payout into."))
    return funds[0].share_out.top_up_problem(session, member_id, on)


def recorded_share_out(session: Session, share_out_id: int) -> dict[int, tuple[FundShare, ...]]:
    """Member -> what each fund did for her at a posted share-out."""
    out: dict[int, list[FundShare]] = {}
    for fund in share_out_funds():
        for member_id, share in fund.share_out.recorded(session, share_out_id).items():
            out.setdefault(member_id, []).append(share)
    return {m: tuple(s) for m, s in out.items()}
