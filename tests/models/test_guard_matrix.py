"""Who may write what: every public write of every capability, tried by every role of the
group and by the treasurer and administrator of another group.

A role the write's permission does not include is refused with ``PermissionDenied`` (and
nothing is written: each try rolls back); a role it includes gets past the check (the call
may still refuse the input for other reasons, with the app's own error). A test also finds
every public ``verb(session, actor, ...)`` in ``models`` and fails if a new one is in
neither list, so a write added later cannot skip this matrix.
"""
from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import shutil
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

import models
from models.core import (
    bundles,
    capability,
    checkpoints,
    clock,
    groups,
    ledger,
    members,
    settings,
    tables,
    users,
)
from models.core.db import Database, sqlite_url
from models.core.errors import PermissionDenied, UserError
from models.core.ledger import Line
from models.core.permissions import ROLE_PERMISSIONS, WRITING_ROLES, Permission, Role
from models.core.schema import JournalEntry, User
from models.loans import (
    application as loan_application,
)
from models.loans import arrears
from models.loans import (
    meeting as loan_meeting,
)
from models.loans import (
    opening as loan_opening,
)
from models.loans import (
    payout as loan_payout,
)
from models.loans import (
    penalties as loan_penalties,
)
from models.loans import (
    policy as loan_policy,
)
from models.loans import (
    repayments as loan_repayments,
)
from models.loans import (
    requests as loan_requests,
)
from models.loans.schema import Loan
from models.meetings import cashbox
from models.meetings import drafts as meeting_drafts
from models.meetings import meeting as meetings
from models.meetings import posting as meeting_posting
from models.meetings import roll as meeting_roll
from models.opening import balances as opening_import
from models.savings import accounts as savings
from models.savings import exits as savings_exits
from models.savings import fines as savings_fines
from models.savings import rules as savings_rules
from models.savings import shareout_posting
from models.savings import withdrawals as savings_withdrawals
from models.statements import auditor as auditor_export
from models.statements import passbook
from models.welfare import (
    approval as welfare_approval,
)
from models.welfare import claims as welfare
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
from models.welfare import (
    voucher as welfare_voucher,
)
from tests.conftest import TODAY, Env, drop_database, fresh_database
from tests.models import loan_support, welfare_fixtures

D = dt.date
GROUP_ROLES = ["admin", "treasurer", "leader", "auditor"]
OUTSIDERS = ["other_treasurer", "other_admin"]
ALL_GROUPS = "all groups"  # only an administrator of every group
WRITER = "writer"  # any writing role in the group (admin, treasurer, leader)


def allowed_roles(permission) -> set[str]:  # noqa: ANN001
    if permission == ALL_GROUPS:
        return {"admin"}
    if permission == WRITER:
        return {str(r) for r in WRITING_ROLES}
    return {str(r) for r in Role if permission in ROLE_PERMISSIONS[r]}


