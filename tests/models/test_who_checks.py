"""The core's rule of who checks (docs/ARCHITECTURE.md, "Rules of the code"): a public
``verb(session, actor, …)`` checks the actor's permission; a helper that does not check
shows it — a leading underscore, no actor at all, or the acting user passed on as the
keyword-only ``checked_by=`` its caller checked."""
from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "models" / "core"
CHECKS = {"require", "require_writer", "has_permission"}


def _functions() -> dict[str, ast.FunctionDef]:
    found = {}
    for path in sorted(CORE.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef):
                found[f"{path.stem}.{node.name}"] = node
    return found


def _called(node: ast.FunctionDef) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def _takes_actor(node: ast.FunctionDef) -> bool:
    return [a.arg for a in node.args.args][:2] == ["session", "actor"]


def test_every_public_service_of_the_core_checks_its_actor():
    functions = _functions()
    services = {name: node for name, node in functions.items()
                if _takes_actor(node) and not node.name.startswith("_")}
    # A check may sit in a private helper of the same module (``ledger._checked``).
    checking = {name.split(".")[1] for name, node in functions.items()
                if name.split(".")[1].startswith("_") and _called(node) & CHECKS}
    checked = {name for name, node in services.items() if _called(node) & (CHECKS | checking)}
    while True:  # a service may check by calling another checked service with its actor
        more = {name for name, node in services.items() if name not in checked
                and _called(node) & {c.split(".")[1] for c in checked}}
        if not more:
            break
        checked |= more
    assert sorted(set(services) - checked) == []


def test_a_helper_that_passes_a_checked_user_on_says_so():
    """``checked_by`` (the user the caller checked) is keyword-only, never in the place
    where a service takes the actor it checks."""
    for name, node in _functions().items():
        positional = [a.arg for a in node.args.posonlyargs + node.args.args]
        assert "checked_by" not in positional, name
        if name == "ledger.post_reversal":
            assert "checked_by" in [a.arg for a in node.args.kwonlyargs]
            assert "actor" not in positional
