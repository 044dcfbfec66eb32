"""The house's structure: no import cycles, and imports only point down the declared layers.

``LAYERS`` is the one place where the layer order is declared (``docs/architecture.md`` draws
it). Each layer is a list of groups; a group is a tuple of module prefixes. A module may import
from its own group and from any lower layer, never from a higher layer nor from a sibling group
of its own layer. Every import counts, also one inside a function (a lazy import that dodges a
cycle is still a cycle in the design); only imports under ``if TYPE_CHECKING:`` are left out.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "integrering"

# Bottom to top.
LAYERS: list[list[tuple[str, ...]]] = [
    # The shared kit: settings, form and page helpers, tables in and out, PDFs, charts, jobs.
    [
        (
            "integrering.settings",
            "integrering.testing_env",
            "integrering.concurrency",
            "integrering.errors",
            "integrering.schemas",
            "integrering.ui",
            "integrering.tables",
            "integrering.exports",
            "integrering.pdf",
            "integrering.charts",
            "integrering.jobs",
            "integrering.commands",
            "integrering.validators",
        )
    ],
    # Law as dated parameters and pure formulas.
    [("integrering.rules",)],
    [("integrering.organisations",)],
    # Users, roles, tokens and the access module.
    [("integrering.accounts",)],
    [("integrering.audit",)],
    # The registry: households, persons, consent.
    [("integrering.people",)],
    # The municipality's case: arrival, notices, deadlines, mapping, plan, practice.
    [("integrering.casework",)],
    [("integrering.programme",), ("integrering.settlement",)],
    [("integrering.surveys",), ("integrering.finance",), ("integrering.news",)],
    # Assembly: the start page, the API, the routes, the demo world and the test factories.
    [
        ("integrering.web",),
        ("integrering.api", "integrering.urls", "integrering.wsgi", "integrering.__main__"),
        ("integrering.demo",),
        (
            "integrering.testing",
            "integrering.programme.testing",
            "integrering.settlement.testing",
            "integrering.surveys.testing",
        ),
    ],
]

# Imports that still point the wrong way, as (importer, imported) module pairs: the work of
# issue 19 that is not done yet. The test fails on any import that points up and is not listed,
# and on a listed one that is gone, so this list only ever shrinks.
KNOWN_UPWARD: set[tuple[str, str]] = set()  # empty: every import points down


def _modules() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if "migrations" in parts or "tests" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _owner(name: str) -> str | None:
    """The module of ours that ``name`` (a module, or a name in a module) lives in."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and (
        (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
        or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
    )


def _imports(module: str, path: Path) -> Iterator[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def walk(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child
            yield from walk(child)

    for node in walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            names = [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            if not name.startswith("integrering"):
                continue
            target = _owner(name)
            if target is not None and target != module:
                yield target


def import_graph() -> dict[str, set[str]]:
    return {module: set(_imports(module, path)) for module, path in MODULES.items()}


def layer_of(module: str) -> tuple[int, int]:
    """(layer, group) of a module: the longest declared prefix that it falls under."""
    if module == "integrering":  # the package's empty __init__
        return 0, 0
    best: tuple[int, int, int] | None = None
    for layer, groups in enumerate(LAYERS):
        for group, prefixes in enumerate(groups):
            for prefix in prefixes:
                matches = module == prefix or module.startswith(prefix + ".")
                if matches and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), layer, group)
    if best is None:
        raise AssertionError(f"{module} is in no layer: declare it in LAYERS")
    return best[1], best[2]


def upward_imports(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    wrong: set[tuple[str, str]] = set()
    for module, targets in graph.items():
        layer, group = layer_of(module)
        for target in targets:
            target_layer, target_group = layer_of(target)
            if target_layer > layer or (target_layer == layer and target_group != group):
                wrong.add((module, target))
    return wrong


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component: list[str] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_module_is_part_of_an_import_cycle() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_every_module_is_in_a_declared_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_imports_point_down_the_layers() -> None:
    wrong = upward_imports(import_graph())
    new = sorted(wrong - KNOWN_UPWARD)
    assert not new, "imports into a higher layer or a sibling:\n" + "\n".join(
        f"{a} -> {b}" for a, b in new
    )


def test_the_list_of_known_upward_imports_only_shrinks() -> None:
    gone = sorted(KNOWN_UPWARD - upward_imports(import_graph()))
    assert not gone, "fixed, remove from KNOWN_UPWARD:\n" + "\n".join(
        f"{a} -> {b}" for a, b in gone
    )


def test_the_checker_sees_a_cycle_and_an_upward_import() -> None:
    """The checks above can fail: a made-up graph with a cycle and an upward import."""
    graph = {
        "integrering.people.a": {"integrering.casework.b"},
        "integrering.casework.b": {"integrering.people.a"},
        "integrering.rules.c": set(),
    }
    assert cycles(graph) == [["integrering.casework.b", "integrering.people.a"]]
    assert upward_imports(graph) == {("integrering.people.a", "integrering.casework.b")}


def test_sibling_groups_of_one_layer_may_not_import_each_other() -> None:
    graph = {"integrering.finance.x": {"integrering.surveys.y"}, "integrering.surveys.y": set()}
    assert upward_imports(graph) == {("integrering.finance.x", "integrering.surveys.y")}


def _by_app(pairs: set[tuple[str, str]]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for a, b in pairs:
        counts[f"{a.split('.')[1]} -> {b.split('.')[1]}"] += 1
    return counts


def _calls_of_the_machine_clock(path: Path) -> Iterator[int]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "today"
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "date"
        ):
            yield node.lineno


def test_today_is_the_day_in_oslo_never_the_machine_clock() -> None:
    # date.today() is the server's day; between 23:00 and 01:00 UTC it is not Oslo's, and a
    # deadline or a default date would be off by one (it failed CI once, in a browser test).
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for folder in (PACKAGE, ROOT / "tests", ROOT / "benchmarks")
        for path in sorted(folder.rglob("*.py"))
        for line in _calls_of_the_machine_clock(path)
    ]
    assert found == [], "use django.utils.timezone.localdate(): " + ", ".join(found)
