"""Planning pauses the cyclic garbage collector (see ``compile_plan``) and leaves it as
it found it, whether the plan is made or refused."""

from __future__ import annotations

import gc

import pytest

from octoflow import Octoflow
from octoflow.errors import PlanError
from octoflow.plan import compiler


@pytest.fixture(scope="module")
def octo() -> Octoflow:
    return Octoflow.with_sandbox("demo")


def test_no_collection_runs_while_compiling_and_the_collector_runs_after(octo, monkeypatch) -> None:
    compiling, collected_while = [False], []
    real = compiler._compile

    def watched(*args, **kwargs):
        compiling[0] = True
        gc.collect(0)  # asked for explicitly: runs even when paused (proves the hook works)
        try:
            return real(*args, **kwargs)
        finally:
            compiling[0] = False

    def on_gc(phase, info) -> None:
        if phase == "start" and compiling[0]:
            collected_while.append(info["generation"])

    monkeypatch.setattr(compiler, "_compile", watched)
    gc.callbacks.append(on_gc)
    try:
        for _ in range(3):
            octo.plan(octo.tenants.where(tag="Region/EU").add_tag("Tier/Gold"))
    finally:
        gc.callbacks.remove(on_gc)
    assert collected_while == [0, 0, 0]  # only the explicit ones: none on its own
    assert gc.isenabled()


def test_the_collector_runs_again_after_a_refused_plan(octo) -> None:
    with pytest.raises(PlanError):
        octo.plan(octo.tenants.where(tag="Region/EU").add_project("No Such Project"))
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused(octo) -> None:
    gc.disable()
    try:
        octo.plan(octo.tenants.where(tag="Region/EU").add_tag("Tier/Gold"))
        assert not gc.isenabled()
    finally:
        gc.enable()
