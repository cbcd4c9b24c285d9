"""Three-way restore of recorded fields: before, after, and the document now."""

from __future__ import annotations

from octoflow.registry import ResourceKind
from octoflow.undo.paths import ABSENT, assign, locate
from octoflow.undo.record import field_changes, secrets_sent
from octoflow.undo.restore import ALREADY, REFUSED, RESTORE, judge, restore

KIND = ResourceKind("Thing", "things")


def recorded(before, after, kind=KIND):
    return field_changes(before, after, kind)


def test_a_field_still_as_the_apply_left_it_goes_back_and_an_added_key_is_removed() -> None:
    before = {"Id": "T-1", "Name": "a", "Projects": {}}
    after = {"Id": "T-1", "Name": "b", "Projects": {"P-1": ["E-1"]}}
    changes = recorded(before, after)
    now = {**after, "Projects": {"P-1": ["E-1"]}}
    for change in changes:
        assert restore(now, change).state == RESTORE
    assert now == before
    assert all(judge(now, c).state == ALREADY for c in changes)


def test_a_field_someone_changed_since_is_refused_and_left_as_they_made_it() -> None:
    changes = recorded({"Name": "a"}, {"Name": "b"})
    now = {"Name": "c"}
    verdict = restore(now, changes[0])
    assert verdict.state == REFUSED
    assert verdict.why == 'changed since the apply: now "c"'
    assert now == {"Name": "c"}


def test_members_others_added_meanwhile_stay_and_ours_go() -> None:
    changes = recorded({"Roles": ["web"]}, {"Roles": ["web", "api"]})
    now = {"Roles": ["web", "api", "db"]}
    restore(now, changes[0])
    assert sorted(now["Roles"]) == ["db", "web"]


def test_a_member_the_apply_removed_comes_back() -> None:
    changes = recorded({"Roles": ["web", "api"]}, {"Roles": ["web"]})
    now = {"Roles": ["web"]}
    restore(now, changes[0])
    assert sorted(now["Roles"]) == ["api", "web"]


def test_a_removed_item_of_an_id_keyed_list_returns_to_its_place() -> None:
    steps = [{"Id": "s1", "Name": "one"}, {"Id": "s2", "Name": "two"}, {"Id": "s3", "Name": "x"}]
    changes = recorded({"Steps": steps}, {"Steps": [steps[0], steps[2]]})
    assert changes == [
        {
            "path": ["Steps", "s2"],
            "before": steps[1],
            "after": None,
            "absent": "after",
            "position": 1,
        }
    ]
    now = {"Steps": [steps[0], steps[2]]}
    restore(now, changes[0])
    assert now == {"Steps": steps}


def test_an_added_item_that_someone_edited_since_is_refused() -> None:
    step = {"Id": "s9", "Name": "notify"}
    changes = recorded({"Steps": []}, {"Steps": [step]})
    now = {"Steps": [{"Id": "s9", "Name": "notify people"}]}
    assert judge(now, changes[0]).state == REFUSED
    now = {"Steps": [step]}
    restore(now, changes[0])
    assert now == {"Steps": []}


def test_the_order_of_steps_goes_back_only_if_still_as_the_apply_left_it() -> None:
    a, b, c = ({"Id": i} for i in "abc")
    changes = recorded({"Steps": [a, b, c]}, {"Steps": [c, a, b]})
    assert changes[0]["order"] is True
    now = {"Steps": [c, a, b]}
    restore(now, changes[0])
    assert now == {"Steps": [a, b, c]}
    assert judge({"Steps": [b, a, c]}, changes[0]).state == REFUSED


def test_a_sensitive_value_is_named_never_recorded_and_cannot_be_restored() -> None:
    sent = {"Password": {"HasValue": True, "NewValue": "s3cret"}}
    assert secrets_sent(sent) == [["Password", "NewValue"]]
    variables = {"Variables": [{"Id": "v1", "IsSensitive": True, "Value": "s3cret"}]}
    assert secrets_sent(variables) == [["Variables", "v1", "Value"]]
    removed = recorded({"Password": {"HasValue": True, "NewValue": "s3cret"}}, {})
    assert "s3cret" not in repr(removed)
    new_value = next(c for c in removed if c["path"] == ["Password", "NewValue"])
    verdict = judge({}, new_value)
    assert verdict.state == REFUSED
    assert "sensitive" in verdict.why


def test_the_kinds_concurrency_token_and_server_fields_are_not_recorded() -> None:
    kind = ResourceKind("Process", "deploymentprocesses", token="Version")
    changes = recorded(
        {"Version": 3, "LastModifiedOn": "x", "Name": "a"},
        {"Version": 4, "LastModifiedOn": "y", "Name": "b"},
        kind,
    )
    assert [c["path"] for c in changes] == [["Name"]]


def test_paths_tell_absent_from_null_and_a_missing_parent_is_reported() -> None:
    doc = {"A": None, "Steps": [{"Id": "s1", "Actions": []}]}
    assert locate(doc, ("A",)) is None
    assert locate(doc, ("B",)) is ABSENT
    assert locate(doc, ("Steps", "s1", "Actions")) == []
    assert assign(doc, ("Steps", "s2", "Name"), "x") is False
