"""The documented examples are valid problems, and examples/uldum.json is what its generator writes."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from solver.problem import Problem

ROOT = Path(__file__).resolve().parents[1]
FORMAT_DOC = ROOT / "docs" / "problem-format.md"
ULDUM = ROOT / "examples" / "uldum.json"
GENERATOR = ROOT / "examples" / "make_uldum.py"

JSON_BLOCK = re.compile(r"^```json[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)


def json_blocks(markdown: str) -> list[str]:
    return JSON_BLOCK.findall(markdown)


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_uldum", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_the_format_doc_has_a_json_example() -> None:
    assert json_blocks(FORMAT_DOC.read_text(encoding="utf-8"))


@pytest.mark.parametrize("block", json_blocks(FORMAT_DOC.read_text(encoding="utf-8")))
def test_every_json_block_of_the_format_doc_is_a_valid_problem(block: str) -> None:
    Problem.model_validate_json(block)


def test_the_worked_example_has_what_the_doc_says() -> None:
    problem = Problem.model_validate_json(json_blocks(FORMAT_DOC.read_text(encoding="utf-8"))[0])
    assert len(problem.staff) == 3
    assert problem.horizon.days == 7
    assert len(problem.shift_types) == 2
    assert len(problem.routes) == 1
    assert problem.cover
    assert {w.kind.value for w in problem.wishes} == {"want", "avoid", "veto"}
    assert problem.self_picks
    assert problem.locks


def test_uldum_is_a_valid_problem() -> None:
    problem = Problem.model_validate_json(ULDUM.read_text(encoding="utf-8"))
    assert 20 <= len(problem.staff) <= 30
    assert problem.horizon.days == 56


def test_the_generator_reproduces_uldum_byte_for_byte() -> None:
    generator = load_generator()
    text = generator.render(generator.build())
    assert text.encode("utf-8") == ULDUM.read_bytes(), (
        "run `python examples/make_uldum.py` and commit the result"
    )
