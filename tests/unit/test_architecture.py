"""The layout as a specification: the core never imports streamlit, imports point down the layers, no circles,
and code outside a simulate/ subpackage uses only the API its __init__ re-exports.

Imports are read with `ast` (every import statement, including those inside functions), so the test needs no
dependency and sees lazy imports too.

Layers, top to bottom (an import may point to its own layer's package or lower, never higher):
    5  app, pages, simulate.cli, forecast.cli (+ the __main__ modules)   entry points
    4  ui                                                                  streamlit glue
    3  report                                                              deck, HTML, XLSX exports
    2  charts                                                              pure Altair builders
    1  simulate.<domain>, forecast                                         models
    0  store, simulate.scenario, crm, kpi                                  values, storage, import, KPI catalogue
Inside layer 1 the domains may use each other's public API as long as no circle forms; inside layer 0,
`kpi` and `crm` import nothing of ours outside themselves, `simulate.scenario` only `kpi`, `store` only
`simulate.scenario`.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {"app", "pages", "ui", "report", "charts", "simulate", "forecast", "crm", "kpi", "store"}
CORE = ("simulate", "forecast", "crm", "kpi", "store")
ENTRY_POINTS = ("simulate.cli", "simulate.__main__", "forecast.cli", "forecast.__main__", "forecast.clv.cli")
SIMULATE_DOMAINS = ("scenario", "funnel", "pipeline", "capacity", "economics", "standards", "decide", "plan", "cli")
PAGE_LIMIT = 250

# What each unit of the lowest layer may import besides itself.
BOTTOM_ALLOWED = {
    "kpi": set(),
    "crm": set(),
    "simulate.scenario": {"kpi"},
    "store": {"simulate.scenario"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def source_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in ("pages", "ui", "report", "charts", *CORE):
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def is_package(name: str) -> bool:
    return (ROOT / Path(*name.split(".")) / "__init__.py").is_file()


def is_module(name: str) -> bool:
    return is_package(name) or (ROOT / Path(*name.split("."))).with_suffix(".py").is_file()


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import of ours in the file; `from pkg import sub` yields pkg.sub."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] in OURS]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] not in OURS:
                continue
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.append((node.lineno, full if is_module(full) else node.module))
    return found


def unit_of(name: str) -> str:
    """The unit a module belongs to: simulate.<domain>, simulate.cli, forecast.cli, or its top-level package."""
    parts = name.split(".")
    if parts[0] == "simulate" and len(parts) > 1 and parts[1] in SIMULATE_DOMAINS:
        return f"simulate.{parts[1]}"
    for entry in ENTRY_POINTS:
        if name == entry or name.startswith(entry + "."):
            return entry
    return parts[0]


def layer_of(unit: str) -> int:
    if unit in ("app", "pages", *ENTRY_POINTS):
        return 5
    return {"ui": 4, "report": 3, "charts": 2, "forecast": 1, "store": 0, "crm": 0, "kpi": 0}.get(
        unit, 0 if unit == "simulate.scenario" else 1 if unit.startswith("simulate") else 5
    )


def import_graph() -> dict[str, list[tuple[str, int, str]]]:
    """module -> [(file, line, imported module)]"""
    graph: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    for path in source_files():
        name = module_name(path)
        for line, target in imports_of(path):
            graph[name].append((str(path.relative_to(ROOT)), line, target))
    return graph


GRAPH = import_graph()


def test_every_layer_unit_is_known():
    units = {unit_of(name) for name in GRAPH} | {unit_of(t) for edges in GRAPH.values() for _, _, t in edges}
    unknown = sorted(u for u in units if u == "simulate")
    assert not unknown, f"modules directly under simulate/ belong in a domain subpackage: {unknown}"


@pytest.mark.parametrize("package", CORE)
def test_core_never_imports_streamlit(package):
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] == "streamlit" for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, f"the core must not import streamlit: {offenders}"


def test_imports_point_down_the_layers():
    upward = []
    for name, edges in GRAPH.items():
        source = unit_of(name)
        for file, line, target in edges:
            dest = unit_of(target)
            if dest == source:
                continue
            if layer_of(dest) > layer_of(source):
                upward.append(f"{file}:{line} {source} (layer {layer_of(source)}) -> {dest} (layer {layer_of(dest)})")
            elif layer_of(source) == 0 and dest not in BOTTOM_ALLOWED.get(source, set()):
                upward.append(f"{file}:{line} {source} may import only {sorted(BOTTOM_ALLOWED[source])}, not {dest}")
            elif source == "charts" and dest == "report" or source == "kpi" and dest.startswith("simulate"):
                upward.append(f"{file}:{line} {source} -> {dest}")
    assert not upward, "imports pointing up a layer:\n" + "\n".join(upward)


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle in a directed graph as a list of nodes, or None."""
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if colour.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if colour.get(nxt) is None:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        colour[node] = 2
        return None

    for node in sorted(graph):
        if colour.get(node) is None:
            found = visit(node)
            if found:
                return found
    return None


