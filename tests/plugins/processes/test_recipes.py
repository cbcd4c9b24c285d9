"""The shipped process recipes, end to end through the CLI against a served demo sandbox."""

from __future__ import annotations

import json
import math
from pathlib import Path

from tests.e2e.support import TEST_KEY, run_cli_process, writes

SPACE = "/api/Spaces-1"
STEP_TEMPLATE = Path(__file__).parent / "data" / "notify-slack.json.j2"
#: Version-controlled projects whose default branch is protected (Garnet Admin in Apps)
#: commit to a new branch instead.
REVIEWED = ("-p", "new_branch=octoflow/review", "-p", "only_protected=true")
RUN_ON_SERVER = "Octopus.Action.RunOnServer"


def apps(api) -> tuple[dict[str, dict], list[dict]]:
    """Processes of the Apps group's projects by project id, and its version-controlled projects."""
    group = next(g for g in api.get(SPACE + "/projectgroups/all") if g["Name"] == "Apps")
    projects = [p for p in api.get(SPACE + "/projects/all") if p["ProjectGroupId"] == group["Id"]]
    processes = {
        p["ProjectId"]: p for p in api.get(SPACE + "/deploymentprocesses", take=500)["Items"]
    }
    cac = [p for p in projects if p["IsVersionControlled"]]
    return {p["Id"]: processes[p["Id"]] for p in projects if p not in cac}, cac


def actions(process: dict) -> dict[str, dict]:
    return {a["Id"]: a for s in process["Steps"] for a in s["Actions"]}


def test_use_container_changes_exactly_the_worker_actions_of_the_group(
    server, server_api, cli
) -> None:
    sandbox, _srv = server
    before, cac = apps(server_api)
    everyone = {
        p["Id"]: p for p in server_api.get(SPACE + "/deploymentprocesses", take=500)["Items"]
    }
    docker = next(
        f["Id"] for f in server_api.get(SPACE + "/feeds/all") if f["Name"] == "Docker Hub"
    )
    sandbox.clear_requests()

    code, out, err = cli("apply", "projects-use-container", "-p", "group=Apps", *REVIEWED, "--yes")

    assert code == 0, err
    seen = sandbox.requests
    logged = [(r.method, r.path) for r in seen]
    made = writes(sandbox)
    after, _ = apps(server_api)
    changed = 0
    for project_id, process in before.items():
        for action_id, old in actions(process).items():
            new = actions(after[project_id])[action_id]
            if old["Properties"].get(RUN_ON_SERVER) == "true":
                assert new["Container"] == {
                    "Image": "octopuslabs/workertools:latest",
                    "FeedId": docker,
                }
                assert {k: v for k, v in new.items() if k != "Container"} == {
                    k: v for k, v in old.items() if k != "Container"
                }
            else:
                assert new == old
        changed += after[project_id]["Version"] != process["Version"]
    outside = {
        p["Id"]: p for p in server_api.get(SPACE + "/deploymentprocesses", take=500)["Items"]
    }
    assert {k: v for k, v in outside.items() if k not in {p["Id"] for p in after.values()}} == {
        k: v for k, v in everyone.items() if k not in {p["Id"] for p in after.values()}
    }
    # the three version-controlled projects of Apps commit too: one branch is created
    assert f"Plan: 0 to add, {changed + 3} to change, 0 to delete, 1 to run." in out
    assert all(p["Name"] in out for p in cac)
    # a handful of lookups to plan; at apply one write per changed process, re-read
    # right before in batches of 8 (processes carry a Version: nothing to read back),
    # and three questions to the audit log
    puts = sorted(path for m, path in logged if m == "PUT")
    assert [p for p in puts if "/deploymentprocesses/" in p] == sorted(
        f"{SPACE}/deploymentprocesses/{p['Id']}"
        for p in after.values()
        if p["Version"] != before[p["ProjectId"]]["Version"]
    )
    git_puts = [p for p in puts if p.endswith("/deploymentprocesses")]
    assert len(git_puts) == 3 and len(made) == changed + 3 + 1
    reads = [path for method, path in logged if method == "GET"]
    assert reads[:6] == [
        "/api",
        "/api/spaces/all",
        SPACE + "/projects/all",
        SPACE + "/projectgroups/all",
        SPACE + "/feeds/all",
        SPACE + "/deploymentprocesses",
    ]
    for project in cac:  # Garnet Admin's branches (is the new one there?), then processes
        listed = reads.count(f"{SPACE}/projects/{project['Id']}/git/branches")
        assert listed == (project["Name"] == "Garnet Admin")
    assert reads.count(SPACE + "/deploymentprocesses") == 1 + math.ceil(changed / 8)


