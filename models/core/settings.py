"""Dated group settings: a change applies from a date and never rewrites the past.

Each capability registers its settings with a default and a validator; values are JSON.
"""
from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import audit, clock
from models.core.errors import UserError
from models.core.i18n import N_
from models.core.permissions import Permission, require
from models.core.schema import GroupSetting, PeriodLock, User


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    label: str
    validate: Callable[[Any], Any] | None = None  # returns the cleaned value or raises UserError


REGISTRY: dict[str, SettingSpec] = {}


def define(key: str, default: Any, label: str,
           validate: Callable[[Any], Any] | None = None) -> SettingSpec:
    """A capability's dated setting, registered when its ``Capability`` lists it
    (``models.core.capability.load``)."""
    return SettingSpec(key, default, label, validate)


def add(spec: SettingSpec) -> None:
    """Register a capability's setting (``models.core.capability`` does, at load)."""
    if spec.key in REGISTRY:
        raise ValueError(f"setting {spec.key} registered twice")
    REGISTRY[spec.key] = spec


def register(key: str, default: Any, label: str,
             validate: Callable[[Any], Any] | None = None) -> SettingSpec:
    """One of the core's own settings, registered now."""
    spec = define(key, default, label, validate)
    add(spec)
    return spec


def choice(*allowed: str) -> Callable[[Any], Any]:
    """A validator: the value must be one of ``allowed``."""
    def check(value: Any) -> Any:
        if value not in allowed:
            raise UserError(N_("Choose one of: {choices}."), choices=", ".join(allowed))
        return value
    return check


def whole(low: int, high: int | None = None) -> Callable[[Any], int]:
    """A validator: a whole number from ``low`` (to ``high``)."""
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise UserError(N_("Enter a whole number."))
        if value < low or (high is not None and value > high):
            if high is None:
                raise UserError(N_("Enter a number of at least {low}."), low=low)
            raise UserError(N_("Enter a number from {low} to {high}."), low=low, high=high)
        return value
    return check


register("rounding", "half-even", N_("Rounding of computed amounts"),
         choice("half-even", "half-up"))
register("idle_lock_minutes", 10, N_("Lock the window after this many idle minutes"))


def get(session: Session, group_id: int, key: str, on: dt.date | None = None) -> Any:
    """The value in force on ``on`` (default today): the newest row effective by then.

    Every setting of the group is read at its first question in a session, in one
    statement (a meeting or a demo build asks thousands of times, of twenty keys);
    ``set_value`` drops the group's cached rows. Values are copies, safe to change."""
    spec = REGISTRY.get(key)
    on = on or clock.today()
    cache: dict = session.info.setdefault("kongthun_settings", {})
    if group_id not in cache:
        found: dict[str, list] = {}
        for row_key, effective_from, value in session.execute(
                select(GroupSetting.key, GroupSetting.effective_from, GroupSetting.value)
                .where(GroupSetting.group_id == group_id)
                .order_by(GroupSetting.effective_from.desc(), GroupSetting.id.desc())):
            found.setdefault(row_key, []).append((effective_from, value))
        cache[group_id] = found
    rows = cache[group_id].get(key, ())
    for effective_from, value in rows:
        if effective_from <= on:
            return copy.deepcopy(value)
    if spec is None:
        raise KeyError(key)
    return copy.deepcopy(spec.default)


def history(session: Session, group_id: int, key: str) -> list[tuple[dt.date, Any]]:
    rows = session.execute(
        select(GroupSetting.effective_from, GroupSetting.value)
        .where(GroupSetting.group_id == group_id, GroupSetting.key == key)
        .order_by(GroupSetting.effective_from, GroupSetting.id))
    return [(r[0], r[1]) for r in rows]


def set_value(session: Session, actor: User, *, group_id: int, key: str, value: Any,
              effective_from: dt.date) -> None:
    """Record a new value from ``effective_from``. Refused inside a locked period."""
    require(session, actor, Permission.CHANGE_SETTINGS, group_id)
    spec = REGISTRY.get(key)
    if spec is None:
        raise UserError(N_("Unknown setting {key}."), key=key)
    if spec.validate is not None:
        value = spec.validate(value)
    locked = session.scalar(select(PeriodLock.locked_through)
                            .where(PeriodLock.group_id == group_id)
                            .order_by(PeriodLock.locked_through.desc()).limit(1))
    if locked is not None and effective_from <= locked:
        raise UserError(N_("The books are locked through {date}; a setting can only change "
                           "after that."), date=locked.strftime("%d/%m/%Y"))
    session.add(GroupSetting(group_id=group_id, key=key, effective_from=effective_from,
                             value=value, recorded_by=actor.id, recorded_at=clock.now()))
    session.info.get("kongthun_settings", {}).pop(group_id, None)
    audit.record(session, actor, "setting.set", group_id=group_id, key=key, value=value,
                 effective_from=effective_from)
