"""Selecting tenants by tag or project reads ``GET tenants?tags=…&projectId=…`` instead of
``/tenants/all``: fewer documents for one more request (the count the wide check needs),
and the same selection. Request and document counts come from the sandbox's request log."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from octoflow import Octoflow
from octoflow.plan.wide import WidePolicy
from tests.e2e.support import api_for


@pytest.fixture
def octo() -> Octoflow:
    return Octoflow.with_sandbox("demo")


def tenant_reads(octo: Octoflow) -> list[tuple[str, dict[str, str]]]:
    """The planning reads of tenants: ``(path, query)``."""
    return [
        (r.path, dict(parse_qsl(r.query)))
        for r in octo.sandbox.requests
        if r.method == "GET" and r.path.startswith("/api/Spaces-1/tenants")
    ]


def documents_read(octo: Octoflow, reads: list[tuple[str, dict[str, str]]]) -> int:
    """How many tenant documents those reads answered (asked again: planning changes
    nothing, so the answers are the same)."""
    api = api_for(octo.sandbox)
    total = 0
    for path, query in reads:
        answer = api.get(path.removeprefix(api.base), **query)
        total += len(answer) if isinstance(answer, list) else len(answer["Items"])
    return total


@pytest.fixture(scope="module")
def demo_tenants() -> list[dict]:
    """The demo's tenants, read from a sandbox of their own (so that the reads under test
    are the only ones in the log)."""
    return api_for(Octoflow.with_sandbox("demo").sandbox).tenants()


@pytest.fixture(scope="module")
def portal() -> str:
    return api_for(Octoflow.with_sandbox("demo").sandbox).project_id("Customer Portal")


def names(plan) -> set[str]:
    return {op.name for op in plan.operations} | {u.name for u in plan.unchanged}


def test_q1_reads_only_the_tagged_tenants_in_two_requests(octo, demo_tenants):
    plan = octo.plan_recipe(
        "tenants-add-project", {"tag": "Region/EU", "project": "Customer Portal"}
    )

    reads = tenant_reads(octo)
    assert reads == [
        ("/api/Spaces-1/tenants", {"tags": "Region/EU", "skip": "0", "take": "2147483647"}),
        ("/api/Spaces-1/tenants", {"take": "0"}),
    ]
    # 400 documents in 2 requests, where /tenants/all is 1,000 documents in 1.
    assert documents_read(octo, reads) == 400
    assert len(demo_tenants) == 1000
    eu = {t["Name"] for t in demo_tenants if "Region/EU" in t["TenantTags"]}
    assert names(plan) == eu


def test_tag_and_project_go_to_the_server_together(octo, demo_tenants, portal):
    wanted = {
        t["Name"]
        for t in demo_tenants
        if {"Region/EU", "Tier/Gold"} <= set(t["TenantTags"]) and portal in t["ProjectEnvironments"]
    }
    assert wanted

    plan = octo.plan(
        octo.tenants.where(tag=["Region/EU", "Tier/Gold"], project="Customer Portal").add_tag(
            "Tier/Silver"
        )
    )

    assert names(plan) == wanted
    reads = tenant_reads(octo)
    assert reads[0] == (
        "/api/Spaces-1/tenants",
        {
            "tags": "Region/EU,Tier/Gold",
            "projectId": portal,
            "skip": "0",
            "take": "2147483647",
        },
    )
    assert documents_read(octo, reads[:1]) == len(wanted)


def test_two_tags_of_one_set_are_filtered_here_not_by_the_server(octo, demo_tenants):
    """Octopus's way of combining tags of one set is UNCONFIRMED: only a tag that is the one
    wanted tag of its set goes to the server; the others are tested here."""
    wanted = {
        t["Name"]
        for t in demo_tenants
        if {"Region/EU", "Region/US"} & set(t["TenantTags"]) and "Tier/Gold" in t["TenantTags"]
    }

    plan = octo.plan(
        octo.tenants.where(tag=["Region/EU", "Region/US", "Tier/Gold"]).add_tag("Tier/Silver")
    )

    assert names(plan) == wanted
    assert tenant_reads(octo)[0][1]["tags"] == "Tier/Gold"


def test_only_tags_of_the_same_set_read_the_whole_list(octo, demo_tenants):
    plan = octo.plan(octo.tenants.where(tag=["Region/EU", "Region/US"]).add_tag("Tier/Silver"))

    assert names(plan) == {
        t["Name"] for t in demo_tenants if {"Region/EU", "Region/US"} & set(t["TenantTags"])
    }
    assert tenant_reads(octo) == [("/api/Spaces-1/tenants/all", {})]


def test_the_wide_check_still_counts_every_tenant(octo):
    plan = octo.plan(
        octo.tenants.where(tag="Region/EU").add_tag("Tier/Silver"),
        wide_above=WidePolicy(percent=30, count=10),
    )

    assert len(plan.wide) == 1 and "selects 400 of 1000 tenants" in plan.wide[0]


def test_a_second_statement_reuses_the_whole_list_once_read(octo, demo_tenants):
    plan = octo.plan(
        octo.tenants.where(partial_name="a").add_tag("Tier/Silver"),
        octo.tenants.where(tag="Tier/Gold").add_tag("Tier/Silver"),
    )

    assert tenant_reads(octo) == [("/api/Spaces-1/tenants/all", {})]
    gold = {t["Name"] for t in demo_tenants if "Tier/Gold" in t["TenantTags"]}
    assert gold <= names(plan)
