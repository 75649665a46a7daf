"""The demo ledger (``kongthun demo``): five groups of home-based workers grounded in the
study behind Kongthun, with their members, the demo users and years of monthly meetings.

``build_demo(database, *, seed=1, groups=5, years=2) -> DemoSummary`` fills an empty
ledger. The foundation (``core.py``) creates what every capability needs: the users
``admin``, ``treasurer``, ``leader``, ``auditor`` (password ``demo``, each with that role in
every demo group), the groups (marked ``is_demo``; the study's tailors, bamboo-tray makers,
recyclers, organic-vegetable farmers and hand weavers, then the same kinds again in other
villages for ``groups`` > 5) and their members (``data.py`` says where each figure comes
from). The money comes from the capabilities, as *activities*.

Adding an activity (no file of the foundation changes)
------------------------------------------------------
Create ``models/demo/activity_<name>.py`` defining::

    from models.demo import Activity

    def setup(ctx, group): ...                 # optional
    def on_meeting(ctx, group, day): ...       # optional
    def finish(ctx, group): ...                # optional
    def meeting_cells(ctx, group, day, attendance): ...  # optional: {(member, column): amount}

    ACTIVITY = Activity(name="savings", order=10, setup=setup, on_meeting=on_meeting)

The builder discovers every ``activity_*`` module and, for each group in turn, in one
transaction per group:

1. creates the group, its role grants and its members (the clock stands at
   ``group.starts_on``, the day before the first meeting);
2. calls every activity's ``setup(ctx, group)`` (dated settings, opening balances...);
3. for each meeting day in ``group.meeting_dates`` (monthly, ``years`` × 12 of them, the last
   before the build's ``today``), freezes the clock at that day and the group's meeting time,
   then calls every activity's ``on_meeting(ctx, group, day)``;
4. calls every activity's ``finish(ctx, group)`` (clock at the last meeting).

Activities run in ``(order, name)`` order at each step. Suggested orders, so that money
exists before it is lent: savings 10, welfare 20, NSSF 25 (its money goes to the bank before
the loans lend the box's cash), loans 30, share-out 90.

What a hook gets:

- ``ctx.session``: the group's open transaction. Post through the services
  (``record_x(ctx.session, ctx.actor("treasurer"), ...)``) so permissions, validation,
  audit and the hash chain apply as in the app. Never commit or roll back.
- ``ctx.actor(role)``: the demo user ``"admin"``, ``"treasurer"``, ``"leader"`` or
  ``"auditor"``, attached to ``ctx.session``. A leader cannot approve her own loan: the demo
  users are not members, so any member may borrow.
- ``ctx.today``, ``ctx.seed``, ``ctx.years``, ``ctx.groups`` (every planned group).
- ``ctx.income_factor(group, month)`` (Decimal, 1.00 = the year's average month),
  ``ctx.is_high_season(group, month)`` and ``ctx.member_income(group, member, month)`` (kip,
  to 1,000): tailors, tray makers and weavers earn most November–May, vegetable farmers
  May–December, recyclers the same all year. Let savings, repayments and contributions
  follow it: lean months must happen in the demo because they happen in the villages.
- ``group``: a ``DemoGroup`` — ``id``, ``kind`` (a ``data.GroupKind``: incomes, coverage,
  season), ``village``, ``meeting_dates``, ``members`` (``DemoMember``: ``id``, ``gender``,
  ``birth_date``, ``joined_on``, ``nssf`` = ``"active"``/``"lapsed"``/``None`` as in the
  study's Table 2, ``nssf_number``, ``monthly_income``...), ``active_members(day)`` and
  ``state``, a dict for your own bookkeeping between meetings (use ``state[ACTIVITY.name]``;
  keep ids there, not ORM objects).
- ``group.rng(name)``: your own ``random.Random`` for this group, seeded from the demo seed,
  the group and ``name``. Draw only from it (never ``random`` itself), so the same seed gives
  the same ledger and a new activity does not change what the others draw.

The activity that posts a meeting (savings) asks every activity's ``meeting_cells(ctx,
group, day, attendance)`` for its columns before posting, so what members pay at the
meeting goes through one grid (welfare contributions, loan repayments); without it, those
activities record their money one payment at a time in ``on_meeting``.

Dates come from the clock the builder sets (``models.core.clock.today()`` is the meeting day);
an activity may move the clock forward inside a meeting (e.g. to date a repayment a few
days later) but not past the next meeting, and the builder resets it at the next step.
"""
from __future__ import annotations

from models.demo.core import (
    Activity,
    DemoContext,
    DemoGroup,
    DemoGroupSummary,
    DemoMember,
    DemoProgress,
    DemoSummary,
    build_demo,
    discover_activities,
    meeting_calendar,
    plan_groups,
)
from models.demo.data import DEMO_PASSWORD, DEMO_USERS, KINDS, GroupKind, Village

__all__ = [
    "Activity", "DemoContext", "DemoGroup", "DemoGroupSummary", "DemoMember", "DemoProgress",
    "DemoSummary",
    "build_demo", "discover_activities", "meeting_calendar", "plan_groups", "DEMO_PASSWORD",
    "DEMO_USERS", "KINDS", "GroupKind", "Village",
]
