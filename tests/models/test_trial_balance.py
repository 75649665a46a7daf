"""The office's trial balances: each group's from its own accounts, the federation's in one
grouped query, and neither sends more statements as the groups grow in number."""
from __future__ import annotations

import datetime as dt

from models.core import groups, ledger
from models.core.ledger import Line, Posting
from tests.statement_count import counting

DAY = dt.date(2026, 10, 5)


def add_groups(env, count):
    """``count`` more groups, each with a deposit of its own, and an expense dated later."""
    ids = []
    with env.db.write() as s:
        admin = env.user(s, "admin")
        for n in range(count):
            group = groups.create_group(s, admin, name=f"ກຸ່ມ {n}")
            ledger.post_entries(s, admin, group_id=group.id, postings=[
                Posting(DAY, "transfer", (Line("cash", 1_000 * (n + 1)),
                                          Line("other_income", -1_000 * (n + 1)))),
                Posting(DAY + dt.timedelta(days=30), "expense",
                        (Line("expenses", 100), Line("cash", -100)))])
            ids.append(group.id)
    return ids


def test_the_federation_trial_balance_is_every_groups_own(env):
    ids = add_groups(env, 4)
    with env.db.read() as s:
        everyone = ledger.federation_trial_balance(s)
        assert set(everyone) == {env.group_id, *ids}
        for gid in everyone:
            assert everyone[gid] == ledger.trial_balance(s, gid)
            assert sum(r.debit for r in everyone[gid]) == sum(r.credit for r in everyone[gid])
        cash = {gid: next(r.net for r in rows if r.key == "cash")
                for gid, rows in everyone.items()}
        assert cash[ids[2]] == 3_000 - 100
        early = ledger.federation_trial_balance(s, ids[:2], as_of=DAY)
        assert set(early) == set(ids[:2])
        assert next(r.net for r in early[ids[1]] if r.key == "cash") == 2_000
        assert early[ids[1]] == ledger.trial_balance(s, ids[1], as_of=DAY)


def test_trial_balances_send_the_same_statements_for_two_groups_or_twelve(env):
    def statements():
        with env.db.read() as s, counting(env.db.engine) as seen:
            ledger.federation_trial_balance(s)
            ledger.federation_trial_balance(s, as_of=DAY)
            ledger.trial_balance(s, env.group_id)
            ledger.trial_balance(s, env.group_id, as_of=DAY)
        return seen.count

    add_groups(env, 1)
    statements()  # a connection's first read asks once whether the ledger keeps totals
    few = statements()
    add_groups(env, 10)
    assert statements() == few
    assert few <= 5  # one each, and the read transaction's own start
