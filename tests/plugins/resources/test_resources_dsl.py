"""``octo.resources(...)`` from Python: selections, blanks that never widen, what a plan
says, coalescing, re-reading before writing."""

from __future__ import annotations

import pytest

from octoflow.errors import PlanError, UsageError
from octoflow.plan.wide import WidePolicy
from octoflow.testing import apply_and_replan

SPACE = "/api/Spaces-1"


def names(plan) -> list[str]:
    return sorted(op.name for op in plan.operations)


def test_where_name_partial_name_ids_and_predicate_narrow(octo) -> None:
    envs = octo.resources("Environments")
    described = envs.set("Description", "x")
    assert names(octo.plan(described.where(name=["Test", "staging"]))) == ["Staging", "Test"]
    assert names(octo.plan(described.where(partial_name="PROD"))) == ["Production"]
    assert names(octo.plan(described.where(ids="Environments-1"))) == ["Development"]
    chosen = described.where(predicate=lambda doc: doc["SortOrder"] >= 2)
    assert names(octo.plan(chosen)) == ["Production", "Staging"]
    # Conditions AND: partial "t" is Test, Staging, Development; ids narrow to one.
    both = described.where(partial_name="t").where(ids=["Environments-2"])
    assert names(octo.plan(both)) == ["Test"]


@pytest.mark.parametrize(
    "criteria",
    [{"name": ""}, {"name": []}, {"ids": " "}, {"partial_name": ""}, {"name": [None, ""]}],
)
def test_a_blank_criterion_is_refused_never_everything(octo, criteria) -> None:
    with pytest.raises(UsageError, match="an empty value selects nothing"):
        octo.resources("Lifecycles").where(**criteria)


@pytest.mark.parametrize("link", ["", "  ", None])
def test_a_blank_collection_is_refused(octo, link) -> None:
    with pytest.raises(UsageError, match="needs a collection's link name"):
        octo.resources(link)


def test_an_unknown_keyword_is_refused_with_a_suggestion(octo) -> None:
    with pytest.raises(UsageError, match="did you mean 'partial_name'"):
        octo.resources("Lifecycles").where(partialname="Dev")


def test_a_value_that_is_not_json_data_is_refused(octo) -> None:
    with pytest.raises(UsageError, match="must be JSON data"):
        octo.resources("Lifecycles").set("Description", object())


def test_no_where_selects_everything_and_says_so_but_a_few_are_not_wide(octo) -> None:
    plan = octo.plan(octo.resources("Environments").set("UseGuidedFailure", True))
    assert len(plan.operations) == 4
    assert any("selects all 4 Environments" in n for n in plan.notes)
    assert not plan.wide


def test_a_where_matching_every_document_is_wide(octo) -> None:
    names = [e["Name"] for e in octo.client.get("/api/Spaces-1/environments/all")]
    plan = octo.plan(octo.resources("Environments").where(name=names).set("UseGuidedFailure", True))
    assert plan.wide and "selects 4 of 4 Environments" in plan.wide[0]


def test_no_where_on_most_of_a_large_collection_is_wide(octo) -> None:
    every = octo.resources("Tenants").set("Description", "x")
    plan = octo.plan(every, wide_above=WidePolicy.parse("50%,3"))
    assert plan.wide and "Tenants" in plan.wide[0]


def test_unknown_ids_are_a_problem_naming_them(octo, octo_requests) -> None:
    with pytest.raises(PlanError, match="unknown Environment id 'Environments-99'"):
        octo.plan(
            octo.resources("Environments").where(ids="Environments-99").set("Description", "")
        )
    octo_requests.assert_no_writes()


def test_edits_of_one_document_coalesce_into_one_write(octo, octo_requests) -> None:
    test = octo.resources("Environments").where(name="Test")
    statements = [
        test.set("Description", "QA"),
        test.set("UseGuidedFailure", True),
        test.set("Description", "QA"),
    ]
    plan = octo.plan(*statements)
    assert len(plan.operations) == 1
    assert {c.path[-1] for c in plan.operations[0].changes} == {"Description", "UseGuidedFailure"}
    octo_requests.clear()
    apply_and_replan(octo, plan, *statements)
    assert octo_requests.count("PUT", "/environments/") == 1


def test_apply_replays_on_the_fresh_document_keeping_edits_made_meanwhile(octo) -> None:
    plan = octo.plan(
        octo.resources("Lifecycles")
        .where(name="Default Lifecycle")
        .set("Phases[Name=Test].MinimumEnvironmentsBeforePromotion", 1)
    )
    # Someone changes the lifecycle and edits another phase after the plan.
    doc = octo.client.get(f"{SPACE}/lifecycles/Lifecycles-1")
    doc["Description"] = "edited meanwhile"
    next(p for p in doc["Phases"] if p["Name"] == "Production")["IsOptionalPhase"] = True
    octo.client.request("PUT", f"{SPACE}/lifecycles/Lifecycles-1", json=doc)

    octo.apply(plan)

    after = octo.client.get(f"{SPACE}/lifecycles/Lifecycles-1")
    phases = {p["Name"]: p for p in after["Phases"]}
    assert after["Description"] == "edited meanwhile"
    assert phases["Production"]["IsOptionalPhase"] is True
    assert phases["Test"]["MinimumEnvironmentsBeforePromotion"] == 1


def test_a_phase_removed_since_the_plan_fails_that_document_only(octo) -> None:
    plan = octo.plan(
        octo.resources("Lifecycles")
        .where(name="Default Lifecycle")
        .set("Phases[Name=Staging].IsOptionalPhase", True)
    )
    doc = octo.client.get(f"{SPACE}/lifecycles/Lifecycles-1")
    doc["Phases"] = [p for p in doc["Phases"] if p["Name"] != "Staging"]
    octo.client.request("PUT", f"{SPACE}/lifecycles/Lifecycles-1", json=doc)

    report = octo.apply(plan)

    assert [r.outcome for r in report.results] == ["failed"]
    assert "unknown item with Name 'Staging'" in report.results[0].detail
    assert octo.client.get(f"{SPACE}/lifecycles/Lifecycles-1")["Phases"] == doc["Phases"]


def test_the_plan_shows_values_of_plain_fields_only(octo) -> None:
    plan = octo.plan(octo.resources("Feeds").where(name="Docker Hub").set("DownloadAttempts", 2))
    (op,) = plan.operations
    assert [i.summary for i in op.intents] == ["set DownloadAttempts = 2"]
    with pytest.raises(PlanError, match="Password is a secret"):
        octo.plan(octo.resources("Feeds").where(name="Docker Hub").set("Password.NewValue", "s3"))


BAKERIES = "Acme Bakeries Corp."


def test_a_name_is_read_through_the_servers_filter_not_the_whole_list(octo, octo_requests) -> None:
    octo_requests.clear()
    plan = octo.plan(octo.resources("Tenants").where(name=BAKERIES).set("Description", "x"))
    reads = [(r.path, r.query) for r in octo_requests.reads()]
    assert not any(path.endswith("/tenants/all") for path, _query in reads)
    assert any("name=Acme+Bakeries" in query for path, query in reads if path.endswith("/tenants"))
    assert any("take=0" in query for path, query in reads if path.endswith("/tenants"))
    assert any("selects 1 Tenant(s)" in n for n in plan.notes)


def test_an_unknown_name_still_gets_a_suggestion_from_the_whole_list(octo) -> None:
    typo = octo.resources("Tenants").where(name="Acme Bakeries Crop.")
    with pytest.raises(PlanError, match="unknown Tenant name .Acme Bakeries Crop..*Bakeries Corp"):
        octo.plan(typo.set("Description", "x"))
