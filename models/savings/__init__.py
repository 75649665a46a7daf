"""Savings: the dated savings rules, deposits and withdrawals, fines, a member leaving, and
the cycle closed with a share-out. Keeps the cycles meetings are held in; owns the debts
netted from a member's money at exit and share-out (others add theirs as
``debt_sources``)."""
from models.core.capability import Capability, tables_in
from models.core.i18n import N_
from models.core.permissions import Permission
from models.savings import (
    checks,
    debts,
    fines,
    meeting,
    member_funds,
    reversals,
    rules,
    schema,
    shareout_posting,
    texts,
)

CAPABILITY = Capability(
    name="savings",
    title=N_("Savings"),
    tables=tables_in(schema),
    needs=("meetings",),
    entry_kinds=texts.KIND_NAMES,
    describe_entries=texts.describe,
    settings=rules.RULE_SPECS,
    checks=(checks.verify_savings,),
    reversal_rules={**reversals.REVERSAL_RULES, **shareout_posting.REVERSAL_RULES},
    permissions=(Permission.READ, Permission.RECORD, Permission.MANAGE_MEMBERS,
                 Permission.CHANGE_SETTINGS),
    meeting_columns=(meeting.SAVINGS_COLUMN, meeting.FINES_COLUMN),
    roll_call=(fines.ATTENDANCE_FINES,),
    cycle_keeper=(meeting.CYCLE_KEEPER,),
    debt_sources=(fines.FINES_DEBTS,),
    accepts={"debt_sources": debts.register_debt_source,
             "member_funds": member_funds.register},
    demo=("models.demo.activity_savings", "models.demo.activity_shareout"),
)
