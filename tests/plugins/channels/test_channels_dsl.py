"""``octo.channels`` from Python against the in-process demo sandbox: ensure across
projects (create or converge by name), version rules, lifecycles, tenant tags,
deleting, what a plan refuses and the replay of intents on the re-read document."""

from __future__ import annotations

from typing import Any

import pytest

from octoflow.errors import PlanError, UsageError
from octoflow.testing import apply_and_replan

SPACE = "/api/Spaces-1"
HOTFIX_RULE = [{"steps": "*", "tag": "^hotfix"}]


def get(octo, path: str) -> Any:
    return octo.client.get(f"{SPACE}/{path}")


def group_projects(octo, group: str) -> dict[str, dict[str, Any]]:
    (found,) = [g for g in get(octo, "projectgroups/all") if g["Name"] == group]
    return {p["Id"]: p for p in get(octo, "projects/all") if p["ProjectGroupId"] == found["Id"]}


def channels_named(octo, name: str) -> dict[str, dict[str, Any]]:
    """Channels called ``name``, by project id."""
    return {c["ProjectId"]: c for c in get(octo, "channels/all") if c["Name"] == name}


def package_refs(octo, project: dict[str, Any]) -> list[dict[str, str]]:
    process = octo.client.get(f"{SPACE}/deploymentprocesses/{project['DeploymentProcessId']}")
    return [
        {"DeploymentAction": a["Name"], "PackageReference": p["Name"]}
        for s in process["Steps"]
        for a in s["Actions"]
        for p in a["Packages"]
    ]


def test_ensure_creates_where_missing_converges_where_present_and_replans_empty(octo) -> None:
    apps = group_projects(octo, "Apps")
    database = {i: p for i, p in apps.items() if not p["IsVersionControlled"]}
    before = channels_named(octo, "Hotfix")
    existing = set(before) & set(database)
    assert existing and len(existing) < len(database)  # the demo has some already
    ensure = octo.channels.where(group="Apps").ensure(
        "Hotfix", lifecycle="Dev and Test Only", rules=HOTFIX_RULE, description="Fixes."
    )

    plan = octo.plan(ensure)

    assert plan.summary["add"] == len(database) - len(existing)
    assert plan.summary["change"] == len(existing)
    assert any("skips 3 version-controlled project(s)" in n for n in plan.notes)
    apply_and_replan(octo, plan, ensure)
    after = channels_named(octo, "Hotfix")
    lifecycle = next(
        lc["Id"] for lc in get(octo, "lifecycles/all") if lc["Name"] != "Default Lifecycle"
    )
    for project_id, project in database.items():
        channel = after[project_id]
        assert channel["LifecycleId"] == lifecycle and channel["Description"] == "Fixes."
        assert not channel["IsDefault"]
        (rule,) = channel["Rules"]
        assert rule["Tag"] == "^hotfix" and rule["VersionRange"] is None
        assert rule["ActionPackages"] == package_refs(octo, project)
    for project_id in set(apps) - set(database):  # version-controlled: untouched
        assert after.get(project_id) == before.get(project_id)


def test_a_rule_for_the_same_packages_keeps_its_id_and_gets_the_range_and_tag(octo) -> None:
    (project_id, channel), *_ = [
        (p, c) for p, c in channels_named(octo, "Hotfix").items() if c["Rules"]
    ]
    old_id = channel["Rules"][0]["Id"]
    project = get(octo, f"projects/{project_id}")
    ensure = octo.channels.where(project=project["Name"]).ensure(
        "Hotfix", rules=[{"steps": "Deploy", "version_range": "[2.0,3.0)", "tag": "^fix"}]
    )

    apply_and_replan(octo, octo.plan(ensure), ensure)

    (rule,) = channels_named(octo, "Hotfix")[project_id]["Rules"]
    assert rule["Id"] == old_id
    assert (rule["VersionRange"], rule["Tag"]) == ("[2.0,3.0)", "^fix")


def test_rules_given_are_exact_and_rules_left_out_are_untouched(octo) -> None:
    project_id, channel = next(
        (p, c) for p, c in channels_named(octo, "Hotfix").items() if c["Rules"]
    )
    name = get(octo, f"projects/{project_id}")["Name"]
    scope = octo.channels.where(project=name)

    octo.apply(octo.plan(scope.ensure("Hotfix", tenant_tags=["Tier/Gold", "Region/EU"])))
    kept = channels_named(octo, "Hotfix")[project_id]
    assert kept["Rules"] == channel["Rules"]
    assert sorted(kept["TenantTags"]) == ["Region/EU", "Tier/Gold"]

    apply_and_replan(
        octo, octo.plan(scope.ensure("Hotfix", rules=[])), scope.ensure("Hotfix", rules=[])
    )
    cleared = channels_named(octo, "Hotfix")[project_id]
    assert cleared["Rules"] == [] and sorted(cleared["TenantTags"]) == ["Region/EU", "Tier/Gold"]


def test_projects_can_be_an_octo_projects_selection(octo) -> None:
    smoke = octo.projects.where(group="Apps", has_step="Smoke test")
    plan = octo.plan(octo.channels.where(project=smoke).ensure("Beta"))
    assert plan.notes[0].startswith(
        "channels.where(project=projects.where(group='Apps', has_step='Smoke test'))"
    )
    chosen = {op.name.split(" / ")[0] for op in plan.operations}
    expected = set()
    for project in group_projects(octo, "Apps").values():
        # has_step reads a version-controlled project's process at its default branch;
        # channels live in the database for every project
        if project["IsVersionControlled"]:
            path = f"{SPACE}/projects/{project['Id']}/main/deploymentprocesses"
        else:
            path = f"{SPACE}/deploymentprocesses/{project['DeploymentProcessId']}"
        process = octo.client.get(path)
        if any(s["Name"] == "Smoke test" for s in process["Steps"]):
            expected.add(project["Name"])
    assert chosen == expected and expected


