"""The welfare fund: contributions, claim types with their rules (caps, once a year,
waiting periods), claims, approvals and payouts."""
from models.core.capability import Capability, tables_in
from models.core.i18n import N_
from models.core.permissions import Permission
from models.welfare import checks, fund, reversals, schema, texts

CAPABILITY = Capability(
    name="welfare",
    title=N_("Welfare fund"),
    tables=tables_in(schema),
    needs=("meetings", "loans"),
    entry_kinds=texts.KIND_NAMES,
    describe_entries=texts.describe,
    settings=tuple(fund.SETTINGS.values()),
    checks=(checks.verify_welfare,),
    reversal_rules=reversals.REVERSAL_RULES,
    permissions=(Permission.READ, Permission.RECORD, Permission.APPROVE,
                 Permission.CHANGE_SETTINGS),
    meeting_columns=(fund.MEETING_COLUMN,),
    demo=("models.demo.activity_welfare",),
)
