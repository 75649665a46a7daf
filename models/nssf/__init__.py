"""NSSF pooling: members' contributions to the NSSF voluntary scheme paid through the
group. Each member fills her own pot when she has money (at a meeting, any day, or from
her savings); every month the group remits to the LSSO from the pots — a short pot is
covered by the group's dated policy (an advance from the loan fund, the subsidy fund, or
a skipped month in grace) — in a batch exported as a file in our documented layout and
confirmed with the LSSO's receipt. The scheme's figures are dated settings; the level
table is provisional until an administrator enters the official one.

Modules: ``scheme`` (parameters), ``enrolment`` (contracts and status), ``pot`` (deposits,
transfers, withdrawals, grants, advances), ``remittance`` (the run, export, confirmation,
corrections), ``batches`` (batches and their files as read), ``coverage`` (who is covered,
history, chart, planner), ``checks`` (verify, reversal rules), ``texts`` (entry kinds).
"""
from models.core.capability import Capability
from models.core.i18n import N_
from models.core.permissions import Permission
from models.nssf import checks, pot, scheme, texts

CAPABILITY = Capability(
    name="nssf",
    title=N_("NSSF pooling"),
    needs=("meetings", "savings"),
    entry_kinds=texts.KIND_NAMES,
    describe_entries=texts.describe,
    settings=scheme.SETTINGS,
    checks=(checks.verify_nssf,),
    reversal_rules=checks.REVERSAL_RULES,
    permissions=(Permission.READ, Permission.RECORD, Permission.MANAGE_MEMBERS,
                 Permission.CHANGE_SETTINGS, Permission.EXPORT),
    meeting_columns=(pot.POT_COLUMN,),
    debt_sources=(pot.ADVANCE_DEBTS,),
    member_funds=(pot.POT_FUND,),
    demo=("models.demo.activity_nssf",),
    cli=("nssf",),
)
