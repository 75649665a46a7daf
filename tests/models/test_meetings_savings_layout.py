"""How the meetings and savings packages are put together: meetings stand on the core alone
(savings reach them through the hooks meetings own), savings on the core and meetings; the
imports of their modules, those inside functions too, never go round in a circle; no module
is longer than a newcomer can read."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("meetings", "savings")
ALLOWED = {"meetings": {"core", "meetings"}, "savings": {"core", "meetings", "savings"}}
LONGEST = 500


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for package in PACKAGES
            for p in sorted((ROOT / "models" / package).glob("*.py"))}


def imports(path: Path, known: set[str]) -> set[str]:
    """Every models module ``path`` imports, anywhere in it (``from models.x import y``
    counts as ``models.x.y`` when that is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("models."))
        elif isinstance(node, ast.ImportFrom) and node.module and \
                node.module.startswith("models."):
            subs = {f"{node.module}.{a.name}" for a in node.names}
            found.update(subs & known or {node.module})
    return found


def package_of(module: str) -> str:
    return module.split(".")[1]


def test_meetings_stand_on_the_core_and_savings_on_the_core_and_meetings():
    known = set(modules())
    wrong = sorted(f"{name} imports {other}" for name, path in modules().items()
                   for other in imports(path, known)
                   if package_of(other) not in ALLOWED[package_of(name)])
    assert wrong == []


def test_no_import_circles_not_even_inside_functions():
    found = modules()
    known = set(found)
    graph = {name: {m for m in imports(path, known) if m in known and m != name
                    and not found[m].name == "__init__.py"}
             for name, path in found.items() if path.name != "__init__.py"}
    circles, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                circles.append(" → ".join(trail[trail.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert circles == []


def test_every_module_is_short_and_has_no_comment_banners():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST}
    banners = [name for name, path in modules().items()
               if "# -----" in path.read_text(encoding="utf-8")]
    assert (long, banners) == ({}, [])
