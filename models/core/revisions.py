"""The schema revisions this version of the program has, read from the migration files'
own ``revision =`` and ``down_revision =`` lines (what Alembic reads), without importing
Alembic (a quarter of a second at every start) or anything else of the core."""
from __future__ import annotations

import ast
import functools
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


@functools.cache
def revision_graph() -> dict[str, tuple[str, ...]]:
    """Each migration file's revision and the revisions it follows, read from the files'
    module-level ``revision =`` and ``down_revision =`` assignments (what Alembic reads)."""
    graph: dict[str, tuple[str, ...]] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        values = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)
                    and node.targets[0].id in ("revision", "down_revision")):
                values[node.targets[0].id] = ast.literal_eval(node.value)
        if "revision" not in values:
            continue
        down = values.get("down_revision")
        graph[values["revision"]] = (() if down is None else
                                     (down,) if isinstance(down, str) else tuple(down))
    return graph


def head_revisions() -> set[str]:
    """The revisions no other migration follows: a ledger at all of them is up to date."""
    graph = revision_graph()
    followed = {down for downs in graph.values() for down in downs}
    return set(graph) - followed


def known_revisions() -> set[str]:
    """Every revision this version of the program has (a file stamped with another one was
    written by a newer version)."""
    return set(revision_graph())
