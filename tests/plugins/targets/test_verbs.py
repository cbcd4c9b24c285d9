"""Targets and workers as a provider: verbs describe themselves as the DSL call, a
selection is usable by another statement (``select(ctx)``), and the client side
imports only octoflow's public provider API."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import attrs
import pytest

from octoflow import Octoflow, PlanError
from tests.e2e.support import api_for

PROVIDER = Path(__file__).parents[3] / "plugins" / "targets"


@pytest.fixture(scope="module")
def octo() -> Octoflow:
    return Octoflow.with_sandbox("demo")


# Plan titles, notes and problems start with these texts; docs quote them.
DESCRIBED = [
    (lambda o: o.targets.add_role("api", "db"), "targets.add_role(roles=('api', 'db'))"),
    (lambda o: o.targets.remove_role("web"), "targets.remove_role(roles=('web',))"),
    (
        lambda o: o.targets.add_environment("Test", "Staging"),
        "targets.add_environment(environments=('Test', 'Staging'))",
    ),
    (
        lambda o: o.targets.remove_environment("Test"),
        "targets.remove_environment(environments=('Test',))",
    ),
    (lambda o: o.targets.add_tenant("Acme"), "targets.add_tenant(tenants=('Acme',))"),
    (lambda o: o.targets.remove_tenant("Acme"), "targets.remove_tenant(tenants=('Acme',))"),
    (
        lambda o: o.targets.add_tenant_tag("Tier/Gold"),
        "targets.add_tenant_tag(tags=('Tier/Gold',))",
    ),
    (
        lambda o: o.targets.remove_tenant_tag("Tier/Gold"),
        "targets.remove_tenant_tag(tags=('Tier/Gold',))",
    ),
    (
        lambda o: o.targets.set_tenanted_participation("tenanted"),
        "targets.set_tenanted_participation(mode='Tenanted')",
    ),
    (
        lambda o: o.targets.where(role="web").set_machine_policy("Cloud Targets").disable(),
        "targets.where(role='web').set_machine_policy(policy='Cloud Targets').disable()",
    ),
    (
        lambda o: o.targets.where(is_disabled=True).enable(),
        "targets.where(is_disabled=True).enable()",
    ),
    (lambda o: o.targets.where(name="x").delete(), "targets.where(name='x').delete()"),
    (lambda o: o.workers.enable().disable(), "workers.enable().disable()"),
    (
        lambda o: o.workers.where(comm_style="ssh").delete(),
        "workers.where(comm_style=('Ssh',)).delete()",
    ),
    (
        lambda o: o.workers.add_to_pool("Linux Workers"),
        "workers.add_to_pool(pools=('Linux Workers',))",
    ),
    (
        lambda o: o.workers.where(health="unhealthy").remove_from_pool("A", "B"),
        "workers.where(health=('Unhealthy',)).remove_from_pool(pools=('A', 'B'))",
    ),
]


@pytest.mark.parametrize(("make", "text"), DESCRIBED, ids=[t for _, t in DESCRIBED])
def test_every_verb_describes_itself_as_the_call(octo, make, text) -> None:
    assert make(octo).describe() == text


@attrs.frozen
class Picks:
    """A statement of some other provider: it takes a selection and asks it what it
    selects, as ``Selection.select(ctx)`` promises; it changes nothing."""

    selection: Any
    picked: list[list[str]]

    def describe(self) -> str:
        return f"picks({self.selection.describe()})"

    def plan(self, ctx: Any) -> list[Any]:
        self.picked.append(sorted(m.name for m in self.selection.select(ctx)))
        return []


def picked(octo: Octoflow, selection: Any) -> list[str]:
    seen: list[list[str]] = []
    octo.plan(Picks(selection, seen))
    return seen[0]


def test_a_selection_tells_another_statement_what_it_selects(octo) -> None:
    api = api_for(octo.sandbox)
    machines = api.get("/api/Spaces-1/machines/all")
    tagged = sorted(
        t["Name"] for t in machines if {"Region/EU", "Tier/Gold"} <= set(t["TenantTags"])
    )
    assert tagged
    assert picked(octo, octo.targets.where(tenant_tag=["Region/EU", "Tier/Gold"])) == tagged
    pool = next(p for p in api.get("/api/Spaces-1/workerpools/all") if p["Name"] == "Linux Workers")
    in_pool = sorted(
        w["Name"] for w in api.get("/api/Spaces-1/workers/all") if pool["Id"] in w["WorkerPoolIds"]
    )
    assert in_pool
    assert picked(octo, octo.workers.where(pool="Linux Workers")) == in_pool


def test_a_tag_that_does_not_resolve_selects_nothing_not_everything(octo) -> None:
    seen: list[list[str]] = []
    with pytest.raises(PlanError, match="unknown tag 'Nope/X'"):
        octo.plan(Picks(octo.targets.where(tenant_tag="Nope/X"), seen))
    assert seen == [[]]


def test_the_client_side_imports_only_the_public_provider_api() -> None:
    wrong = []
    for path in sorted(PROVIDER.glob("*.py")):
        if path.name.startswith("sandbox"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                root = module.split(".")[0]
                allowed = {
                    "octoflow": module == "octoflow.provider",
                    "octoflow_plugins": module.startswith("octoflow_plugins.targets"),
                }.get(root, True)
                if not allowed:
                    wrong.append(f"{path.name}: {module}")
    assert wrong == []
