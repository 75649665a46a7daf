"""Savings: the dated savings rules, deposits and withdrawals, fines, a member leaving, and
the cycle closed with a share-out. Owns the debts netted from a member's money at exit and
share-out (others add theirs as ``debt_sources``)."""
from models.core.capability import Capability
from models.core.i18n import N_
from models.core.permissions import Permission
from models.savings import accounts, member_funds, rules, shareout, texts

CAPABILITY = Capability(
    name="savings",
    title=N_("Savings"),
    needs=("meetings",),
    entry_kinds=texts.KIND_NAMES,
    describe_entries=texts.describe,
    settings=rules.RULE_SPECS,
    checks=(accounts.verify_savings,),
    reversal_rules={**accounts.REVERSAL_RULES, **shareout.REVERSAL_RULES},
    permissions=(Permission.READ, Permission.RECORD, Permission.MANAGE_MEMBERS,
                 Permission.CHANGE_SETTINGS),
    meeting_columns=(accounts.SAVINGS_COLUMN, accounts.FINES_COLUMN),
    roll_call=(accounts.ATTENDANCE_FINES,),
    debt_sources=(accounts.FINES_DEBTS,),
    accepts={"debt_sources": accounts.register_debt_source,
             "member_funds": member_funds.register},
    demo=("models.demo.activity_savings", "models.demo.activity_shareout"),
)
