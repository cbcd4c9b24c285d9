"""The sandbox's audit log: an event for every accepted write, as ``/api/events`` serves it."""

from __future__ import annotations

from octoflow.sandbox import Sandbox
from octoflow.sandbox.journal import read_state
from tests.sandbox.conftest import in_process
from tests.sandbox.schema import validate

SPACE = "/api/Spaces-1"
TENANT = f"{SPACE}/tenants/Tenants-1"


def events(api, **params) -> list[dict]:
    return api.json("/api/events", **params)["Items"]


def edit_description(api, text: str) -> None:
    tenant = api.json(TENANT)
    assert api.put(TENANT, dict(tenant, Description=text)).status_code == 200


def test_a_write_is_one_event_with_who_when_and_before_after(fresh_api):
    assert events(fresh_api) == []
    edit_description(fresh_api, "changed")

    (event,) = events(fresh_api)
    validate("EventResource", event)
    assert (event["Category"], event["UserId"], event["Username"]) == (
        "Modified", "Users-1", "admin")  # fmt: skip
    assert event["RelatedDocumentIds"] == ["Tenants-1", "Spaces-1"]
    assert event["ChangeDetails"]["Differences"] == [
        {"op": "replace", "path": "/Description", "before": None, "after": "changed"}
    ]
    assert fresh_api.json(f"/api/events/{event['Id']}") == event


def test_creates_deletes_and_no_op_writes(fresh_api):
    created = fresh_api.post(f"{SPACE}/environments", {"Name": "Audit"}).json()
    tenant = fresh_api.json(TENANT)
    fresh_api.put(TENANT, tenant)  # changes nothing: no event
    assert fresh_api.delete(f"{SPACE}/environments/{created['Id']}").status_code == 200

    assert [(e["Category"], e["RelatedDocumentIds"][0]) for e in events(fresh_api)] == [
        ("Deleted", created["Id"]),
        ("Created", created["Id"]),
    ]


def test_filters_narrow_the_log(fresh_api):
    edit_description(fresh_api, "one")
    fresh_api.post(f"{SPACE}/environments", {"Name": "Audit"})
    edit_description(fresh_api, "two")
    first, *_ = sorted(events(fresh_api), key=lambda e: e["AutoId"])

    assert len(events(fresh_api, regardingAny="Tenants-1,Tenants-2")) == 2
    assert len(events(fresh_api, regarding="Tenants-1")) == 2
    assert len(events(fresh_api, eventCategories="Created")) == 1
    assert len(events(fresh_api, documentTypes="Environments")) == 1
    assert len(events(fresh_api, fromAutoId=first["AutoId"] + 1)) == 2
    assert len(events(fresh_api, users="Users-1")) == 3
    assert events(fresh_api, users="Users-2") == []
    assert len(events(fresh_api, **{"from": first["Occurred"]})) == 3
    assert events(fresh_api, to="2000-01-01T00:00:00Z") == []
    assert len(fresh_api.json(f"{SPACE}/events")["Items"]) == 3
    assert events(fresh_api, excludeDifference="true")[0]["ChangeDetails"] is None
    page = fresh_api.json("/api/events", take=2)
    assert (page["TotalResults"], len(page["Items"])) == (3, 2)
    assert [e["AutoId"] for e in page["Items"]] == [3, 2]  # newest first


def test_a_bad_date_is_a_400(fresh_api):
    answer = fresh_api.get("/api/events", params={"from": "yesterday"})
    assert answer.status_code == 400
    assert "'yesterday' is not a date and time (ISO 8601)." in answer.json()["Errors"]


def test_an_edit_fault_is_another_users_change(fresh, fresh_api):
    fresh.settings.add_fault({"edit": {"id": "Tenants-1", "set": {"Description": "theirs"}}})
    fresh_api.json(TENANT)

    (event,) = events(fresh_api)
    assert (event["Username"], event["Category"]) == ("another.writer", "Modified")
    assert event["ChangeDetails"]["Differences"][0]["after"] == "theirs"


