"""NSSF pooling in the demo: each of the five groups pools some members' NSSF
contributions (the study's active and former contributors; about one member in five where
the study found none), with the pot filled by season, and each month's remittance run.

- Every group turns pooling on from its start, with its own policy for a short pot: the
  tailors and the recyclers have the loan fund advance (the tailors at 12 % a year, the
  recyclers at 0 %), the bamboo-tray makers pay from a subsidy fund a donor started, the
  others skip the month (grace).
- Members bring money for their pot at the meeting (the grid's NSSF column): twice the
  month's contribution in the high season of their trade, sometimes nothing in the lean
  months; an advance is repaid at the next high-season meeting.
- Former contributors (the study's "lapsed") stop bringing money after half a year: their
  months are skipped until the contract lapses. One of them in each group that has any
  comes back eight months later and is enrolled again (a reinstatement).
- After each meeting the NSSF money (pots, what is owed to the LSSO, the subsidy fund) is
  taken to the bank, so the loans (order 30) lend only the loan fund's cash; the month's
  run is made and exported; the batch of the month before is confirmed with the LSSO's
  receipt and paid from the bank. The last month's run stays a draft, for the treasurer
  to look at.
"""
from __future__ import annotations

import datetime as dt

from models.core import ledger, settings
from models.core.errors import UserError
from models.demo import Activity, DemoContext, DemoGroup
from models.meetings import attendance as meeting_attendance
from models.meetings import cashbox
from models.nssf import coverage, pot, remittance
from models.nssf import enrolment as enrolments
from models.nssf.scheme import month_start

NAME = "nssf"
LEVEL, RICHER_LEVEL = 2_500_000, 2_700_000
MONTHLY = 225_000
POLICY = {"tailors": ("advance", "12"), "recyclers": ("advance", "0"),
          "tray_makers": ("subsidy", "0")}
HOSPITALS = ("ໂຮງໝໍມະໂຫສົດ", "ໂຮງໝໍມິດຕະພາບ", "ໂຮງໝໍເຊດຖາທິລາດ", "ໂຮງໝໍ 103")
STOP_AFTER, COME_BACK_AFTER = 6, 14   # meetings


