"""A group with a running welfare fund, for the welfare tests (models, reports, screens).

The tailors' group of ``env`` collects 10,000 ₭ per member per meeting from 1/1/2025; it
met on the 15th of every month from January 2025 to November 2026 (23 meetings) and all
three members paid every time, so the fund holds 690,000 ₭. Its claim types are the
defaults (hospitalization at most 500,000 ₭, 1 in 12 months, 3 months' wait...).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from models.meetings.columns import CellContext
from models.welfare import (
    claims as welfare_claims,
)
from models.welfare import (
    fund as welfare_fund,
)
from models.welfare import (
    register as welfare_register,
)
from models.welfare import (
    types as welfare_types,
)
from models.welfare.schema import WelfareClaimType

CONTRIBUTION = 10_000
START = dt.date(2025, 1, 1)


def meeting_days(first: dt.date = dt.date(2025, 1, 15), last: dt.date = dt.date(2026, 11, 15)):
    day = first
    while day <= last:
        yield day
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 15)


def hold_meeting(session, env, day: dt.date, meeting_id: int, paid: dict[int, int]) -> None:
    """Post the welfare column of one meeting: ``paid`` maps member index -> amount."""
    treasurer = env.user(session, "treasurer")
    for index, amount in paid.items():
        ctx = CellContext(env.group_id, env.member_ids[index], meeting_id, day)
        assert welfare_fund.MEETING_COLUMN.validate(session, ctx, amount) == []
        if amount:
            welfare_fund.MEETING_COLUMN.post(session, treasurer, ctx, amount)


def type_id(session, env, code: str) -> int:
    return session.scalar(select(WelfareClaimType.id).where(
        WelfareClaimType.group_id == env.group_id, WelfareClaimType.code == code))


def set_settings(session, env, on: dt.date = START, **changes) -> None:
    current = welfare_fund.welfare_settings(session, env.group_id, on)
    welfare_fund.set_welfare_settings(session, env.user(session, "admin"), group_id=env.group_id,
                                      effective_from=on, values=replace(current, **changes))


def change_rule(session, env, code: str, on: dt.date, **changes) -> None:
    tid = type_id(session, env, code)
    current = welfare_types.rule_in_force(session, tid, on)[1]
    welfare_types.set_claim_rule(session, env.user(session, "admin"), claim_type_id=tid,
                                 effective_from=on, rule=replace(current, **changes))


def draft(session, env, *, member: int = 0, code: str = "hospitalization",
          event: dt.date = dt.date(2026, 11, 10), amount: int = 300_000,
          beneficiary: str = "member", name: str = "", **extra) -> welfare_claims.ClaimDraft:
    return welfare_claims.ClaimDraft(member_id=env.member_ids[member],
                              claim_type_id=type_id(session, env, code), event_date=event,
                              beneficiary=beneficiary, amount=amount, beneficiary_name=name,
                              **extra)


def record(session, env, **kw) -> welfare_register.ClaimRow:
    return welfare_claims.record_claim(session, env.user(session, "treasurer"),
                                       group_id=env.group_id,
                                draft=draft(session, env, **kw))


def failed_rules(session, env, claim_id: int) -> dict[str, str]:
    return {r.rule: r.explanation
            for r in welfare_claims.claim_check(session, env.user(session, "auditor"), claim_id)
            if not r.passed}


@pytest.fixture
def fund(env):
    with env.db.write() as s:
        welfare_types.ensure_default_claim_types(s, env.group_id)
        set_settings(s, env, contribution=CONTRIBUTION)
        for n, day in enumerate(meeting_days(), start=1):
            hold_meeting(s, env, day, n, {0: CONTRIBUTION, 1: CONTRIBUTION, 2: CONTRIBUTION})
    return env
