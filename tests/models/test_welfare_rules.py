"""Every claim rule, as a treasurer meets it: the check lists each rule, passed or failed,
with a reason she can read out to the member."""
from __future__ import annotations

import datetime as dt

import pytest

from models.core import i18n, members
from models.core.errors import ValidationError
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
    types as welfare_types,
)
from models.welfare.rules import RULE_NAMES
from tests.models.welfare_fixtures import (  # noqa: F401  (fund is a fixture)
    CONTRIBUTION,
    change_rule,
    draft,
    failed_rules,
    fund,
    hold_meeting,
    record,
    set_settings,
)


def check(s, env, **kw):
    return welfare_claims.check_claim(s, env.user(s, "treasurer"), group_id=env.group_id,
                               draft=draft(s, env, **kw))


def failures(s, env, **kw) -> dict[str, str]:
    return {r.rule: r.explanation for r in check(s, env, **kw) if not r.passed}


def test_a_good_claim_passes_every_rule_and_lists_them_all(fund):
    with fund.db.read() as s:
        results = check(s, fund, amount=300_000)
    # The yearly limit per member is listed only when the group sets one.
    assert [r.rule for r in results] == [r for r in RULE_NAMES if r != "year_cap"]
    assert all(r.passed for r in results)
    by_rule = {r.rule: r.explanation for r in results}
    assert by_rule["cap"] == "Asks 300,000 ₭; the most is 500,000 ₭."
    assert by_rule["waiting"] == "Joined 05/01/2024; covered from 05/04/2024."


def test_the_rule_check_reads_in_lao(fund):
    with fund.db.read() as s:
        i18n.set_language("lo")
        results = check(s, fund, amount=600_000)
    cap = next(r for r in results if r.rule == "cap")
    assert cap.label == "ຈຳນວນສູງສຸດ"
    assert "600,000 ₭" in cap.explanation and "500,000 ₭" in cap.explanation
    assert any("\u0e80" <= ch <= "\u0eff" for ch in cap.explanation)


def test_cap_a_claim_above_the_types_maximum_fails(fund):
    with fund.db.read() as s:
        assert failures(s, fund, amount=500_000) == {}
        assert failures(s, fund, amount=500_001) == {
            "cap": "Asks 500,001 ₭, more than the most this type pays, 500,000 ₭."}


def test_frequency_rolling_twelve_months_counts_from_the_event(fund):
    with fund.db.write() as s:
        record(s, fund, event=dt.date(2025, 6, 1), amount=200_000)
        # Exactly 12 months later is outside the window; a day less is inside.
        assert "frequency" not in failures(s, fund, event=dt.date(2026, 6, 1))
        problem = failures(s, fund, event=dt.date(2026, 5, 31))["frequency"]
    assert problem == ("The limit is 1 in 12 months (claims of this type); already claimed: "
                       "#1 (01/06/2025).")


def test_frequency_calendar_year_resets_on_the_first_of_january(fund):
    with fund.db.write() as s:
        record(s, fund, event=dt.date(2025, 12, 20), amount=200_000)
        assert "frequency" in failures(s, fund, event=dt.date(2026, 1, 5))  # rolling
        change_rule(s, fund, "hospitalization", dt.date(2024, 1, 1),
                    frequency_window="calendar")
        assert "frequency" not in failures(s, fund, event=dt.date(2026, 1, 5))
        record(s, fund, event=dt.date(2026, 1, 5), amount=200_000)
        problem = failures(s, fund, event=dt.date(2026, 11, 1))["frequency"]
    assert problem == ("The limit is 1 a calendar year (claims of this type); already "
                       "claimed: #2 (05/01/2026).")


def test_frequency_across_types_counts_claims_of_every_type(fund):
    with fund.db.write() as s:
        record(s, fund, event=dt.date(2026, 3, 1), amount=200_000)
        assert "frequency" not in failures(s, fund, code="surgery", event=dt.date(2026, 9, 1))
        change_rule(s, fund, "surgery", dt.date(2024, 1, 1), frequency_scope="all")
        assert "frequency" in failures(s, fund, code="surgery", event=dt.date(2026, 9, 1))


def test_frequency_allows_more_than_one_claim_when_the_group_says_so(fund):
    with fund.db.write() as s:
        change_rule(s, fund, "hospitalization", dt.date(2024, 1, 1), frequency_count=2)
        record(s, fund, event=dt.date(2026, 3, 1), amount=100_000)
        assert "frequency" not in failures(s, fund, event=dt.date(2026, 9, 1))
        record(s, fund, event=dt.date(2026, 9, 1), amount=100_000)
        assert "frequency" in failures(s, fund, event=dt.date(2026, 10, 1))


