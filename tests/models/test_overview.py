"""The overview the treasurer opens first reads every figure from one model query: the
same totals as the ledger, the active members only, the seal as printed on paper."""
from __future__ import annotations

import datetime as dt

import pytest

from models.core import groups, ledger, members, users
from models.core.errors import PermissionDenied
from models.core.schema import User
from models.core.seal import format_seal
from models.statements.overview import group_overview
from tests.models.loan_support import save


def test_the_overview_shows_what_the_group_has(env):
    """Two members save 100,000 ₭ and 50,000 ₭ at the meeting; Som leaves the group. The
    overview shows 150,000 ₭ in the box, two active members, two entries, the trial
    balance that nets to zero and the ledger's seal as the paper prints it."""
    with env.db.write() as s:
        save(s, env, 0, 100_000)
        save(s, env, 1, 50_000)
        members.set_status(s, env.user(s, "admin"), member_id=env.member_ids[2],
                           status="left", on=dt.date(2026, 2, 1))
    with env.db.read() as s:
        shown = group_overview(s, env.user(s, "auditor"), env.group_id)
        head = env.group(s).head_hash
        trial = [r for r in ledger.trial_balance(s, env.group_id) if r.debit or r.credit]
    assert (shown.group_name, shown.village) == ("ກຸ່ມຕັດຫຍິບ", "Ban Nongbone")
    assert shown.cash == 150_000 and shown.bank == 0
    assert shown.active_members == 2
    assert shown.entry_count == 2
    assert shown.seal == format_seal(head)
    assert list(shown.trial_balance) == trial
    assert shown.total_debit == shown.total_credit == 150_000
    assert shown.currency.code == "LAK"


def test_a_user_of_another_group_sees_no_overview(env):
    with env.db.write() as s:
        admin = env.user(s, "admin")
        other = groups.create_group(s, admin, name="ກຸ່ມອື່ນ")
        stranger = users.create_user(s, admin, username="stranger", display_name="Stranger",
                                     password="demo")
        users.grant_role(s, admin, user_id=stranger.id, role="treasurer", group_id=other.id)
        stranger_id = stranger.id
    with env.db.read() as s, pytest.raises(PermissionDenied):
        group_overview(s, s.get(User, stranger_id), env.group_id)
