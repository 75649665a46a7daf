"""Demo: after everything else of a meeting, the cash box is counted (now and then a note
is short and the difference explained); after every twelfth meeting the cycle is shared
out, most members re-investing all, some taking everything home. The last cycle is left
open so the demo shows savings growing.
"""
from __future__ import annotations

import datetime as dt

from models.core import ledger
from models.demo import Activity, DemoContext, DemoGroup
from models.meetings import cashbox
from models.savings import shareout_posting, shareout_preview

CYCLE_MEETINGS = 12


def on_meeting(ctx: DemoContext, group: DemoGroup, day: dt.date) -> None:
    rng = group.rng("shareout")
    held = group.state.setdefault("shareout", {"meetings": 0})
    held["meetings"] += group.month_opens(day)  # a cycle is twelve months of meetings
    if group.month_opens(day) and held["meetings"] % CYCLE_MEETINGS == 0 \
            and day != group.meeting_dates[-1]:
        share_out(ctx, group, day, rng)
    count(ctx, group, day, rng)


def share_out(ctx: DemoContext, group: DemoGroup, day: dt.date, rng) -> None:  # noqa: ANN001
    """Most re-invest what buys whole shares, some take it all home. Skipped (the cycle
    goes on) when the preview still lists a problem, e.g. a loan the re-invested savings
    cannot cover."""
    session, treasurer = ctx.session, ctx.actor("treasurer")
    take_home = {m.id for m in group.active_members(day) if rng.random() < 0.15}
    preview = shareout_preview.preview_share_out(session, treasurer, group_id=group.id, on=day)
    price = preview.next_share_price
    carry = {row.member_id: 0 if row.member_id in take_home else row.net // price * price
             for row in preview.rows if row.net > 0}
    for choice in (carry, shareout_preview.ALL):
        preview = shareout_preview.preview_share_out(session, treasurer, group_id=group.id, on=day,
                                                     carry_over=choice)
        if not preview.problems:
            shareout_posting.post_share_out(session, treasurer, group_id=group.id, on=day,
                                            carry_over=choice, preview_seq=preview.ledger_seq)
            return


def count(ctx: DemoContext, group: DemoGroup, day: dt.date, rng) -> None:  # noqa: ANN001
    session, treasurer = ctx.session, ctx.actor("treasurer")
    expected = ledger.balance(session, group.id, "cash")
    counted, note = expected, ""
    if expected >= 1_000 and rng.random() < 0.05:
        counted, note = expected - rng.choice((500, 1_000)), "ນັບເງິນທອນຜິດ"
    notes: dict[int, int] = {}
    left = counted
    for value in cashbox.denominations("LAK"):
        notes[value], left = divmod(left, value)
    cashbox.count_cash(session, treasurer, group_id=group.id, on=day, notes=notes, other=left,
                       meeting_id=group.state.get("savings", {}).get("meeting_id"), note=note)


ACTIVITY = Activity(name="shareout", order=90, on_meeting=on_meeting)
