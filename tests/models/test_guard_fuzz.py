"""Hypothesis throws what a hurried or hostile user could type at every public service and at
the opening import: numbers past 64 bits, years 1 and 9999, broken characters (lone
surrogates), empty and huge texts, ids that do not exist. Each call must either work or be
refused with the app's own ``UserError``; anything else (``OverflowError``,
``UnicodeEncodeError``, ``ValueError: year out of range``...) is a bug.

Sized for CI: ``KONGTHUN_FUZZ_EXAMPLES`` (default 8 per service) runs longer locally, e.g.
``KONGTHUN_FUZZ_EXAMPLES=300``.
"""
from __future__ import annotations

import datetime as dt
import inspect
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.core import ledger, members
from models.core import settings as group_settings
from models.core.errors import UserError
from models.core.permissions import ROLE_PERMISSIONS, Role
from models.core.schema import JournalEntry, Member, User
from models.loans.schema import Loan
from models.meetings import columns as meeting_columns
from models.nssf import enrolment as nssf_enrolments
from models.nssf import remittance as nssf_remittance
from models.nssf import scheme as nssf_scheme
from models.opening import balances as opening_import
from models.savings import member_funds
from models.savings import rules as savings_rules
from models.welfare import claims as welfare_claims
from tests.models.nssf_support import MONTHLY, NOV, deposit, enrol, pooling, run
from tests.models.test_guard_matrix import (  # noqa: F401  (world fixtures)
    ALL_GROUPS,
    INTERNAL,
    NSSF_WRITES,
    READS,
    WRITE_FUNCTIONS,
    WRITER,
    WRITES,
    _policy,
    _rule,
    _welfare_values,
    public_services,
    service_functions,
    world,
    world_file,
)

EXAMPLES = int(os.environ.get("KONGTHUN_FUZZ_EXAMPLES", "8"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

BIG = st.one_of(st.integers(-10, 10**7), st.integers(-2**70, 2**70),
                st.sampled_from([2**63, 2**63 - 1, -2**63, 10**13, 10**13 + 1, 10**18]))
DATES = st.one_of(st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1)), st.dates(),
                  st.sampled_from([dt.date.min, dt.date.max, dt.date(9999, 12, 31),
                                   dt.date(1, 1, 1)]))
TEXT = st.one_of(
    st.text(max_size=30),
    st.text(st.characters(codec=None, categories=("Cs", "Lo", "Zs", "Cc")), max_size=12),
    st.sampled_from(["", " ", "\udcff", "ນາງ \ud800ແກ້ວ", "x" * 5000, "1e999999", "NaN"]))
RATES = st.one_of(st.decimals(allow_nan=True, allow_infinity=True), BIG,
                  st.sampled_from(["24", "abc", "1e30", "-5", "Infinity"]))


class Lazy:
    """A value that needs the session (the world's current policy, a row)."""

    def __init__(self, make) -> None:  # noqa: ANN001
        self.make = make


def ids(*known: int):  # noqa: ANN201
    return st.one_of(st.sampled_from(known), BIG)


def a_member(member_id: int) -> Lazy:
    return Lazy(lambda s: s.get(Member, member_id))


LEVELS = st.one_of(st.sampled_from([2_500_000, 2_700_000, 4_500_000, 1_300_000]), BIG)
LINE = st.builds(ledger.Line, st.one_of(st.sampled_from(["cash", "bank", "member_savings",
                                                         "nssf_pot", "interest_income"]), TEXT),
                 BIG, member_id=st.one_of(st.none(), BIG))
POSTINGS = st.lists(st.builds(
    ledger.Posting, value_date=DATES, kind=st.one_of(st.just("adjustment"), TEXT),
    lines=st.lists(LINE, max_size=3).map(tuple), memo=TEXT,
    meeting_id=st.one_of(st.none(), BIG), remittance_id=st.one_of(st.none(), BIG)), max_size=3)


