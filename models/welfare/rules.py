"""The claim rules of the welfare fund, as pure functions: no database, no Qt.

A claim type's rules (``ClaimRule``) are dated; the rules in force on the claim's *event*
date judge it (the cover a member had when the illness, birth or death happened), so a
later change never rewrites the past. ``evaluate`` lists every rule with whether it
passed and why, for the screen and the voucher; the services gather the facts.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models.core.clock import add_months
from models.core.errors import UserError
from models.core.i18n import N_, gettext
from models.core.ledger import fmt_date
from models.core.money import Currency, format_money

BENEFICIARIES = ("member", "spouse", "child", "parent")
BENEFICIARY_NAMES = {
    "member": N_("The member"),
    "spouse": N_("Spouse"),
    "child": N_("Child"),
    "parent": N_("Parent"),
}
WINDOWS = ("rolling", "calendar")
WINDOW_NAMES = {"rolling": N_("Rolling months"), "calendar": N_("Calendar year")}
SCOPES = ("type", "all")
SCOPE_NAMES = {"type": N_("Claims of this type"), "all": N_("Claims of every type")}

# Rule keys, in the order they are listed.
MEMBERSHIP, WAITING, BENEFICIARY, CAP, FREQUENCY, CONTRIBUTIONS, LOANS = (
    "membership", "waiting", "beneficiary", "cap", "frequency", "contributions", "loans")
YEAR_CAP = "year_cap"  # listed only when the group sets a yearly limit per member
RULE_NAMES = {
    MEMBERSHIP: N_("Member on the day"),
    WAITING: N_("Waiting period"),
    BENEFICIARY: N_("Who the benefit is for"),
    CAP: N_("Maximum amount"),
    FREQUENCY: N_("How often"),
    YEAR_CAP: N_("Most in a year"),
    CONTRIBUTIONS: N_("Welfare contributions paid"),
    LOANS: N_("Loans repaid on time"),
}


@dataclass(frozen=True)
class ClaimRule:
    """The rules of one claim type from a date on. ``frequency_count`` None: no limit.
    ``frequency_window`` "rolling": ``frequency_months`` either side of the event date;
    "calendar": the event's calendar year. ``frequency_scope`` "type" counts the member's
    claims of this type, "all" their claims of every type."""

    max_amount: int
    frequency_count: int | None = 1
    frequency_window: str = "rolling"
    frequency_months: int = 12
    frequency_scope: str = "type"
    waiting_months: int = 0
    beneficiaries: tuple[str, ...] = ("member",)
    requires_good_standing: bool = True
    evidence: str = ""


def rule_problems(rule: ClaimRule) -> list[UserError]:
    """Everything wrong with a rule, all at once."""
    problems = []
    if not isinstance(rule.max_amount, int) or rule.max_amount <= 0:
        problems.append(UserError(N_("The maximum amount must be more than zero.")))
    if rule.frequency_count is not None and rule.frequency_count < 1:
        problems.append(UserError(N_("Allow at least one claim, or no limit.")))
    if rule.frequency_window not in WINDOWS:
        problems.append(UserError(N_("Choose rolling months or the calendar year.")))
    elif rule.frequency_window == "rolling" and not 1 <= rule.frequency_months <= 120:
        problems.append(UserError(N_("The rolling window is 1 to 120 months.")))
    if rule.frequency_scope not in SCOPES:
        problems.append(UserError(N_("Count claims of this type or of every type.")))
    if not 0 <= rule.waiting_months <= 120:
        problems.append(UserError(N_("The waiting period is 0 to 120 months.")))
    if not rule.beneficiaries:
        problems.append(UserError(N_("Choose who the benefit may be for.")))
    elif any(b not in BENEFICIARIES for b in rule.beneficiaries):
        problems.append(UserError(N_("Unknown kind of beneficiary.")))
    return problems


@dataclass(frozen=True)
class RuleResult:
    """One rule's verdict on a claim: ``explanation`` says why, in the current language."""

    rule: str
    passed: bool
    message: str  # untranslated id
    params: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return gettext(RULE_NAMES[self.rule])

    @property
    def explanation(self) -> str:
        return gettext(self.message).format(**self.params)

    def as_error(self) -> UserError:
        return UserError(self.message, **self.params)


