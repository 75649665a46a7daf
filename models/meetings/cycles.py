"""The cycle a meeting is held in, kept by another capability (savings: its savings cycles,
each closed by a share-out). Meetings own the hook ``cycle_keeper``; exactly one capability
fills it, and a meeting cannot be opened or shown without it.

A cycle fixes how members save while it runs (``Terms``: shares at a price, or free
amounts); the grid and the printed summary show savings by those terms.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.core.schema import User


@dataclass(frozen=True)
class Terms:
    """How members save in a group on a day: ``mode`` (``"shares"`` or ``"free"``) and the
    price of one share (1 in a free-amount group, where every minor unit is a share)."""

    mode: str
    share_price: int

    def shares(self, amount: int) -> int:
        return amount // self.share_price


@dataclass(frozen=True)
class CycleKeeper:
    """``cycle_for(session, actor, group_id, on)``: the id of the open cycle a meeting of
    ``on`` goes into (refusing a day of a closed cycle; the actor is about to record);
    ``numbers(session, cycle_ids)``: each cycle's number, in one query;
    ``terms(session, group_id, on)``: how members save on that day."""

    cycle_for: Callable[[Session, User, int, dt.date], int]
    numbers: Callable[[Session, Collection[int]], dict[int, int]]
    terms: Callable[[Session, int, dt.date], Terms]


_KEEPERS: list[CycleKeeper] = []


def register_cycle_keeper(keeper: CycleKeeper) -> None:
    """The meetings capability's hook ``cycle_keeper`` (one contributor)."""
    if _KEEPERS:
        raise ValueError("the meetings' cycles are kept by one capability only")
    _KEEPERS.append(keeper)


def keeper() -> CycleKeeper:
    if not _KEEPERS:
        raise RuntimeError("no capability keeps the meetings' cycles (models.core.capability.load "
                           "was not called, or savings is missing)")
    return _KEEPERS[0]
