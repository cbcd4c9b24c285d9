"""Releases of version-controlled (Config-as-Code) projects from a git ref, end to end
through the CLI against a served demo sandbox, checked through the API afterwards."""

from __future__ import annotations

import pytest

from octoflow import Octoflow
from tests.e2e.support import TEST_KEY, writes

SPACE = "/api/Spaces-1"
RELEASE_CREATES = ("/releases/create/v1", "/releases")


def step(name: str) -> dict:
    action = {
        "Name": name,
        "ActionType": "Octopus.Script",
        "Properties": {"Octopus.Action.Script.ScriptBody": "echo ok"},
    }
    return {"Name": name, "Actions": [action]}


def add_step_on_branch(api, project_id: str, branch: str, name: str) -> None:
    """A new branch from main with one more step, committed through the API."""
    at = f"{SPACE}/projects/{project_id}"
    response = api.session.post(
        api.base + f"{at}/git/branches/v2", json={"BaseGitRef": "main", "NewBranchName": branch}
    )
    assert response.status_code == 200, response.text
    segment = branch.replace("/", "%2F")
    process = api.get(f"{at}/{segment}/deploymentprocesses")
    body = dict(process, Steps=process["Steps"] + [step(name)], ChangeDescription=f"Add {name}")
    assert api.put(f"{at}/{segment}/deploymentprocesses", body)["Steps"][-1]["Name"] == name


def snapshot_steps(api, release: dict) -> list[str]:
    snapshot = release["ProjectDeploymentProcessSnapshotId"]
    process = api.get(f"{SPACE}/deploymentprocesses/{snapshot}")
    return [s["Name"] for s in process["Steps"]]


def release_of(api, project_id: str, version: str) -> dict:
    return api.get(f"{SPACE}/projects/{project_id}/releases/{version}")


def test_release_from_a_branch_then_deploy_and_promote(server, server_api, cli) -> None:
    sandbox, _srv = server
    atlas = server_api.project_id("Atlas Web")
    add_step_on_branch(server_api, atlas, "feature/notify", "Notify (git)")
    head = server_api.get(f"{SPACE}/projects/{atlas}/git/commits/feature%2Fnotify")["Name"]

    code, out, err = cli(
        "apply",
        "release-create",
        "-p",
        "project=Atlas Web",
        "-p",
        "git_ref=feature/notify",
        "-p",
        "version=5.0.0",
        "--yes",
    )
    assert code == 0, err
    assert "create release 5.0.0 in channel Default from feature/notify:" in out
    release = release_of(server_api, atlas, "5.0.0")
    assert release["VersionControlReference"] == {
        "GitRef": "refs/heads/feature/notify",
        "GitCommit": head,
    }
    assert snapshot_steps(server_api, release)[-1] == "Notify (git)"
    created = [w for w in writes(sandbox) if w.path.endswith(RELEASE_CREATES)]
    assert [w.path for w in created] == [f"{SPACE}/releases/create/v1"]

    code, out, err = cli(
        "apply",
        "release-deploy",
        "-p",
        "project=Atlas Web",
        "-p",
        "version=5.0.0",
        "-p",
        "environment=Development",
        "-p",
        "wait=true",
        "--yes",
    )
    assert code == 0, err
    code, out, err = cli(
        "apply",
        "promote",
        "-p",
        "from_env=Development",
        "-p",
        "to_env=Test",
        "-p",
        "project=Atlas Web",
        "-p",
        "wait=true",
        "--yes",
    )
    assert code == 0, err
    assert "Atlas Web" in out and "5.0.0" in out
    board = server_api.get(f"{SPACE}/dashboard")["Items"]
    envs = {e["Name"]: e["Id"] for e in server_api.get(f"{SPACE}/environments/all")}
    current = {
        i["EnvironmentId"]: (i["ReleaseVersion"], i["State"])
        for i in board
        if i["ProjectId"] == atlas
    }
    assert current[envs["Development"]] == ("5.0.0", "Success")
    assert current[envs["Test"]] == ("5.0.0", "Success")
    assert TEST_KEY not in out + err


