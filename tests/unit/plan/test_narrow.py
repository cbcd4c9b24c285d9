"""Narrowing a plan: ``--only``, ``--exclude`` and ``--limit`` keep what they say."""

from __future__ import annotations

import pytest

from octoflow.errors import UsageError
from octoflow.plan.model import Intent, Operation, Plan
from octoflow.plan.narrow import Narrowing, narrow


def op(key: str, name: str, resource_id: str | None = None, *depends_on: str) -> Operation:
    intent = Intent("fake.touch", {}, f"touch {name}")
    action = "update" if resource_id else "create"
    return Operation(key, action, "Thing", resource_id, name, (intent,), (), depends_on)


#: Two updates, a created group, and a member added to that group (depends on it).
PLAN = Plan(
    id="p1",
    created="2026-12-07T00:00:00+00:00",
    server="https://octopus.example.com",
    space_id="Spaces-1",
    title="test",
    operations=(
        op("Thing/T-1", "Alpha", "T-1"),
        op("Thing/T-2", "Beta", "T-2"),
        op("Group/new:Ops", "Ops"),
        op("Member/new:Ops/ann", "ann", None, "Group/new:Ops"),
    ),
)


def kept(**narrowing) -> list[str]:
    return [o.name for o in narrow(PLAN, Narrowing.from_lists(**narrowing)).operations]


def test_nothing_to_narrow_keeps_the_plan_itself() -> None:
    assert narrow(PLAN, Narrowing()) is PLAN


def test_only_keeps_the_named_resources_by_id_name_or_key_in_any_case() -> None:
    assert kept(only=["T-2"]) == ["Beta"]
    assert kept(only=["alpha,beta"]) == ["Alpha", "Beta"]
    assert kept(only=["Group/new:Ops", "ann"]) == ["Ops", "ann"]


def test_exclude_leaves_out_the_named_resources_and_what_depends_on_them() -> None:
    narrowed = narrow(PLAN, Narrowing.from_lists(exclude=["Ops"]))
    assert [o.name for o in narrowed.operations] == ["Alpha", "Beta"]
    assert narrowed.notes[-1] == (
        "narrowed by --exclude Ops: 2 of 4 operation(s) kept; "
        "1 more left out because an operation they depend on was"
    )


def test_limit_keeps_the_first_operations_in_plan_order() -> None:
    assert kept(limit=2) == ["Alpha", "Beta"]
    assert kept(exclude=["Alpha"], limit=2) == ["Beta", "Ops"]


def test_a_narrowed_plan_has_its_own_digest() -> None:
    assert narrow(PLAN, Narrowing(limit=1)).digest != PLAN.digest


@pytest.mark.parametrize(
    ("narrowing", "message"),
    [
        ({"only": ["Gamma"]}, "unknown resource 'Gamma'"),
        ({"exclude": ["T-9"]}, "unknown resource 'T-9'"),
        ({"only": [""]}, "--only '' holds a blank name"),
        ({"exclude": ["Alpha,"]}, "--exclude 'Alpha,' holds a blank name"),
    ],
)
def test_a_name_that_matches_nothing_or_a_blank_is_an_error(narrowing, message) -> None:
    with pytest.raises(UsageError, match=message):
        narrow(PLAN, Narrowing.from_lists(**narrowing))
