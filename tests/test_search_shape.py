"""The shape of the solver's search code: one place makes CP-SAT solvers (`solver.cpsat.make_solver`),
fixed variables and hints always come back (`fixed`, `hinted`), imports run one way (model → search →
people → build), and the solver logs instead of printing."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
from conftest import tiny
from ortools.sat.python import cp_model

from solver import SolveParams, cpsat, solve

SOLVER = Path(__file__).resolve().parent.parent / "solver"


def _module(path: Path) -> str:
    parts = path.relative_to(SOLVER.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.Module, module: str) -> set[str]:
    """The solver modules `module` imports when it runs (anywhere in it, not under `if TYPE_CHECKING`)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for statement in node.orelse:
                visit(statement)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("solver"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("solver"):
            # `from solver import stop` imports the module solver.stop (the package's own `solve` imports
            # solver.model only when called: the package is not an edge of this graph)
            if node.module != "solver":
                found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    found.discard(module)
    return found


def _graph() -> dict[str, set[str]]:
    trees = {_module(p): ast.parse(p.read_text(), str(p)) for p in SOLVER.rglob("*.py")}
    return {m: {i for i in _runtime_imports(t, m) if i in trees} for m, t in trees.items()}


def _reaches(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def test_search_imports_run_one_way() -> None:
    graph = _graph()
    assert "solver.search" in graph["solver.model"]
    assert "solver.people" in graph["solver.search"]
    assert "solver.build" in graph["solver.people"]
    for lower in ("solver.search", "solver.people", "solver.build", "solver.cpsat"):
        assert "solver.model" not in _reaches(graph, lower), lower
    for lower in ("solver.people", "solver.build", "solver.cpsat"):
        assert "solver.search" not in _reaches(graph, lower), lower
    assert "solver.people" not in _reaches(graph, "solver.build")
    assert graph["solver.cpsat"] == set()


def test_only_cpsat_makes_solvers_and_nothing_prints() -> None:
    for path in SOLVER.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = ast.unparse(node.func)
            assert name != "print", f"{path.name}:{node.lineno} prints"
            if path.name != "cpsat.py":
                assert not name.endswith("CpSolver"), f"{path.name}:{node.lineno} makes its own CpSolver"


def test_make_solver_sets_what_it_is_given() -> None:
    solver = cpsat.make_solver(
        0.0, workers=3, seed=7, subsolvers=("max_lp",), first_only=True, presolve_iterations=1
    )
    p = solver.parameters
    assert p.max_time_in_seconds == cpsat.MIN_TIME_LIMIT
    assert (p.num_workers, p.random_seed) == (3, 7)
    assert list(p.subsolvers) == ["max_lp"]
    assert p.stop_after_first_solution
    assert p.max_presolve_iterations == 1
    assert not p.log_search_progress
    plain = cpsat.make_solver(5.0, workers=1, seed=0).parameters
    assert plain.max_time_in_seconds == 5.0
    assert not plain.stop_after_first_solution
    assert plain.max_presolve_iterations == cp_model.CpSolver().parameters.max_presolve_iterations


def test_search_log_goes_to_logging_not_stdout(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    model = cp_model.CpModel()
    x = model.new_int_var(0, 3, "x")
    model.maximize(x)
    solver = cpsat.make_solver(1.0, workers=1, seed=0, log_progress=True)
    with caplog.at_level(logging.INFO, logger="solver.cpsat"):
        assert solver.solve(model) == cp_model.OPTIMAL
    assert any(r.name == "solver.cpsat" for r in caplog.records)
    assert capfd.readouterr().out == ""


def _model() -> tuple[cp_model.CpModel, cp_model.IntVar, cp_model.IntVar]:
    model = cp_model.CpModel()
    x = model.new_int_var(0, 5, "x")
    y = model.new_bool_var("y")
    model.add_hint(x, 3)
    return model, x, y


def test_fixed_and_hinted_restore_the_model_also_after_an_error() -> None:
    model, x, y = _model()
    domains = [list(v.domain) for v in model.proto.variables]
    hint = (list(model.proto.solution_hint.vars), list(model.proto.solution_hint.values))
    with (
        pytest.raises(RuntimeError),
        cpsat.fixed(model, {x.index: 2, y.index: 1}),
        cpsat.hinted(model, [2, 1]),
    ):
        assert list(model.proto.variables[x.index].domain) == [2, 2]
        assert list(model.proto.solution_hint.vars) == [0, 1]
        solver = cpsat.make_solver(1.0, workers=1, seed=0)
        assert solver.solve(model) == cp_model.OPTIMAL
        assert (solver.value(x), solver.value(y)) == (2, 1)
        raise RuntimeError
    assert [list(v.domain) for v in model.proto.variables] == domains
    assert (list(model.proto.solution_hint.vars), list(model.proto.solution_hint.values)) == hint
    with cpsat.hinted(model, None):
        assert list(model.proto.solution_hint.vars) == []
    assert list(model.proto.solution_hint.values) == [3]


def test_fix_and_set_hint_change_a_clone_for_good() -> None:
    model, x, _ = _model()
    clone = model.clone()
    cpsat.fix(clone, {x.index: 4})
    cpsat.set_hint(clone, None)
    assert list(clone.proto.variables[x.index].domain) == [4, 4]
    assert list(clone.proto.solution_hint.vars) == []
    assert list(model.proto.variables[x.index].domain) == [0, 5]
    assert list(model.proto.solution_hint.values) == [3]


def test_person_search_logs_its_sweeps(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = tiny(cover=[{"shift": "dag", "need": 1}, {"shift": "aften", "need": 1, "weight_over": 5}])
    with caplog.at_level(logging.DEBUG, logger="solver.search"):
        solution = solve(problem, SolveParams(time_limit=1, workers=1, seed=1, strategy="people"))
    assert solution.has_rota
    assert any(r.name == "solver.search" and r.getMessage().startswith("sweep:") for r in caplog.records)
    assert capsys.readouterr().out == ""
