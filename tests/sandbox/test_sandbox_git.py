"""Version-controlled (Config-as-Code) projects: refs, commits and documents under a git ref."""

from __future__ import annotations

import pytest

from octoflow.sandbox import Sandbox
from tests.plugins.users.test_sandbox_auth import issue_key, join, new_user
from tests.sandbox.conftest import Client, in_process
from tests.sandbox.schema import load_sample, validate

SPACE = "/api/Spaces-1"


def project(api: Client, name: str) -> dict:
    found = [p for p in api.json(f"{SPACE}/projects/all") if p["Name"] == name]
    assert len(found) == 1, name
    return found[0]


def base(api: Client, name: str) -> str:
    return f"{SPACE}/projects/{project(api, name)['Id']}"


def head(api: Client, name: str, ref: str = "main") -> dict:
    return api.json(f"{base(api, name)}/git/commits/{ref}")


def history(api: Client, name: str) -> list[dict]:
    return api.json(f"{base(api, name)}/git/commits")["Items"]


def edit(process: dict, message: str | None = "Add a smoke test") -> dict:
    body = dict(process)
    body["Steps"] = process["Steps"] + [smoke_step()]
    if message is not None:
        body["ChangeDescription"] = message
    return body


def smoke_step() -> dict:
    action = {
        "Name": "Smoke test (git)",
        "ActionType": "Octopus.Script",
        "Properties": {"Octopus.Action.Script.ScriptBody": "echo ok"},
    }
    return {"Name": "Smoke test (git)", "Actions": [action]}


def test_a_branch_a_full_ref_and_a_commit_read_the_same_process(api):
    at = base(api, "Atlas Web")
    main = api.json(f"{at}/main/deploymentprocesses")
    sha = head(api, "Atlas Web")["Name"]
    assert len(sha) == 40 and int(sha, 16) >= 0
    for ref in ("refs%2Fheads%2Fmain", "refs%2fheads%2fmain", sha, sha[:8]):
        assert api.json(f"{at}/{ref}/deploymentprocesses")["Steps"] == main["Steps"], ref
    assert main["Links"]["Self"] == f"{at}/refs%2fheads%2fmain/deploymentprocesses"
    validate("DeploymentProcessResource", main)


def test_a_full_ref_with_escaped_slashes_routes_over_real_sockets(served):
    at = base(served, "Atlas Web")
    response = served.get(f"{at}/refs%2Fheads%2Fmain/deploymentprocesses")
    assert response.status_code == 200, response.text
    assert served.get(f"{at}/refs/heads/main/deploymentprocesses").status_code == 404


def test_the_tag_reads_the_process_before_the_second_commit(api):
    at = base(api, "Atlas Web")
    tagged = api.json(f"{at}/v1.0/deploymentprocesses")
    main = api.json(f"{at}/main/deploymentprocesses")
    assert len(tagged["Steps"]) == len(main["Steps"]) - 1
    commits = history(api, "Atlas Web")
    assert [c["Message"].split(" ")[0] for c in commits] == ["Add", "Initial"]
    assert commits[0]["Parents"] == [commits[1]["Name"]]


def test_a_put_makes_exactly_one_commit_by_the_keys_user(fresh, fresh_api):
    user_id = new_user(fresh_api, "robot")
    join(fresh_api, "teams-administrators", user_id)
    robot = in_process(fresh, key=issue_key(fresh_api, user_id))
    at = base(robot, "Atlas Web")
    before = head(robot, "Atlas Web")
    process = robot.json(f"{at}/main/deploymentprocesses")
    response = robot.put(f"{at}/main/deploymentprocesses", edit(process))
    assert response.status_code == 200, response.text
    saved = response.json()
    assert saved["Version"] == process["Version"] + 1
    assert saved["Steps"][-1]["Name"] == "Smoke test (git)"
    after = head(robot, "Atlas Web")
    assert after["Parents"] == [before["Name"]]
    assert (after["Message"], after["Author"]) == ("Add a smoke test", "robot")
    assert len(history(robot, "Atlas Web")) == 3
    old = robot.json(f"{at}/{before['Name']}/deploymentprocesses")
    assert old["Steps"] == process["Steps"]


