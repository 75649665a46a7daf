"""How long the treasurer waits for a month's NSSF run and its file: a federation-sized
group of 200 enrolled members with a year of exported batches behind them, then the
preview, the draft, the export (posting) and the XLSX.

Prints its figures; asserts nothing about time (run with `make bench`)."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from models.core import clock, members
from models.nssf import enrolment as enrolments
from models.nssf import pot, remittance
from reports.nssf_file import export_remittance
from tests.models.nssf_support import MONTHLY, pooling

pytestmark = pytest.mark.benchmark
MEMBERS = 200


def test_a_month_for_two_hundred_members(env):
    pooling(env)
    with env.db.write() as s:
        admin, treasurer = env.user(s, "admin"), env.user(s, "treasurer")
        ids = [members.add_member(s, admin, group_id=env.group_id, details=members.MemberDetails(
            name_lao=f"ນາງ ສະມາຊິກ {i}", gender="f", joined_on=dt.date(2024, 1, 5))).id
            for i in range(MEMBERS)]
        for i, member_id in enumerate(ids):
            enrolments.enrol(s, treasurer, member_id=member_id, ss_number=f"B-{i:05d}",
                             level=2_500_000, hospital="Mahosot", start_month=dt.date(2026, 9, 1))
            pot.deposit_to_pot(s, treasurer, member_id=member_id, amount=3 * MONTHLY,
                               on=dt.date(2026, 11, 2))
    timings = {}
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        start = time.perf_counter()
        preview = remittance.preview_run(s, treasurer, group_id=env.group_id,
                                         month=dt.date(2026, 11, 1))
        timings["preview"] = time.perf_counter() - start
        start = time.perf_counter()
        batch = remittance.make_run(s, treasurer, group_id=env.group_id,
                                    month=dt.date(2026, 11, 1))
        timings["draft"] = time.perf_counter() - start
        start = time.perf_counter()
        export_remittance(s, treasurer, batch_id=batch.id, fmt="xlsx")
        timings["export and xlsx"] = time.perf_counter() - start
        start = time.perf_counter()
        export_remittance(s, treasurer, batch_id=batch.id, fmt="xlsx")
        timings["xlsx again"] = time.perf_counter() - start
    assert batch.member_months == 3 * MEMBERS and preview.total == 3 * MEMBERS * MONTHLY
    print(f"\nNSSF run, {MEMBERS} members × 3 months (clock {clock.today()}): " + ", ".join(
        f"{name} {seconds:.2f} s" for name, seconds in timings.items()))
