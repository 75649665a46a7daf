"""Who may do what with the NSSF money: every NSSF write tried by every role of the group
and by another group's treasurer; a role without the permission is refused and nothing is
written (each try rolls back)."""
from __future__ import annotations

import datetime as dt

import pytest

from models.core import groups, users
from models.core.errors import PermissionDenied, UserError
from models.core.permissions import ROLE_PERMISSIONS, Permission, Role
from models.core.schema import User
from models.nssf import enrolment as enrolments
from models.nssf import pot, remittance, scheme
from tests.models.nssf_support import MONTHLY, NOV, deposit, enrol, pooling, run

D = dt.date
WRITES = {
    "enrol a member": (Permission.MANAGE_MEMBERS, lambda s, a, e, i: enrolments.enrol(
        s, a, member_id=e.member_ids[2], ss_number="SS-9", level=2_500_000, hospital="Mahosot",
        start_month=NOV)),
    "change her level": (Permission.MANAGE_MEMBERS, lambda s, a, e, i: enrolments.change_level(
        s, a, enrolment_id=i["enrolment"], level=2_700_000, from_month=D(2026, 12, 1))),
    "renew a contract": (Permission.MANAGE_MEMBERS, lambda s, a, e, i:
                         enrolments.renew_contract(s, a, enrolment_id=i["enrolment"])),
    "end a contract": (Permission.MANAGE_MEMBERS, lambda s, a, e, i: enrolments.end_enrolment(
        s, a, enrolment_id=i["enrolment"], on=D(2026, 11, 20))),
    "deposit into a pot": (Permission.RECORD, lambda s, a, e, i: pot.deposit_to_pot(
        s, a, member_id=e.member_ids[0], amount=10_000, on=D(2026, 11, 20))),
    "move savings to a pot": (Permission.RECORD, lambda s, a, e, i: pot.transfer_from_savings(
        s, a, member_id=e.member_ids[0], amount=10_000, on=D(2026, 11, 20))),
    "take money out of a pot": (Permission.RECORD, lambda s, a, e, i: pot.withdraw_from_pot(
        s, a, member_id=e.member_ids[0], amount=10_000, on=D(2026, 11, 20))),
    "record a grant": (Permission.RECORD, lambda s, a, e, i: pot.record_grant(
        s, a, group_id=e.group_id, amount=10_000, donor="LWU", on=D(2026, 11, 20))),
    "repay an advance": (Permission.RECORD, lambda s, a, e, i: pot.repay_advance(
        s, a, member_id=e.member_ids[0], amount=10_000, on=D(2026, 11, 20))),
    "make the month's run": (Permission.RECORD, lambda s, a, e, i: remittance.make_run(
        s, a, group_id=e.group_id, month=NOV)),
    "export a draft": (Permission.RECORD, lambda s, a, e, i: remittance.export_batch(
        s, a, batch_id=i["draft"], fmt="csv", render=lambda d, f: b"x")),
    "write an exported batch's file again": (Permission.EXPORT, lambda s, a, e, i:
                                             remittance.export_batch(
                                                 s, a, batch_id=i["exported"], fmt="csv",
                                                 render=lambda d, f: b"x")),
    "confirm a batch": (Permission.RECORD, lambda s, a, e, i: remittance.confirm_batch(
        s, a, batch_id=i["exported"], receipt="R", paid_on=D(2026, 11, 20))),
    "make a correction": (Permission.RECORD, lambda s, a, e, i: remittance.make_correction(
        s, a, batch_id=i["exported"], note="fix")),
    "discard a draft": (Permission.RECORD, lambda s, a, e, i: remittance.discard_draft(
        s, a, batch_id=i["draft"])),
    "enter the official level table": (Permission.CHANGE_SETTINGS, lambda s, a, e, i:
                                       scheme.set_level_table(
                                           s, a, group_id=e.group_id, levels=[2_500_000],
                                           effective_from=D(2026, 12, 1))),
    "record a minimum wage": (Permission.CHANGE_SETTINGS, lambda s, a, e, i:
                              scheme.record_minimum_wage(
                                  s, a, group_id=e.group_id, amount=3_000_000,
                                  effective_from=D(2026, 12, 1))),
    "change the scheme settings": (Permission.CHANGE_SETTINGS, lambda s, a, e, i:
                                   scheme.set_scheme_settings(
                                       s, a, group_id=e.group_id, effective_from=D(2026, 12, 1),
                                       values={"nssf_grace_months": 2})),
}


@pytest.fixture
def world(env):
    pooling(env)
    enrol(env, 0)
    enrol(env, 1)
    deposit(env, 0, 3 * MONTHLY)
    deposit(env, 1, MONTHLY)
    first = run(env)
    with env.db.write() as s:
        remittance.export_batch(s, env.user(s, "treasurer"), batch_id=first.id, fmt="csv",
                                render=lambda d, f: b"x")
        other = groups.create_group(s, env.user(s, "admin"), name="ກຸ່ມອື່ນ")
        stranger = users.create_user(s, env.user(s, "admin"), username="other_treasurer",
                                     display_name="Other", password="demo")
        users.grant_role(s, env.user(s, "admin"), user_id=stranger.id, role="treasurer",
                         group_id=other.id)
        env.user_ids["other_treasurer"] = stranger.id
        info = {"enrolment": enrolments.latest_enrolment(s, env.member_ids[0]).id,
                "exported": first.id}
    deposit(env, 1, MONTHLY)
    with env.db.write() as s:
        fix_level = enrolments.latest_enrolment(s, env.member_ids[1]).id
        enrolments.change_level(s, env.user(s, "treasurer"), enrolment_id=fix_level,
                                level=2_700_000, from_month=NOV)
        info["draft"] = remittance.make_correction(s, env.user(s, "treasurer"),
                                                   batch_id=first.id, note="level").id
    return env, info


@pytest.mark.parametrize("name", sorted(WRITES))
def test_an_nssf_write_is_refused_to_every_role_without_its_permission(world, name):
    env, info = world
    permission, call = WRITES[name]
    allowed = {str(r) for r in Role if permission in ROLE_PERMISSIONS[r]}
    for role in ("admin", "treasurer", "leader", "auditor", "other_treasurer"):
        session = env.db._write()
        try:
            actor = session.get(User, env.user_ids[role])
            if role in allowed:
                try:
                    call(session, actor, env, info)
                except PermissionDenied as refused:
                    pytest.fail(f"{role} was refused {name}: {refused}")
                except UserError:
                    pass  # past the permission check; the input itself was refused
            else:
                with pytest.raises(PermissionDenied):
                    call(session, actor, env, info)
        finally:
            session.rollback()
            session.close()
