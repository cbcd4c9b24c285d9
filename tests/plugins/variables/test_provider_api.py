"""The variables provider on the public provider API: typed verbs that describe
themselves as the DSL call, targets being ensured taken by contract (any
``octoflow.provider.Ensure`` of the ``targets`` collection, not the targets
provider's class). Its imports are checked with every provider's in
tests/meta/test_provider_imports.py."""

from __future__ import annotations

from typing import ClassVar

import attrs
import pytest

from octoflow import Octoflow
from octoflow.errors import UsageError
from octoflow.provider import Ensure, Verb, created_ref


@attrs.frozen
class SomeTarget(Ensure):
    """A target another provider ensures: only the contract, nothing of plugins/targets."""

    collection: ClassVar[str] = "targets"
    kind: ClassVar[str] = "Target"
    name: str


@pytest.fixture(scope="module")
def octo() -> Octoflow:
    return Octoflow.with_sandbox("demo")


DESCRIBED = [
    (
        lambda v: (
            v.project("Ops")
            .set("A", "1")
            .set("B", "2", scope={"environments": "Test, Production"}, description="d")
        ),
        "variables.project('Ops').set('A', …)"
        ".set('B', …, scope={'environments': ['Test', 'Production']})",
    ),
    (
        lambda v: v.library("L").remove("X").remove("Y", scope={"roles": ["web"]}),
        "variables.library('L').remove('X').remove('Y', scope={'roles': ['web']})",
    ),
    (
        lambda v: v.project("Ops").set(
            "T", sensitive=True, from_env="OPS_T", scope={"roles": "web"}
        ),
        "variables.project('Ops').set('T', scope={'roles': ['web']}, sensitive=True, "
        "from_env='OPS_T')",
    ),
    (
        lambda v: v.project("Ops").set(
            "T", sensitive=True, from_env="OPS_T", rotate=True, description="x"
        ),
        "variables.project('Ops').set('T', sensitive=True, from_env='OPS_T', rotate=True)",
    ),
    (
        lambda v: v.project("Ops").set("U", "x", scope={"targets": [SomeTarget("new-box")]}),
        "variables.project('Ops').set('U', …, scope={'targets': ['new-box']})",
    ),
]


@pytest.mark.parametrize(("make", "text"), DESCRIBED, ids=[t for _, t in DESCRIBED])
def test_verbs_are_typed_and_describe_themselves_as_the_call(octo, make, text) -> None:
    statement = make(octo.variables)
    assert statement.verbs
    assert all(isinstance(verb, Verb) for verb in statement.verbs)
    assert statement.describe() == text


def test_an_ensured_target_of_any_provider_is_scoped_by_contract(octo) -> None:
    settings = octo.variables.library("Customer Settings")
    existing = settings.set("X", "1", scope={"targets": [SomeTarget("dev-api-01"), "dev-api-02"]})
    new = settings.set("Y", "2", scope={"targets": SomeTarget("brand-new")})

    (op,) = octo.plan(existing).operations
    (intent,) = op.intents
    assert intent.args["scope"] == {"Machine": ["Machines-7", "Machines-8"]}
    assert intent.summary == "X = '1' [target dev-api-01, dev-api-02]"
    (op,) = octo.plan(new).operations
    (intent,) = op.intents
    assert intent.args["scope"] == {"Machine": [created_ref(SomeTarget("brand-new").created_key)]}
    assert intent.summary == "Y = '2' [target brand-new (new)]"


def test_an_ensured_target_goes_only_in_the_scopes_targets(octo) -> None:
    with pytest.raises(UsageError, match="can only go in the scope's targets, not in roles"):
        octo.variables.project("Ops").set("X", "1", scope={"roles": [SomeTarget("box")]})