def _resolve(target: str) -> str:
    """An imported name's module file: a package means its __init__."""
    return target


def test_no_import_circles_between_modules():
    graph = {name: {_resolve(t) for _, _, t in edges if _resolve(t) != name} for name, edges in GRAPH.items()}
    # A package's __init__ re-exporting its own modules is not a circle with them.
    for name in graph:
        graph[name] = {t for t in graph[name] if not (is_package(name) and t.startswith(name + "."))}
    cycle = _cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_no_circles_between_packages():
    graph: dict[str, set[str]] = defaultdict(set)
    for name, edges in GRAPH.items():
        for _, _, target in edges:
            if unit_of(target) != unit_of(name):
                graph[unit_of(name)].add(unit_of(target))
    cycle = _cycle(graph)
    assert cycle is None, "circle between packages: " + " -> ".join(cycle)


def test_outside_code_uses_only_each_simulate_subpackage_api():
    reaching_in = []
    for name, edges in GRAPH.items():
        for file, line, target in edges:
            dest = unit_of(target)
            if dest.startswith("simulate.") and dest != unit_of(name) and target != dest:
                reaching_in.append(f"{file}:{line} imports {target}; use `from {dest} import ...`")
    assert not reaching_in, "imports past a subpackage's public API:\n" + "\n".join(reaching_in)


def test_every_simulate_subpackage_states_its_api():
    for domain in SIMULATE_DOMAINS:
        init = ROOT / "simulate" / domain / "__init__.py"
        tree = ast.parse(init.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"simulate/{domain}/__init__.py needs a docstring stating its public API"
        exported = next(
            (
                n
                for n in tree.body
                if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets)
            ),
            None,
        )
        assert exported is not None, f"simulate/{domain}/__init__.py must list its public API in __all__"


def test_no_page_over_the_limit():
    long_pages = {
        str(p.relative_to(ROOT)): n
        for p in sorted((ROOT / "pages").glob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > PAGE_LIMIT
    }
    assert not long_pages, f"pages must stay under {PAGE_LIMIT} lines: {long_pages}"


def test_the_checks_catch_what_they_claim_to(tmp_path):
    """The cycle finder and the layer rule see a planted circle and a planted upward import."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert layer_of(unit_of("charts.funnel")) < layer_of(unit_of("report.deck"))
    assert layer_of(unit_of("simulate.funnel.engine")) > layer_of(unit_of("simulate.scenario.value"))
    assert layer_of(unit_of("simulate.cli.run")) > layer_of(unit_of("ui.state"))
    planted = tmp_path / "planted.py"
    planted.write_text("import streamlit as st\nfrom simulate.funnel import engine\n")
    assert [t for _, t in imports_of(planted)] == ["simulate.funnel.engine"]
