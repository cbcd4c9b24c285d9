"""``octo.resources(...).ensure({...})``: create a document by name, or converge it."""

from __future__ import annotations

import pytest

from octoflow.errors import PlanError, UsageError
from octoflow.testing import apply_and_replan

SPACE = "/api/Spaces-1"
RETENTION = {"ReleaseRetentionPolicy": {"QuantityToKeep": 7, "Unit": "Days"}}


def test_a_missing_document_is_created_with_the_fields_and_converges(octo, octo_requests) -> None:
    group = octo.resources("ProjectGroups").ensure({"Name": "Payments", "Description": "Money"})
    plan = octo.plan(group)
    (op,) = plan.operations
    assert (op.action, op.name) == ("create", "Payments")

    apply_and_replan(octo, plan, group)

    made = [g for g in octo.client.get(f"{SPACE}/projectgroups/all") if g["Name"] == "Payments"]
    assert [g["Description"] for g in made] == ["Money"]
    assert octo_requests.count("POST", "/projectgroups") == 1


def test_an_existing_document_merges_objects_field_by_field(octo) -> None:
    before = octo.client.get(f"{SPACE}/lifecycles/Lifecycles-1")
    ensured = octo.resources("Lifecycles").ensure({"Name": "default lifecycle", **RETENTION})
    plan = octo.plan(ensured)
    (op,) = plan.operations
    assert op.action == "update"
    assert {c.path for c in op.changes} == {("ReleaseRetentionPolicy", "QuantityToKeep")} | (
        {("ReleaseRetentionPolicy", "Unit")}
        if before["ReleaseRetentionPolicy"]["Unit"] != "Days"
        else set()
    )

    apply_and_replan(octo, plan, ensured)

    after = octo.client.get(f"{SPACE}/lifecycles/Lifecycles-1")
    kept = {
        k: v
        for k, v in before["ReleaseRetentionPolicy"].items()
        if k not in RETENTION["ReleaseRetentionPolicy"]
    }
    assert after["ReleaseRetentionPolicy"] == {**kept, **RETENTION["ReleaseRetentionPolicy"]}
    assert after["Phases"] == before["Phases"]
    assert after["Name"] == "Default Lifecycle"  # found in any case, never renamed


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"Name": "Default Lifecycle", "Retention": 3}, "unknown field 'Retention'"),
        ({"Name": "Default Lifecycle", "Id": "Lifecycles-9"}, "Id is read-only"),
        (
            {"Name": "Default Lifecycle", "ReleaseRetentionPolicy": {"QuantityToKeep": "7"}},
            "ReleaseRetentionPolicy.QuantityToKeep holds a number",
        ),
    ],
)
def test_fields_that_do_not_fit_are_a_plan_error_and_nothing_is_written(
    octo, octo_requests, fields, message
) -> None:
    with pytest.raises(PlanError, match=message):
        octo.plan(octo.resources("Lifecycles").ensure(fields))
    octo_requests.assert_no_writes()


@pytest.mark.parametrize("fields", [{}, {"Name": " "}, {"Description": "x"}, "Payments"])
def test_ensure_needs_the_documents_name(octo, fields) -> None:
    with pytest.raises(UsageError, match="with its Name"):
        octo.resources("ProjectGroups").ensure(fields)


def test_ensure_finds_its_own_document_so_it_takes_no_where(octo) -> None:
    with pytest.raises(UsageError, match="without where"):
        octo.resources("ProjectGroups").where(name="Default Project Group").ensure(
            {"Name": "Payments"}
        )
