"""The import graph of ``movequal`` and ``api``: the core never imports the service, and no cycles.

Every ``.py`` file under the two packages is parsed with ``ast``; imports at module level and inside
functions both count, relative imports are resolved against the importing module, and
``importlib.import_module("...")`` with a literal name counts as an import too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("movequal", "api")


def module_name(path: Path) -> str:
    """Return the dotted module name of a source file under the repository root."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def collect_modules() -> dict[str, Path]:
    """Map every module of the two packages to its source file."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def resolve_relative(importer: str, is_package: bool, level: int, name: str | None) -> str:
    """Turn ``from ..x import y`` inside ``importer`` into an absolute module name."""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def imported_names(tree: ast.AST, importer: str, is_package: bool) -> Iterator[str]:
    """Yield every dotted name the module imports, anywhere in its body."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = resolve_relative(importer, is_package, node.level, node.module)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and _is_import_module_call(node.func) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield first.value


def _is_import_module_call(func: ast.expr) -> bool:
    if isinstance(func, ast.Attribute):
        return func.attr in {"import_module", "__import__"}
    return isinstance(func, ast.Name) and func.id in {"import_module", "__import__"}


def to_module(name: str, modules: dict[str, Path]) -> str | None:
    """Return the longest known module that ``name`` names or lies inside (``a.b.func`` → ``a.b``)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def build_graph() -> dict[str, set[str]]:
    """Return the import graph: module → the modules of the two packages it imports."""
    modules = collect_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        targets = {to_module(imported, modules) for imported in imported_names(tree, name, is_package)}
        graph[name] = {target for target in targets if target is not None}
    return graph


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Return every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph.get(todo.pop(), set()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components: modules that reach one another through imports."""
    reach = {node: reachable(graph, node) for node in graph}
    components: list[list[str]] = []
    placed: set[str] = set()
    for node in sorted(graph):
        if node not in placed:
            component = {node} | {other for other in reach[node] if node in reach.get(other, set())}
            placed |= component
            components.append(sorted(component))
    return components


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the import cycles: components of more than one module, and modules importing themselves."""
    cycles = [component for component in strongly_connected(graph) if len(component) > 1]
    cycles += [[name] for name, targets in graph.items() if name in targets]
    return sorted(cycles)


def core_imports_of_service(graph: dict[str, set[str]]) -> list[str]:
    """Return ``importer -> api.module`` for every import of the service from the core."""
    return sorted(
        f"{importer} -> {target}"
        for importer, targets in graph.items()
        if importer.split(".")[0] == "movequal"
        for target in targets
        if target.split(".")[0] == "api"
    )


def test_the_graph_sees_both_packages_and_inner_imports() -> None:
    graph = build_graph()
    assert "movequal.pipeline" in graph and "api.main" in graph
    assert "movequal.core.scoring" in graph["movequal.pipeline"]  # a module-level import
    assert any(target.startswith("movequal.") for target in graph["api.worker"])


def test_the_cycle_finder_reports_every_kind_of_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}, "e": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c"], ["d"]]
    assert core_imports_of_service({"movequal.x": {"api.y", "movequal.z"}, "api.y": {"movequal.x"}}) == [
        "movequal.x -> api.y"
    ]


def test_relative_imports_resolve_against_the_importer() -> None:
    assert resolve_relative("api.routes.web", False, 2, "config") == "api.config"
    assert resolve_relative("api.routes", True, 1, "web") == "api.routes.web"
    assert resolve_relative("movequal.batch.local", False, 1, None) == "movequal.batch"


def test_core_never_imports_the_service() -> None:
    offending = core_imports_of_service(build_graph())
    assert not offending, "movequal/ imports api/:\n" + "\n".join(offending)


def test_no_import_cycles() -> None:
    cycles = find_cycles(build_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(cycle) for cycle in cycles)


LIVE_ENGINE = {"movequal.live.session", "movequal.live.run", "movequal.live.incremental"}


def test_the_offline_pipeline_does_not_load_the_live_engine() -> None:
    loaded = reachable(build_graph(), "movequal.pipeline")
    assert "movequal.report.annotate" in loaded and "movequal.core.scoring" in loaded
    assert not loaded & LIVE_ENGINE, f"movequal.pipeline reaches {sorted(loaded & LIVE_ENGINE)}"


LAYER_RANK = {
    "movequal": 0,
    "movequal.errors": 0,
    "movequal.runtime": 0,
    "movequal.io": 1,
    "movequal.pose": 2,
    "movequal.core": 3,
    "movequal.synthetic": 4,
    "movequal.report": 4,
    "movequal.pipeline": 5,
    "movequal.live": 6,
    "movequal.batch": 6,
    "movequal.plugins": 7,
    "movequal.cli": 8,
    "movequal.cli_dose": 8,
    "movequal.cli_pdf": 8,
    "movequal.cli_summary": 8,
    "movequal.__main__": 8,
    "api": 9,
}
"""The layers of docs/ARCHITECTURE.md, bottom up: a module imports only from its own layer or lower ones."""


def layer_of(module: str) -> str:
    """Return the layer a module belongs to: the longest prefix listed in :data:`LAYER_RANK`."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in LAYER_RANK:
            return ".".join(parts[:end])
    raise AssertionError(f"{module} belongs to no layer: add its package to LAYER_RANK and docs/ARCHITECTURE.md")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Return ``importer -> target`` for every import of a higher layer."""
    return sorted(
        f"{importer} ({layer_of(importer)}) -> {target} ({layer_of(target)})"
        for importer, targets in graph.items()
        for target in targets
        if LAYER_RANK[layer_of(target)] > LAYER_RANK[layer_of(importer)]
    )


def test_layers_import_only_downwards() -> None:
    offending = upward_imports(build_graph())
    assert not offending, "imports that go up a layer:\n" + "\n".join(offending)


def test_the_layer_check_catches_an_upward_import() -> None:
    graph = {"movequal.core.scoring": {"movequal.report.html"}, "movequal.report.html": {"movequal.core.scoring"}}
    assert upward_imports(graph) == ["movequal.core.scoring (movequal.core) -> movequal.report.html (movequal.report)"]