def strategy_for(name: str, env, info):  # noqa: ANN001, ANN201, C901, PLR0911, PLR0912
    """What to throw at a keyword argument, chosen by its name."""
    m = env.member_ids
    choices = {
        "group_id": st.one_of(st.just(env.group_id), BIG),
        "member_id": ids(*m),
        "user_id": ids(*env.user_ids.values()),
        "loan_id": ids(info["loan"], info["pending_loan"]),
        "request_id": ids(info["request"]),
        "meeting_id": ids(info["meeting"]),
        "remittance_id": BIG, "reverses_id": BIG,
        "notice_id": ids(info["notice"]),
        "repayment_id": ids(info["repayment"]),
        "entry_id": ids(info["entry"]),
        "claim_id": ids(info["claim"]),
        "claim_type_id": ids(info["claim_type"]),
        "share_out_id": BIG,
        "preview_seq": st.one_of(st.none(), BIG),
        "annual_rate": RATES,
        "guarantor_ids": st.lists(ids(*m), max_size=3).map(tuple),
        "active": st.booleans(), "is_active": st.booleans(),
        "include_inactive": st.booleans(),
        "method": st.one_of(st.sampled_from(["flat", "declining", "cash", "bank",
                                             "value_per_share"]), TEXT),
        "paid_from": st.one_of(st.sampled_from(["cash", "bank"]), TEXT),
        "into": st.one_of(st.sampled_from(["cash", "bank"]), TEXT),
        "direction": st.one_of(st.sampled_from(["to_bank", "from_bank"]), TEXT),
        "frequency": st.one_of(st.sampled_from(["monthly", "weekly", "fortnightly"]), TEXT),
        "status": st.one_of(st.none(), st.sampled_from(["left", "active", "pending"]), TEXT),
        "statuses": st.one_of(st.none(), st.lists(TEXT, max_size=2)),
        "role": st.one_of(st.sampled_from([str(r) for r in Role]), TEXT),
        "carry_over": st.one_of(st.sampled_from(["all", "none"]), TEXT,
                                st.dictionaries(ids(*m), BIG, max_size=3)),
        "top_ups": st.one_of(st.none(), st.dictionaries(
            st.one_of(ids(*m), TEXT), st.one_of(BIG, TEXT, st.none()), max_size=3)),
        "batch_id": ids(*info.get("batches", (1,))),
        "enrolment_id": ids(*info.get("enrolments", (1,))),
        "level": LEVELS, "levels": st.lists(LEVELS, max_size=4),
        "provisional": st.booleans(), "include_past": st.booleans(),
        "month": DATES, "from_month": DATES, "start_month": DATES,
        "ahead": st.one_of(st.none(), st.dictionaries(
            st.one_of(ids(*m), TEXT), st.one_of(BIG, TEXT, st.none()), max_size=3)),
        "expected": st.one_of(st.none(), st.dictionaries(
            ids(*m), st.lists(st.one_of(BIG, TEXT), max_size=13), max_size=3)),
        "ss_number": TEXT, "hospital": TEXT, "donor": TEXT, "receipt": TEXT,
        "fmt": st.one_of(st.sampled_from(["csv", "xlsx"]), TEXT),
        "render": st.sampled_from([lambda data, fmt: b"x", None]),
        "number": st.one_of(st.integers(-1, 6), BIG),
        "postings": POSTINGS,
        "member": st.sampled_from(m).map(a_member),
        "funds": st.lists(st.builds(
            member_funds.FundPayout, st.one_of(st.sampled_from(["nssf_pot"]), TEXT), TEXT,
            BIG), max_size=2).map(tuple),
        "reason": TEXT, "purpose": TEXT, "memo": TEXT, "note": TEXT, "name": TEXT,
        "path": TEXT, "paid_to": TEXT, "username": TEXT, "display_name": TEXT,
        "password": TEXT, "new_password": TEXT, "old_password": st.one_of(st.none(), TEXT),
        "language": TEXT, "search": TEXT, "kind": TEXT,
        "year": BIG,
        "limit": st.one_of(st.none(), BIG), "offset": BIG,
        "key": st.one_of(st.sampled_from(sorted(group_settings.REGISTRY)), TEXT),
        "value": st.one_of(BIG, TEXT, st.none(), st.booleans(), st.lists(BIG, max_size=2)),
        "village": st.one_of(st.none(), TEXT), "district": st.one_of(st.none(), TEXT),
        "name_latin": st.one_of(st.none(), TEXT),
        "meeting_frequency": st.one_of(st.sampled_from(["monthly", "weekly"]), TEXT),
        "distance_km": st.one_of(st.none(), BIG),
        "currency": st.one_of(st.sampled_from(["LAK", "THB"]), TEXT),
        "is_demo": st.just(False),
        "other": BIG,
        "policy": st.just(Lazy(lambda s: _policy(s, env))),
        "values": st.just(Lazy(lambda s: _welfare_values(s, env))),
        "rule": st.just(Lazy(lambda s: _rule(s, info))),
        "entry": st.just(Lazy(lambda s: s.get(JournalEntry, info["entry"]))),
        "loan": st.just(Lazy(lambda s: s.get(Loan, info["loan"]))),
        "details": st.builds(members.MemberDetails, name_lao=TEXT,
                             gender=st.sampled_from(["f", "m", "x", "?"]), joined_on=DATES,
                             name_latin=st.one_of(st.none(), TEXT),
                             birth_date=st.one_of(st.none(), DATES),
                             phone=st.one_of(st.none(), TEXT)),
        "draft": st.builds(welfare_claims.ClaimDraft, member_id=ids(*m),
                           claim_type_id=ids(info["claim_type"]), event_date=DATES,
                           beneficiary=st.one_of(st.sampled_from(["member", "child"]), TEXT),
                           amount=BIG, beneficiary_name=TEXT, note=TEXT),
        "changes": st.dictionaries(
            st.sampled_from([s.key.removeprefix("savings.") for s in savings_rules.RULE_SPECS]),
            st.one_of(BIG, TEXT, st.none(), st.booleans()), max_size=3),
        "charges": st.dictionaries(ids(*m), BIG, max_size=3),
        "attendance": st.dictionaries(ids(*m), st.one_of(
            st.sampled_from(["present", "absent", "late", "excused"]), TEXT), max_size=3),
        "cells": st.dictionaries(
            st.tuples(ids(*m), st.one_of(st.sampled_from(sorted(meeting_columns._REGISTRY)),
                                         TEXT)),
            st.one_of(BIG, st.none()), max_size=4),
        "lines": st.tuples(BIG, TEXT).map(lambda t: [
            ledger.Line("cash", t[0], memo=t[1]),
            ledger.Line("member_savings", -t[0] if isinstance(t[0], int) else 0,
                        member_id=m[0])]),
        "data": opening_data(),
        "charge_new": st.booleans(),
        "mode": st.one_of(st.sampled_from(["new", "copy"]), TEXT),
        "months": st.one_of(BIG, st.integers(-3, 30)),
        "member_number": st.one_of(st.integers(-1, 5), BIG),
        "member_ids": st.one_of(st.none(), st.lists(ids(*m), max_size=3)),
        "what": TEXT, "sha256": TEXT, "since": st.one_of(st.none(), TEXT),
    }
    if name in choices:
        return choices[name]
    if name in ("amount", "principal", "installments", "original_principal") or \
            name.endswith("_amount"):
        return BIG
    if name in ("on", "value_date", "through", "effective_from", "start_date", "first_due",
                "as_of", "disbursed_on", "applied_on", "start", "end", "disbursed", "first",
                "last") or name.endswith("_on"):
        return DATES
    return None