@pytest.fixture(scope="module")
def world_file(tmp_path_factory, template_db, server):
    """One of everything in the tailors' group (savings, a loan being repaid, a loan
    applied for, a write-off asked for, an open meeting, a withdrawal notice, a welfare
    claim), built once; every test works on a copy and rolls every try back."""
    clock.set_now(TODAY)
    db = fresh_database(template_db, tmp_path_factory.mktemp("matrix"), server, name="world")
    path = db.path if server is None else make_url(db.url).database
    with db.write() as s:
        admin = users.create_first_admin(s, username="admin", display_name="Admin",
                                          password="demo")
        group = groups.create_group(s, admin, name="ກຸ່ມຕັດຫຍິບ", name_latin="Tailors")
        other = groups.create_group(s, admin, name="ກຸ່ມອື່ນ", name_latin="Others")
        ids = {"admin": admin.id}
        for role in ("treasurer", "leader", "auditor"):
            u = users.create_user(s, admin, username=role, display_name=role, password="demo")
            users.grant_role(s, admin, user_id=u.id, role=role, group_id=group.id)
            ids[role] = u.id
        for name, role in (("other_treasurer", "treasurer"), ("other_admin", "admin")):
            u = users.create_user(s, admin, username=name, display_name=name, password="demo")
            users.grant_role(s, admin, user_id=u.id, role=role, group_id=other.id)
            ids[name] = u.id
        member_ids = [members.add_member(s, admin, group_id=group.id, details=members.MemberDetails(
            name_lao=name, gender="f", joined_on=D(2024, 1, 5))).id
            for name in ("ນາງ ແກ້ວ", "ນາງ ບົວ", "ນາງ ດາ", "ນາງ ຄຳ")]
        gid = group.id
    env = Env(db, gid, member_ids, ids)
    info = {}
    with db.write() as s:
        savings_rules.set_rules(s, env.user(s, "admin"), group_id=gid,
                                effective_from=D(2025, 1, 1),
                                changes={"withdrawals": "allowed"})
        savings_rules.start_first_cycle(s, env.user(s, "treasurer"), group_id=gid,
                                        start_date=D(2025, 1, 1))
        for index in range(4):
            loan_support.save(s, env, index, 2_000_000, on=D(2025, 1, 5))
        info["entry"] = s.scalar(select(JournalEntry.id)
                                 .where(JournalEntry.group_id == gid).limit(1))
        welfare_types.ensure_default_claim_types(s, gid)
        welfare_fixtures.set_settings(s, env, contribution=10_000)
    info["loan"] = loan_support.open_loan(db, env, member=0, amount=300_000,
                                          disbursed=D(2026, 3, 1))
    info["repayment"] = loan_support.repay(db, env, info["loan"], 30_000, D(2026, 4, 1))
    with db.write() as s:
        treasurer = env.user(s, "treasurer")
        info["pending_loan"] = loan_application.apply_for_loan(
            s, treasurer, group_id=gid, member_id=member_ids[1], amount=100_000,
            purpose="Cloth", installments=6, annual_rate=Decimal(24), method="flat",
            applied_on=D(2026, 11, 1)).id
        info["request"] = loan_requests.request_write_off(s, treasurer, loan_id=info["loan"],
                                                          reason="moved away").id
        info["meeting"] = meetings.open_meeting(s, treasurer, group_id=gid,
                                                on=D(2026, 11, 15)).id
        info["notice"] = savings_withdrawals.give_withdrawal_notice(
            s, treasurer, member_id=member_ids[2], amount=10_000, on=D(2026, 11, 1)).id
        info["claim"] = welfare_fixtures.record(s, env, member=3, amount=50_000).id
        info["claim_type"] = welfare_fixtures.type_id(s, env, "hospitalization")
    db.dispose()
    clock.set_now(None)
    return path, env, info


@pytest.fixture
def world(world_file, tmp_path, server):
    path, env, info = world_file
    if server is None:
        copy = tmp_path / "world.sqlite3"
        shutil.copyfile(path, copy)
        db = Database(sqlite_url(copy))
    else:
        db = Database(server.clone(path)[1])
    env.db = db
    yield env, info
    drop_database(db, server)


def _policy(s, w):  # noqa: ANN001, ANN202
    return loan_policy.get_policy(s, w.group_id, D(2026, 11, 20))


def _welfare_values(s, w):  # noqa: ANN001, ANN202
    return welfare_fund.welfare_settings(s, w.group_id, D(2026, 11, 20))


def _rule(s, info):  # noqa: ANN001, ANN202
    return welfare_types.rule_in_force(s, info["claim_type"], D(2026, 11, 20))[1]


def _details():  # noqa: ANN202
    return members.MemberDetails(name_lao="ນາງ ໃໝ່", gender="f", joined_on=D(2026, 1, 5))


def _loan(s, info) -> Loan:  # noqa: ANN001
    return s.get(Loan, info["loan"])


