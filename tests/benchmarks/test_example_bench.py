"""`make bench`: the home-care example at 10 s and 60 s over three seeds, written to docs/benchmarks.md."""

from __future__ import annotations

import pytest

from planner.bench import example as example_bench


@pytest.mark.bench
def test_example_benchmark() -> None:
    assert example_bench.main([]) == 0
