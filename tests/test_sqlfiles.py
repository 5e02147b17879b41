"""The warehouse's SQL files and the code that runs them agree: every statement the code asks for by name
(`query("name", FILE)`, `run_script(con, FILE, "name", …)`, `sections(FILE)["name"]`) is a section of
that file, every call names its file, and every section of every SQL file is run by some module of the
package (no dead SQL). Read from the sources (ast), nothing is run."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from modeltrail.warehouse import sqlfiles
from tests.conftest import REPO

#: the package's folders (their statements must exist; together they must use every section)
PACKAGE = ("pipelines", "spiders", "warehouse", "flows", "modeltrail")
#: code outside the package that names statements too (their names must exist as well)
OTHERS = ("bench", "tests")
WAREHOUSE = REPO / "warehouse"


def sql_files() -> dict[str, dict[str, list[str]]]:
    """Every SQL file beside the warehouse's modules that has named sections: file -> its sections."""
    return {p.name: sqlfiles.sections(p.name) for p in sorted(WAREHOUSE.glob("*.sql")) if sqlfiles.sections(p.name)}


def sources(folders) -> list[Path]:
    return sorted(p for d in folders for p in (REPO / d).rglob("*.py") if ".venv" not in p.parts)


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound to a string: `SQL = "x.sql"`, `MERGE, RUNS = "merge.sql", "runs.sql"`."""
    out = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            pairs = [(target, node.value)]
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                pairs = list(zip(target.elts, node.value.elts))
            for name, value in pairs:
                if isinstance(name, ast.Name) and isinstance(value, ast.Constant) and isinstance(value.value, str):
                    out[name.id] = value.value
    return out


def _called(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return node.func.id
        if isinstance(node.func, ast.Attribute):
            return node.func.attr
    return None


def _text(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def uses(path: Path) -> tuple[list[tuple[int, str | None, str]], set[str], set[str]]:
    """(line, file or None when not given or not a string/module constant, section) of every statement
    the file asks for by name; the SQL files whose sections it binds to a name (`sql = sections(MERGE)`,
    then maybe `sql[section]` in a loop); every string constant in it."""
    tree = ast.parse(path.read_text("utf-8"))
    consts = _constants(tree)

    def file_of(node: ast.AST | None) -> str | None:
        if isinstance(node, ast.Name):
            return consts.get(node.id)
        return _text(node)

    found, scripts = [], {}  # scripts: a name bound to sections(FILE) ("sql = sections(MERGE)")
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _called(node.value) == "sections" and node.value.args:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    scripts[target.id] = file_of(node.value.args[0])
    for node in ast.walk(tree):
        kind = _called(node)
        if kind == "query" and node.args and _text(node.args[0]) and _text(node.args[0]).isidentifier():
            given = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "file"), None)
            found.append((node.lineno, file_of(given), _text(node.args[0])))
        elif kind == "run_script" and len(node.args) >= 3 and _text(node.args[2]):
            found.append((node.lineno, file_of(node.args[1]), _text(node.args[2])))
        elif isinstance(node, ast.Subscript) and _text(node.slice):
            if _called(node.value) == "sections" and node.value.args:
                found.append((node.lineno, file_of(node.value.args[0]), _text(node.slice)))
            elif isinstance(node.value, ast.Name) and node.value.id in scripts:
                found.append((node.lineno, scripts[node.value.id], _text(node.slice)))
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return found, {f for f in scripts.values() if f}, strings


def test_the_scan_sees_the_ways_statements_are_named():
    """(the other tests are only as good as this reading of the code)"""
    found, looped, _ = uses(WAREHOUSE / "load.py")
    assert (next(f for _, f, n in found if n == "keys")) == "merge.sql"  # query("keys", MERGE)
    assert looped == {"merge.sql"}  # sql = sections(MERGE); for section in ("cards", …): sql[section]
    assert ("runs.sql", "interrupt_run") in {(f, n) for _, f, n in found}  # run_script(con, RUNS, "interrupt_run", …)
    assert ("merge.sql", "undo") in {(f, n) for _, f, n in found}  # sql = sections(MERGE); sql["undo"]
    found, _, _ = uses(WAREHOUSE / "lake.py")
    assert ("locks.sql", "name_holder") in {(f, n) for _, f, n in found}  # sections("locks.sql")["name_holder"]
    assert len([u for p in sources(PACKAGE) for u in uses(p)[0]]) > 100


def test_query_names_its_file():
    assert inspect.signature(sqlfiles.query).parameters["file"].default is inspect.Parameter.empty
    assert not (WAREHOUSE / "queries.sql").exists()


def test_every_statement_asked_for_is_a_section_of_the_file_named():
    files = sql_files()
    wrong = []
    for path in sources(PACKAGE + OTHERS):
        for line, file, name in uses(path)[0]:
            where = f"{path.relative_to(REPO)}:{line}"
            if file is None:
                wrong.append(f"{where}: {name!r} names no SQL file (a string or a module-level constant)")
            elif file not in files:
                wrong.append(f"{where}: {name!r} from {file}, which is no SQL file of the warehouse with sections")
            elif name not in files[file]:
                wrong.append(f"{where}: {file} has no section {name!r}")
    assert wrong == []


def test_every_section_of_every_sql_file_is_run_by_the_package():
    """A section counts as used where a module of the package asks for it by name, or binds its file's
    sections to a name and holds its name as a string (load.py: `for section in ("cards", …): sql[section]`)."""
    named: set[tuple[str, str]] = set()
    for path in sources(PACKAGE):
        found, looped, strings = uses(path)
        named |= {(f, n) for _, f, n in found}
        named |= {(f, s) for f in looped for s in strings}
    dead = [f"{file}: {name}" for file, sections in sql_files().items() for name in sections if (file, name) not in named]
    assert dead == []


def test_every_sql_file_is_shipped_with_the_package():
    """pyproject's package-data for modeltrail.warehouse takes *.sql beside the modules (and migrations/):
    a SQL file in a folder of its own would not be installed."""
    shipped = {p.relative_to(WAREHOUSE).as_posix() for p in WAREHOUSE.rglob("*.sql")}
    assert {s for s in shipped if "/" in s and not s.startswith("migrations/")} == set()
    assert set(sql_files()) <= shipped


def test_docs_list_every_sql_file():
    """docs/ARCHITECTURE.md's "Where the SQL is" has a row for every file of named statements."""
    doc = (REPO / "docs" / "ARCHITECTURE.md").read_text("utf-8")
    table = doc.split("## Where the SQL is", 1)[1]
    assert [f for f in sql_files() if f"| `{f}` |" not in table] == []