# name: (permission, call(session, actor, world, info))
WRITES = {
    "post an entry": (WRITER, lambda s, a, w, i: ledger.post_entry(
        s, a, group_id=w.group_id, value_date=D(2026, 11, 1), kind="deposit",
        lines=[Line("cash", 10), Line("member_savings", -10, member_id=w.member_ids[0])])),
    "post entries in a batch": (WRITER, lambda s, a, w, i: ledger.post_entries(
        s, a, group_id=w.group_id, postings=[ledger.Posting(D(2026, 11, 1), "deposit", (
            Line("cash", 10), Line("member_savings", -10, member_id=w.member_ids[0])))])),
    "reverse an entry": (Permission.REVERSE, lambda s, a, w, i: ledger.reverse_entry(
        s, a, entry_id=i["entry"], reason="slip")),
    "lock a period": (Permission.LOCK_PERIOD, lambda s, a, w, i: ledger.lock_period(
        s, a, group_id=w.group_id, through=D(2025, 1, 31))),
    "post late penalties": (Permission.RECORD, lambda s, a, w, i: loan_penalties.post_due_penalties(
        s, a, group_id=w.group_id, on=D(2026, 11, 20))),
    "count the cash": (Permission.RECORD, lambda s, a, w, i: cashbox.count_cash(
        s, a, group_id=w.group_id, on=D(2026, 11, 20), notes={100_000: 1})),
    "move cash to the bank": (Permission.RECORD, lambda s, a, w, i: cashbox.transfer_cash(
        s, a, group_id=w.group_id, amount=10_000, direction="to_bank", on=D(2026, 11, 20))),
    "record an expense": (Permission.RECORD, lambda s, a, w, i: cashbox.record_expense(
        s, a, group_id=w.group_id, amount=5_000, on=D(2026, 11, 20), memo="pens")),
    "create a group": (ALL_GROUPS, lambda s, a, w, i: groups.create_group(s, a, name="ໃໝ່")),
    "edit the group": (Permission.MANAGE_GROUPS, lambda s, a, w, i: groups.update_group(
        s, a, w.group_id, name="ກຸ່ມ", village=None, district=None, name_latin=None,
        meeting_frequency="monthly", distance_km=3)),
    "repay a member's loans": (Permission.RECORD, lambda s, a, w, i:
                               loan_meeting.repay_member_loans(
                                   s, a, group_id=w.group_id, member_id=w.member_ids[0],
                                   amount=10_000, on=D(2026, 11, 20))),
    "bring in an opening loan": (Permission.RECORD, lambda s, a, w, i:
                                 loan_opening.import_opening_loan(
                                     s, a, group_id=w.group_id, member_id=w.member_ids[2],
                                     principal=50_000, annual_rate=24, installments=6,
                                     method="flat", first_due=D(2026, 12, 1),
                                     as_of=D(2026, 11, 1))),
    "change the loan policy": (Permission.CHANGE_SETTINGS, lambda s, a, w, i:
                               loan_policy.set_policy(s, a, group_id=w.group_id,
                                                      policy=_policy(s, w),
                                                      effective_from=D(2026, 12, 1))),
    "apply for a loan": (Permission.RECORD, lambda s, a, w, i: loan_application.apply_for_loan(
        s, a, group_id=w.group_id, member_id=w.member_ids[2], amount=50_000, purpose="x",
        installments=6, annual_rate=Decimal(24), method="flat")),
    "approve a loan": (Permission.APPROVE, lambda s, a, w, i: loan_application.approve_loan(
        s, a, loan_id=i["pending_loan"])),
    "reject a loan": (Permission.APPROVE, lambda s, a, w, i: loan_application.reject_loan(
        s, a, loan_id=i["pending_loan"], reason="no")),
    "cancel a loan": (Permission.RECORD, lambda s, a, w, i: loan_application.cancel_loan(
        s, a, loan_id=i["pending_loan"], reason="changed her mind")),
    "pay out a loan": (Permission.RECORD, lambda s, a, w, i: loan_payout.disburse_loan(
        s, a, loan_id=i["pending_loan"])),
    "record a repayment": (Permission.RECORD, lambda s, a, w, i: loan_repayments.record_repayment(
        s, a, loan_id=i["loan"], amount=10_000)),
    "add a repayment": (Permission.RECORD, lambda s, a, w, i: loan_repayments.add_repayment(
        s, a, _loan(s, i), amount=10_000, on=D(2026, 11, 20), paid_from="cash",
        meeting_id=None)),
    "pay off a loan": (Permission.RECORD, lambda s, a, w, i: loan_repayments.pay_off_loan(
        s, a, loan_id=i["loan"])),
    "reverse a repayment": (Permission.REVERSE, lambda s, a, w, i:
                            loan_repayments.reverse_repayment(
                                s, a, repayment_id=i["repayment"], reason="slip")),
    "ask to reschedule": (Permission.RECORD, lambda s, a, w, i: loan_requests.request_reschedule(
        s, a, loan_id=i["loan"], reason="harvest failed", installments=12)),
    "ask to write off": (Permission.RECORD, lambda s, a, w, i: loan_requests.request_write_off(
        s, a, loan_id=i["loan"], reason="gone")),
    "approve a request": (Permission.APPROVE, lambda s, a, w, i: loan_requests.approve_request(
        s, a, request_id=i["request"])),
    "reject a request": (Permission.APPROVE, lambda s, a, w, i: loan_requests.reject_request(
        s, a, request_id=i["request"], reason="no")),
    "keep a meeting draft": (Permission.RECORD, lambda s, a, w, i:
                             meeting_drafts.save_draft_cells(
                                 s, a, meeting_id=i["meeting"],
                                 cells={(w.member_ids[0], "savings"): 10_000})),
    "discard a meeting draft": (Permission.RECORD, lambda s, a, w, i:
                                meeting_drafts.discard_draft(s, a, meeting_id=i["meeting"])),
    "open a meeting": (Permission.RECORD, lambda s, a, w, i: meetings.open_meeting(
        s, a, group_id=w.group_id, on=D(2026, 11, 20))),
    "take the roll call": (Permission.RECORD, lambda s, a, w, i: meeting_roll.record_attendance(
        s, a, meeting_id=i["meeting"], attendance={w.member_ids[0]: "present"})),
    "post a meeting": (Permission.RECORD, lambda s, a, w, i: meeting_posting.post_meeting(
        s, a, meeting_id=i["meeting"], cells={})),
    "add a member": (Permission.MANAGE_MEMBERS, lambda s, a, w, i: members.add_member(
        s, a, group_id=w.group_id, details=_details())),
    "edit a member": (Permission.MANAGE_MEMBERS, lambda s, a, w, i: members.update_member(
        s, a, member_id=w.member_ids[1], details=_details())),
    "a member leaves": (Permission.MANAGE_MEMBERS, lambda s, a, w, i: members.set_status(
        s, a, member_id=w.member_ids[1], status="left", on=D(2026, 11, 20))),
    "import opening balances": (Permission.RECORD, "opening"),
    "record a deposit": (Permission.RECORD, lambda s, a, w, i: savings.record_deposit(
        s, a, member_id=w.member_ids[0], amount=10_000, on=D(2026, 11, 20))),
    "pay out savings": (Permission.RECORD, lambda s, a, w, i: savings_withdrawals.withdraw_savings(
        s, a, member_id=w.member_ids[0], amount=10_000, on=D(2026, 11, 20))),
    "give notice of a withdrawal": (Permission.RECORD, lambda s, a, w, i:
                                    savings_withdrawals.give_withdrawal_notice(
                                        s, a, member_id=w.member_ids[0], amount=10_000,
                                        on=D(2026, 11, 20))),
    "cancel a notice": (Permission.RECORD, lambda s, a, w, i:
                        savings_withdrawals.cancel_withdrawal_notice(s, a, notice_id=i["notice"])),
    "charge a fine": (Permission.RECORD, lambda s, a, w, i: savings_fines.charge_fine(
        s, a, member_id=w.member_ids[0], amount=1_000, reason="late", on=D(2026, 11, 20))),
    "post fines": (Permission.RECORD, lambda s, a, w, i: savings_fines.post_fines(
        s, a, group_id=w.group_id, on=D(2026, 11, 20), charges={w.member_ids[0]: 1_000},
        memo="late")),
    "pay fines": (Permission.RECORD, lambda s, a, w, i: savings_fines.pay_fines(
        s, a, member_id=w.member_ids[0], amount=1_000, on=D(2026, 11, 20))),
    "settle a member's exit": (Permission.RECORD, lambda s, a, w, i: savings_exits.settle_exit(
        s, a, member_id=w.member_ids[2], on=D(2026, 11, 20))),
    "change the savings rules": (Permission.CHANGE_SETTINGS, lambda s, a, w, i:
                                 savings_rules.set_rules(s, a, group_id=w.group_id,
                                                         effective_from=D(2026, 12, 1),
                                                         changes={})),
    "start the first cycle": (Permission.RECORD, lambda s, a, w, i:
                              savings_rules.start_first_cycle(s, a, group_id=w.group_id,
                                                              start_date=D(2026, 1, 1))),
    "start a new cycle": (WRITER, lambda s, a, w, i: savings_rules.new_cycle(
        s, a, group_id=w.group_id, start_date=D(2026, 11, 20))),
    "start the cycle money goes into": (WRITER, "cycle_for_posting"),
    "change a setting": (Permission.CHANGE_SETTINGS, lambda s, a, w, i: settings.set_value(
        s, a, group_id=w.group_id, key="rounding", value="half-up",
        effective_from=D(2026, 12, 1))),
    "share out": (Permission.RECORD, lambda s, a, w, i: shareout_posting.post_share_out(
        s, a, group_id=w.group_id, on=D(2026, 11, 20))),
    "create a user": (ALL_GROUPS, lambda s, a, w, i: users.create_user(
        s, a, username="new", display_name="New", password="secret")),
    "grant a role": (Permission.MANAGE_USERS, lambda s, a, w, i: users.grant_role(
        s, a, user_id=w.user_ids["auditor"], role="leader", group_id=w.group_id)),
    "take a role away": (Permission.MANAGE_USERS, lambda s, a, w, i: users.revoke_role(
        s, a, user_id=w.user_ids["leader"], role="leader", group_id=w.group_id)),
    "switch a user off": (ALL_GROUPS, lambda s, a, w, i: users.set_active(
        s, a, user_id=w.user_ids["leader"], active=False)),
    "reset someone's password": (ALL_GROUPS, lambda s, a, w, i: users.change_password(
        s, a, user_id=w.user_ids["leader"], new_password="fresh1")),
    "make a recovery code": (ALL_GROUPS, lambda s, a, w, i: users.new_recovery_code(s, a)),
    "link a user to a member": (Permission.MANAGE_USERS, lambda s, a, w, i: users.link_member(
        s, a, user_id=w.user_ids["leader"], member_id=w.member_ids[1])),
    "record a welfare claim": (Permission.RECORD, lambda s, a, w, i: welfare_claims.record_claim(
        s, a, group_id=w.group_id, draft=welfare_fixtures.draft(s, w, member=2,
                                                                amount=10_000))),
    "approve a claim": (Permission.APPROVE, lambda s, a, w, i: welfare_approval.approve_claim(
        s, a, claim_id=i["claim"])),
    "reject a claim": (Permission.APPROVE, lambda s, a, w, i: welfare_approval.reject_claim(
        s, a, claim_id=i["claim"], reason="no")),
    "pay a claim": (Permission.RECORD, lambda s, a, w, i: welfare_payout.pay_claim(
        s, a, claim_id=i["claim"])),
    "pay what a claim is still owed": (Permission.RECORD, lambda s, a, w, i:
                                       welfare_payout.pay_owed(s, a, claim_id=i["claim"])),
    # Only an audit-log line: whoever may see the claim may print its voucher.
    "note a printed voucher": (Permission.READ, lambda s, a, w, i:
                               welfare_voucher.record_voucher_printed(s, a, claim_id=i["claim"],
                                                              path="voucher.pdf")),
    "change the welfare settings": (Permission.CHANGE_SETTINGS, lambda s, a, w, i:
                                    welfare_fund.set_welfare_settings(
                                        s, a, group_id=w.group_id,
                                        effective_from=D(2026, 12, 1),
                                        values=_welfare_values(s, w))),
    "record a contribution": (Permission.RECORD, lambda s, a, w, i:
                              welfare_fund.record_contribution(
                                  s, a, group_id=w.group_id, member_id=w.member_ids[0],
                                  amount=10_000, on=D(2026, 11, 20))),
    "record a joining fee": (Permission.RECORD, lambda s, a, w, i:
                             welfare_fund.record_joining_fee(
                                 s, a, group_id=w.group_id, member_id=w.member_ids[0], amount=5_000,
                                 on=D(2026, 11, 20))),
    "change a claim rule": (Permission.CHANGE_SETTINGS, lambda s, a, w, i:
                            welfare_types.set_claim_rule(s, a, claim_type_id=i["claim_type"],
                                                         effective_from=D(2026, 12, 1),
                                                         rule=_rule(s, i))),
    "add a claim type": (Permission.CHANGE_SETTINGS, lambda s, a, w, i:
                         welfare_types.add_claim_type(s, a, group_id=w.group_id, name="Fire",
                                                      rule=_rule(s, i),
                                                      effective_from=D(2026, 12, 1))),
    "edit a claim type": (Permission.CHANGE_SETTINGS, lambda s, a, w, i:
                          welfare_types.update_claim_type(s, a, claim_type_id=i["claim_type"],
                                                          name="Hospital", is_active=True)),
    "print passbooks": (Permission.PRINT_PASSBOOK, lambda s, a, w, i:
                        passbook.print_passbooks(s, a, group_id=w.group_id,
                                                 member_ids=[w.member_ids[0]])),
    "note an export": (Permission.EXPORT, lambda s, a, w, i: auditor_export.record_export(
        s, a, group_id=w.group_id, what="auditor", path="tailors.xlsx", sha256="0" * 64)),
    "export a bundle": (Permission.EXPORT, lambda s, a, w, i: bundles.export_bundle(
        s, a, group_id=w.group_id)),
    "import a bundle": (ALL_GROUPS, lambda s, a, w, i: bundles.import_bundle(s, a, b"{}")),
    "keep a check's checkpoint": (Permission.VERIFY, lambda s, a, w, i:
                                  checkpoints.record_checkpoints(
                                      s, a, heads={w.group_id: (0, None)}, sums={},
                                      full_checked={w.group_id: clock.now()})),
}

