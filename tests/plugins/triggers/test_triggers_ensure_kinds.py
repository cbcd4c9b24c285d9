"""``ensure_deployment_target`` and ``ensure_feed`` end to end: recipes run by the CLI
against a loopback sandbox over HTTP, results checked through the API, convergence on
re-plan, bad input a plan error with nothing written; what is refused at the call site."""

from __future__ import annotations

from pathlib import Path

import pytest

from octoflow.errors import UsageError
from octoflow.testing import apply_and_replan
from tests.e2e.support import writes

SPACE = "/api/Spaces-1"
RECIPE = '''"""Ensure triggers."""

PARAMETERS = ()


def statements(octo):
    return {statement}
'''
TARGETS = (
    'octo.triggers.where(project=["Identity Server", "Customer Portal"]).ensure_deployment_target('
    '"Deploy to new web servers", environments={environments!r}, roles={roles!r}, '
    "event_categories=['MachineAdded', 'machinehealthy'], redeploy=True)"
)
FEEDS = (
    'octo.triggers.where(project=["Accounts API", "Alerts API"]).ensure_feed('
    '"New package", steps={steps!r}, channel={channel!r}, description="CI")'
)


def recipe(tmp_path: Path, statement: str) -> str:
    path = tmp_path / "ensure_triggers.py"
    path.write_text(RECIPE.format(statement=statement))
    return str(path)


def named(api, name: str) -> dict[str, dict]:
    projects = {p["Id"]: p["Name"] for p in api.get(f"{SPACE}/projects/all")}
    return {
        projects[t["ProjectId"]]: t
        for t in api.get(f"{SPACE}/projecttriggers/all")
        if t["Name"] == name
    }


def test_deployment_target_triggers_are_created_converged_and_then_left_alone(
    cli, server, server_api, tmp_path
) -> None:
    sandbox, _srv = server
    path = recipe(tmp_path, TARGETS.format(environments=["Production", "Staging"], roles="web"))
    existing = named(server_api, "Deploy to new web servers")["Identity Server"]
    sandbox.clear_requests()

    code, out, err = cli("apply", path, "--yes")

    assert code == 0, err
    assert "Plan: 1 to add, 1 to change, 0 to delete." in out
    made = named(server_api, "Deploy to new web servers")
    assert set(made) == {"Identity Server", "Customer Portal"}
    assert made["Identity Server"]["Id"] == existing["Id"]
    for trigger in made.values():
        machines = trigger["Filter"]
        assert machines["FilterType"] == "MachineFilter"
        assert set(machines["EnvironmentIds"]) == set(
            server_api.environment_ids("Production", "Staging")
        )
        assert machines["Roles"] == ["web"]
        assert machines["EventGroups"] == []  # categories given: no default group
        assert machines["EventCategories"] == ["MachineAdded", "MachineHealthy"]
        action = trigger["Action"]
        assert action["ActionType"] == "AutoDeploy"
        assert action["ShouldRedeployWhenMachineHasBeenDeployedTo"] is True
    assert sorted(w.method for w in writes(sandbox)) == ["POST", "PUT"]
    sandbox.clear_requests()
    code, out, err = cli("apply", path, "--yes")
    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out
    assert writes(sandbox) == []


