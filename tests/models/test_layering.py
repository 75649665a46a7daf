"""models/ imports no Qt, openpyxl or reportlab; the command line imports no Qt."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("PySide6", "shiboken6", "openpyxl", "reportlab")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_models_import_no_toolkit_or_report_library():
    offenders = []
    for path in (ROOT / "models").rglob("*.py"):
        for name in imported_modules(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, offenders


def test_loading_every_model_module_pulls_in_no_toolkit():
    code = ("import importlib, pkgutil, sys, models\n"
            "for m in pkgutil.walk_packages(models.__path__, 'models.'):\n"
            "    if '.migrations' not in m.name: importlib.import_module(m.name)\n"
            f"bad = [n for n in sys.modules if n.split('.')[0] in {FORBIDDEN!r}]\n"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_command_line_runs_without_qt():
    code = ("import sys\nfrom desktop.cli import build_parser\nbuild_parser()\n"
            "bad = [n for n in sys.modules if n.startswith(('PySide6', 'shiboken6'))]\n"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _all_imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function, as full names
    (``from models.core import ledger`` counts as ``models.core.ledger``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {n for n in names if n.startswith("models.")}


def _model_modules() -> dict[str, Path]:
    found = {}
    for path in (ROOT / "models").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name != "models":
            found[name] = path
    return found


def _package(module: str) -> str:
    return module.split(".")[1]


def _capabilities() -> dict[str, tuple[str, ...]]:
    from models.core import capability

    return {cap.name: cap.needs for cap in capability.load()}


def test_the_core_imports_no_capability():
    modules = _model_modules()
    offenders = sorted(f"{name} imports {target}"
                       for name, path in modules.items() if _package(name) == "core"
                       for target in _all_imports(path)
                       if target in modules and _package(target) != "core")
    assert not offenders, offenders


def test_a_capability_imports_the_core_and_only_the_capabilities_it_needs():
    modules = _model_modules()
    needs = _capabilities()
    offenders = []
    for name, path in modules.items():
        owner = _package(name)
        if owner not in needs:
            continue
        allowed = {"core", owner, *needs[owner]}
        offenders += [f"{name} imports {target}" for target in _all_imports(path)
                      if target in modules and _package(target) not in allowed]
    assert not sorted(offenders), sorted(offenders)


def test_no_module_under_models_is_in_an_import_circle():
    """Imports inside functions count: they hide a circle, they do not remove it. A package's
    ``__init__`` (its Capability declaration) may import its own modules; its modules never
    import it."""
    modules = _model_modules()
    graph = {name: {t for t in _all_imports(path) if t in modules and t != name}
             for name, path in modules.items()}
    # ``from models.loans import policy`` names the package, then the module: keep the module.
    for name, targets in graph.items():
        graph[name] = {t for t in targets
                       if not (modules[t].name == "__init__.py"
                               and any(o.startswith(t + ".") for o in targets))}
    circles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                circles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not circles, circles


def test_no_module_under_models_is_much_over_five_hundred_lines():
    long = {str(path.relative_to(ROOT)): n for path in (ROOT / "models").rglob("*.py")
            if "migrations" not in path.parts
            and (n := len(path.read_text(encoding="utf-8").splitlines())) > 520}
    assert not long, long