def test_without_a_ref_the_default_branch_is_released(server_api, cli) -> None:
    atlas = server_api.project_id("Atlas Web")
    add_step_on_branch(server_api, atlas, "side", "Only on side")

    code, out, err = cli("apply", "release-create", "-p", "project=Atlas Web", "--yes")

    assert code == 0, err
    assert "from main (the default branch):" in out
    latest = server_api.get(f"{SPACE}/projects/{atlas}/releases", take=1)["Items"][0]
    assert latest["VersionControlReference"]["GitRef"] == "refs/heads/main"
    main = server_api.get(f"{SPACE}/projects/{atlas}/main/deploymentprocesses")
    assert snapshot_steps(server_api, latest) == [s["Name"] for s in main["Steps"]]
    assert "Only on side" not in snapshot_steps(server_api, latest)


def test_a_pinned_commit_releases_that_commit_and_a_second_run_reuses_it(server_api, cli) -> None:
    atlas = server_api.project_id("Atlas Web")
    commits = server_api.get(f"{SPACE}/projects/{atlas}/git/commits")["Items"]
    first = commits[-1]["Name"]
    args = ("release-create", "-p", "project=Atlas Web", "-p", f"git_commit={first[:10]}")

    code, out, err = cli("apply", *args, "--yes")

    assert code == 0, err
    assert f"from main (the default branch) at {first[:10]}:" in out
    latest = server_api.get(f"{SPACE}/projects/{atlas}/releases", take=1)["Items"][0]
    assert latest["VersionControlReference"]["GitCommit"] == first
    main = server_api.get(f"{SPACE}/projects/{atlas}/main/deploymentprocesses")
    assert len(snapshot_steps(server_api, latest)) == len(main["Steps"]) - 1

    code, out, err = cli("plan", *args)
    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out
    assert "1 selected resource(s) already as requested" in out

    code, out, err = cli("plan", "release-create", "-p", "project=Atlas Web")
    assert code == 0, err
    assert "1 to run" in out  # unpinned: the ref's head may differ, so a release is made


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["project=Atlas Web", "git_ref=mian"],
            "unknown git ref of 'Atlas Web' 'mian': did you mean 'main'?",
        ),
        (
            ["project=Compass Web", "git_ref=main"],
            "git_ref is for version-controlled projects; 'Compass Web' keeps its process",
        ),
        (
            ["project=Compass Web", "git_commit=abc1234"],
            "git_commit is for version-controlled projects",
        ),
        (
            ["project=Atlas Web", "git_commit=HEAD~1"],
            "git_commit 'HEAD~1' is not a commit id: give 7 to 40 hexadecimal digits",
        ),
        (
            ["project=Atlas Web", "git_commit=0000000deadbeef"],
            "no commit '0000000deadbeef' in the project's repository",
        ),
    ],
    ids=["unknown ref", "database project", "database commit", "bad commit", "unknown commit"],
)
def test_bad_git_input_is_a_plan_error_and_nothing_is_written(server, cli, args, message) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    params = [x for a in args for x in ("-p", a)]

    code, out, err = cli("apply", "release-create", *params, "--yes")

    assert code == 2, out + err
    assert message in err
    assert writes(sandbox) == []


def test_a_new_release_from_git_and_its_deployment_skip_a_step_in_one_plan() -> None:
    """The deployment reads the steps to skip from the process at the release's ref."""
    octo = Octoflow.with_sandbox("demo")
    projects = octo.client.get(octo.client.space_path("projects/all"))
    atlas = next(p for p in projects if p["Name"] == "Atlas Web")
    main = octo.client.get(
        octo.client.space_path(f"projects/{atlas['Id']}/main/deploymentprocesses")
    )
    first = main["Steps"][0]
    statement = octo.releases.create("Atlas Web", version="3.0.0", git_ref="refs/heads/main")
    plan = octo.plan(statement.deploy(to="Development", skip_steps=first["Name"]))

    report = octo.apply(plan)

    assert report.succeeded
    deployment = octo.client.get(
        octo.client.space_path(f"deployments/{report.results[1].outputs['DeploymentId']}")
    )
    assert deployment["SkipActions"] == [first["Actions"][0]["Id"]]