def strategy_for_parameter(parameter: inspect.Parameter, env, info):  # noqa: ANN001, ANN201
    """``strategy_for``, with ``None`` too where the signature allows it."""
    if parameter.name == "notes":  # a cash count's notes by value, or notes per member
        values = BIG if "int, int" in str(parameter.annotation) else TEXT
        strategy = st.dictionaries(st.one_of(st.sampled_from(env.member_ids), BIG), values,
                                   max_size=3)
    else:
        strategy = strategy_for(parameter.name, env, info)
    if strategy is not None and re.search(r"\|\s*None\s*$|^None\s*\|",
                                          str(parameter.annotation)):
        strategy = st.one_of(st.none(), strategy)
    return strategy


def opening_data():  # noqa: ANN201
    """What an Excel template can hold in any cell: text, numbers, floats, dates, blanks."""
    cell = st.one_of(st.none(), TEXT, BIG, st.floats(allow_nan=True, allow_infinity=True),
                     DATES, st.datetimes())
    group = st.fixed_dictionaries({key: cell for key, _ in opening_import.GROUP_FIELDS})
    member = st.fixed_dictionaries({key: cell for key, _ in opening_import.MEMBER_FIELDS})
    loan = st.fixed_dictionaries({key: cell for key, _ in opening_import.LOAN_FIELDS})
    return st.builds(opening_import.OpeningData, group=group,
                     members=st.lists(member, max_size=3), loans=st.lists(loan, max_size=2))


def the_function(qualified: str):  # noqa: ANN201
    return service_functions()[qualified]


def actor_for(qualified: str) -> str:
    """A role that may make the call, so the fuzz gets past the permission check."""
    if qualified in READS:
        return "auditor"
    permission = None
    for needed, call in WRITES.values():
        if getattr(call, "__code__", None) is not None and \
                qualified.split(".")[1] in call.__code__.co_names:
            permission = needed
            break
    if permission in (ALL_GROUPS, None):
        return "admin"
    if permission == WRITER:
        return "treasurer"
    for role in ("treasurer", "leader", "admin", "auditor"):
        if permission in ROLE_PERMISSIONS[Role(role)]:
            return role
    return "admin"


# Internal steps that take what only their caller has (a plan, a meeting row): tried through
# the services that call them.
NOT_FUZZED = {"savings.apply_netting", "savings.fine_the_roll_call",
              "batch.repayments_part", "columns.post_part"}  # a meeting's planned batch