def test_frequency_ignores_refused_claims_and_other_members(fund):
    with fund.db.write() as s:
        refused = record(s, fund, event=dt.date(2026, 3, 1), amount=100_000)
        record(s, fund, member=1, event=dt.date(2026, 3, 1), amount=100_000)
        assert "frequency" in failures(s, fund, event=dt.date(2026, 9, 1))
        welfare_approval.reject_claim(s, fund.user(s, "leader"), claim_id=refused.id,
                             reason="Recorded twice")
        assert "frequency" not in failures(s, fund, event=dt.date(2026, 9, 1))


def test_a_recorded_claim_is_judged_against_the_claims_recorded_before_it(fund):
    """A later claim for an earlier event fails; it never turns the first one's verdict."""
    with fund.db.write() as s:
        first = record(s, fund, event=dt.date(2026, 9, 1), amount=100_000)
        second = record(s, fund, event=dt.date(2026, 8, 1), amount=100_000)
        assert failed_rules(s, fund, first.id) == {}
        assert "frequency" in failed_rules(s, fund, second.id)


def test_waiting_period_after_joining(fund):
    with fund.db.write() as s:
        newcomer = members.add_member(s, fund.user(s, "admin"), group_id=fund.group_id,
                                      details=members.MemberDetails(
                                          name_lao="ນາງ ດາວ", gender="f",
                                          joined_on=dt.date(2026, 9, 1)))
        fund.member_ids.append(newcomer.id)
        welfare_fund.record_contribution(s, fund.user(s, "treasurer"), group_id=fund.group_id,
                                         member_id=newcomer.id, amount=3 * CONTRIBUTION)
        problems = failures(s, fund, member=3, event=dt.date(2026, 11, 15))
        assert problems == {"waiting": "Joined 01/09/2026; a claim of this type is covered "
                                       "only from 01/12/2026 (3 months after joining)."}
        # Death of a family member waits 3 months too; childbirth waits 9.
        assert "waiting" in failures(s, fund, member=3, code="childbirth",
                                     event=dt.date(2026, 11, 15))


def test_an_event_before_joining_or_after_leaving_is_not_covered(fund):
    with fund.db.write() as s:
        assert "membership" in failures(s, fund, event=dt.date(2023, 12, 1),
                                        claim_date=dt.date(2023, 12, 2))
        members.set_status(s, fund.user(s, "admin"), member_id=fund.member_ids[0],
                           status="left", on=dt.date(2026, 10, 1))
        assert failures(s, fund, event=dt.date(2026, 10, 5))["membership"] == (
            "The event on 05/10/2026 was after the member left (01/10/2026).")
        assert "membership" not in failures(s, fund, event=dt.date(2026, 9, 30))


def test_good_standing_allows_two_missed_contributions_not_three(fund):
    with fund.db.write() as s:
        # Extra meetings this November where Bua (member 1) pays nothing.
        for n, day in enumerate((dt.date(2026, 11, 16), dt.date(2026, 11, 17)), start=200):
            hold_meeting(s, fund, day, n, {0: CONTRIBUTION, 2: CONTRIBUTION})
        assert "contributions" not in failures(s, fund, member=1)
        ok = next(r for r in check(s, fund, member=1) if r.rule == "contributions")
        assert ok.explanation == ("Behind by 20,000 ₭ (2 contributions); up to 2 may be late.")
        hold_meeting(s, fund, dt.date(2026, 11, 18), 202, {0: CONTRIBUTION, 2: CONTRIBUTION})
        assert failures(s, fund, member=1) == {
            "contributions": "Behind by 30,000 ₭ (3 contributions); only 2 may be late."}
        # The death of a member does not ask for paid-up contributions.
        assert failures(s, fund, member=1, code="death_member", amount=1_000_000) == {}


def test_beneficiary_must_be_someone_the_type_pays_for(fund):
    with fund.db.read() as s:
        assert failures(s, fund, code="childbirth", beneficiary="spouse", name="ທ້າວ ເພັດ",
                        amount=200_000) == {}
        assert failures(s, fund, code="childbirth", beneficiary="parent", name="ນາງ ຄຳ",
                        amount=200_000) == {
            "beneficiary": "For: Parent. This type pays for: The member, Spouse."}
        assert "beneficiary" in failures(s, fund, code="death_family", beneficiary="member",
                                         amount=200_000)


def test_the_claim_form_lists_every_missing_field_at_once(fund):
    with fund.db.read() as s:
        with pytest.raises(ValidationError) as caught:
            check(s, fund, beneficiary="child", amount=0, event=dt.date(2026, 12, 1))
    assert [str(p) for p in caught.value.problems] == [
        "The event date is in the future.",
        "The claim date is before the event.",
        "Enter the amount asked.",
        "Enter the name of the person the benefit is for.",
    ]


