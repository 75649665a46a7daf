"""Every table the ledger has, so ``Base.metadata`` knows them all (migrations, tests)."""
from __future__ import annotations

from models.core import schema_bundles, schema_recovery  # noqa: F401  (their tables)
from models.core.schema import Base


def load_all() -> type[Base]:
    """The core's tables and every capability's (loading the capabilities)."""
    load_features()
    return Base


def load_features() -> None:
    """Load every capability (``models.core.capability.load``, once per process)."""
    from models.core import capability  # it imports the ledger, which imports this module

    capability.load()