@pytest.mark.parametrize(
    ("change", "status", "wording"),
    [
        (lambda body: body.pop("ChangeDescription"), 400, "ChangeDescription field is required"),
        (lambda body: body.update(Version=body["Version"] - 1), 409, "another user has made"),
    ],
    ids=["no ChangeDescription", "stale Version"],
)
def test_a_refused_put_commits_nothing(fresh_api, change, status, wording):
    at = base(fresh_api, "Atlas Web")
    before = head(fresh_api, "Atlas Web")
    body = edit(fresh_api.json(f"{at}/main/deploymentprocesses"))
    change(body)
    response = fresh_api.put(f"{at}/main/deploymentprocesses", body)
    assert response.status_code == status
    assert wording in response.text
    assert head(fresh_api, "Atlas Web") == before


@pytest.mark.parametrize("ref", ["v1.0", "commit"])
def test_a_tag_or_a_commit_is_read_only(fresh_api, ref):
    at = base(fresh_api, "Atlas Web")
    target = head(fresh_api, "Atlas Web")["Name"] if ref == "commit" else ref
    body = edit(fresh_api.json(f"{at}/{target}/deploymentprocesses"))
    response = fresh_api.put(f"{at}/{target}/deploymentprocesses", body)
    assert response.status_code == 400
    assert "changes can only be committed to a branch" in response.text
    assert len(history(fresh_api, "Atlas Web")) == 2


def test_a_protected_branch_refuses_writes_and_a_new_branch_takes_them(fresh_api):
    at = base(fresh_api, "Ledger API")
    main = fresh_api.json(f"{at}/git/branches/main")
    assert main["IsProtected"] is True
    before = head(fresh_api, "Ledger API")
    process = fresh_api.json(f"{at}/main/deploymentprocesses")
    refused = fresh_api.put(f"{at}/main/deploymentprocesses", edit(process))
    assert refused.status_code == 400 and "is protected" in refused.text
    created = fresh_api.post(
        f"{at}/git/branches/v2", {"BaseGitRef": "refs/heads/main", "NewBranchName": "octoflow/p1"}
    )
    assert created.status_code == 200, created.text
    assert created.json()["CanonicalName"] == "refs/heads/octoflow/p1"
    assert created.json()["IsProtected"] is False
    saved = fresh_api.put(f"{at}/octoflow%2Fp1/deploymentprocesses", edit(process))
    assert saved.status_code == 200, saved.text
    assert head(fresh_api, "Ledger API") == before
    assert head(fresh_api, "Ledger API", "octoflow%2Fp1")["Parents"] == [before["Name"]]
    names = [b["Name"] for b in fresh_api.json(f"{at}/git/branches")["Items"]]
    assert names == ["main", "octoflow/p1"]


def test_branch_listing_has_the_shape_a_real_server_answers(api):
    listing = api.json(f"{base(api, 'Garnet Admin')}/git/branches")
    sample = load_sample("git-branches.collection.response.json")
    assert listing["ItemType"] == sample["ItemType"]
    assert set(sample) <= set(listing)
    branch = listing["Items"][0]
    assert set(sample["Items"][0]) <= set(branch)
    assert branch["Links"]["DeploymentProcess"].endswith(
        f"/{branch['CanonicalName'].replace('/', '%2f')}/deploymentprocesses"
    )
    tags = api.json(f"{base(api, 'Garnet Admin')}/git/tags")
    assert (tags["ItemType"], [t["Name"] for t in tags["Items"]]) == ("GitTag", ["v1.0"])


