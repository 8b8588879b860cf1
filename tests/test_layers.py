"""Imports flow one way: a module never imports a higher layer, and the library never imports streamlit.

Layers, lowest first (docs in README, "where a rule lives"):
0 core nouns, flat in questionbank/ (problems, errors, documents, schemas, standards, items, ...)
1 checks/
2 stats/, interchange/
3 reports/          (PDF only: typed values in, bytes out; never a database)
4 delivery/         (database, publishing, attempts, practice, results, accounts)
5 cli/
The exam app (exam_app/) sits above all of them and is never imported by the library.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "questionbank"
LAYERS = {"checks": 1, "stats": 2, "interchange": 2, "reports": 3, "delivery": 4, "cli": 5}
FORBIDDEN_IN_LIBRARY = ("streamlit", "exam_app")
# what reports/ must never touch: it takes typed values and never opens a database
FORBIDDEN_IN_REPORTS = ("sqlalchemy", "psycopg", "alembic", "questionbank.delivery")


def _layer(module: str) -> int:
    parts = module.split(".")
    if parts[0] != "questionbank":
        return -1
    if len(parts) > 1 and parts[1] == "__main__":
        return LAYERS["cli"]  # the entry point of ``python -m questionbank`` is the CLI
    return LAYERS.get(parts[1], 0) if len(parts) > 1 else 0


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names if node.module == "questionbank"]
    return found


def _library_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]


def test_no_module_imports_a_higher_layer():
    violations = []
    for path in _library_files():
        own = _layer(_module_name(path))
        for line, module in _imports(path):
            if _layer(module) > own:
                violations.append(f"{path.relative_to(ROOT)}:{line} imports {module} (layer {_layer(module)} > {own})")
    assert violations == []


def test_the_library_never_imports_streamlit_or_the_app():
    bad = [f"{p.relative_to(ROOT)}:{line} imports {m}" for p in _library_files() for line, m in _imports(p) if m.split(".")[0] in FORBIDDEN_IN_LIBRARY]
    assert bad == []


def test_reports_never_open_a_database():
    bad = [
        f"{p.relative_to(ROOT)}:{line} imports {m}"
        for p in (PACKAGE / "reports").rglob("*.py")
        for line, m in _imports(p)
        if m.startswith(FORBIDDEN_IN_REPORTS)
    ]
    assert bad == []


def test_the_checker_itself_sees_a_violation(tmp_path):
    """The rule can fail: imports written any way are found and ranked."""
    module = tmp_path / "m.py"
    module.write_text("import os\nfrom questionbank import delivery\n\ndef f():\n    from questionbank.cli.output import EXIT_OK\n", encoding="utf-8")
    found = _imports(module)
    assert (2, "questionbank.delivery") in found and (5, "questionbank.cli.output") in found
    assert [_layer(m) for _, m in found if m.startswith("questionbank")] == [0, 4, 5]
    assert _layer(_module_name(PACKAGE / "problems.py")) == 0


def test_no_cli_module_is_long():
    lengths = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (PACKAGE / "cli").glob("*.py")}
    assert {name: n for name, n in lengths.items() if n > 260} == {}
