"""Meetings: the roll call, the one grid a meeting is recorded in (the columns other
capabilities contribute), drafts kept while it is typed, and the cash box counted."""
from models.core.capability import Capability, tables_in
from models.core.i18n import N_
from models.core.permissions import Permission
from models.meetings import cashbox, columns, cycles, roll, schema

CAPABILITY = Capability(
    name="meetings",
    title=N_("Meetings"),
    tables=tables_in(schema),
    entry_kinds={
        cashbox.KIND_COUNT: N_("Cash count"),
        cashbox.KIND_TRANSFER: N_("Cash moved to or from the bank"),
        cashbox.KIND_EXPENSE: N_("Group expense"),
    },
    permissions=(Permission.READ, Permission.RECORD),
    accepts={"meeting_columns": columns.register, "roll_call": roll.register_roll_call,
             "cycle_keeper": cycles.register_cycle_keeper},
)