def test_a_second_run_plans_zero_changes(server, cli) -> None:
    sandbox, _srv = server
    cli(
        "apply",
        "projects-use-container",
        "-p",
        "group=Apps",
        "-p",
        "action_type=Octopus.Script",
        *REVIEWED,
        "--yes",
    )
    made = len(writes(sandbox))

    code, out, err = cli(
        "apply",
        "projects-use-container",
        "-p",
        "group=Apps",
        "-p",
        "action_type=Octopus.Script",
        *REVIEWED,
        "--yes",
    )

    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out
    assert len(writes(sandbox)) == made > 0


def test_add_step_puts_the_rendered_step_after_deploy_once(server, server_api, cli) -> None:
    sandbox, _srv = server
    args = ("-p", "group=Apps", "-p", f"step={STEP_TEMPLATE}", "-p", "after=Deploy", *REVIEWED)

    code, out, err = cli("apply", "projects-add-step", *args, "--yes")

    assert code == 0, err
    processes, cac = apps(server_api)
    names = {p["Id"]: p["Name"] for p in server_api.get(SPACE + "/projects/all")}
    for project_id, process in processes.items():
        steps = [s["Name"] for s in process["Steps"]]
        assert steps.count("Notify Slack") == 1
        assert steps[steps.index("Deploy") + 1] == "Notify Slack"
        notify = next(s for s in process["Steps"] if s["Name"] == "Notify Slack")
        assert notify["Condition"] == "Always"
        body = notify["Actions"][0]["Properties"]["Octopus.Action.Script.ScriptBody"]
        assert body.startswith(f"./notify.sh '{names[project_id]} #{{Octopus.Release.Number}}")
        assert notify["Actions"][0]["ExcludedEnvironments"] == ["Environments-1"]
    for project in cac:  # committed at its default branch, or Garnet Admin's new one
        branch = "octoflow%2Freview" if project["Name"] == "Garnet Admin" else "main"
        process = server_api.get(f"{SPACE}/projects/{project['Id']}/{branch}/deploymentprocesses")
        steps = [s["Name"] for s in process["Steps"]]
        assert steps[steps.index("Deploy") + 1] == "Notify Slack"
    # 57 database processes, 3 commits and the branch
    assert len(writes(sandbox)) == len(processes) + 3 + 1 == 61
    assert f"Plan: 0 to add, {len(processes) + 3} to change, 0 to delete, 1 to run." in out

    code, out, err = cli("apply", "projects-add-step", *args, "--yes")

    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out
    assert len(writes(sandbox)) == 61


def test_remove_step_removes_it_where_it_is(server, server_api, cli) -> None:
    code, out, err = cli(
        "apply",
        "projects-remove-step",
        "-p",
        "group=Apps,Customer Apps",
        "-p",
        "name=Smoke test",
        "--yes",
    )

    assert code == 0, err
    for process in server_api.get(SPACE + "/deploymentprocesses", take=500)["Items"]:
        assert "Smoke test" not in [s["Name"] for s in process["Steps"]]
    code, out, _ = cli(
        "plan", "projects-remove-step", "-p", "group=Apps,Customer Apps", "-p", "name=Smoke test"
    )
    assert code == 0 and "Plan: 0 to add, 0 to change, 0 to delete." in out


