"""A group that pools its members' NSSF contributions, for the NSSF tests.

The tailors' group of ``env`` turned NSSF pooling on from 1/1/2026. Keo (member 0) and
Bua (member 1) enrol from November 2026 at 2,500,000 ₭ (the lowest level offered since the
minimum wage rose to 2,500,000 on 1/10/2024): 225,000 ₭ a month. Som (member 2) is not
enrolled. Today is 20/11/2026.
"""
from __future__ import annotations

import datetime as dt

from models.core import settings, verify
from models.nssf import enrolment as enrolments
from models.nssf import pot, remittance
from models.nssf.scheme import SETTINGS

NOV = dt.date(2026, 11, 1)
LEVEL = 2_500_000
MONTHLY = 225_000


def set_scheme(env, on=dt.date(2026, 1, 1), **values) -> None:
    keys = {spec.key for spec in SETTINGS}
    with env.db.write() as s:
        for key, value in values.items():
            key = key if key in keys else f"nssf_{key}"
            settings.set_value(s, env.user(s, "admin"), group_id=env.group_id, key=key,
                               value=value, effective_from=on)


def pooling(env, **values) -> None:
    set_scheme(env, pooling=True, **values)


def enrol(env, index: int, *, start=NOV, level=LEVEL, number: str | None = None) -> int:
    with env.db.write() as s:
        row = enrolments.enrol(s, env.user(s, "treasurer"), member_id=env.member_ids[index],
                               ss_number=number or f"SS-{index + 1:04d}", level=level,
                               hospital="Mahosot", start_month=start)
    return row.id


def deposit(env, index: int, amount: int, on=dt.date(2026, 11, 15)) -> None:
    with env.db.write() as s:
        pot.deposit_to_pot(s, env.user(s, "treasurer"), member_id=env.member_ids[index],
                           amount=amount, on=on, receipt=f"R-{index}-{amount}")


def run(env, month=NOV, **kw):
    with env.db.write() as s:
        return remittance.make_run(s, env.user(s, "treasurer"), group_id=env.group_id,
                                   month=month, **kw)


def problems(env) -> list[str]:
    with env.db.read() as s:
        return [str(p) for p in verify.verify_group(s, env.group(s))]
