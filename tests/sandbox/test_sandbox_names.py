"""Names and slugs stay unique within their scope: the sandbox looks them up in an index
kept current by every write, delete, edit and reset, with the real server's messages."""

from __future__ import annotations

TENANTS = "/api/Spaces-1/tenants"


def tenant(client, tenant_id: str) -> dict:
    return client.json(f"{TENANTS}/{tenant_id}")


def rename(client, tenant_id: str, name: str, **fields):
    doc = dict(tenant(client, tenant_id), Name=name, **fields)
    return client.put(f"{TENANTS}/{tenant_id}", doc)


def name_taken(name: str) -> str:
    return f"A tenant with the name '{name}' already exists. Please choose a different name."


def test_a_rename_to_a_taken_name_is_refused_whatever_its_case(fresh_api):
    taken = tenant(fresh_api, "Tenants-2")["Name"]
    refused = rename(fresh_api, "Tenants-1", taken.swapcase())
    assert refused.status_code == 400
    assert refused.json()["Errors"] == [name_taken(taken.swapcase())]
    assert rename(fresh_api, "Tenants-1", tenant(fresh_api, "Tenants-1")["Name"]).ok


def test_a_renamed_documents_old_name_is_free_and_its_new_one_taken(fresh_api):
    old = tenant(fresh_api, "Tenants-1")["Name"]
    assert rename(fresh_api, "Tenants-1", "Renamed Holdings").status_code == 200
    assert fresh_api.post(TENANTS, {"Name": old}).status_code == 201
    refused = fresh_api.post(TENANTS, {"Name": "renamed holdings"})
    assert refused.json()["Errors"] == [name_taken("renamed holdings")]


def test_a_deleted_documents_name_is_free_again(fresh_api):
    name = tenant(fresh_api, "Tenants-3")["Name"]
    assert fresh_api.delete(f"{TENANTS}/Tenants-3").status_code == 200
    assert fresh_api.post(TENANTS, {"Name": name}).status_code == 201


def test_slugs_are_unique_too(fresh_api):
    slug = tenant(fresh_api, "Tenants-4")["Slug"]
    refused = fresh_api.post(TENANTS, {"Name": "Another Name Entirely", "Slug": slug})
    assert refused.json()["Errors"] == [f"A tenant with the slug '{slug}' already exists."]
    assert rename(fresh_api, "Tenants-4", "Fresh Start", Slug="fresh-start").ok
    made = fresh_api.post(TENANTS, {"Name": "Fresh  Start!"})  # slugifies to fresh-start
    assert made.json()["Slug"] == "fresh-start-2"
    assert fresh_api.post(TENANTS, {"Name": "X", "Slug": slug}).status_code == 201


def test_a_name_changed_by_an_edit_fault_is_taken(fresh, fresh_api):
    assert fresh_api.post(TENANTS, {"Name": "Indexed Before The Edit"}).status_code == 201
    fresh.settings.add_fault({"edit": {"id": "Tenants-5", "set": {"Name": "Edited Meanwhile"}}})
    tenant(fresh_api, "Tenants-5")
    refused = fresh_api.post(TENANTS, {"Name": "Edited Meanwhile"})
    assert refused.json()["Errors"] == [name_taken("Edited Meanwhile")]


def test_after_a_reset_only_the_seeds_names_are_taken(fresh_api):
    demo_name = tenant(fresh_api, "Tenants-6")["Name"]
    assert fresh_api.post(TENANTS, {"Name": "Before The Reset"}).status_code == 201
    assert fresh_api.post("/_sandbox/reset", {"seed": "demo"}).status_code == 200
    assert fresh_api.post(TENANTS, {"Name": "Before The Reset"}).status_code == 201
    assert fresh_api.post(TENANTS, {"Name": demo_name}).json()["Errors"] == [name_taken(demo_name)]


def test_the_same_name_is_fine_in_another_scope(fresh_api):
    project = fresh_api.json("/api/Spaces-1/projects/all")[0]["Id"]
    other = fresh_api.json("/api/Spaces-1/projects/all")[1]["Id"]
    channel = {"Name": "Hotfix Lane", "ProjectId": project}
    assert fresh_api.post("/api/Spaces-1/channels", channel).status_code == 201
    assert fresh_api.post("/api/Spaces-1/channels", dict(channel, ProjectId=other)).ok
    again = fresh_api.post("/api/Spaces-1/channels", channel)
    assert again.status_code == 400
    assert "A channel with the name 'Hotfix Lane' already exists." in again.json()["Errors"][0]
