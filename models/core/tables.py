"""Every table the ledger has, so ``Base.metadata`` knows them all (migrations, tests)."""
from __future__ import annotations

from models.core import capability, schema_bundles, schema_recovery  # noqa: F401  (tables)
from models.core.schema import Base


def load_all() -> type[Base]:
    """The core's tables and every capability's (loading the capabilities)."""
    capability.load()
    return Base