@dataclass(frozen=True)
class EarlierClaim:
    """Another claim of the same member that counts towards the frequency limit."""

    number: int
    claim_type_id: int
    event_date: dt.date


@dataclass(frozen=True)
class ClaimFacts:
    """What the rules look at, gathered by the service."""

    claim_type_id: int
    amount: int
    event_date: dt.date
    beneficiary: str
    joined_on: dt.date
    left_on: dt.date | None  # the day the member left (None: still a member, or deceased)
    earlier_claims: tuple[EarlierClaim, ...]
    contributions_behind: int  # amount of welfare contributions not paid
    contributions_missed: int  # the same, in contributions
    max_missed: int
    overdue_loans: int
    currency: Currency
    died_on: dt.date | None = None  # the day the member died: nothing after it is covered
    year_cap: int = 0  # most a member may get in a calendar year (0: no limit)
    year_claimed: int = 0  # what her other counted claims with events that year ask


def evaluate(rule: ClaimRule | None, facts: ClaimFacts) -> list[RuleResult]:
    """Every rule, passed or failed, with its explanation. With no rule in force on the
    event date, the claim fails on that alone."""
    if rule is None:
        return [RuleResult(MEMBERSHIP, False,
                           N_("This claim type had no rules in force on {date}."),
                           {"date": fmt_date(facts.event_date)})]
    money = lambda amount: format_money(amount, facts.currency)  # noqa: E731
    results = [_membership(facts)]

    eligible_from = add_months(facts.joined_on, rule.waiting_months)
    if rule.waiting_months == 0:
        results.append(RuleResult(WAITING, True, N_("No waiting period.")))
    elif facts.event_date >= eligible_from:
        results.append(RuleResult(WAITING, True,
                                  N_("Joined {joined}; covered from {date}."),
                                  {"joined": fmt_date(facts.joined_on),
                                   "date": fmt_date(eligible_from)}))
    else:
        results.append(RuleResult(WAITING, False,
                                  N_("Joined {joined}; a claim of this type is covered only "
                                     "from {date} ({months} months after joining)."),
                                  {"joined": fmt_date(facts.joined_on),
                                   "date": fmt_date(eligible_from),
                                   "months": rule.waiting_months}))

    allowed = _names(BENEFICIARY_NAMES[b] for b in rule.beneficiaries)
    who = gettext(BENEFICIARY_NAMES.get(facts.beneficiary, facts.beneficiary))
    results.append(RuleResult(
        BENEFICIARY, facts.beneficiary in rule.beneficiaries,
        N_("For: {who}. This type pays for: {allowed}."), {"who": who, "allowed": allowed}))

    if facts.amount <= rule.max_amount:
        results.append(RuleResult(CAP, True, N_("Asks {amount}; the most is {max}."),
                                  {"amount": money(facts.amount), "max": money(rule.max_amount)}))
    else:
        results.append(RuleResult(CAP, False,
                                  N_("Asks {amount}, more than the most this type pays, {max}."),
                                  {"amount": money(facts.amount), "max": money(rule.max_amount)}))

    results.append(_frequency(rule, facts))
    if facts.year_cap:
        year = facts.event_date.year
        params = {"claimed": money(facts.year_claimed), "year": year,
                  "amount": money(facts.amount), "cap": money(facts.year_cap)}
        if facts.year_claimed + facts.amount <= facts.year_cap:
            results.append(RuleResult(YEAR_CAP, True,
                                      N_("Claimed {claimed} in {year} before this; a member "
                                         "may get up to {cap} a year."), params))
        else:
            results.append(RuleResult(YEAR_CAP, False,
                                      N_("Claimed {claimed} in {year} before this; with "
                                         "{amount} more it passes the {cap} a member may get "
                                         "in a year."), params))

    if not rule.requires_good_standing:
        results.append(RuleResult(CONTRIBUTIONS, True,
                                  N_("This type does not ask for paid-up contributions.")))
        results.append(RuleResult(LOANS, True, N_("This type does not ask about loans.")))
        return results
    if facts.contributions_missed <= facts.max_missed:
        if facts.contributions_behind <= 0:
            results.append(RuleResult(CONTRIBUTIONS, True,
                                      N_("All welfare contributions are paid.")))
        else:
            results.append(RuleResult(
                CONTRIBUTIONS, True,
                N_("Behind by {amount} ({missed} contributions); up to {allowed} may be late."),
                {"amount": money(facts.contributions_behind),
                 "missed": facts.contributions_missed, "allowed": facts.max_missed}))
    else:
        results.append(RuleResult(
            CONTRIBUTIONS, False,
            N_("Behind by {amount} ({missed} contributions); only {allowed} may be late."),
            {"amount": money(facts.contributions_behind), "missed": facts.contributions_missed,
             "allowed": facts.max_missed}))
    if facts.overdue_loans == 0:
        results.append(RuleResult(LOANS, True, N_("No loan is overdue.")))
    else:
        results.append(RuleResult(LOANS, False, N_("Overdue loans: {count}."),
                                  {"count": facts.overdue_loans}))
    return results


