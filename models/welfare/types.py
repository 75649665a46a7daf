"""The welfare fund's claim types and their dated rules.

Each group starts with the default types (hospitalization, surgery, childbirth, death of a
member, death of a spouse, child or parent), created on the group's first use of the fund
with rules in force since ``DEFAULTS_FROM``. Admins change a type's rules from a date on
(``set_claim_rule``: a new row, the old ones stay, so claims for earlier events are still
judged by the rules of their day), rename types, stop them and add their own.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, clock, ledger
from models.core.errors import NotFound, UserError, ValidationError
from models.core.groups import group_currency
from models.core.i18n import N_, gettext
from models.core.permissions import Permission, require
from models.core.schema import User
from models.welfare.rules import ClaimRule, rule_problems
from models.welfare.schema import WelfareClaimRule, WelfareClaimType

DEFAULTS_FROM = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class DefaultType:
    code: str
    name: str
    max_major: dict[str, int]  # per currency, in major units
    rule: ClaimRule


DEFAULT_TYPES = (
    DefaultType("hospitalization", N_("Hospitalization"),
                {"LAK": 500_000, "THB": 1_000, "USD": 25},
                ClaimRule(0, 1, "rolling", 12, "type", 3, ("member", "spouse", "child"), True,
                          N_("Hospital bill or discharge paper"))),
    DefaultType("surgery", N_("Surgery"), {"LAK": 1_000_000, "THB": 2_000, "USD": 50},
                ClaimRule(0, 1, "rolling", 12, "type", 6, ("member", "spouse", "child"), True,
                          N_("Doctor's letter or hospital bill"))),
    DefaultType("childbirth", N_("Childbirth"), {"LAK": 300_000, "THB": 600, "USD": 15},
                ClaimRule(0, 1, "rolling", 12, "type", 9, ("member", "spouse"), True,
                          N_("Birth certificate or hospital paper"))),
    DefaultType("death_member", N_("Death of a member"),
                {"LAK": 2_000_000, "THB": 4_000, "USD": 100},
                ClaimRule(0, None, "rolling", 12, "type", 3, ("member",), False,
                          N_("Death certificate or a letter from the village chief"))),
    DefaultType("death_family", N_("Death of a spouse, child or parent"),
                {"LAK": 1_000_000, "THB": 2_000, "USD": 50},
                ClaimRule(0, 1, "rolling", 12, "type", 3, ("spouse", "child", "parent"), True,
                          N_("Death certificate or a letter from the village chief"))),
)


@dataclass(frozen=True)
class ClaimTypeRow:
    id: int
    code: str
    name: str  # as stored; ``label`` translates the default names
    is_active: bool
    rule: ClaimRule | None  # in force on the day asked for
    rule_from: dt.date | None

    @property
    def label(self) -> str:
        return gettext(self.name)


@dataclass(frozen=True)
class RuleVersion:
    effective_from: dt.date
    rule: ClaimRule
    recorded_by: str | None
    recorded_at: dt.datetime


def _rule(row: WelfareClaimRule) -> ClaimRule:
    return ClaimRule(row.max_amount, row.frequency_count, row.frequency_window,
                     row.frequency_months, row.frequency_scope, row.waiting_months,
                     tuple(row.beneficiaries), row.requires_good_standing, row.evidence)


def _add_rule(session: Session, claim_type_id: int, effective_from: dt.date, rule: ClaimRule,
              actor: User | None) -> None:
    session.add(WelfareClaimRule(
        claim_type_id=claim_type_id, effective_from=effective_from, max_amount=rule.max_amount,
        frequency_count=rule.frequency_count, frequency_window=rule.frequency_window,
        frequency_months=rule.frequency_months, frequency_scope=rule.frequency_scope,
        waiting_months=rule.waiting_months, beneficiaries=list(rule.beneficiaries),
        requires_good_standing=rule.requires_good_standing, evidence=rule.evidence.strip(),
        recorded_by=actor.id if actor is not None else None, recorded_at=clock.now()))


def ensure_default_claim_types(session: Session, group_id: int) -> bool:
    """Create the default claim types of a group that has none yet (its first use of the
    welfare fund), with rules in force since ``DEFAULTS_FROM``. Returns whether it did."""
    if session.scalar(select(WelfareClaimType.id)
                      .where(WelfareClaimType.group_id == group_id).limit(1)) is not None:
        return False
    cur = group_currency(session, group_id)
    for order, default in enumerate(DEFAULT_TYPES, start=1):
        ctype = WelfareClaimType(group_id=group_id, code=default.code, name=default.name,
                                 sort_order=order, is_active=True, created_at=clock.now())
        session.add(ctype)
        session.flush()
        major = default.max_major.get(cur.code, default.max_major["USD"])
        rule = replace(default.rule, max_amount=major * cur.unit)
        _add_rule(session, ctype.id, DEFAULTS_FROM, rule, None)
    audit.record(session, None, "welfare.default_claim_types", group_id=group_id)
    return True


def rule_in_force(session: Session, claim_type_id: int, on: dt.date
                  ) -> tuple[dt.date, ClaimRule] | None:
    row = session.scalar(
        select(WelfareClaimRule)
        .where(WelfareClaimRule.claim_type_id == claim_type_id,
               WelfareClaimRule.effective_from <= on)
        .order_by(WelfareClaimRule.effective_from.desc(), WelfareClaimRule.id.desc()).limit(1))
    return None if row is None else (row.effective_from, _rule(row))


def claim_types(session: Session, actor: User, group_id: int, *, on: dt.date | None = None,
                include_inactive: bool = True) -> list[ClaimTypeRow]:
    """The group's claim types with the rules in force on ``on`` (default today)."""
    require(session, actor, Permission.READ, group_id)
    on = on or clock.today()
    query = (select(WelfareClaimType).where(WelfareClaimType.group_id == group_id)
             .order_by(WelfareClaimType.sort_order, WelfareClaimType.id))
    if not include_inactive:
        query = query.where(WelfareClaimType.is_active.is_(True))
    out = []
    for ctype in session.scalars(query):
        found = rule_in_force(session, ctype.id, on)
        out.append(ClaimTypeRow(ctype.id, ctype.code, ctype.name, ctype.is_active,
                                found[1] if found else None, found[0] if found else None))
    return out


