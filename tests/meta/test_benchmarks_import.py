"""The benchmark scripts are not run by the suite (their figures depend on the machine),
but each must still import: one renamed helper broke a script unnoticed once."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCHMARKS = sorted(p.stem for p in (Path(__file__).parents[1] / "benchmark").glob("bench_*.py"))


def test_there_are_benchmarks() -> None:
    assert len(BENCHMARKS) >= 8


@pytest.mark.parametrize("name", BENCHMARKS)
def test_a_benchmark_script_imports_and_has_a_main(name) -> None:
    module = importlib.import_module(f"tests.benchmark.{name}")
    assert callable(module.main)