# Writes that are internal steps of the writes above, named so and checked through them.
INTERNAL = {
    "columns.post_part": "posts one meeting column's batch part inside post_meeting (whose "
                         "caller checked RECORD) or a column's post_all; posts through "
                         "post_entries (writer)",
    "batch.repayments_part": "builds the loan column's part of a meeting's batch inside "
                             "post_meeting; the column checked RECORD first; posts through "
                             "post_entries (writer)",
    "member_funds.pay_out": "her NSSF pot paid out inside settle_exit, whose caller checked "
                            "RECORD and MANAGE_MEMBERS; posts through post_entry (writer)",
    "enrolment.close_for_exit": "ends her NSSF contract inside settle_exit (RECORD and "
                                "MANAGE_MEMBERS checked there)",
    "loan_application.require_decider": "the check approve/reject and the request decisions "
                                        "call first (APPROVE, never the borrower); writes "
                                        "nothing",
    "savings.fine_the_roll_call": "the savings rules' fines for the late and the absent, "
                                  "posted inside post_meeting, whose caller checked RECORD; "
                                  "posts through post_entry (writer)",
    "savings.post_deposit": "a deposit's entry, posted by record_deposit and the meeting "
                            "grid's savings column, whose callers checked RECORD; posts "
                            "through post_entry (writer)",
    "savings.post_fine_payment": "a fine payment's entry, posted by pay_fines, the grid's fines "
                                 "column and exit/share-out netting, whose callers checked "
                                 "RECORD; posts through post_entry (writer)",
    "loan_replay.reallocate": "replays a loan's repayments inside record/reverse repayment, "
                              "whose callers checked RECORD/REVERSE; posts through "
                              "post_entry (writer)",
    "savings.apply_netting": "nets a leaving member's debts inside settle_exit / share-out; "
                             "posts through post_entry (writer)",
    "loan_penalties.redecide_penalties": "decides a loan's penalties again inside "
                                         "record/reverse repayment, whose callers checked "
                                         "RECORD/REVERSE; posts through post_entry (writer)",
}

