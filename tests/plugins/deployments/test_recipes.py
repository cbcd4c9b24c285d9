"""The release and deployment recipes, end to end through the CLI against a served demo sandbox.

Everything is checked through the API afterwards (releases, deployments, tasks,
the dashboard), the way an Octopus administrator would look.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from tests.e2e.support import TEST_KEY, ctrl_c_reaches_it, run_cli, writes

SPACE = "/api/Spaces-1"
#: Where octoflow creates deployments on the current profile (the executions API).
DEPLOY_ROUTES = ("/deployments/create/untenanted/v1", "/deployments/create/tenanted/v1")


def ids_by_name(api, collection: str) -> dict[str, str]:
    return {d["Name"]: d["Id"] for d in api.get(f"{SPACE}/{collection}/all")}


def current(api) -> dict[tuple[str, str, str | None], dict]:
    """Dashboard items by (project, environment, tenant) id."""
    board = api.get(f"{SPACE}/dashboard")
    return {(i["ProjectId"], i["EnvironmentId"], i.get("TenantId")): i for i in board["Items"]}


def deployments(api) -> list[dict]:
    return api.get(f"{SPACE}/deployments", take=1000)["Items"]


def deploys(sandbox) -> list:
    """The requests that created deployments (through the executions API)."""
    return [w for w in writes(sandbox) if w.path.endswith(DEPLOY_ROUTES)]


def schedule(api, **settings) -> None:
    response = api.session.put(api.base + "/_sandbox/tasks", json=settings)
    assert response.status_code == 200, response.text


def test_release_create_then_deploy_and_wait(server_api, cli) -> None:
    project = server_api.project_id("Compass Web")

    code, out, err = cli(
        "apply",
        "release-create",
        "-p",
        "project=Compass Web",
        "-p",
        "version=2.0.0",
        "-p",
        "packages=Deploy:1.8.2",
        "-p",
        "notes=Built for {{ project }}",
        "--yes",
    )
    assert code == 0, err
    assert "create release 2.0.0 in channel Default: Deploy=1.8.2" in out
    assert "ReleaseVersion=2.0.0" in out
    release = server_api.get(f"{SPACE}/projects/{project}/releases/2.0.0")
    assert [(p["ActionName"], p["Version"]) for p in release["SelectedPackages"]] == [
        ("Deploy", "1.8.2")
    ]
    assert release["ReleaseNotes"] == "Built for Compass Web"

    code, out, err = cli(
        "apply",
        "release-deploy",
        "-p",
        "project=Compass Web",
        "-p",
        "version=2.0.0",
        "-p",
        "environment=Development",
        "-p",
        "wait=true",
        "--yes",
        "--format",
        "json",
    )
    assert code == 0, err
    result = json.loads(out)["report"]["results"][0]
    task = server_api.get(f"/api/tasks/{result['outputs']['TaskId']}")
    assert task["State"] == "Success"
    deployment = server_api.get(f"{SPACE}/deployments/{result['outputs']['DeploymentId']}")
    assert deployment["ReleaseId"] == release["Id"]
    assert TEST_KEY not in out + err

    code, out, err = cli(
        "apply", "release-create", "-p", "project=Compass Web", "-p", "version=2.0.0", "--yes"
    )
    assert code == 0 and "Nothing to do" in err
    assert len(server_api.get(f"{SPACE}/projects/{project}/releases")["Items"]) == 5


def test_promote_deploys_exactly_what_is_in_test_and_not_in_staging(
    server, server_api, cli
) -> None:
    sandbox, _srv = server
    env = ids_by_name(server_api, "environments")
    test, staging = env["Test"], env["Staging"]
    tenants = {t["Id"]: t for t in server_api.tenants()}
    before = current(server_api)
    expected = {
        (project, tenant): item["ReleaseId"]
        for (project, where, tenant), item in before.items()
        if where == test
        and item["State"] == "Success"
        and (tenant is None or staging in tenants[tenant]["ProjectEnvironments"].get(project, []))
        and (before.get((project, staging, tenant)) or {}).get("ReleaseId") != item["ReleaseId"]
    }
    assert expected  # the demo seed leaves work to do
    sandbox.clear_requests()

    code, out, err = cli("apply", "promote", "-p", "from_env=Test", "-p", "to_env=Staging", "--yes")

    assert code == 0, err
    after = current(server_api)
    promoted = {
        (project, tenant): item["ReleaseId"]
        for (project, where, tenant), item in after.items()
        if where == staging and before.get((project, where, tenant)) != item
    }
    assert promoted == expected
    assert all(after[(p, staging, t)]["State"] == "Success" for p, t in expected)
    assert len(deploys(sandbox)) == len(expected)
    assert not [w for w in writes(sandbox) if w.path.endswith("/deployments")]  # not the legacy

    code, out, err = cli("plan", "promote", "-p", "from_env=Test", "-p", "to_env=Staging")
    assert code == 0
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out


def test_a_failing_deployment_stops_its_dependents_only(server, server_api, cli, tmp_path) -> None:
    sandbox, _srv = server
    spec = tmp_path / "spec.json"
    spec.write_text(
        json.dumps(
            [
                {"project": "Ember Admin"},
                {"project": "Compass Web", "after": ["Ember Admin"]},
                {"project": "Garnet Web"},
            ]
        )
    )
    schedule(server_api, fail_projects=["Ember Admin"])
    sandbox.clear_requests()

    code, out, err = cli(
        "apply",
        "deploy-coordinated",
        "-p",
        f"spec={spec}",
        "-p",
        "environment=Staging",
        "--yes",
        "--format",
        "json",
    )

    assert code == 1
    results = {
        r["name"].split(" ")[0] + " " + r["name"].split(" ")[1]: r
        for r in json.loads(out)["report"]["results"]
    }
    assert results["Ember Admin"]["outcome"] == "failed"
    assert "ended Failed" in results["Ember Admin"]["detail"]
    assert results["Compass Web"]["outcome"] == "skipped"
    assert results["Garnet Web"]["outcome"] == "changed"
    posted = deploys(sandbox)
    assert len(posted) == 2  # Ember Admin and Garnet Web; never Compass Web


def test_a_wait_that_times_out_fails_loudly(server_api, cli) -> None:
    schedule(server_api, mode="polls", polls=1000)

    code, out, err = cli(
        "apply",
        "release-deploy",
        "-p",
        "project=Garnet Web",
        "-p",
        "version=1.2.0",
        "-p",
        "environment=Staging",
        "-p",
        "wait=true",
        "-p",
        "timeout=1",
        "--yes",
    )

    assert code == 1
    assert "gave up waiting after 1s" in out and "is still Executing" in out
    assert "TaskId=ServerTasks-" in out  # the task is in the recap, to follow it up


def test_an_interrupted_promote_reruns_without_duplicates(server, server_api, tmp_path) -> None:
    sandbox, srv = server
    schedule(server_api, mode="seconds", seconds=60)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("OCTOPUS_")},
        "OCTOPUS_URL": srv.url,
        "OCTOPUS_API_KEY": TEST_KEY,
        "OCTOFLOW_HOME": str(tmp_path),
    }
    args = [
        sys.executable,
        "-m",
        "octoflow.cli",
        "apply",
        "promote",
        "-p",
        "from_env=Test",
        "-p",
        "to_env=Staging",
        "-p",
        "wait=true",
        "--concurrency",
        "1",
        "--yes",
    ]
    proc = subprocess.Popen(
        args,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_reaches_it,
    )
    try:
        deadline = time.monotonic() + 60
        while not deploys(sandbox):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    assert "stopped waiting" in out
    posts = deploys(sandbox)
    assert len(posts) == 1  # concurrency 1: the second never started

    schedule(server_api, mode="immediate")
    rerun = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)

    assert rerun.returncode == 0, rerun.stderr
    staging = ids_by_name(server_api, "environments")["Staging"]
    slots = [
        (d["ProjectId"], d.get("TenantId"), d["ReleaseId"])
        for d in deployments(server_api)
        if d["EnvironmentId"] == staging
    ]
    assert len(slots) == len(set(slots))  # no release deployed twice to the same place
    posted = deploys(sandbox)
    assert f"{len(posted) - 1} to run." in rerun.stdout  # the interrupted one was not redone


def test_a_saved_plan_applied_twice_deploys_once(server, server_api, cli, tmp_path) -> None:
    sandbox, _srv = server
    saved = tmp_path / "promote.json"
    code, _out, err = cli(
        "plan", "promote", "-p", "from_env=Test", "-p", "to_env=Staging", "--out", str(saved)
    )
    assert code == 0, err

    code, first, err = cli("apply", str(saved), "--yes")
    assert code == 0, err
    posted = deploys(sandbox)
    code, second, err = cli("apply", str(saved), "--yes", "--format", "json")

    assert code == 0, err
    assert deploys(sandbox) == posted
    results = json.loads(second)["report"]["results"]
    assert len(results) == len(posted) > 0
    assert all(r["outcome"] == "ok" and r["detail"].startswith("already deployed") for r in results)


def test_scheduled_deployments_with_prompted_values_wait_in_the_queue(server_api, cli) -> None:
    code, out, err = cli(
        "apply",
        "release-deploy",
        "-p",
        "project=Garnet Web",
        "-p",
        "environment=Staging",
        "-p",
        "variables=Approver=Ops on call,Ticket=CHG-42",
        "-p",
        "queue_time=2099-01-01T22:00:00+00:00",
        "--yes",
        "--format",
        "json",
    )

    assert code == 0, err
    outputs = json.loads(out)["report"]["results"][0]["outputs"]
    deployment = server_api.get(f"{SPACE}/deployments/{outputs['DeploymentId']}")
    assert deployment["FormValues"] == {"Approver": "Ops on call", "Ticket": "CHG-42"}
    assert deployment["QueueTime"].startswith("2099-01-01T22:00:00")
    assert server_api.get(f"/api/tasks/{outputs['TaskId']}")["State"] == "Queued"


def test_plugins_lists_the_deployments_actions(capsys) -> None:
    code, out, _ = run_cli("plugins", capsys=capsys)
    assert code == 0
    assert "actions: deployment.create, interruption.submit, release.create, runbook.run" in out
