"""The arrows run api → planner → solver, never back: checked on the import statements of every module
(also those inside functions), so a lazy import cannot hide a wrong arrow."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What each layer must never import: the layers above it, and (below the API) the web framework.
FORBIDDEN = {
    "solver": ("planner", "api", "fastapi", "starlette", "sqlmodel", "sqlalchemy", "uvicorn"),
    "planner": ("api", "fastapi", "starlette"),
}


def imported(path: Path) -> set[str]:
    """Every module an import statement of the file names, wherever the statement stands."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif (  # __import__("x.y") and importlib.import_module("x.y") with a literal name
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr)
            in ("__import__", "import_module")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_imports_the_ones_above_it(layer: str) -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / layer).rglob("*.py"))
        for name in sorted(imported(path))
        if name.split(".")[0] in FORBIDDEN[layer]
    ]
    assert wrong == []