def rule_history(session: Session, actor: User, claim_type_id: int) -> list[RuleVersion]:
    ctype = _claim_type(session, claim_type_id)
    require(session, actor, Permission.READ, ctype.group_id)
    rows = session.execute(
        select(WelfareClaimRule, User.username)
        .outerjoin(User, User.id == WelfareClaimRule.recorded_by)
        .where(WelfareClaimRule.claim_type_id == claim_type_id)
        .order_by(WelfareClaimRule.effective_from, WelfareClaimRule.id))
    return [RuleVersion(r.effective_from, _rule(r), name, r.recorded_at) for r, name in rows]


def _claim_type(session: Session, claim_type_id: int) -> WelfareClaimType:
    ctype = session.get(WelfareClaimType, claim_type_id)
    if ctype is None:
        raise NotFound(N_("No such claim type."))
    return ctype


def _check_rule_change(session: Session, group_id: int, effective_from: dt.date,
                       rule: ClaimRule) -> None:
    problems = rule_problems(rule)
    locked = ledger.locked_through(session, group_id)
    if locked is not None and effective_from <= locked:
        problems.append(UserError(N_("The books are locked through {date}; a rule can only "
                                     "change after that."), date=ledger.fmt_date(locked)))
    if problems:
        raise ValidationError(problems)


def set_claim_rule(session: Session, actor: User, *, claim_type_id: int,
                   effective_from: dt.date, rule: ClaimRule) -> None:
    """New rules for a claim type from ``effective_from`` on; claims for events before that
    day keep being judged by the older rules."""
    ctype = _claim_type(session, claim_type_id)
    require(session, actor, Permission.CHANGE_SETTINGS, ctype.group_id)
    _check_rule_change(session, ctype.group_id, effective_from, rule)
    _add_rule(session, ctype.id, effective_from, rule, actor)
    audit.record(session, actor, "welfare.rule", group_id=ctype.group_id,
                 claim_type=ctype.code, effective_from=effective_from, rule=asdict(rule))


def add_claim_type(session: Session, actor: User, *, group_id: int, name: str,
                   rule: ClaimRule, effective_from: dt.date) -> ClaimTypeRow:
    require(session, actor, Permission.CHANGE_SETTINGS, group_id)
    ensure_default_claim_types(session, group_id)
    name = name.strip()
    problems = []
    if not name:
        problems.append(UserError(N_("Enter the claim type's name.")))
    elif session.scalar(select(WelfareClaimType.id).where(
            WelfareClaimType.group_id == group_id,
            func.lower(WelfareClaimType.name) == name.lower())):
        problems.append(UserError(N_("There is already a claim type called {name}."),
                                  name=name))
    try:
        _check_rule_change(session, group_id, effective_from, rule)
    except ValidationError as exc:
        problems.extend(exc.problems)
    if problems:
        raise ValidationError(problems)
    count, last = session.execute(
        select(func.count(WelfareClaimType.id), func.max(WelfareClaimType.sort_order))
        .where(WelfareClaimType.group_id == group_id)).one()
    ctype = WelfareClaimType(group_id=group_id, code=f"custom_{count + 1}", name=name,
                             sort_order=(last or 0) + 1, is_active=True, created_at=clock.now())
    session.add(ctype)
    session.flush()
    _add_rule(session, ctype.id, effective_from, rule, actor)
    audit.record(session, actor, "welfare.claim_type.add", group_id=group_id, name=name)
    return ClaimTypeRow(ctype.id, ctype.code, ctype.name, True, rule, effective_from)


def update_claim_type(session: Session, actor: User, *, claim_type_id: int, name: str,
                      is_active: bool) -> None:
    """Rename a claim type or stop (restart) taking claims of it."""
    ctype = _claim_type(session, claim_type_id)
    require(session, actor, Permission.CHANGE_SETTINGS, ctype.group_id)
    name = name.strip()
    if not name:
        raise UserError(N_("Enter the claim type's name."))
    # A default keeps its English name (so it shows translated) unless really renamed.
    if gettext(ctype.name) == name:
        name = ctype.name
    before = {"name": ctype.name, "is_active": ctype.is_active}
    ctype.name, ctype.is_active = name, is_active
    audit.record(session, actor, "welfare.claim_type.update", group_id=ctype.group_id,
                 claim_type=ctype.code, before=before, name=name, is_active=is_active)
