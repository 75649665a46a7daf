"""Loans: the dated loan rules, schedules (flat or declining, as Fineract computes them),
application to payout, repayments and their allocation, penalties and arrears, receipts,
and loans brought over from paper."""
from models.core.capability import Capability, tables_in
from models.core.i18n import N_
from models.core.permissions import Permission
from models.loans import lifecycle, meeting, policy, schema, texts

CAPABILITY = Capability(
    name="loans",
    title=N_("Loans"),
    tables=tables_in(schema),
    needs=("meetings", "savings"),
    entry_kinds=texts.KIND_NAMES,
    describe_entries=texts.describe,
    settings=policy.SETTINGS,
    checks=(lifecycle.verify_loans,),
    reversal_rules=lifecycle.REVERSAL_RULES,
    permissions=(Permission.READ, Permission.RECORD, Permission.APPROVE,
                 Permission.CHANGE_SETTINGS),
    meeting_columns=(meeting.REPAYMENT_COLUMN,),
    debt_sources=(meeting.LOAN_DEBTS,),
    demo=("models.demo.activity_loans",),
    cli=("loan-schedule",),
)
