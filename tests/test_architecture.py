"""The house plan (docs/ARCHITECTURE.md): each layer imports only the layers below it, and no modules
import each other in a loop. Read from the code's own imports (ast), nothing is run."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.conftest import REPO

#: bottom to top
LAYERS = ("pipelines", "spiders", "warehouse", "flows", "modeltrail")
PACKAGE = {"modeltrail.pipelines": "pipelines", "modeltrail.spiders": "spiders",
           "modeltrail.warehouse": "warehouse", "modeltrail.flows": "flows"}


def module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    if parts[0] != "modeltrail":
        parts = ["modeltrail", *parts]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def layer(module: str) -> str | None:
    for prefix, name in PACKAGE.items():
        if module == prefix or module.startswith(prefix + "."):
            return name
    if module in ("modeltrail", "modeltrail.__version__"):  # the root package: every layer is inside it
        return None
    return "modeltrail" if module.startswith("modeltrail.") else None


def project_files() -> list[Path]:
    return [p for d in LAYERS for p in (REPO / d).rglob("*.py") if ".venv" not in p.parts]


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every project import, absolute or relative, at any depth of the file."""
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(up + ([base] if base else []))
            out.append((node.lineno, base))
            out += [(node.lineno, f"{base}.{a.name}") for a in node.names]  # `from pkg import module`
    return [(n, m) for n, m in out if m.startswith("modeltrail.")]


def known_modules() -> set[str]:
    return {module_name(p) for p in project_files()}


def test_each_layer_imports_only_the_layers_below_it():
    upward = []
    for path in project_files():
        mine = LAYERS.index(path.relative_to(REPO).parts[0])  # (its folder)
        for line, module in imports(path):
            theirs = layer(module)
            if theirs and LAYERS.index(theirs) > mine:
                upward.append(f"{path.relative_to(REPO)}:{line} imports {module} ({theirs} is above)")
    assert upward == []


def test_no_modules_import_each_other_in_a_loop():
    known = known_modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for path in project_files():
        me = module_name(path)
        for _, module in imports(path):
            if module in known and module != me and not me.startswith(module + "."):
                graph[me].add(module)
    # Tarjan's strongly connected components: a component of more than one module is a cycle
    index, low, stack, on, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in list(graph):
        if v not in index:
            visit(v)
    assert cycles == []


def test_the_layers_are_the_folders_the_readme_names():
    for d in LAYERS:
        assert (REPO / d / "__init__.py").exists(), d
    readme = (REPO / "README.md").read_text()
    for d in ("spiders/", "pipelines/", "warehouse/", "flows/", "modeltrail/"):
        assert f"\n{d}" in readme


def test_only_the_cli_reads_where_the_warehouse_is_from_the_environment():
    """One Warehouse, worked out once: MODELTRAIL_DB and MODELTRAIL_DATA_PATH are the CLI's options'
    variables (modeltrail/cliutil.py declares them), and no layer below reads them, except the flows'
    entry for runs a Prefect worker starts with no db_file (flows/deployed.py)."""
    allowed = {REPO / "modeltrail" / "cliutil.py", REPO / "flows" / "deployed.py"}
    readers = []
    for path in project_files():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and node.value in ("MODELTRAIL_DB", "MODELTRAIL_DATA_PATH"):
                readers.append((path, node.lineno))
    assert {p for p, _ in readers} <= allowed, [f"{p.relative_to(REPO)}:{n}" for p, n in readers if p not in allowed]
    assert {p for p, _ in readers} == allowed  # (both still say where)