def test_a_rule_change_is_dated_and_old_claims_keep_their_old_rules(fund):
    with fund.db.write() as s:
        before = record(s, fund, event=dt.date(2026, 5, 20), amount=400_000)
        change_rule(s, fund, "hospitalization", dt.date(2026, 6, 1), max_amount=300_000,
                    waiting_months=12)
        # The claim for an event in May is still judged by May's rules...
        assert failed_rules(s, fund, before.id) == {}
        # ...a claim for an event after the change by the new ones.
        assert failures(s, fund, member=1, event=dt.date(2026, 6, 10), amount=400_000) == {
            "cap": "Asks 400,000 ₭, more than the most this type pays, 300,000 ₭."}
        history = welfare_types.rule_history(s, fund.user(s, "auditor"),
                                                     before.claim_type_id)
    assert [(v.effective_from, v.rule.max_amount) for v in history] == [
        (dt.date(2000, 1, 1), 500_000), (dt.date(2026, 6, 1), 300_000)]
    assert history[1].recorded_by == "admin"


def test_a_real_overdue_loan_fails_good_standing(fund):
    """With the ledger's own loans: Keo borrowed in June and has repaid nothing."""
    from tests.models.loan_support import open_loan, save

    with fund.db.write() as s:
        save(s, fund, 0, 600_000)
    open_loan(fund.db, fund, member=0, amount=500_000, disbursed=dt.date(2026, 6, 1))
    with fund.db.read() as s:
        assert failures(s, fund, member=0) == {"loans": "Overdue loans: 1."}
        assert failures(s, fund, member=1) == {}
        # The death of a member does not ask about loans.
        assert failures(s, fund, member=0, code="death_member", amount=1_000_000) == {}


def test_a_member_who_died_is_covered_for_her_death_but_not_for_later_events(fund):
    """Fault 6. Nang Kham (member 0) died on 01/10/2026. Her family's claim for her death,
    the event on 01/10/2026, passes the membership rule; a hospital stay dated 05/10/2026,
    four days after her death, does not (old code: it passed, as if she were alive, since
    only leaving ended cover)."""
    with fund.db.write() as s:
        members.set_status(s, fund.user(s, "admin"), member_id=fund.member_ids[0],
                           status="deceased", on=dt.date(2026, 10, 1))
        assert failures(s, fund, event=dt.date(2026, 10, 5))["membership"] == (
            "The event on 05/10/2026 was after the member died (01/10/2026).")
        assert failures(s, fund, code="death_member", amount=1_000_000,
                        event=dt.date(2026, 10, 1)) == {}
        assert "membership" not in failures(s, fund, event=dt.date(2026, 9, 20))


def test_a_yearly_limit_per_member_counts_her_other_claims_that_year(fund):
    """The group lets one member get at most 600,000 ₭ a calendar year. Nang Kham (member
    0) claimed 400,000 for a hospital stay in March 2026; a childbirth claim of 300,000 in
    October 2026 would bring her to 700,000: refused on that rule alone. 200,000 passes
    (600,000 exactly), and so does 300,000 for an event in January 2027."""
    with fund.db.write() as s:
        set_settings(s, fund, year_cap=600_000)
        change_rule(s, fund, "childbirth", dt.date(2025, 1, 1), waiting_months=0)
        record(s, fund, event=dt.date(2026, 3, 2), amount=400_000, claim_date=dt.date(2026, 3, 3))
        assert failures(s, fund, code="childbirth", amount=300_000,
                        event=dt.date(2026, 10, 5)) == {
            "year_cap": "Claimed 400,000 ₭ in 2026 before this; with 300,000 ₭ more it passes "
                        "the 600,000 ₭ a member may get in a year."}
        assert failures(s, fund, code="childbirth", amount=200_000,
                        event=dt.date(2026, 10, 5)) == {}


def test_good_standing_waits_for_the_loans_grace_days(fund):
    """Loan 1 (1,200,000 ₭ flat, paid out 10/10/2026) has its first installment due
    10/11/2026 and the loan rules give 3 days of grace. A claim on 12/11/2026 for an event
    the day before passes the loan rule: the installment is not late yet by the loan rules.
    If the group counts lateness from the due date instead, the same claim fails."""
    from models.loans import policy as loan_policy
    from tests.models.loan_support import open_loan, save

    with fund.db.write() as s:
        save(s, fund, 0, 2_000_000)
    open_loan(fund.db, fund, amount=1_200_000, disbursed=dt.date(2026, 10, 10))
    claim = dict(event=dt.date(2026, 11, 11), claim_date=dt.date(2026, 11, 12))
    with fund.db.write() as s:
        assert loan_policy.get_policy(s, fund.group_id).grace_days == 3
        assert "loans" not in failures(s, fund, **claim)
        set_settings(s, fund, loan_grace="due_date")
        assert failures(s, fund, **claim) == {"loans": "Overdue loans: 1."}
