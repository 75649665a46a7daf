"""Maker-checker: the person who records a loan application or a welfare claim never
approves it, even when she holds both the treasurer's and the leader's role; and the
first-run step makes the first user administrator and treasurer of her new group."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models.core import first_run, users
from models.core.errors import PermissionDenied, UserError, ValidationError
from models.core.i18n import set_language
from models.core.permissions import Permission, Role, has_permission, roles_of, roles_with
from models.core.schema import User
from models.loans.application import apply_for_loan, approve_loan, check_approver
from models.loans.common import loan_by_id
from models.loans.rows import LoanRow
from models.loans.statuses import APPLIED, APPROVED
from models.welfare import approval as welfare_approval
from models.welfare import claims as welfare
from tests.models.loan_support import save
from tests.models.welfare_fixtures import fund, record  # noqa: F401  (fund is a fixture)


def _both_roles(s, env) -> object:
    """The treasurer is made a leader as well (a small group short of people)."""
    treasurer = env.user(s, "treasurer")
    users.grant_role(s, env.user(s, "admin"), user_id=treasurer.id, role="leader",
                     group_id=env.group_id)
    return treasurer


def _apply(s, env, actor) -> LoanRow:
    save(s, env, 0, 200_000, on=dt.date(2026, 10, 1))
    return apply_for_loan(
        s, actor, group_id=env.group_id, member_id=env.member_ids[0], amount=500_000,
        purpose="Sewing machine", installments=6, annual_rate=Decimal(24), method="flat",
        guarantor_ids=(), applied_on=dt.date(2026, 11, 20))


def test_a_treasurer_who_is_also_a_leader_cannot_approve_the_loan_she_recorded(env):
    with env.db.write() as s:
        treasurer = _both_roles(s, env)
        loan = _apply(s, env, treasurer)
        with pytest.raises(PermissionDenied, match="recorded this loan application"):
            approve_loan(s, treasurer, loan_id=loan.id)
        assert loan_by_id(s, loan.id).status == APPLIED
        approved = approve_loan(s, env.user(s, "leader"), loan_id=loan.id)
        assert approved.status == APPROVED


def test_the_refusal_is_in_lao_for_a_lao_reader(env):
    with env.db.write() as s:
        treasurer = _both_roles(s, env)
        loan = _apply(s, env, treasurer)
        with pytest.raises(PermissionDenied) as refused:
            check_approver(s, treasurer, loan_id=loan.id)
    set_language("lo")
    text = str(refused.value)
    assert "treasurer" in text and "recorded" not in text
    assert any("\u0e80" <= ch <= "\u0eff" for ch in text)


def test_a_treasurer_who_is_also_a_leader_cannot_approve_the_claim_she_recorded(fund):
    with fund.db.write() as s:
        treasurer = _both_roles(s, fund)
        claim = record(s, fund, amount=300_000)
        with pytest.raises(PermissionDenied, match="recorded this claim"):
            welfare_approval.approve_claim(s, treasurer, claim_id=claim.id)
        assert welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=claim.id).status \
            == "approved"


def test_she_may_still_approve_what_someone_else_recorded(env):
    with env.db.write() as s:
        treasurer = _both_roles(s, env)
        other = users.create_user(s, env.user(s, "admin"), username="noy",
                                  display_name="Noy", password="demo")
        users.grant_role(s, env.user(s, "admin"), user_id=other.id, role="treasurer",
                         group_id=env.group_id)
        loan = _apply(s, env, other)
        check_approver(s, treasurer, loan_id=loan.id)
        assert approve_loan(s, treasurer, loan_id=loan.id).status == APPROVED


def test_roles_with_says_who_may_record_and_who_may_approve():
    assert roles_with(Permission.RECORD) == (Role.TREASURER,)
    assert roles_with(Permission.APPROVE) == (Role.LEADER,)
    assert roles_with(Permission.CHANGE_SETTINGS) == (Role.ADMIN,)


def test_the_first_user_runs_her_new_group_as_administrator_and_treasurer(db):
    with db.write() as s:
        started = first_run.start_ledger(
            s, username="keo", display_name="ນາງ ແກ້ວ", password="secret1",
            language="lo", group_name="ກຸ່ມແມ່ຍິງບ້ານໜອງບອນ", village="Nongbone")
    with db.read() as s:
        keo = _user(s, started.user_id)
        assert roles_of(s, keo, started.group_id) == {Role.ADMIN, Role.TREASURER}
        assert has_permission(s, keo, Permission.RECORD, started.group_id)
        assert not has_permission(s, keo, Permission.APPROVE, started.group_id)


def test_the_first_run_changes_nothing_when_the_group_name_is_missing(db):
    with pytest.raises(ValidationError, match="group's name"), db.write() as s:
        first_run.start_ledger(s, username="keo", display_name="Keo", password="secret1",
                               language="lo", group_name="  ")
    with db.read() as s:
        assert not users.has_users(s)


def test_the_first_run_can_leave_the_treasurer_role_to_someone_else(db):
    with db.write() as s:
        started = first_run.start_ledger(s, username="keo", display_name="Keo",
                                         password="secret1", language="en",
                                         group_name="Tailors", treasurer=False)
        keo = _user(s, started.user_id)
        assert roles_of(s, keo, started.group_id) == {Role.ADMIN}
        with pytest.raises(UserError):
            first_run.start_ledger(s, username="bua", display_name="Bua", password="secret1",
                                   language="en", group_name="Again")


def _user(s, user_id: int) -> User:
    return s.get(User, user_id)