def test_an_unknown_ref_is_404(api):
    response = api.get(f"{base(api, 'Atlas Web')}/no-such-branch/deploymentprocesses")
    assert response.status_code == 404
    assert "'no-such-branch' could not be found" in response.text


def test_database_routes_of_a_version_controlled_project(api):
    at = base(api, "Atlas Web")
    assert api.get(f"{at}/deploymentprocesses").status_code == 404
    settings = api.get(f"{at}/deploymentsettings")
    assert settings.status_code == 400 and "under a git ref" in settings.text
    database = f"{SPACE}/projects/Projects-1"
    assert api.get(f"{database}/git/branches").status_code == 400
    assert api.get(f"{database}/main/deploymentprocesses").status_code == 400


def test_deployment_settings_under_a_ref_commit_once(fresh_api):
    at = base(fresh_api, "Atlas Web")
    settings = fresh_api.json(f"{at}/main/deploymentsettings")
    assert settings["Id"] == f"deploymentsettings-{project(fresh_api, 'Atlas Web')['Id']}"
    body = dict(settings, ReleaseNotesTemplate="Notes", ChangeDescription="Set notes")
    response = fresh_api.put(f"{at}/main/deploymentsettings", body)
    assert response.status_code == 200, response.text
    assert fresh_api.json(f"{at}/main/deploymentsettings")["ReleaseNotesTemplate"] == "Notes"
    assert fresh_api.json(f"{at}/v1.0/deploymentsettings")["ReleaseNotesTemplate"] is None
    assert head(fresh_api, "Atlas Web")["Message"] == "Set notes"


def test_a_release_at_an_older_commit_snapshots_that_commits_process(fresh_api):
    at = base(fresh_api, "Atlas Web")
    commits = history(fresh_api, "Atlas Web")
    old, new = commits[-1]["Name"], commits[0]["Name"]
    created = {}
    for version, commit in (("1.0.0", old), ("1.0.1", None)):
        body = {"spaceIdOrName": "Spaces-1", "ProjectName": "Atlas Web", "GitRef": "main"}
        body["ReleaseVersion"] = version
        if commit:
            body["GitCommit"] = commit
        response = fresh_api.post(f"{SPACE}/releases/create/v1", body)
        assert response.status_code == 201, response.text
        created[version] = fresh_api.json(f"{SPACE}/releases/{response.json()['ReleaseId']}")
    assert created["1.0.0"]["VersionControlReference"] == {
        "GitRef": "refs/heads/main",
        "GitCommit": old,
    }
    assert created["1.0.1"]["VersionControlReference"]["GitCommit"] == new
    validate("ReleaseResource", created["1.0.0"])
    steps = {
        v: fresh_api.json(f"{SPACE}/deploymentprocesses/{r['ProjectDeploymentProcessSnapshotId']}")[
            "Steps"
        ]
        for v, r in created.items()
    }
    assert steps["1.0.0"] == fresh_api.json(f"{at}/{old}/deploymentprocesses")["Steps"]
    assert steps["1.0.1"] == fresh_api.json(f"{at}/main/deploymentprocesses")["Steps"]
    assert len(steps["1.0.1"]) == len(steps["1.0.0"]) + 1


def test_version_controlled_projects_validate_and_advertise_git_links(api):
    cac = [p for p in api.json(f"{SPACE}/projects/all") if p["IsVersionControlled"]]
    assert len(cac) == 6
    assert sum(p["PersistenceSettings"]["ProtectedDefaultBranch"] for p in cac) == 3
    for doc in cac:
        validate("ProjectResource", doc)
        links = doc["Links"]
        assert links["DeploymentSettings"].endswith("/{gitRef}/deploymentsettings")
        assert links["Branches"].endswith("/git/branches{/name}{?skip,take,searchByName,refresh}")


def test_an_older_server_has_no_git_routes(areas):
    old = in_process(Sandbox(areas, seed="demo", server_version="2020.5"))
    at = base(old, "Atlas Web")
    assert old.get(f"{at}/main/deploymentprocesses").status_code == 404
    assert old.get(f"{at}/git/branches").status_code == 404


