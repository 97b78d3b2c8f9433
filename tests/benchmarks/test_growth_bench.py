"""`make bench`: home-care teams of 10 to 200 people at 10 s and 60 s, written to docs/benchmarks.md."""

from __future__ import annotations

import pytest

from planner.bench import growth


@pytest.mark.bench
def test_growth_benchmark() -> None:
    assert growth.main([]) == 0
