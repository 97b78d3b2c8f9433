"""`make bench`: the Curtois & Qu Instances 1–12 at 20 s each, written to docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.bench import curtois as bench


@pytest.mark.bench
def test_curtois_benchmark(curtois_dir: Path) -> None:
    assert bench.main(["--instances", "1-12", "--data", str(curtois_dir)]) == 0