# Public (session, actor) functions that only read.
READS = {
    "balances.entries", "lookup.member_id_by_number", "overview.group_overview",
    "batches.batch_lines", "batches.batch_row", "batches.batches", "batches.latest_batch",
    "batches.remittance_file", "coverage.coverage", "coverage.coverage_over_time",
    "coverage.grace_warnings", "coverage.member_history", "coverage.plan_year",
    "coverage.renewals_due", "enrolment.enrolment", "enrolment.enrolments",
    "enrolment.member_enrolment", "run.preview_run",
    "meetings.meeting_list",
    "auditor_export.auditor_data", "dashboard.federation_summary", "dashboard.group_dashboard",
    "entry_text.journal_entries", "member_statement.member_statement",
    "passbook.calibration_layout", "passbook.meeting_attendees", "passbook.print_positions",
    "loan_application.check_approver", "welfare.check_approver",
    "arrears.loan_arrears", "arrears.due_list", "cashbox.counts", "cashbox.cash_box",
    "groups.visible_groups", "loan_receipts.repayment_receipt",
    "loan_repayments.payoff", "loan_queries.list_loans", "loan_queries.get_loan",
    "loan_queries.pending_requests",
    "loan_queries.loan_detail", "loan_queries.preview_schedule", "loan_queries.preview_fee",
    "loan_schedule_sheet.loan_schedule_sheet", "loan_schedule_sheet.preview_sheet",
    "meeting_drafts.draft_cells", "meetings.get_meeting", "meetings.list_meetings",
    "meetings.meeting_grid", "meetings.check_cells", "meetings.meeting_summary",
    "members.get_member", "members.list_members", "members.member_history",
    "opening_import.preview_opening", "savings.open_notices", "savings.settlement_statement",
    "savings.member_savings", "savings_rules.list_cycles", "shareout.preview_share_out",
    "shareout.share_out_record", "shareout.share_outs", "users.list_users",
    "welfare.get_claim", "welfare.claims_register", "welfare.check_claim",
    "welfare.claim_check", "welfare.claims_by_member", "welfare.claim_voucher",
    "welfare_fund.fund_history", "welfare_fund.members_not_in_good_standing",
    "welfare_types.claim_types", "welfare_types.rule_history",
    "shareout_paper.shareout_statement", "verify_scope.groups_to_verify",
}