def test_default_true_makes_it_the_projects_default_channel(octo) -> None:
    ensure = octo.channels.where(project="Customer Portal").ensure("Main", default=True)
    apply_and_replan(octo, octo.plan(ensure), ensure)
    project_id = next(p["Id"] for p in get(octo, "projects/all") if p["Name"] == "Customer Portal")
    defaults = [
        c["Name"]
        for c in get(octo, "channels/all")
        if c["ProjectId"] == project_id and c["IsDefault"]
    ]
    assert defaults == ["Main"]


def test_apply_replays_on_the_reread_channel_keeping_edits_made_meanwhile(octo) -> None:
    project_id, channel = next(iter(channels_named(octo, "Hotfix").items()))
    name = get(octo, f"projects/{project_id}")["Name"]
    plan = octo.plan(octo.channels.where(project=name).ensure("Hotfix", tenant_tags=["Tier/Gold"]))
    channel["Description"] = "edited meanwhile"
    octo.client.request("PUT", f"{SPACE}/channels/{channel['Id']}", json=channel)

    octo.apply(plan)

    after = get(octo, f"channels/{channel['Id']}")
    assert after["Description"] == "edited meanwhile" and after["TenantTags"] == ["Tier/Gold"]


def test_no_project_or_group_covers_every_project_and_is_wide(octo) -> None:
    plan = octo.plan(octo.channels.ensure("Everywhere"))
    assert plan.summary["add"] == len(get(octo, "projects/all"))
    assert plan.wide and "project" in plan.wide[0]


def test_unknown_names_are_plan_errors_all_together_and_nothing_is_written(
    octo, octo_requests
) -> None:
    with pytest.raises(PlanError) as caught:
        octo.plan(
            octo.channels.where(group="Aps").ensure("Hotfix"),
            octo.channels.where(project="Customer Portl").ensure("Hotfix"),
            octo.channels.where(project="Customer Portal").ensure(
                "Hotfix", lifecycle="Dev and Tst Only", tenant_tags=["Tier/Gld"]
            ),
            octo.channels.where(project="Customer Portal").ensure(
                "Hotfix", rules=[{"steps": ["Deploy", "Deploi"], "tag": "^x"}]
            ),
            octo.channels.where(project="Customer Portal", name="Hotfx").delete(),
        )
    messages = "\n".join(p.message for p in caught.value.problems)
    assert "unknown project group 'Aps': did you mean 'Apps'?" in messages
    assert "unknown project 'Customer Portl': did you mean 'Customer Portal'?" in messages
    assert "unknown lifecycle 'Dev and Tst Only': did you mean 'Dev and Test Only'?" in messages
    assert "unknown tag 'Tier/Gld': did you mean 'Tier/Gold'" in messages
    assert (
        "project 'Customer Portal': unknown package step 'Deploi': did you mean 'Deploy'?"
        in messages
    )
    assert "unknown channel of the selected projects 'Hotfx'" in messages
    octo_requests.assert_no_writes()


def test_delete_removes_the_named_channels_never_a_default_one(octo, octo_requests) -> None:
    hotfix = channels_named(octo, "Hotfix")
    delete = octo.channels.where(group="Apps", name="Hotfix").delete()
    report = octo.apply(octo.plan(delete), allow_wide=True)
    assert report.recap["changed"] == len(hotfix)
    assert channels_named(octo, "Hotfix") == {}
    octo_requests.clear()
    with pytest.raises(PlanError, match="is its project's default channel"):
        octo.plan(octo.channels.where(project="Customer Portal", name="Default").delete())
    octo_requests.assert_no_writes()


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (["^hotfix"], "a channel rule is a dict"),
        ([{"steps": "*", "tags": "^x"}], "unknown key 'tags': did you mean 'tag'?"),
        ([{"tag": "^x"}], "needs steps"),
        ([{"steps": " ", "tag": "^x"}], "needs steps"),
        ([{"steps": "*"}], "needs a version_range, a tag"),
        ([{"steps": "*", "tag": ""}], "tag must be non-empty text"),
        ("^hotfix", "takes a list"),
    ],
)
def test_a_malformed_rule_is_refused_when_ensure_is_called(octo, rules, message) -> None:
    with pytest.raises(UsageError, match=message):
        octo.channels.where(group="Apps").ensure("Hotfix", rules=rules)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.where(group=""), "an empty value selects nothing"),
        (lambda c: c.where(project=[]), "an empty value selects nothing"),
        (lambda c: c.where(projekt="Web"), "did you mean 'project'"),
        (lambda c: c.where(group="Apps", name="Hotfix").ensure("Hotfix"), "names its channel"),
        (lambda c: c.where(group="Apps").ensure(" "), "needs the channel's name"),
        (lambda c: c.where(group="Apps").ensure("X", lifecycle=""), r"lifecycle=…\) is empty"),
        (lambda c: c.where(group="Apps").delete(), "needs the channels' names"),
    ],
)
def test_bad_calls_are_refused_at_the_call_site(octo, call, message) -> None:
    with pytest.raises(UsageError, match=message):
        call(octo.channels)
