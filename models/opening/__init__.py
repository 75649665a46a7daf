"""Opening balances: a group that kept its books on paper brings its members' savings and
loans over from a filled-in workbook."""
from models.core.capability import Capability
from models.core.i18n import N_
from models.core.permissions import Permission

CAPABILITY = Capability(
    name="opening",
    title=N_("Opening balances"),
    needs=("savings", "loans"),
    permissions=(Permission.READ, Permission.RECORD, Permission.MANAGE_MEMBERS),
)