# The NSSF capability's writes: their role matrix is tests/models/test_nssf_roles.py, on a
# world of its own (enrolments, pots, batches).
NSSF_WRITES = {
    "enrolment.enrol", "enrolment.change_level", "enrolment.renew_contract",
    "enrolment.end_enrolment", "pot.deposit_to_pot", "pot.record_grant", "pot.repay_advance",
    "pot.transfer_from_savings", "pot.withdraw_from_pot", "remittance.confirm_batch",
    "remittance.discard_draft", "remittance.export_batch", "remittance.make_correction",
    "remittance.make_run", "scheme.record_minimum_wage", "scheme.set_level_table",
    "scheme.set_scheme_settings",
}

WRITE_FUNCTIONS = {
    "ledger.post_entry", "ledger.post_entries", "ledger.reverse_entry", "ledger.lock_period",
    "loan_penalties.post_due_penalties", "cashbox.count_cash", "cashbox.transfer_cash",
    "cashbox.record_expense", "groups.create_group", "groups.update_group",
    "loan_meeting.repay_member_loans", "loan_opening.import_opening_loan",
    "loan_policy.set_policy", "loan_application.apply_for_loan", "loan_application.approve_loan",
    "loan_application.reject_loan", "loan_application.cancel_loan", "loan_payout.disburse_loan",
    "loan_repayments.record_repayment", "loan_repayments.add_repayment",
    "loan_repayments.pay_off_loan", "loan_repayments.reverse_repayment",
    "loan_requests.request_reschedule", "loan_requests.request_write_off",
    "loan_requests.approve_request", "loan_requests.reject_request",
    "meeting_drafts.save_draft_cells",
    "meeting_drafts.discard_draft", "meetings.open_meeting", "meetings.record_attendance",
    "meetings.post_meeting", "members.add_member", "members.update_member",
    "members.set_status", "opening_import.import_opening", "savings.record_deposit",
    "savings.withdraw_savings", "savings.give_withdrawal_notice",
    "savings.cancel_withdrawal_notice", "savings.charge_fine", "savings.post_fines",
    "savings.pay_fines", "savings.settle_exit", "savings_rules.set_rules",
    "savings_rules.start_first_cycle", "savings_rules.new_cycle",
    "savings_rules.cycle_for_posting", "settings.set_value", "shareout.post_share_out",
    "users.create_user", "users.grant_role", "users.revoke_role", "users.set_active",
    "users.change_password", "users.new_recovery_code", "users.link_member",
    "welfare.record_claim", "welfare.approve_claim", "welfare.reject_claim",
    "welfare.pay_claim", "welfare.pay_owed", "welfare.record_voucher_printed",
    "welfare_fund.set_welfare_settings", "welfare_fund.record_contribution",
    "welfare_fund.record_joining_fee", "welfare_types.set_claim_rule",
    "welfare_types.add_claim_type", "welfare_types.update_claim_type",
    "passbook.print_passbooks", "auditor_export.record_export", "bundles.export_bundle",
    "bundles.import_bundle", "checkpoints.record_checkpoints",
}


