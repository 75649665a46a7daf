"""The demo's welfare fund: monthly contributions that follow the members' seasons (lean
months are skipped and caught up later), and claims of every kind — hospital stays,
surgery, births, deaths in the family and of a member — checked by the group's rules,
approved or refused by the leader with the reason, and paid (in part when the fund is
short). Every group gets at least one claim of each kind and at least one refusal.

Contributions are per month (the groups meet monthly; the meeting grid prefills what is
still due for the month). They are the welfare column of the meeting grid
(``Activity.meeting_cells``) when an activity posts the meeting, otherwise they are
recorded as paid outside a meeting.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from models.core import members, settings
from models.core.errors import UserError, ValidationError
from models.demo import Activity, DemoContext, DemoGroup
from models.demo.core import DemoMember
from models.meetings import attendance as meeting_attendance
from models.welfare import (
    approval as welfare_approval,
)
from models.welfare import (
    claims as welfare_claims,
)
from models.welfare import (
    fund as welfare_fund,
)
from models.welfare import (
    payout as welfare_payout,
)
from models.welfare import (
    types as welfare_types,
)
from models.welfare.rules import BENEFICIARIES
from models.welfare.schema import WelfareClaim

NAME = "welfare"
# Kip a month per member, by kind of group: the poorer groups ask less.
CONTRIBUTION = {"tailors": 10_000, "tray_makers": 5_000, "recyclers": 5_000,
                "vegetable_farmers": 10_000, "weavers": 5_000}
# Chance in a month that a member has such an event (the death of a member is planned for
# the end of the demo: she dies a few days before the last meeting, which she misses).
CHANCES = {"hospitalization": 0.006, "surgery": 0.002, "childbirth": 0.003,
           "death_family": 0.002}
# What the leader writes when she refuses (demo data, in Lao as she would write it).
REASONS = {
    "membership": "ເຫດການເກີດຂຶ້ນນອກໄລຍະເປັນສະມາຊິກ",
    "waiting": "ຍັງຢູ່ໃນໄລຍະລໍຖ້າຫຼັງເຂົ້າກຸ່ມ",
    "beneficiary": "ກອງທຶນບໍ່ຈ່າຍໃຫ້ຜູ້ນີ້ສຳລັບປະເພດນີ້",
    "cap": "ຂໍເກີນຈຳນວນສູງສຸດຂອງກອງທຶນ",
    "frequency": "ໄດ້ຮັບເງິນຊ່ວຍເຫຼືອປະເພດນີ້ແລ້ວໃນ 12 ເດືອນຜ່ານມາ",
    "contributions": "ຄ້າງເງິນສົມທົບຫຼາຍເກີນໄປ",
    "loans": "ມີເງິນກູ້ເກີນກຳນົດ",
}
RELATIVES = {"spouse": ("ທ້າວ ບຸນມີ", "ທ້າວ ສົມສັກ", "ທ້າວ ຄຳແພງ"),
             "child": ("ນ້ອງ ມະລີ", "ນ້ອງ ຕຸ້ຍ", "ນ້ອງ ບີ", "ນ້ອງ ແອນ"),
             "parent": ("ແມ່ ຄຳ", "ພໍ່ ສີ", "ແມ່ ບົວສີ")}
EVIDENCE = {"hospitalization": "ໃບອອກໂຮງໝໍ ໂຮງໝໍມະໂຫສົດ",
            "surgery": "ໃບຢັ້ງຢືນແພດ ໂຮງໝໍມິດຕະພາບ",
            "childbirth": "ໃບແຈ້ງເກີດ",
            "death_family": "ໃບຢັ້ງຢືນຈາກນາຍບ້ານ",
            "death_member": "ໃບມໍລະນະບັດ"}


def setup(ctx: DemoContext, group: DemoGroup) -> None:
    session, admin = ctx.session, ctx.actor("admin")
    welfare_types.ensure_default_claim_types(session, group.id)
    current = welfare_fund.welfare_settings(session, group.id, group.starts_on)
    rng = group.rng(NAME)
    welfare_fund.set_welfare_settings(
        session, admin, group_id=group.id, effective_from=group.starts_on,
        values=replace(current, contribution=CONTRIBUTION.get(group.kind.key, 5_000),
                       contribution_basis="month",
                       joining_fee=rng.choice((0, 0, 20_000)),
                       # One group in five keeps a reserve: a big payout then waits for a
                       # second leader's approval (the demo has one leader).
                       min_reserve=150_000 if group.index % 5 == 2 else 0,
                       shortfall=rng.choice(("partial", "partial", "refuse")),
                       max_missed_contributions=2))
    # "waiting": approved claims not yet paid and claims the fund still owes on.
    group.state[NAME] = {"claimed": set(), "refused": 0, "behind": {}, "waiting": [],
                         "gone": _plan_death(group)}
    # Half-way, the group lowers the hospital benefit: later stays are judged by the new
    # rule, earlier ones keep the old.
    halfway = group.meeting_dates[len(group.meeting_dates) // 2]
    hospital = _type_id(ctx, group, "hospitalization")
    rule = welfare_types.rule_in_force(session, hospital, halfway)[1]
    welfare_types.set_claim_rule(session, admin, claim_type_id=hospital,
                                 effective_from=halfway,
                                 rule=replace(rule, max_amount=rule.max_amount * 4 // 5))


def _plan_death(group: DemoGroup) -> int | None:
    """The eldest long-standing member dies four days before the last meeting. Planned
    from the start so that every activity (``active_members``) leaves her out of that
    meeting: nobody saves, repays or contributes in a dead woman's name. Returns her
    place in ``group.members``."""
    last = group.meeting_dates[-1]
    people = [m for m in group.members if m.joined_on < last - dt.timedelta(days=300)]
    if not people:
        return None
    gone = min(people, key=lambda m: (m.birth_date, m.number))
    gone.status, gone.status_date = "deceased", last - dt.timedelta(days=4)
    return group.members.index(gone)


def on_meeting(ctx: DemoContext, group: DemoGroup, day: dt.date) -> None:
    _collect_contributions(ctx, group, day)
    _pay_what_waits(ctx, group, day)
    rng = group.rng(NAME)
    for member in group.active_members(day) if group.month_opens(day) else ():
        for code, chance in CHANCES.items():
            if rng.random() < chance and _fits(code, member, day):
                _claim(ctx, group, member, code, day, too_much=rng.random() < 0.15)


def finish(ctx: DemoContext, group: DemoGroup) -> None:
    """Make sure each kind of claim and a refusal appear in every group."""
    day = group.meeting_dates[-1]
    state = group.state[NAME]
    rng = group.rng(NAME)
    people = [m for m in group.active_members(day) if m.joined_on < day - dt.timedelta(days=300)]
    if not people:
        return
    for code in ("hospitalization", "surgery", "childbirth", "death_family"):
        if code not in state["claimed"]:
            fitting = [m for m in people if _fits(code, m, day)] or people
            _claim(ctx, group, rng.choice(fitting), code, day, too_much=False)
    if not state["refused"]:
        _claim(ctx, group, rng.choice(people), "hospitalization", day, too_much=True)
    _pay_what_waits(ctx, group, day)
    # The last meeting mourns a member: the fund pays her family.
    if state["gone"] is not None:
        gone = group.members[state["gone"]]
        died = gone.status_date
        members.set_status(ctx.session, ctx.actor("admin"), member_id=gone.id,
                           status="deceased", on=died, note="ສະມາຊິກເສຍຊີວິດ")
        _claim(ctx, group, gone, "death_member", day, too_much=False, event=died)
        _pay_what_waits(ctx, group, day)


def _type_id(ctx: DemoContext, group: DemoGroup, code: str) -> int:
    return next(t.id for t in welfare_types.claim_types(ctx.session, ctx.actor("auditor"),
                                                        group.id) if t.code == code)


def _fits(code: str, member: DemoMember, day: dt.date) -> bool:
    age = (day - member.birth_date).days // 365
    if code == "childbirth":
        return 18 <= age <= 44
    return True


def _contributions(ctx: DemoContext, group: DemoGroup, day: dt.date,
                   away: set[int]) -> dict[int, int]:
    """What each active member pays the welfare fund today: the month's contribution, and
    in a good month what she missed. In a lean month some cannot pay, nor can a member
    who is ``away``; they pay the missed months later. New members pay their joining fee
    (recorded at once)."""
    session, treasurer = ctx.session, ctx.actor("treasurer")
    rng = group.rng(NAME)
    behind: dict[int, int] = group.state[NAME]["behind"]
    lean = ctx.income_factor(group, day.month) < 1
    # One meeting a month: the whole month's contribution is due at it.
    due = settings.get(session, group.id, "welfare_contribution", day)
    paid: dict[int, int] = {}
    for member in group.active_members(day):
        if member.joined_on > group.starts_on and member.id not in behind:
            behind[member.id] = 0
            if settings.get(session, group.id, "welfare_joining_fee", member.joined_on):
                welfare_fund.record_joining_fee(session, treasurer, group_id=group.id,
                                                member_id=member.id, on=day)
        if due <= 0:
            continue
        if rng.random() < (0.25 if lean else 0.04) or member.id in away:
            behind[member.id] = behind.get(member.id, 0) + due
            continue
        paid[member.id] = due + (behind.pop(member.id, 0) if not lean else 0)
        behind.setdefault(member.id, 0)
    return paid


def meeting_cells(ctx: DemoContext, group: DemoGroup, day: dt.date,
                  attendance: dict[int, str]) -> dict[tuple[int, str], int]:
    """The welfare column of the meeting grid (members marked absent pay next time)."""
    group.state[NAME]["grid_day"] = day
    if not group.month_opens(day):
        return {}  # a group meeting weekly collects the month's contribution once
    away = {m for m, status in attendance.items() if status == meeting_attendance.ABSENT}
    return {(member_id, welfare_fund.MEETING_COLUMN.key): amount
            for member_id, amount in _contributions(ctx, group, day, away).items()}


def _collect_contributions(ctx: DemoContext, group: DemoGroup, day: dt.date) -> None:
    """Without a meeting grid (no savings activity): each contribution on its own."""
    if group.state[NAME].get("grid_day") == day or not group.month_opens(day):
        return  # the meeting's grid took them, or they are collected once a month
    for member_id, amount in _contributions(ctx, group, day, set()).items():
        welfare_fund.record_contribution(ctx.session, ctx.actor("treasurer"), group_id=group.id,
                                         member_id=member_id, amount=amount, on=day)


def _claim(ctx: DemoContext, group: DemoGroup, member: DemoMember, code: str, day: dt.date,
           *, too_much: bool, event: dt.date | None = None) -> None:
    session, rng = ctx.session, group.rng(NAME)
    type_id = _type_id(ctx, group, code)
    event = event or max(day - dt.timedelta(days=rng.randint(2, 20)), member.joined_on)
    rule = welfare_types.rule_in_force(session, type_id, event)[1]
    beneficiary = rng.choice([b for b in BENEFICIARIES if b in rule.beneficiaries])
    name = rng.choice(RELATIVES[beneficiary]) if beneficiary != "member" else ""
    step = 10_000
    if too_much:
        amount = rule.max_amount + step * rng.randint(5, 30)
    else:
        amount = max(step, rule.max_amount * rng.randint(30, 80) // 100 // step * step)
    row = welfare_claims.record_claim(session, ctx.actor("treasurer"), group_id=group.id,
                               draft=welfare_claims.ClaimDraft(
                                   member_id=member.id, claim_type_id=type_id,
                                   event_date=event, beneficiary=beneficiary, amount=amount,
                                   beneficiary_name=name, evidence_note=EVIDENCE[code]))
    group.state[NAME]["claimed"].add(code)
    leader = ctx.actor("leader")
    try:
        if welfare_approval.approve_claim(session, leader, claim_id=row.id).status == "approved":
            group.state[NAME]["waiting"].append(row.id)
    except ValidationError as refused:
        first = refused.problems[0]
        failed = next(r.rule for r in welfare_claims.claim_check(session, leader, row.id)
                      if not r.passed and r.message == first.message_id)
        welfare_approval.reject_claim(session, leader, claim_id=row.id, reason=REASONS[failed])
        group.state[NAME]["refused"] += 1


def _pay_what_waits(ctx: DemoContext, group: DemoGroup, day: dt.date) -> None:
    """Pay approved claims, then what the fund still owes, oldest first, as far as the
    money goes."""
    session, treasurer = ctx.session, ctx.actor("treasurer")
    waiting: list[int] = group.state[NAME]["waiting"]
    for claim_id in list(waiting):
        status = session.get(WelfareClaim, claim_id).status
        try:
            if status == "approved":
                paid = welfare_payout.pay_claim(session, treasurer, claim_id=claim_id, on=day)
            else:
                paid = welfare_payout.pay_owed(session, treasurer, claim_id=claim_id, on=day)
        except UserError:
            continue  # the fund or the box is short: it waits for the next meeting
        if not paid.owed:
            waiting.remove(claim_id)


ACTIVITY = Activity(name=NAME, order=20, setup=setup, on_meeting=on_meeting, finish=finish,
                    meeting_cells=meeting_cells)