def test_use_worker_pool_moves_the_worker_actions(server, server_api, cli) -> None:
    pool = server_api.session.post(
        server_api.base + SPACE + "/workerpools",
        json={"Name": "Recipe Test Pool", "WorkerPoolType": "StaticWorkerPool"},
    ).json()

    code, out, err = cli(
        "apply",
        "projects-use-worker-pool",
        "-p",
        "project=Customer Portal,Sales ETL",
        "-p",
        "worker_pool=Recipe Test Pool",
        "--yes",
    )

    assert code == 0, err
    assert "Plan: 0 to add, 2 to change, 0 to delete." in out
    for project in ("Projects-1", server_api.project_id("Sales ETL")):
        process = server_api.get(f"{SPACE}/projects/{project}/deploymentprocesses")
        for action in actions(process).values():
            on_worker = action["Properties"].get(RUN_ON_SERVER) == "true"
            assert (action["WorkerPoolId"] == pool["Id"]) == on_worker


def test_a_concurrent_edit_between_plan_and_apply_is_kept(
    server, server_api, cli, tmp_path
) -> None:
    plan_file = tmp_path / "plan.json"
    code, _out, err = cli(
        "plan", "projects-use-container", "-p", "project=Customer Portal", "--out", str(plan_file)
    )
    assert code == 0, err
    path = SPACE + "/deploymentprocesses/deploymentprocess-Projects-1"
    process = server_api.get(path)
    deploy = next(s for s in process["Steps"] if s["Name"] == "Deploy")
    deploy["Properties"]["Octopus.Action.TargetRoles"] = "web-server,edited-meanwhile"
    server_api.put(path, process)

    code, out, err = cli("apply", str(plan_file), "--yes")

    assert code == 0, err
    final = server_api.get(path)
    assert final["Version"] == process["Version"] + 2
    deploy = next(s for s in final["Steps"] if s["Name"] == "Deploy")
    assert deploy["Properties"]["Octopus.Action.TargetRoles"] == "web-server,edited-meanwhile"
    migrate = next(s for s in final["Steps"] if s["Name"] == "Run database migrations")
    assert migrate["Actions"][0]["Container"]["Image"] == "octopuslabs/workertools:latest"


def test_the_key_appears_in_no_output_plan_or_journal(server, cli, tmp_path) -> None:
    journal = tmp_path / "journal.jsonl"
    plan_file = tmp_path / "plan.json"
    code, out, err = cli(
        "apply",
        "projects-add-step",
        "-p",
        "project=Customer Portal",
        "-p",
        f"step={STEP_TEMPLATE}",
        "--yes",
        "--journal",
        str(journal),
        "--out",
        str(plan_file),
        "--format",
        "json",
    )
    assert code == 0, err
    for text in (out, err, journal.read_text(), plan_file.read_text()):
        assert TEST_KEY not in text and TEST_KEY[4:] not in text
    assert json.loads(out)["report"]["recap"]["changed"] == 1


def test_done_when_as_a_separate_process(server, server_api, tmp_path) -> None:
    """The issue's acceptance path: ``octoflow`` run by a user against ``sandbox serve``."""
    sandbox, srv = server
    env = {"OCTOPUS_URL": srv.url, "OCTOPUS_API_KEY": TEST_KEY, "OCTOFLOW_HOME": "home"}
    args = (
        *("-p", "group=Data Pipelines", "-p", f"step={STEP_TEMPLATE}", "-p", "before=Deploy"),
        *REVIEWED,
    )

    first = run_cli_process("apply", "projects-add-step", *args, "--yes", env=env, cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    assert "Risk Reports (branch octoflow/review, new, 1 commit)" in first.stdout
    made = len(writes(sandbox))
    assert made == 35 + 2  # Risk Reports: its new branch and the commit there
    second = run_cli_process("apply", "projects-add-step", *args, "--yes", env=env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "Plan: 0 to add, 0 to change, 0 to delete." in second.stdout
    assert len(writes(sandbox)) == made
