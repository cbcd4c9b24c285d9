"""Version-controlled (Config-as-Code) projects end to end: the CLI against a served demo
sandbox, checked through the git-ref API as any other client would."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest

from octoflow import Octoflow, PlanError
from octoflow.testing import apply_and_replan
from tests.e2e.support import api_for, writes

SPACE = "/api/Spaces-1"
RUN_ON_SERVER = "Octopus.Action.RunOnServer"
IMAGE = "octopuslabs/workertools:latest"
#: The demo's version-controlled projects, and whether their default branch is protected.
CAC = {
    "Atlas Web": False,
    "Garnet Admin": True,
    "Ledger API": True,
    "Quartz Web": False,
    "Risk Reports": True,
    "Tax Worker": False,
}
REVIEWED = ("-p", "new_branch=octoflow/containers", "-p", "only_protected=true")


def project_ids(api) -> dict[str, str]:
    return {p["Name"]: p["Id"] for p in api.get(SPACE + "/projects/all")}


def head(api, project_id: str, branch: str) -> dict:
    """The commit at the head of ``branch`` (message, parents)."""
    return api.get(f"{SPACE}/projects/{project_id}/git/commits/{quote(branch, safe='')}")


def process_at(api, project_id: str, ref: str) -> dict:
    return api.get(f"{SPACE}/projects/{project_id}/{quote(ref, safe='')}/deploymentprocesses")


def branch_names(api, project_id: str) -> set[str]:
    items = api.get(f"{SPACE}/projects/{project_id}/git/branches", take=100)["Items"]
    return {b["Name"] for b in items}


def plan_id(out: str) -> str:
    return re.search(r"octoflow plan ([0-9a-f]{12}):", out).group(1)


def worker_actions(process: dict) -> list[dict]:
    return [a for s in process["Steps"] for a in s["Actions"] if a["Properties"].get(RUN_ON_SERVER)]


def test_use_container_commits_once_per_version_controlled_project_and_converges(
    server, server_api, cli
) -> None:
    sandbox, _srv = server
    ids = project_ids(server_api)
    before = {name: head(server_api, ids[name], "main")["Name"] for name in CAC}
    portal = server_api.get(SPACE + "/deploymentprocesses/deploymentprocess-Projects-1")
    message = "-p", "commit_message=Containers for {{ project.name }} ({{ plan.id }})"

    code, out, err = cli(
        "apply", "projects-use-container", "-p", "group=*", *REVIEWED, *message, "--yes"
    )

    assert code == 0, err
    made = plan_id(out)
    for name, protected in CAC.items():
        branch = "octoflow/containers" if protected else "main"
        assert f"{name} (branch {branch}{', new' if protected else ''}, 1 commit)" in out
        commit = head(server_api, ids[name], branch)
        assert commit["Parents"] == [before[name]]  # exactly one new commit
        assert commit["Message"] == f"Containers for {name} ({made})"
        at_head = process_at(server_api, ids[name], commit["Name"])
        workers = [a for a in worker_actions(at_head) if a["Properties"][RUN_ON_SERVER] == "true"]
        assert workers and all(a["Container"]["Image"] == IMAGE for a in workers)
        if protected:  # main untouched
            assert head(server_api, ids[name], "main")["Name"] == before[name]
        else:  # the default branch's history: ours, then what was there
            history = server_api.get(f"{SPACE}/projects/{ids[name]}/git/commits")["Items"]
            assert [c["Name"] for c in history[:2]] == [commit["Name"], before[name]]
    database = server_api.get(SPACE + "/deploymentprocesses/deploymentprocess-Projects-1")
    assert database["Version"] == portal["Version"] + 1
    puts = [r.path for r in sandbox.requests if r.method == "PUT"]
    assert sum(p.endswith("/deploymentprocesses") for p in puts) == len(CAC)
    made_writes = len(writes(sandbox))

    code, out, err = cli("apply", "projects-use-container", "-p", "group=*", *REVIEWED, "--yes")

    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out
    assert len(writes(sandbox)) == made_writes


def test_a_branch_named_after_the_plan_is_created_and_committed_to(server, server_api, cli):
    ids = project_ids(server_api)
    before = head(server_api, ids["Garnet Admin"], "main")["Name"]

    code, out, err = cli(
        "apply",
        "projects-use-container",
        *("-p", "project=Garnet Admin", "-p", "new_branch=octoflow/{{ plan.id }}", "--yes"),
    )

    assert code == 0, err
    branch = f"octoflow/{plan_id(out)}"
    assert f"create branch {branch} from main" in out
    commit = head(server_api, ids["Garnet Admin"], branch)
    assert commit["Parents"] == [before]
    assert commit["Message"] == f"octoflow projects-use-container (plan {plan_id(out)})"
    assert head(server_api, ids["Garnet Admin"], "main")["Name"] == before


def test_the_same_change_planned_twice_has_one_digest_though_it_names_its_plan() -> None:
    octo = Octoflow.with_sandbox("demo")
    params = {"project": "Garnet Admin", "new_branch": "octoflow/{{ plan.id }}"}

    first, second = (octo.plan_recipe("projects-use-container", params) for _ in range(2))

    assert first.id != second.id and first.digest == second.digest
    ops = [op for op in first.operations if op.kind == "GitDeploymentProcess"]
    assert ops[0].send == {
        "ChangeDescription": f"octoflow projects-use-container (plan {first.id})"
    }


def _commit_id(api) -> str:
    return head(api, project_ids(api)["Atlas Web"], "main")["Name"][:10]


BAD = [
    (
        ("project=Atlas Web", "branch=mian"),
        "project 'Atlas Web': unknown branch 'mian': did you mean 'main'?",
    ),
    (
        ("project=Atlas Web", "branch=v1.0"),
        "'v1.0' is a tag of project 'Atlas Web': commits go to a branch",
    ),
    (
        ("project=Atlas Web", "branch={commit}"),
        "is a commit id of project 'Atlas Web': commits go to a branch",
    ),
    (
        ("project=Garnet Admin",),
        "branch 'main' of project 'Garnet Admin' is protected: the server refuses commits to it",
    ),
    (
        ("project=Customer Portal,Atlas Web", "branch=main"),
        "project(s) 'Customer Portal' are not version-controlled",
    ),
    (
        ("project=Atlas Web", "new_branch=octoflow/{{ plan.nope }}"),
        "the branch name template 'octoflow/{{ plan.nope }}' does not render",
    ),
    (
        ("project=Atlas Web", "new_branch=review/{{ project.name }}"),
        "the branch name 'review/Atlas Web' (from 'review/{{ project.name }}', for 'Atlas Web') "
        "is not a valid Git branch name",
    ),
    (
        ("project=Atlas Web", "only_protected=true"),
        "only_protected=true needs -p new_branch=",
    ),
]


@pytest.mark.parametrize(("params", "expected"), BAD)
def test_bad_branches_are_plan_errors_and_nothing_is_written(
    server, server_api, cli, params, expected
) -> None:
    sandbox, _srv = server
    given = [p.replace("{commit}", _commit_id(server_api)) for p in params]
    sandbox.clear_requests()

    code, _out, err = cli(
        "apply", "projects-use-container", *(a for p in given for a in ("-p", p)), "--yes"
    )

    assert code == 2, err
    assert expected in err
    assert writes(sandbox) == []


def test_a_protected_branch_says_how_to_commit_through_review(server, cli) -> None:
    code, _out, err = cli("plan", "projects-use-container", "-p", "project=Garnet Admin")

    assert code == 2
    assert "-p new_branch=octoflow/{{ plan.id }}" in err and "only_protected" in err


def test_a_commit_made_between_plan_and_apply_survives(server, server_api, cli, tmp_path) -> None:
    ids = project_ids(server_api)
    plan_file = tmp_path / "plan.json"
    code, _out, err = cli(
        "plan", "projects-use-container", "-p", "project=Atlas Web", "--out", str(plan_file)
    )
    assert code == 0, err
    original = head(server_api, ids["Atlas Web"], "main")["Name"]
    path = f"{SPACE}/projects/{ids['Atlas Web']}/main/deploymentprocesses"
    process = server_api.get(path)
    deploy = next(s for s in process["Steps"] if s["Name"] == "Deploy")
    deploy["Properties"]["Octopus.Action.TargetRoles"] = "web-server,edited-meanwhile"
    server_api.put(path, {**process, "ChangeDescription": "Hand edit"})
    theirs = head(server_api, ids["Atlas Web"], "main")

    code, out, err = cli("apply", str(plan_file), "--yes")

    assert code == 0, err
    ours = head(server_api, ids["Atlas Web"], "main")
    assert theirs["Parents"] == [original] and ours["Parents"] == [theirs["Name"]]
    final = process_at(server_api, ids["Atlas Web"], ours["Name"])
    deploy = next(s for s in final["Steps"] if s["Name"] == "Deploy")
    assert deploy["Properties"]["Octopus.Action.TargetRoles"] == "web-server,edited-meanwhile"
    workers = [a for a in worker_actions(final) if a["Properties"][RUN_ON_SERVER] == "true"]
    assert all(a["Container"]["Image"] == IMAGE for a in workers)
    assert plan_file.exists() and json.loads(plan_file.read_text())["operations"]


def test_a_saved_plan_the_branch_contradicts_is_a_conflict(
    server, server_api, cli, tmp_path
) -> None:
    sandbox, _srv = server
    ids = project_ids(server_api)
    plan_file = tmp_path / "plan.json"
    code, _out, err = cli(
        "plan", "projects-use-container", "-p", "project=Atlas Web", "--out", str(plan_file)
    )
    assert code == 0, err
    path = f"{SPACE}/projects/{ids['Atlas Web']}/main/deploymentprocesses"
    process = server_api.get(path)
    worker = next(a for a in worker_actions(process) if a["Properties"][RUN_ON_SERVER] == "true")
    worker["Container"] = {"Image": "alpine:3", "FeedId": "Feeds-1"}  # someone else's choice
    server_api.put(path, {**process, "ChangeDescription": "Use alpine"})
    theirs = head(server_api, ids["Atlas Web"], "main")["Name"]
    sandbox.clear_requests()

    code, _out, err = cli("apply", str(plan_file), "--yes")

    assert code == 5, err
    assert "changed on the server since the plan" in err and "alpine:3" in err
    assert writes(sandbox) == []
    assert head(server_api, ids["Atlas Web"], "main")["Name"] == theirs


def test_projects_branch_creates_a_branch_once_then_recipes_commit_there(
    server, server_api, cli
) -> None:
    sandbox, _srv = server
    ids = project_ids(server_api)
    apps = ["Atlas Web", "Garnet Admin", "Quartz Web"]
    before = {n: head(server_api, ids[n], "main")["Name"] for n in apps}

    code, out, err = cli(
        "apply", "projects-branch", "-p", "group=Apps", "-p", "name=octoflow/review", "--yes"
    )

    assert code == 0, err
    assert "leaves out 57 database project(s)" in out
    for name in apps:
        assert "octoflow/review" in branch_names(server_api, ids[name])
        assert head(server_api, ids[name], "octoflow/review")["Name"] == before[name]
    code, out, err = cli(
        "apply", "projects-branch", "-p", "group=Apps", "-p", "name=octoflow/review", "--yes"
    )
    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out
    assert "3 selected resource(s) already as requested" in out

    code, out, err = cli(
        "apply",
        "projects-use-container",
        *("-p", "group=Apps", "-p", "branch=octoflow/review", "--yes"),
    )

    assert code == 0, err
    for name in apps:
        assert head(server_api, ids[name], "octoflow/review")["Parents"] == [before[name]]
        assert head(server_api, ids[name], "main")["Name"] == before[name]


def test_projects_branch_refuses_a_database_project_by_name(server, cli) -> None:
    sandbox, _srv = server
    code, _out, err = cli(
        "apply", "projects-branch", "-p", "project=Customer Portal", "-p", "name=x", "--yes"
    )
    assert code == 2
    assert "'Customer Portal' are not version-controlled" in err
    assert writes(sandbox) == []


def test_runbooks_kept_in_git_commit_one_process_each_and_converge() -> None:
    octo = Octoflow.with_sandbox("demo")
    api = api_for(octo.sandbox)
    ids = project_ids(api)
    ledger, atlas = ids["Ledger API"], ids["Atlas Web"]
    before = {pid: head(api, pid, "main")["Name"] for pid in (ledger, atlas)}
    selected = octo.projects.where(name=["Atlas Web", "Ledger API", "Customer Portal"])
    statement = (
        selected.on_new_branch("octoflow/runbooks", only_protected=True)
        .runbooks("Restart App Pool", "Restart Service")
        .steps.set_container(IMAGE)
    )

    plan = octo.plan(statement)

    assert sorted((op.kind, op.name) for op in plan.operations) == [
        ("GitBranch", "Ledger API: octoflow/runbooks"),
        ("GitRunbookProcess", "Atlas Web / Restart App Pool (branch main, 1 commit)"),
        (
            "GitRunbookProcess",
            "Ledger API / Restart Service (branch octoflow/runbooks, new, 1 commit)",
        ),
        ("RunbookProcess", "Customer Portal / Restart App Pool"),
    ]
    apply_and_replan(octo, plan, statement)
    atlas_head = head(api, atlas, "main")
    assert atlas_head["Parents"] == [before[atlas]]
    ledger_head = head(api, ledger, "octoflow/runbooks")
    assert ledger_head["Parents"] == [before[ledger]]
    assert head(api, ledger, "main")["Name"] == before[ledger]  # protected main untouched
    at = f"{SPACE}/projects/{ledger}/{ledger_head['Name']}/runbookProcesses"
    process = api.get(f"{at}/RunbookProcess-restart-service")
    assert {a["Container"]["Image"] for s in process["Steps"] for a in s["Actions"]} == {IMAGE}


def test_a_runbook_name_kept_in_git_is_known_to_the_typo_check() -> None:
    octo = Octoflow.with_sandbox("demo")
    ledger = octo.projects.where(name="Ledger API").on_new_branch("x/{{ plan.id }}")
    with pytest.raises(PlanError, match="unknown runbook 'Restart Servce': did you mean"):
        octo.plan(ledger.runbooks("Restart Servce").steps.set_container(IMAGE))


def test_undo_leaves_commits_to_git_and_says_so(server, server_api, cli, tmp_path) -> None:
    ids = project_ids(server_api)
    journal = tmp_path / "apply.jsonl"
    code, _out, err = cli(
        "apply",
        "projects-use-container",
        *("-p", "project=Customer Portal,Garnet Admin", *REVIEWED),
        *("--yes", "--journal", str(journal)),
    )
    assert code == 0, err
    ours = head(server_api, ids["Garnet Admin"], "octoflow/containers")["Name"]
    portal = server_api.get(SPACE + "/deploymentprocesses/deploymentprocess-Projects-1")

    code, out, err = cli("undo", str(journal), "--yes")

    assert code == 0, err
    assert "GitDeploymentProcess 'Garnet Admin (branch octoflow/containers, new, 1 commit)'" in out
    assert "a commit to the project's Git repository: revert it there" in out
    assert "GitBranch 'Garnet Admin: octoflow/containers'" in out  # an action
    assert head(server_api, ids["Garnet Admin"], "octoflow/containers")["Name"] == ours
    undone = server_api.get(SPACE + "/deploymentprocesses/deploymentprocess-Projects-1")
    assert undone["Version"] == portal["Version"] + 1  # the database process is undone