def _membership(facts: ClaimFacts) -> RuleResult:
    if facts.event_date < facts.joined_on:
        return RuleResult(MEMBERSHIP, False,
                          N_("The event on {date} was before the member joined ({joined})."),
                          {"date": fmt_date(facts.event_date),
                           "joined": fmt_date(facts.joined_on)})
    if facts.left_on is not None and facts.event_date > facts.left_on:
        return RuleResult(MEMBERSHIP, False,
                          N_("The event on {date} was after the member left ({left})."),
                          {"date": fmt_date(facts.event_date), "left": fmt_date(facts.left_on)})
    if facts.died_on is not None and facts.event_date > facts.died_on:
        return RuleResult(MEMBERSHIP, False,
                          N_("The event on {date} was after the member died ({died})."),
                          {"date": fmt_date(facts.event_date), "died": fmt_date(facts.died_on)})
    return RuleResult(MEMBERSHIP, True, N_("A member since {joined}."),
                      {"joined": fmt_date(facts.joined_on)})


def in_window(rule: ClaimRule, event_date: dt.date, other: dt.date) -> bool:
    """Whether a claim for an event on ``other`` falls in the same frequency window as one
    on ``event_date``: the same calendar year, or less than ``frequency_months`` apart."""
    if rule.frequency_window == "calendar":
        return other.year == event_date.year
    return (add_months(other, -rule.frequency_months) < event_date
            < add_months(other, rule.frequency_months))


def _frequency(rule: ClaimRule, facts: ClaimFacts) -> RuleResult:
    if rule.frequency_count is None:
        return RuleResult(FREQUENCY, True, N_("No limit on how often."))
    counted = [c for c in facts.earlier_claims
               if (rule.frequency_scope == "all" or c.claim_type_id == facts.claim_type_id)
               and in_window(rule, facts.event_date, c.event_date)]
    if rule.frequency_window == "calendar":
        limit = gettext(N_("{count} a calendar year")).format(count=rule.frequency_count)
    else:
        limit = gettext(N_("{count} in {months} months")).format(
            count=rule.frequency_count, months=rule.frequency_months)
    scope = gettext(SCOPE_NAMES[rule.frequency_scope]).lower()
    if len(counted) < rule.frequency_count:
        return RuleResult(FREQUENCY, True,
                          N_("Claims counted: {used}; the limit is {limit} ({scope})."),
                          {"used": len(counted), "limit": limit, "scope": scope})
    listed = ", ".join(f"#{c.number} ({fmt_date(c.event_date)})" for c in counted)
    return RuleResult(FREQUENCY, False,
                      N_("The limit is {limit} ({scope}); already claimed: {claims}."),
                      {"limit": limit, "scope": scope, "claims": listed})


def _names(messages) -> str:  # noqa: ANN001
    return ", ".join(gettext(m) for m in messages)
