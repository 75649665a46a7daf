"""The standard chart of accounts every group starts with.

Funds are kept apart as the paper method keeps them: the loan fund (members' savings plus
its earnings), the welfare fund and each member's NSSF pot, even when the cash sits in one
box. Share-out distributes only the loan fund. Accounts with a ``key`` are the ones the
services post to; groups may add their own (without a key) for expenses or income.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.errors import NotFound
from models.core.i18n import N_
from models.core.schema import Account

ASSET, LIABILITY, EQUITY, INCOME, EXPENSE = "asset", "liability", "equity", "income", "expense"
KINDS = (ASSET, LIABILITY, EQUITY, INCOME, EXPENSE)
LOAN_FUND, WELFARE_FUND, NSSF_FUND = "loan", "welfare", "nssf"
FUNDS = (LOAN_FUND, WELFARE_FUND, NSSF_FUND)

FUND_NAMES = {
    LOAN_FUND: N_("Loan fund"),
    WELFARE_FUND: N_("Welfare fund"),
    NSSF_FUND: N_("NSSF pots"),
}
KIND_NAMES = {
    ASSET: N_("Asset"), LIABILITY: N_("Liability"), EQUITY: N_("Equity"),
    INCOME: N_("Income"), EXPENSE: N_("Expense"),
}


@dataclass(frozen=True)
class AccountSpec:
    key: str
    code: str
    name: str
    kind: str
    fund: str | None


STANDARD_CHART: tuple[AccountSpec, ...] = (
    AccountSpec("cash", "1000", N_("Cash box"), ASSET, None),
    AccountSpec("bank", "1010", N_("Bank account"), ASSET, None),
    AccountSpec("loans_receivable", "1100", N_("Loans to members"), ASSET, LOAN_FUND),
    AccountSpec("interest_receivable", "1110", N_("Interest due from members"), ASSET, LOAN_FUND),
    AccountSpec("penalties_receivable", "1120", N_("Penalties due from members"), ASSET, LOAN_FUND),
    AccountSpec("fines_receivable", "1130", N_("Fines due from members"), ASSET, LOAN_FUND),
    AccountSpec("welfare_receivable", "1140", N_("Welfare contributions due"), ASSET, WELFARE_FUND),
    AccountSpec("nssf_advances", "1150", N_("NSSF contributions advanced to members"), ASSET,
                LOAN_FUND),
    AccountSpec("member_savings", "2000", N_("Members' savings"), LIABILITY, LOAN_FUND),
    AccountSpec("share_out_payable", "2010", N_("Share-out owed to members"), LIABILITY, LOAN_FUND),
    AccountSpec("welfare_claims_payable", "2100", N_("Welfare claims owed"), LIABILITY,
                WELFARE_FUND),
    AccountSpec("nssf_pot", "2200", N_("Members' NSSF pots"), LIABILITY, NSSF_FUND),
    AccountSpec("nssf_payable", "2210", N_("NSSF contributions to remit"), LIABILITY, NSSF_FUND),
    AccountSpec("loan_fund_reserve", "3000", N_("Loan fund reserve"), EQUITY, LOAN_FUND),
    AccountSpec("welfare_fund", "3100", N_("Welfare fund"), EQUITY, WELFARE_FUND),
    AccountSpec("nssf_subsidy", "3200", N_("NSSF subsidy fund"), EQUITY, NSSF_FUND),
    AccountSpec("opening_balance", "3900", N_("Opening balances"), EQUITY, LOAN_FUND),
    AccountSpec("interest_income", "4000", N_("Loan interest"), INCOME, LOAN_FUND),
    AccountSpec("penalty_income", "4010", N_("Late penalties"), INCOME, LOAN_FUND),
    AccountSpec("fine_income", "4020", N_("Fines"), INCOME, LOAN_FUND),
    AccountSpec("fee_income", "4030", N_("Loan fees"), INCOME, LOAN_FUND),
    AccountSpec("other_income", "4090", N_("Other income"), INCOME, LOAN_FUND),
    AccountSpec("expenses", "5000", N_("Group expenses"), EXPENSE, LOAN_FUND),
    AccountSpec("cash_over_short", "5010", N_("Cash over or short"), EXPENSE, LOAN_FUND),
    AccountSpec("loan_write_offs", "5020", N_("Loans written off"), EXPENSE, LOAN_FUND),
    AccountSpec("welfare_payouts", "5100", N_("Welfare benefits paid"), EXPENSE, WELFARE_FUND),
)
SPEC_BY_KEY = {spec.key: spec for spec in STANDARD_CHART}


def create_standard_accounts(session: Session, group_id: int) -> None:
    for spec in STANDARD_CHART:
        session.add(Account(group_id=group_id, code=spec.code, key=spec.key, name=spec.name,
                            kind=spec.kind, fund=spec.fund, is_active=True))
    session.flush()


def find_account(session: Session, group_id: int, key: str) -> Account | None:
    """The group's account with system ``key``, or ``None``: never creates one (for checks
    that must not write, e.g. verifying a read-only backup)."""
    return session.scalar(select(Account).where(Account.group_id == group_id,
                                                Account.key == key))


def account(session: Session, group_id: int, key: str) -> Account:
    """The group's account with system ``key``; created from the standard chart if a newer
    version of the chart added it after the group was made. An account found is kept for
    the session (accounts never change their key)."""
    cache: dict = session.info.setdefault("kongthun_accounts", {})
    found = cache.get((group_id, key))
    if found is None:
        found = session.scalar(select(Account).where(Account.group_id == group_id,
                                                     Account.key == key))
    if found is not None:
        cache[(group_id, key)] = found
        return found
    spec = SPEC_BY_KEY.get(key)
    if spec is None:
        raise NotFound(N_("No account {key} in this group."), key=key)
    found = Account(group_id=group_id, code=spec.code, key=spec.key, name=spec.name,
                    kind=spec.kind, fund=spec.fund, is_active=True)
    session.add(found)
    session.flush()
    return found


def account_id(session: Session, group_id: int, key: str) -> int:
    """Cached per session: accounts never change their key."""
    cache: dict = session.info.setdefault("kongthun_account_ids", {})
    found = cache.get((group_id, key))
    if found is None:
        found = cache[(group_id, key)] = account(session, group_id, key).id
    return found


def normal_sign(kind: str) -> int:
    """+1 where a debit increases the account (assets, expenses), -1 where a credit does."""
    return 1 if kind in (ASSET, EXPENSE) else -1
