"""Import every table module so ``Base.metadata`` knows all tables."""
from __future__ import annotations

import functools
import importlib
import pkgutil

import models
from models.schema import Base


def load_all() -> type[Base]:
    for info in pkgutil.iter_modules(models.__path__):
        if info.name == "schema" or info.name.startswith("schema_"):
            importlib.import_module(f"models.{info.name}")
    return Base


@functools.cache
def load_features() -> None:
    """Import every capability module, so their verify checks, reversal handlers, meeting
    columns and settings are registered whichever front end started (the command line
    imports no screens)."""
    load_all()
    from models.meeting_columns import FEATURE_MODULES

    for name in FEATURE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
