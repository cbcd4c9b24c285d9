"""The compact view's parts on plans built by hand: grouping, name lines, plural kinds,
colour codes, the estimate's grammar."""

from __future__ import annotations

import re

from octoflow import render_plan
from octoflow.plan.model import FieldChange, Intent, Operation, Plan
from octoflow.plan.render_compact import MORE_HINT, group_operations, name_lines, plural

LABELS = {"Environments-2": "Test", "Environments-4": "Production"}


def op(
    name: str,
    *intents: str,
    changes: tuple[FieldChange, ...] = (),
    action: str = "update",
    kind: str = "Tenant",
) -> Operation:
    return Operation(
        key=f"{kind}/{name}",
        action=action,
        kind=kind,
        resource_id=None if action == "create" else f"{kind}s-{name}",
        name=name,
        intents=tuple(Intent("x.y", {}, summary) for summary in intents),
        changes=changes,
    )


def plan_of(*operations: Operation, estimate: int = 0) -> Plan:
    return Plan(
        id="0123456789ab",
        created="2026-01-01T00:00:00Z",
        server="http://octopus.test",
        space_id="Spaces-1",
        title="test",
        operations=operations,
        labels=LABELS,
        request_estimate=estimate,
    )


def tags(*added: str) -> tuple[FieldChange, ...]:
    return (FieldChange(("TenantTags",), [], list(added)),)


def names(groups: list[list[Operation]]) -> list[list[str]]:
    return [[o.name for o in group] for group in groups]


def test_groups_keep_plan_order_of_their_first_operation() -> None:
    ops = [
        op("a", "tag Tier/Gold", changes=tags("Tier/Gold")),
        op("b", "tag Tier/Silver", changes=tags("Tier/Silver")),
        op("c", "tag Tier/Gold", changes=tags("Tier/Gold")),
        op("d", "delete", action="delete"),
        op("e", "tag Tier/Silver", changes=tags("Tier/Silver")),
        op("f", "delete", action="delete"),
    ]
    assert names(group_operations(ops, LABELS)) == [["a", "c"], ["b", "e"], ["d", "f"]]


def test_the_same_intents_with_different_field_changes_are_separate_groups() -> None:
    both = (
        FieldChange(
            ("ProjectEnvironments", "Projects-1"), None, ["Environments-2", "Environments-4"]
        ),
    )
    one = (
        FieldChange(
            ("ProjectEnvironments", "Projects-1"),
            ["Environments-2"],
            ["Environments-2", "Environments-4"],
        ),
    )
    ops = [
        op("a", "connect", changes=both),
        op("b", "connect", changes=one),
        op("c", "connect", changes=both),
    ]
    assert names(group_operations(ops, LABELS)) == [["a", "c"], ["b"]]


def test_kind_and_action_separate_groups() -> None:
    ops = [
        op("a", "delete", action="delete"),
        op("b", "delete", action="delete", kind="Target"),
        op("c", "delete", action="update"),
    ]
    assert names(group_operations(ops, LABELS)) == [["a"], ["b"], ["c"]]


def test_values_before_may_differ_within_a_group_and_show_as_various() -> None:
    ops = [
        op("a", "set Host", changes=(FieldChange(("Host",), "a.example", "eu.example"),)),
        op("b", "set Host", changes=(FieldChange(("Host",), "b.example", "eu.example"),)),
        op("c", "set Host", changes=(FieldChange(("Host",), "c.example", "us.example"),)),
    ]
    text = render_plan(plan_of(*ops), compact=True)
    assert (
        "  ~ 2 Tenants: set Host\n        Host: (various) -> 'eu.example'\n      'a', 'b'\n" in text
    )
    assert (
        "  ~ Tenant 'c' (Tenants-c): set Host\n        Host: 'c.example' -> 'us.example'\n" in text
    )


def test_a_group_shows_its_field_changes_once_with_ids_named() -> None:
    change = (FieldChange(("ProjectEnvironments", "Projects-1"), None, ["Environments-4"]),)
    text = render_plan(
        plan_of(*(op(str(n), "connect", changes=change) for n in range(3))), compact=True
    )
    assert text.count("ProjectEnvironments.Projects-1: + Production") == 1


def test_names_fill_lines_up_to_the_width_and_a_long_one_gets_its_own() -> None:
    shown = name_lines(["'aaaa'", "'bbbb'", "'cccc'", "'" + "x" * 40 + "'", "'dddd'"], 30, None)
    assert shown == [
        "      'aaaa', 'bbbb', 'cccc',",
        "      '" + "x" * 40 + "',",
        "      'dddd'",
    ]
    assert all(len(line) <= 30 for line in shown if "x" not in line)


def test_truncated_names_say_how_many_more_and_how_to_see_them() -> None:
    listed = [f"'tenant {n:03}'" for n in range(100)]
    shown = name_lines(listed, 40, 3)
    assert len(shown) == 4
    visible = re.findall(r"'tenant \d{3}'", "".join(shown[:3]))
    assert visible == listed[: len(visible)]
    assert shown[3] == f"      … and {100 - len(visible)} more ({MORE_HINT})"


def test_names_that_fit_are_not_truncated() -> None:
    assert name_lines(["'a'", "'b'"], 100, 3) == ["      'a', 'b'"]


def test_plural_kinds() -> None:
    assert [
        plural(k)
        for k in ("Tenant", "DeploymentProcess", "TenantVariables", "Policy", "Key", "Box")
    ] == ["Tenants", "DeploymentProcesses", "TenantVariables", "Policies", "Keys", "Boxes"]


def test_each_action_has_its_colour_and_plain_text_has_none() -> None:
    plan = plan_of(
        op("n", "create", action="create"),
        op("u", "tag"),
        op("d", "delete", action="delete"),
        op("r", "deploy", action="run"),
        estimate=4,
    )
    coloured = render_plan(plan, color=True)
    assert "  \x1b[32m+ Tenant 'n'\x1b[0m\n" in coloured
    assert "  \x1b[33m~ Tenant 'u' (Tenants-u)\x1b[0m\n" in coloured
    assert "  \x1b[31m- Tenant 'd' (Tenants-d)\x1b[0m\n" in coloured
    assert "  \x1b[36m> Tenant 'r' (Tenants-r)\x1b[0m\n" in coloured
    assert "\x1b[1mPlan: 1 to add, 1 to change, 1 to delete, 1 to run.\x1b[0m" in coloured
    assert "\x1b" not in render_plan(plan)
    assert re.sub(r"\x1b\[\d+m", "", coloured) == render_plan(plan)


def test_the_estimate_is_singular_for_one_request() -> None:
    assert render_plan(plan_of(op("a", "tag"), estimate=1)).endswith(
        "Apply will make about 1 API request."
    )
    assert render_plan(plan_of(op("a", "tag"), estimate=2)).endswith(
        "Apply will make about 2 API requests."
    )
