"""Field-level diffs and the conflict rule used by apply."""

from __future__ import annotations

from octoflow.plan.diff import conflicts, diff
from octoflow.plan.model import FieldChange


def test_value_lists_compare_as_sets() -> None:
    assert diff({"TenantTags": ["A/x", "B/y"]}, {"TenantTags": ["B/y", "A/x"]}) == ()


def test_nested_keys_are_reported_by_path() -> None:
    before = {"ProjectEnvironments": {"Projects-1": ["E-1"]}}
    after = {"ProjectEnvironments": {"Projects-1": ["E-1"], "Projects-2": ["E-2"]}}
    assert diff(before, after) == (
        FieldChange(("ProjectEnvironments", "Projects-2"), None, ["E-2"]),
    )


def test_server_managed_fields_are_not_changes() -> None:
    assert (
        diff({"LastModifiedOn": "a", "Links": {}}, {"LastModifiedOn": "b", "Links": {"x": 1}}) == ()
    )


def test_sensitive_values_never_appear_in_changes() -> None:
    changes = diff({"V": None}, {"V": {"HasValue": True, "NewValue": "hunter2"}})
    assert "hunter2" not in repr(changes)


def test_a_scalar_changed_by_someone_else_conflicts() -> None:
    planned = (FieldChange(("Description",), "old", "new"),)
    fresh = {"Description": "theirs"}
    assert conflicts(planned, fresh)
    assert not conflicts(planned, {"Description": "old"})
    assert not conflicts(planned, {"Description": "new"})


def test_set_like_changes_compose_with_other_edits() -> None:
    planned = (FieldChange(("TenantTags",), ["A/x"], ["A/x", "B/y"]),)
    fresh = {"TenantTags": ["A/x", "C/z"]}
    assert conflicts(planned, fresh) == []