def setup(ctx: DemoContext, group: DemoGroup) -> None:
    session, admin = ctx.session, ctx.actor("admin")
    rng = group.rng(NAME)
    shortage, rate = POLICY.get(group.kind.key, ("skip", "0"))
    for key, value in (("nssf_pooling", True), ("nssf_shortage", shortage),
                       ("nssf_advance_rate", rate), ("nssf_advance_limit_months", 2)):
        settings.set_value(session, admin, group_id=group.id, key=key, value=value,
                           effective_from=group.starts_on)
    chosen = [m for m in group.members if m.nssf is not None]
    if not chosen:
        others = [m for m in group.members]
        chosen = rng.sample(others, max(1, len(others) // 5))
    lapsing = [m.number for m in chosen if m.nssf == "lapsed"]
    group.state[NAME] = {
        "members": [m.number for m in chosen],
        "lapsing": lapsing,
        "returns": lapsing[0] if lapsing else None,
        "enrolled": set(), "fresh": set(), "meetings": 0, "exported": None,
        "granted": False,
    }


def _member(group: DemoGroup, number: int):
    return next(m for m in group.members if m.number == number)


def _deposit(ctx: DemoContext, group: DemoGroup, number: int, day: dt.date) -> int:
    state = group.state[NAME]
    rng = group.rng(NAME)
    meeting = state["meetings"]
    if number in state["lapsing"] and meeting > STOP_AFTER and not (
            number == state["returns"] and meeting > COME_BACK_AFTER):
        return 0
    if number in state["fresh"]:
        state["fresh"].discard(number)
        return 2 * MONTHLY        # she starts with two months in her pot
    if group.kind.high_factor <= group.kind.low_factor:
        return MONTHLY            # a steady income: the month's contribution every month
    if ctx.is_high_season(group, day.month):
        return 2 * MONTHLY
    return rng.choice((0, MONTHLY // 2, MONTHLY))


def meeting_cells(ctx: DemoContext, group: DemoGroup, day: dt.date,
                  attendance: dict[int, str]) -> dict[tuple[int, str], int]:
    """Money for the pots, brought to the meeting by those who came."""
    state = group.state[NAME]
    state["meetings"] += 1
    _enrol(ctx, group, day)
    cells = {}
    for number in state["members"]:
        member = _member(group, number)
        if not member.is_active_on(day) or \
                attendance.get(member.id) in (None, meeting_attendance.ABSENT):
            continue
        if number not in state["enrolled"]:
            continue
        amount = _deposit(ctx, group, number, day)
        if amount:
            cells[(member.id, pot.POT_COLUMN.key)] = amount
    return cells


def _enrol(ctx: DemoContext, group: DemoGroup, day: dt.date) -> None:
    session, treasurer = ctx.session, ctx.actor("treasurer")
    state = group.state[NAME]
    rng = group.rng(NAME)
    for number in state["members"]:
        member = _member(group, number)
        if not member.is_active_on(day):
            continue
        again = number == state["returns"] and state["meetings"] > COME_BACK_AFTER
        if number in state["enrolled"] and not again:
            continue
        if again:
            current = enrolments.member_enrolment(session, treasurer, member.id, on=day)
            if current is None or current.status != enrolments.LAPSED:
                continue
            state["returns"] = None
            state["lapsing"].remove(number)  # she is back, and keeps paying
        level = RICHER_LEVEL if member.monthly_income > 2_000_000 else LEVEL
        enrolments.enrol(session, treasurer, member_id=member.id,
                         ss_number=member.nssf_number or f"{group.index + 1:02d}-{number:04d}",
                         level=level, hospital=rng.choice(HOSPITALS), start_month=day)
        state["enrolled"].add(number)
        state["fresh"].add(number)
    for row in coverage.renewals_due(session, treasurer, group.id, on=day):
        enrolments.renew_contract(session, treasurer, enrolment_id=row.id)


def on_meeting(ctx: DemoContext, group: DemoGroup, day: dt.date) -> None:
    session, treasurer = ctx.session, ctx.actor("treasurer")
    state = group.state[NAME]
    if group.kind.key == "tray_makers" and not state["granted"]:
        pot.record_grant(session, treasurer, group_id=group.id, amount=1_500_000,
                         donor="ສະຫະພັນແມ່ຍິງລາວ ນະຄອນຫຼວງ", on=day)
        state["granted"] = True
    if ctx.is_high_season(group, day.month):
        for member_id, owed in sorted(ledger.member_balances(session, group.id,
                                                             "nssf_advances").items()):
            if owed > 0:
                pot.repay_advance(session, treasurer, member_id=member_id, amount=owed,
                                  on=day, receipt="")
    _bank_the_fund(ctx, group, day)
    if state["exported"] is not None:
        total = remittance.batch_row(session, treasurer, state["exported"]).total
        paid_from = next((account for account in ("bank", "cash")
                          if cashbox.shortfall(session, group.id, account, total) is None), None)
        if paid_from is not None:
            remittance.confirm_batch(session, treasurer, batch_id=state["exported"],
                                     receipt=f"ປກສ-{day:%y%m}-{group.index + 1:02d}",
                                     paid_on=day, paid_from=paid_from)
    state["exported"] = None
    try:
        batch = remittance.make_run(session, treasurer, group_id=group.id,
                                    month=month_start(day))
    except UserError:
        return  # nobody has anything to pay this month
    if day != group.meeting_dates[-1]:
        remittance.export_batch(session, treasurer, batch_id=batch.id, fmt="csv", render=None,
                                language="lo")
        state["exported"] = batch.id


def _bank_the_fund(ctx: DemoContext, group: DemoGroup, day: dt.date) -> None:
    """The treasurer takes the NSSF money (the pots, what is owed to the LSSO, the subsidy
    fund) to the bank, so it is not lent out with the loan fund's cash in the box."""
    session = ctx.session
    fund = sum(ledger.balance(session, group.id, key)
               for key in ("nssf_pot", "nssf_payable", "nssf_subsidy"))
    move = min(fund - ledger.balance(session, group.id, "bank"),
               ledger.balance(session, group.id, "cash"))
    if move > 0:
        cashbox.transfer_cash(session, ctx.actor("treasurer"), group_id=group.id, amount=move,
                              direction=cashbox.TO_BANK, on=day)


# Before the loans (30): the NSSF money goes to the bank before the box's cash is lent.
ACTIVITY = Activity(name=NAME, order=25, setup=setup, on_meeting=on_meeting,
                    meeting_cells=meeting_cells)