def test_feed_triggers_are_created_and_toggled_as_feed_triggers(
    cli, server, server_api, tmp_path
) -> None:
    sandbox, _srv = server
    path = recipe(tmp_path, FEEDS.format(steps="Deploy", channel="Default"))

    code, out, err = cli("apply", path, "--yes")

    assert code == 0, err
    assert "on new packages of Deploy" in out and "action: create a release in Default" in out
    made = named(server_api, "New package")
    assert set(made) == {"Accounts API", "Alerts API"}
    channels = {c["ProjectId"]: c["Id"] for c in server_api.get(f"{SPACE}/channels/all")}
    for trigger in made.values():
        assert trigger["Filter"]["FilterType"] == "FeedFilter"
        assert trigger["Filter"]["Packages"] == [
            {"DeploymentActionSlug": "deploy", "PackageReference": ""}
        ]
        assert trigger["Action"]["ActionType"] == "CreateRelease"
        assert trigger["Action"]["ChannelId"] == channels[trigger["ProjectId"]]
        assert trigger["Description"] == "CI" and not trigger["IsDisabled"]
    sandbox.clear_requests()
    assert "Plan: 0 to add, 0 to change" in cli("plan", path)[1]
    code, out, err = cli("apply", "triggers-toggle", "-p", "type=feed", "-p", "enabled=false",
                         "--yes")  # fmt: skip
    assert code == 0, err
    assert all(t["IsDisabled"] for t in named(server_api, "New package").values())


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (TARGETS.format(environments=["Prodution"], roles="web"),
         "unknown environment 'Prodution': did you mean 'Production'"),
        (TARGETS.format(environments=["Production"], roles="wbe"),
         "unknown role 'wbe': did you mean 'web'"),
        (FEEDS.format(steps="Deplyo", channel=None),
         "unknown step of Accounts API 'Deplyo': did you mean 'Deploy'"),
        (FEEDS.format(steps="Deploy", channel="Hotfix"), "unknown channel of Alerts API 'Hotfix'"),
        (TARGETS.format(environments="", roles="web"),
         "environments=…) is empty: leave it out for any environments"),
    ],
)  # fmt: skip
def test_bad_input_is_a_plan_error_and_writes_nothing(
    cli, server, tmp_path, statement, message
) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    code, out, err = cli("apply", recipe(tmp_path, statement), "--yes")
    assert code == 2, out + err
    assert message in out + err
    assert writes(sandbox) == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda t: t.ensure_deployment_target("N", event_groups="MachineAvailable"),
         "unknown event group 'MachineAvailable': did you mean 'MachineAvailableForDeployment'"),
        (lambda t: t.ensure_deployment_target("N", event_categories=["MachineCreated"]),
         "unknown event category 'MachineCreated'"),
        (lambda t: t.ensure_deployment_target("N", redeploy="yes"), "takes True or False"),
        (lambda t: t.ensure_deployment_target(" "), "needs name="),
        (lambda t: t.where(type="feed").ensure_feed("N", steps="Deploy"),
         "names its trigger itself"),
        (lambda t: t.ensure_feed("N", steps=""), "needs steps="),
        (lambda t: t.ensure_feed("N", steps="Deploy", channel=" "), "names a channel"),
    ],
)  # fmt: skip
def test_bad_calls_are_refused_at_the_call_site(octo, call, message) -> None:
    with pytest.raises(UsageError, match=message):
        call(octo.triggers)


def test_without_events_a_target_trigger_fires_when_a_target_becomes_available(octo) -> None:
    ensure = octo.triggers.where(project="Billing API").ensure_deployment_target("Auto")
    apply_and_replan(octo, octo.plan(ensure), ensure)
    (trigger,) = named_in(octo, "Auto")
    assert trigger["Filter"]["EventGroups"] == ["MachineAvailableForDeployment"]
    assert (trigger["Filter"]["EnvironmentIds"], trigger["Filter"]["Roles"]) == ([], [])
    assert trigger["Action"]["ShouldRedeployWhenMachineHasBeenDeployedTo"] is False


def test_a_feed_trigger_skips_version_controlled_projects_and_says_so(octo) -> None:
    ensure = octo.triggers.where(project=["Atlas Web", "Billing API"]).ensure_feed(
        "New package", steps="Deploy"
    )
    plan = octo.plan(ensure)
    assert [op.name for op in plan.operations] == ["Billing API / New package"]
    assert any("skips 1 version-controlled project(s)" in n and "Atlas Web" in n
               for n in plan.notes)  # fmt: skip


def named_in(octo, name: str) -> list[dict]:
    return [t for t in octo.client.get(f"{SPACE}/projecttriggers/all") if t["Name"] == name]
