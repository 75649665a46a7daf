"""What is read out of the ledger for people: the auditor's workbook, member statements,
passbooks (and where each member's last print ended), the dashboard. Reads every other
capability; writes only the passbook print log and audit events."""
from models.core.capability import Capability, tables_in
from models.core.i18n import N_
from models.core.permissions import Permission
from models.statements import passbook, schema

CAPABILITY = Capability(
    name="statements",
    title=N_("Reports"),
    tables=tables_in(schema),
    needs=("meetings", "savings", "loans", "welfare"),
    settings=(passbook.PAGE_SETTING,),
    permissions=(Permission.READ, Permission.EXPORT, Permission.PRINT_PASSBOOK),
    cli=("export",),
)
