"""Import every table module so ``Base.metadata`` knows all tables."""
from __future__ import annotations

import importlib
import pkgutil

import models
from models.schema import Base


def load_all() -> type[Base]:
    for info in pkgutil.iter_modules(models.__path__):
        if info.name == "schema" or info.name.startswith("schema_"):
            importlib.import_module(f"models.{info.name}")
    return Base