def test_sensitive_values_never_reach_the_log(fresh_api):
    path = f"{SPACE}/variables/variableset-Projects-1"
    variables = fresh_api.json(path)
    secret = {"Name": "Db.Password", "Value": "hunter2-do-not-log", "IsSensitive": True}
    body = dict(variables, Variables=variables["Variables"] + [secret])
    assert fresh_api.put(path, body).status_code == 200

    (event,) = events(fresh_api)
    assert event["RelatedDocumentIds"][0] == "variableset-Projects-1"
    assert "hunter2-do-not-log" not in str(event)


def test_the_log_survives_a_restart_from_the_state_file(areas, tmp_path):
    path = tmp_path / "state.json"
    sandbox = Sandbox(areas, seed="demo")
    sandbox.make_durable(path)
    edit_description(in_process(sandbox), "kept")
    sandbox.close()

    reloaded = Sandbox(areas, seed=path)
    assert [e["Category"] for e in events(in_process(reloaded))] == ["Modified"]
    assert "Events" in read_state(path)["collections"]


def test_lookups_for_filters_match_the_reference(fresh_api):
    edit_description(fresh_api, "looked up")
    root = fresh_api.json("/api")["Links"]
    for name, definition in (
        ("EventCategories", "EventCategoryResource[]"),
        ("EventGroups", "EventGroupResource[]"),
        ("EventAgents", "EventAgentResource[]"),
        ("EventDocumentTypes", "DocumentTypeDocument[]"),
    ):
        validate(definition, fresh_api.json(root[name].split("{")[0]))
    categories = [c["Id"] for c in fresh_api.json("/api/events/categories")]
    assert categories == ["Created", "Modified", "Deleted"]
    (group,) = fresh_api.json("/api/events/groups")
    assert group["EventCategories"] == categories
    (agent,) = fresh_api.json("/api/events/agents")
    assert agent["Id"].startswith("python-requests/")
    types = {t["Id"]: t["Name"] for t in fresh_api.json("/api/events/documenttypes")}
    assert types["ProjectGroups"] == "Project group"
    assert types["MachinePolicies"] == "Machine policy"
    assert "TenantVariables" not in types  # private bookkeeping, never served with Links


def test_group_and_agent_filters(fresh_api):
    edit_description(fresh_api, "by requests")
    (agent,) = fresh_api.json("/api/events/agents")
    assert len(events(fresh_api, eventGroups="Document")) == 1
    assert events(fresh_api, eventGroups="Nothing") == []
    assert len(events(fresh_api, eventAgents=agent["Id"])) == 1
    assert events(fresh_api, eventAgents="Octopus UI") == []


def test_setting_a_secret_is_logged_as_set_never_with_its_value(fresh_api):
    """A feed's password going from unset to set is a change (the log says it is set
    now); the password itself is in no event."""
    path = f"{SPACE}/feeds/Feeds-1"
    feed = fresh_api.json(path)
    assert feed["Password"]["HasValue"] is False
    body = dict(feed, Password={"HasValue": True, "NewValue": "hunter2-feed-secret"})
    assert fresh_api.put(path, body).status_code == 200

    (event,) = events(fresh_api)
    assert event["Category"] == "Modified"
    (difference,) = event["ChangeDetails"]["Differences"]
    assert difference["path"] == "/Password"
    assert (difference["before"], difference["after"]) == ({"HasValue": False}, {"HasValue": True})
    assert "hunter2-feed-secret" not in str(event)


def test_document_queries_see_events_logged_after_the_first_query(fresh_api):
    """``regarding``/``regardingAny`` are answered from an index: it must follow the log."""
    edit_description(fresh_api, "one")
    assert len(events(fresh_api, regardingAny="tenants-1")) == 1  # ids match in any case
    edit_description(fresh_api, "two")
    fresh_api.post(f"{SPACE}/environments", {"Name": "Audit"})

    assert len(events(fresh_api, regardingAny="Tenants-1")) == 2
    assert len(events(fresh_api, regarding="Tenants-1", regardingAny="Tenants-2")) == 0
    assert len(events(fresh_api, regardingAny="Spaces-1")) == 3
    assert events(fresh_api, regardingAny="Tenants-9999") == []
