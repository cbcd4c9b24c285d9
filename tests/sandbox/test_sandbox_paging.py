"""Collections: the paged envelope and its links, /all arrays, filters."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest


def test_default_page_is_30_with_next_and_last_links(api):
    page = api.json("/api/Spaces-1/tenants")
    assert page["ItemType"] == "Tenant"
    assert (page["TotalResults"], page["ItemsPerPage"], len(page["Items"])) == (1000, 30, 30)
    assert (page["NumberOfPages"], page["LastPageNumber"]) == (34, 33)
    links = page["Links"]
    assert links["Page.Current"] == "/api/Spaces-1/tenants?skip=0&take=30"
    assert links["Page.Next"] == "/api/Spaces-1/tenants?skip=30&take=30"
    assert links["Page.Last"] == "/api/Spaces-1/tenants?skip=990&take=30"
    assert links["Page.All"] == "/api/Spaces-1/tenants?skip=0&take=2147483647"
    assert "Page.Previous" not in links
    assert links["Template"].startswith("/api/Spaces-1/tenants{?skip,projectId,name,tags,take")


def test_last_page_has_previous_and_no_next(api):
    page = api.json("/api/Spaces-1/tenants", skip=990)
    assert len(page["Items"]) == 10
    assert page["Links"]["Page.Previous"] == "/api/Spaces-1/tenants?skip=960&take=30"
    assert "Page.Next" not in page["Links"]


def test_items_are_sorted_by_name(api):
    names = [t["Name"] for t in api.json("/api/Spaces-1/tenants/all")]
    assert names == sorted(names, key=str.lower)
    envs = [e["Name"] for e in api.json("/api/Spaces-1/environments")["Items"]]
    assert envs == ["Development", "Test", "Staging", "Production"], "by SortOrder"


@pytest.mark.parametrize("take", [30, 7, 250])
def test_following_page_next_returns_every_tenant_once(api, take):
    seen, path, pages = [], f"/api/Spaces-1/tenants?take={take}", 0
    while path:
        page = api.json(path)
        seen += [t["Id"] for t in page["Items"]]
        path = page["Links"].get("Page.Next")
        pages += 1
    assert len(seen) == len(set(seen)) == 1000
    assert pages == -(-1000 // take)


def test_page_links_keep_the_filters(api):
    first = api.json("/api/Spaces-1/tenants", tags="Region/EU", take=100)
    nxt = urlsplit(first["Links"]["Page.Next"])
    assert parse_qs(nxt.query) == {"skip": ["100"], "take": ["100"], "tags": ["Region/EU"]}
    ids = []
    path = first["Links"]["Page.Current"]
    while path:
        page = api.json(path)
        ids += [t["Id"] for t in page["Items"]]
        path = page["Links"].get("Page.Next")
    assert len(set(ids)) == 400 == first["TotalResults"]


def test_page_all_and_take_everything(api):
    everything = api.json("/api/Spaces-1/tenants", take=2147483647)
    assert len(everything["Items"]) == 1000 and everything["NumberOfPages"] == 1
    assert api.json("/api/Spaces-1/tenants", take=0)["Items"] == []


@pytest.mark.parametrize("query", ["take=-1", "skip=abc", "isDisabled=maybe"])
def test_bad_paging_values_are_400(api, query):
    assert api.get(f"/api/Spaces-1/tenants?{query}").status_code == 400


def test_all_is_a_plain_array_for_every_collection(api):
    for segment in (
        "environments",
        "lifecycles",
        "projectgroups",
        "projects",
        "channels",
        "tagsets",
        "libraryvariablesets",
        "tenants",
    ):
        assert isinstance(api.json(f"/api/Spaces-1/{segment}/all"), list), segment
    assert [s["Id"] for s in api.json("/api/spaces/all")] == ["Spaces-1"]


def test_ids_filter_comma_joined_or_repeated(api):
    joined = api.json("/api/Spaces-1/tenants/all", ids="Tenants-3,Tenants-1,Tenants-2")
    repeated = api.get(
        "/api/Spaces-1/tenants/all", params=[("ids", "Tenants-3"), ("ids", "Tenants-1,Tenants-2")]
    ).json()
    assert sorted(t["Id"] for t in joined) == ["Tenants-1", "Tenants-2", "Tenants-3"]
    assert joined == repeated
    assert api.json("/api/Spaces-1/environments", ids="Environments-4")["TotalResults"] == 1


def test_partial_name_and_name(api):
    assert {p["Name"] for p in api.json("/api/Spaces-1/projects/all", partialName="SERVICE")} == {
        "Notification Service",
        "Search Service",
        "Config Service",
    }
    assert [e["Name"] for e in api.json("/api/Spaces-1/environments/all", name="test")] == ["Test"]
    assert api.json("/api/Spaces-1/environments/all", name="tes") == [], "name is exact"
    tenant = api.json("/api/Spaces-1/tenants/Tenants-1")
    word = tenant["Name"].split()[1]
    by_name = api.json("/api/Spaces-1/tenants/all", name=word)
    assert tenant["Id"] in {t["Id"] for t in by_name}, "tenants: name is a contains-match"


def _tags(tenant):
    return set(tenant["TenantTags"])


def test_tags_or_within_a_tag_set_and_across_sets(api):
    eu_or_us = api.json("/api/Spaces-1/tenants/all", tags="Region/EU,Region/US")
    assert len(eu_or_us) == 750
    assert all(_tags(t) & {"Region/EU", "Region/US"} for t in eu_or_us)
    eu_gold = api.json("/api/Spaces-1/tenants/all", tags="Region/EU,Tier/Gold")
    assert eu_gold and all({"Region/EU", "Tier/Gold"} <= _tags(t) for t in eu_gold)
    expected = [
        t["Id"]
        for t in api.json("/api/Spaces-1/tenants/all")
        if {"Region/EU", "Tier/Gold"} <= _tags(t)
    ]
    assert [t["Id"] for t in eu_gold] == expected
    mixed = api.json("/api/Spaces-1/tenants/all", tags="Region/EU,Region/APAC,Tier/Gold")
    assert all(_tags(t) & {"Region/EU", "Region/APAC"} and "Tier/Gold" in _tags(t) for t in mixed)
    assert len(mixed) > len(eu_gold)


def test_tenant_filters_project_and_disabled(api):
    portal = api.json("/api/Spaces-1/tenants/all", projectId="Projects-1")
    assert len(portal) == 65 and all("Projects-1" in t["ProjectEnvironments"] for t in portal)
    disabled = api.json("/api/Spaces-1/tenants", isDisabled="true")
    assert disabled["TotalResults"] == 12
    assert api.json("/api/Spaces-1/tenants", isDisabled="false")["TotalResults"] == 988
    eu_portal = api.json(
        "/api/Spaces-1/tenants/all", projectId="Projects-1", tags="Region/EU", partialName="a"
    )
    assert all("a" in t["Name"].lower() for t in eu_portal)


def test_tag_set_scopes_filter_and_library_content_type(api):
    assert [t["Name"] for t in api.json("/api/Spaces-1/tagsets/all", scopes="Tenant")] == [
        "Region",
        "Tier",
    ]
    assert api.json("/api/Spaces-1/libraryvariablesets/all", contentType="ScriptModule") == []


def test_nested_collections(api):
    """Nested lists hold exactly what the flat collection holds for that parent."""
    projects = api.json("/api/Spaces-1/projects/all")
    group = api.json("/api/Spaces-1/projectgroups/ProjectGroups-2/projects", take=1000)
    assert group["ItemType"] == "Project"
    in_group = {p["Name"] for p in projects if p["ProjectGroupId"] == "ProjectGroups-2"}
    assert {p["Name"] for p in group["Items"]} == in_group
    assert {"Customer Portal", "Billing API", "Mobile Backend", "Payments Gateway"} <= in_group
    machines = api.json("/api/Spaces-1/environments/Environments-1/machines", take=1000)
    everywhere = api.json("/api/Spaces-1/machines/all")
    assert machines["ItemType"] == "Machine"
    assert {m["Id"] for m in machines["Items"]} == {
        m["Id"] for m in everywhere if "Environments-1" in m["EnvironmentIds"]
    }
    by_lifecycle = [p["Name"] for p in api.json("/api/Spaces-1/lifecycles/Lifecycles-2/projects")]
    assert by_lifecycle == sorted(p["Name"] for p in projects if p["LifecycleId"] == "Lifecycles-2")
    assert {"Data Warehouse ETL", "Internal Tools", "Ops Dashboard"} <= set(by_lifecycle)