# The short names the lists above use, by module; a module not named here is listed by its
# own last name (``models.core.users`` -> ``users``). A capability's module split in two keeps
# its short name for both halves, so the lists read the same.
SHORT_NAMES = {
    **{f"models.loans.{m}": f"loan_{m}" for m in (
        "application", "payout", "repayments", "replay", "penalties", "reversals", "requests",
        "queries", "state", "common", "rows", "statuses", "schedule_sheet", "checks")},
    **{f"models.meetings.{m}": "meetings" for m in (
        "posting", "roll", "grid", "summary", "attendance", "cycles")},
    **{f"models.savings.{m}": "savings" for m in (
        "exits", "fines", "withdrawals", "debts", "meeting", "checks", "reversals")},
    **{f"models.savings.{m}": "shareout" for m in (
        "shareout_preview", "shareout_posting", "shareout_records")},
    "models.loans.meeting": "loan_meeting",
    "models.loans.opening": "loan_opening", "models.loans.policy": "loan_policy",
    "models.loans.receipts": "loan_receipts",
    "models.meetings.meeting": "meetings", "models.meetings.drafts": "meeting_drafts",
    "models.savings.accounts": "savings", "models.savings.rules": "savings_rules",
    "models.welfare.claims": "welfare", "models.welfare.approval": "welfare",
    "models.welfare.payout": "welfare", "models.welfare.register": "welfare",
    "models.welfare.voucher": "welfare",
    "models.welfare.fund": "welfare_fund", "models.welfare.types": "welfare_types",
    "models.statements.auditor": "auditor_export", "models.statements.member": "member_statement",
    "models.opening.balances": "opening_import",
}