def test_runbooks_kept_in_git_are_read_and_written_under_a_ref(fresh_api):
    atlas = project(fresh_api, "Atlas Web")
    assert atlas["PersistenceSettings"]["ConversionState"]["RunbooksAreInGit"] is True
    assert atlas["Links"]["Runbooks"].endswith("/{gitRef}/runbooks{?skip,take,partialName}")
    at = base(fresh_api, "Atlas Web")
    listing = fresh_api.json(f"{at}/main/runbooks")
    assert [r["Name"] for r in listing["Items"]] == ["Purge CDN Cache", "Restart App Pool"]
    runbook = fresh_api.json(f"{at}/main/runbooks/restart-app-pool")
    validate("RunbookResource", runbook)
    process_link = runbook["Links"]["RunbookProcesses"]
    process = fresh_api.json(process_link)
    validate("RunbookProcessResource", process)
    assert process["RunbookId"] == "restart-app-pool" and process["Steps"]
    body = edit(process, "Check health twice")
    saved = fresh_api.put(process_link, body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["Version"] == process["Version"] + 1
    assert head(fresh_api, "Atlas Web")["Message"] == "Check health twice"
    stale = fresh_api.put(process_link, body)
    assert stale.status_code == 409
    renamed = fresh_api.put(
        f"{at}/main/runbooks/restart-app-pool",
        dict(runbook, Description="Recycles the pool.", ChangeDescription="Describe it"),
    )
    assert renamed.status_code == 200, renamed.text
    assert fresh_api.json(f"{at}/main/runbooks/restart-app-pool")["Description"] == (
        "Recycles the pool."
    )
    assert fresh_api.json(f"{at}/v1.0/runbooks/restart-app-pool")["Description"] != (
        "Recycles the pool."
    )
    assert len(history(fresh_api, "Atlas Web")) == 4


def test_runbooks_not_in_git_are_refused_under_a_ref(api):
    garnet = project(api, "Garnet Admin")
    assert garnet["Links"]["Runbooks"].endswith(
        f"/projects/{garnet['Id']}/runbooks{{?skip,take,partialName}}"
    )
    response = api.get(f"{base(api, 'Garnet Admin')}/main/runbooks")
    assert response.status_code == 400 and "not stored in Git" in response.text


def test_a_runbook_run_from_a_commit_runs_the_process_committed_there(fresh_api):
    at = base(fresh_api, "Atlas Web")
    before = head(fresh_api, "Atlas Web")["Name"]
    link = f"{at}/main/runbookProcesses/restart-app-pool"
    old = fresh_api.json(link)
    assert fresh_api.put(link, edit(old, "Add a smoke test")).status_code == 200
    runs = {}
    for ref in ("main", before):
        response = fresh_api.post(
            f"{at}/{ref}/runbooks/restart-app-pool/run/v1",
            {"Runs": [{"EnvironmentId": "Environments-1"}]},
        )
        assert response.status_code == 201, response.text
        (runs[ref],) = response.json()["Resources"]
    assert runs[before]["GitReference"] == {"GitRef": before, "GitCommit": before}
    assert runs["main"]["GitReference"]["GitRef"] == "refs/heads/main"
    frozen = {
        ref: fresh_api.json(f"{SPACE}/runbookProcesses/{run['FrozenRunbookProcessId']}")
        for ref, run in runs.items()
    }
    assert frozen[before]["Steps"] == old["Steps"]
    assert frozen["main"]["Steps"][-1]["Name"] == "Smoke test (git)"
    for run in runs.values():
        validate("RunbookRunResource", run)
        assert run["RunbookSnapshotId"] is None
        assert fresh_api.get(run["Links"]["Runbook"]).status_code == 200
        assert fresh_api.json(run["Links"]["Task"])["State"]


def test_the_executions_api_runs_a_runbook_from_a_git_ref(fresh_api):
    body = {
        "spaceIdOrName": "Spaces-1",
        "ProjectName": "Atlas Web",
        "RunbookName": "Restart App Pool",
        "EnvironmentNames": ["Development", "Test"],
        "GitRef": "refs/heads/main",
    }
    response = fresh_api.post(f"{SPACE}/runbook-runs/git/create/v1", body)
    assert response.status_code == 201, response.text
    tasks = response.json()["RunbookRunServerTasks"]
    assert len(tasks) == 2
    run = fresh_api.json(f"{SPACE}/runbookRuns/{tasks[0]['RunbookRunId']}")
    assert run["GitReference"]["GitCommit"] == head(fresh_api, "Atlas Web")["Name"]
    missing = fresh_api.post(f"{SPACE}/runbook-runs/git/create/v1", dict(body, GitRef=None))
    assert missing.status_code == 400 and "gitRef field is required" in missing.text


def test_a_project_created_version_controlled_gets_a_repository(fresh_api):
    body = {
        "Name": "Git Born",
        "ProjectGroupId": "ProjectGroups-1",
        "LifecycleId": "Lifecycles-1",
        "IsVersionControlled": True,
        "PersistenceSettings": {
            "Type": "VersionControlled",
            "Url": "https://github.com/octoflow-demo/git-born.git",
            "DefaultBranch": "trunk",
            "BasePath": ".octopus",
            "Credentials": {"Type": "Anonymous"},
        },
    }
    created = fresh_api.post(f"{SPACE}/projects", body)
    assert created.status_code == 201, created.text
    at = f"{SPACE}/projects/{created.json()['Id']}"
    assert fresh_api.json(f"{at}/trunk/deploymentprocesses")["Steps"] == []
    assert [b["Name"] for b in fresh_api.json(f"{at}/git/branches")["Items"]] == ["trunk"]
    assert fresh_api.delete(at).status_code == 200
    assert fresh_api.get(f"{at}/git/branches").status_code == 404


def test_a_branch_matching_a_protected_pattern_refuses_writes(fresh_api):
    at = base(fresh_api, "Ledger API")
    created = fresh_api.post(
        f"{at}/git/branches/v2", {"BaseGitRef": "main", "NewBranchName": "release/1.0"}
    )
    assert created.status_code == 200 and created.json()["IsProtected"] is True
    process = fresh_api.json(f"{at}/release%2F1.0/deploymentprocesses")
    refused = fresh_api.put(f"{at}/release%2F1.0/deploymentprocesses", edit(process))
    assert refused.status_code == 400 and "'release/1.0' is protected" in refused.text
    again = fresh_api.post(
        f"{at}/git/branches/v2", {"BaseGitRef": "main", "NewBranchName": "release/1.0"}
    )
    assert again.status_code == 400 and "already exists" in again.text


def test_commits_survive_a_save_and_reload(fresh, fresh_api, areas, tmp_path):
    at = base(fresh_api, "Atlas Web")
    process = fresh_api.json(f"{at}/main/deploymentprocesses")
    assert fresh_api.put(f"{at}/main/deploymentprocesses", edit(process)).status_code == 200
    fresh.save(tmp_path / "state.json")
    reloaded = in_process(Sandbox(areas, seed=tmp_path / "state.json"))
    assert head(reloaded, "Atlas Web") == head(fresh_api, "Atlas Web")
    assert reloaded.json(f"{at}/main/deploymentprocesses")["Steps"][-1]["Name"] == (
        "Smoke test (git)"
    )


def test_two_demo_builds_have_identical_repositories(areas):
    first, second = (Sandbox(areas, seed="demo").dump() for _ in range(2))
    assert first["collections"]["GitRepositories"] == second["collections"]["GitRepositories"]
    assert len(first["collections"]["GitRepositories"]) == 6