# Tried on the world with NSSF pooling (``nssf_world``): enrolments, pots, batches.
NSSF_SERVICES = NSSF_WRITES | {
    "batches.batch_lines", "batches.batch_row", "batches.batches", "batches.latest_batch",
    "batches.remittance_file", "coverage.plan_year", "coverage.coverage",
    "coverage.coverage_over_time", "coverage.grace_warnings", "coverage.member_history",
    "coverage.renewals_due", "enrolment.enrolment", "enrolment.enrolments",
    "enrolment.member_enrolment", "enrolment.close_for_exit", "run.preview_run",
    "member_funds.pay_out", "shareout.preview_share_out", "shareout.post_share_out",
}
# record_checkpoints keeps what a verify run found (its heads and sums), never typed input:
# tried through tests/models/test_verify_checkpoints.py.
NOT_FUZZED |= {"checkpoints.record_checkpoints"}
FUZZED = sorted((WRITE_FUNCTIONS | NSSF_WRITES | READS | set(INTERNAL)) - NOT_FUZZED)


def test_every_public_service_is_fuzzed():
    assert set(FUZZED) | NOT_FUZZED == public_services()


# Arguments whose name means something else in this service.
BYTES_ARGUMENTS = {
    ("set_scheme_settings", "values"): st.dictionaries(
        st.one_of(st.sampled_from([spec.key for spec in nssf_scheme.SETTINGS]), TEXT),
        st.one_of(BIG, TEXT, st.none(), st.booleans(), st.lists(st.one_of(BIG, TEXT),
                                                                max_size=3)), max_size=3),
    ("import_bundle", "data"): st.one_of(
        st.binary(max_size=300),
        st.sampled_from([b"{}", b'{"payload": "{}", "public_key": "00", "signature": "00"}',
                         "ນາງ".encode(), b"\xff\xfe"])),
}


def _arguments(function, env, info):  # noqa: ANN001, ANN202
    """A strategy for the call's arguments past (session, actor)."""
    fields = {}
    for name, parameter in list(inspect.signature(function).parameters.items())[2:]:
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            continue  # extra details (an audit event's): none is needed
        if (function.__name__, name) in BYTES_ARGUMENTS:
            fields[name] = BYTES_ARGUMENTS[function.__name__, name]
            continue
        strategy = strategy_for_parameter(parameter, env, info)
        if strategy is None:
            raise AssertionError(f"no strategy for {function.__name__}({name})")
        fields[name] = strategy
    return st.fixed_dictionaries(fields)


@pytest.fixture
def nssf_world(world):
    """The world, pooling NSSF contributions: Keo and Bua enrolled from November 2026 with
    money in their pots, November's batch exported, a correction of it in draft."""
    env, info = world
    pooling(env)
    enrol(env, 0)
    enrol(env, 1)
    deposit(env, 0, 3 * MONTHLY)
    deposit(env, 1, MONTHLY)
    first = run(env)
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        nssf_remittance.export_batch(s, treasurer, batch_id=first.id, fmt="csv",
                                     render=lambda data, fmt: b"x")
        keo, bua = (nssf_enrolments.latest_enrolment(s, env.member_ids[i]).id for i in (0, 1))
    deposit(env, 1, MONTHLY)
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        nssf_enrolments.change_level(s, treasurer, enrolment_id=bua, level=2_700_000,
                                     from_month=NOV)
        draft = nssf_remittance.make_correction(s, treasurer, batch_id=first.id,
                                                note="level").id
    return env, {**info, "batches": (first.id, draft), "enrolments": (keo, bua)}


@pytest.mark.parametrize("qualified", FUZZED)
def test_a_service_answers_any_input_with_the_apps_own_errors(request, qualified):
    env, info = request.getfixturevalue("nssf_world" if qualified in NSSF_SERVICES
                                        else "world")
    function = the_function(qualified)
    role = actor_for(qualified)
    positional = [name for name, p in list(inspect.signature(function).parameters.items())[2:]
                  if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]

    @FUZZ
    @given(arguments=_arguments(function, env, info))
    def attempt(arguments):  # noqa: ANN001, ANN202
        session = env.db._write()
        try:
            actor = session.get(User, env.user_ids[role])
            resolved = {k: (v.make(session) if isinstance(v, Lazy) else v)
                        for k, v in arguments.items()}
            args = [resolved.pop(name) for name in positional]
            try:
                function(session, actor, *args, **resolved)
                session.flush()
            except UserError as refused:
                str(refused)  # the message itself must format
        finally:
            session.rollback()
            session.close()

    attempt()


@FUZZ
@given(data=opening_data())
def test_the_opening_import_reads_any_spreadsheet_cells_without_crashing(world, data):
    env, _ = world
    session = env.db._write()
    try:
        treasurer = session.get(User, env.user_ids["treasurer"])
        try:
            preview = opening_import.preview_opening(session, treasurer, group_id=env.group_id,
                                                     data=data)
            [str(p) for p in preview.problems]
        except UserError as refused:
            str(refused)
    finally:
        session.rollback()
        session.close()