def service_functions() -> dict[str, object]:
    """Every public ``verb(session, actor, ...)`` in models/, by its short qualified name."""
    capability.load()
    found: dict[str, object] = {}
    for info in pkgutil.walk_packages(models.__path__, "models."):
        if ".migrations" in info.name or info.name.startswith("models.demo"):
            continue
        module = importlib.import_module(info.name)
        short = SHORT_NAMES.get(module.__name__, module.__name__.rsplit(".", 1)[-1])
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value):
                continue
            if value.__module__ != module.__name__ or value.__name__ != name:
                continue  # imported, or a second name for the same function
            params = list(inspect.signature(value).parameters)
            if params[:2] == ["session", "actor"]:
                assert f"{short}.{name}" not in found, f"two services named {short}.{name}"
                found[f"{short}.{name}"] = value
    return found


def public_services() -> set[str]:
    return set(service_functions())


def test_every_public_service_is_in_the_matrix_or_named_as_a_read_or_internal():
    found = public_services()
    listed = WRITE_FUNCTIONS | READS | set(INTERNAL) | NSSF_WRITES
    assert found - listed == set(), "new services: add them to the matrix"
    assert listed - found == set(), "services that no longer exist"
    assert len(WRITES) == len(WRITE_FUNCTIONS)


def _call(name, s, actor, env, info):  # noqa: ANN001, ANN202
    permission, call = WRITES[name]
    if call == "opening":
        return opening_import.import_opening(s, actor, group_id=env.group_id,
                                             data=opening_import.OpeningData(group={}))
    if call == "cycle_for_posting":
        return savings_rules.cycle_for_posting(s, actor, env.group_id, D(2026, 11, 20))
    return call(s, actor, env, info)


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_write_is_refused_to_every_role_without_its_permission(world, name):
    env, info = world
    permission = WRITES[name][0]
    allowed = allowed_roles(permission)
    for role in GROUP_ROLES + OUTSIDERS:
        session = env.db._write()
        try:
            actor = session.get(User, env.user_ids[role])
            if role in allowed:
                try:
                    _call(name, session, actor, env, info)
                except PermissionDenied as refused:
                    pytest.fail(f"{role} was refused {name}: {refused}")
                except UserError:
                    pass  # past the permission check; the input itself was refused
            else:
                with pytest.raises(PermissionDenied):
                    _call(name, session, actor, env, info)
        finally:
            session.rollback()
            session.close()
