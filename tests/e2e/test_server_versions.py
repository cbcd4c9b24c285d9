"""octoflow against older Octopus servers: a representative recipe per area plans and
applies on the sandbox's 2020.5 and 2022.3 profiles as on the current one, and a recipe
needing something newer than the server fails its plan naming the release it needs.

The full recipe suites run against the current profile; these keep the older ones
to one recipe per area, so the suite stays within its time budget.
"""

from __future__ import annotations

import csv
import signal
from pathlib import Path

import pytest
import requests

from octoflow import PlanError
from octoflow.sandbox import SandboxError
from octoflow.testing import RequestLog, apply_and_replan, plan_recipe
from tests.e2e.support import run_cli
from tests.sandbox.test_sandbox_durability import serving, stop

PROFILES = ["2020.5", "2022.3", "current"]
VERSIONS = {"2020.5": "2020.5.0", "2022.3": "2022.3.0"}
SPACE = "/api/Spaces-1"
STEP_TEMPLATE = (
    Path(__file__).parents[1] / "plugins" / "processes" / "data" / "notify-slack.json.j2"
)
#: Where releases, deployments and runbook runs are created: the executions API from 2022.3,
#: the legacy routes before it.
EXECUTIONS = {
    "release": "/releases/create/v1",
    "deployment": "/deployments/create/untenanted/v1",
    "run": "/runbook-runs/create/v1",
}
LEGACY = {"release": "/releases", "deployment": "/deployments", "run": "/runbookruns"}
DISABLED_TENANTS = '''"""Tag the disabled tenants."""


def statements(octo):
    return octo.tenants.where(is_disabled=True).add_tag("Tier/Gold")
'''


@pytest.fixture(params=PROFILES)
def octoflow_server_version(request) -> str:
    """octoflow.testing's fixture, parametrised: each test runs against every profile."""
    return request.param


@pytest.fixture
def cli_alone(monkeypatch, capsys, tmp_path):
    """The CLI in this process, with no server in the environment (runs use --sandbox)."""
    for name in ("OCTOPUS_URL", "OCTOPUS_API_KEY", "OCTOPUS_SPACE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OCTOFLOW_HOME", str(tmp_path / "home"))
    return lambda *args: run_cli(*args, capsys=capsys)


def get(octo, path: str, **params):
    """A read through octoflow's own client (real HTTP to the in-process sandbox)."""
    return octo.client.get(path, params or None)


def check_ran_on(octo, octo_requests: RequestLog, plan, profile: str) -> None:
    """The plan names the profile's version, and no request met a route the server lacks
    except a collection's ``/all``, which octoflow falls back from to the paged list."""
    assert plan.server_version == VERSIONS.get(profile, octo.sandbox.profile.version)
    missed = [
        r
        for r in octo_requests.all
        if r.status == 404 and not r.path.endswith("/all") and not has_route(octo, r)
    ]
    assert not missed, missed


def check_created_through(octo_requests: RequestLog, profile: str, what: str) -> None:
    """One ``what`` was created, through the route the profile's server has for it."""
    used, unused = (LEGACY, EXECUTIONS) if profile == "2020.5" else (EXECUTIONS, LEGACY)

    def posts(route: str) -> list[int]:
        wanted = (SPACE + route).lower()
        return [r.status for r in octo_requests.writes() if r.path.lower() == wanted]

    assert posts(used[what]) == [201]
    assert posts(unused[what]) == []


def has_route(octo, record) -> bool:
    """Whether the server has a route for the request (a 404 then means no such document)."""
    try:
        octo.sandbox.router.match(record.method, record.path)
    except SandboxError:
        return False
    return True


def test_tenants_add_project(octo, octo_requests, octoflow_server_version) -> None:
    plan = plan_recipe(
        octo, "tenants-add-project", tag="Region/EU", project="Customer Portal",
        environments=["Test", "Production"],
    )  # fmt: skip
    assert plan.summary["change"] > 0
    apply_and_replan(octo, plan)
    portal = next(
        p["Id"] for p in get(octo, f"{SPACE}/projects/all") if p["Name"] == "Customer Portal"
    )
    eu = [t for t in get(octo, f"{SPACE}/tenants/all") if "Region/EU" in t["TenantTags"]]
    assert eu and all(portal in t["ProjectEnvironments"] for t in eu)
    check_ran_on(octo, octo_requests, plan, octoflow_server_version)


def test_projects_add_step(octo, octo_requests, octoflow_server_version) -> None:
    args = {"group": "Apps", "step": STEP_TEMPLATE, "after": "Deploy"}
    reviewed = {"new_branch": "octoflow/review", "only_protected": "true"}
    if octoflow_server_version == "2022.3":  # Garnet Admin's main is protected
        with pytest.raises(PlanError, match=r"needs Octopus 2022\.4 or newer"):
            plan_recipe(octo, "projects-add-step", **args, **reviewed)
        args["group"] = "Customer Apps"  # no version-controlled project there
    plan = plan_recipe(octo, "projects-add-step", **args, **reviewed)
    assert plan.summary["change"] > 0
    apply_and_replan(octo, plan)
    written = octo_requests.written_documents("DeploymentProcesses")
    database = [op for op in plan.operations if op.kind == "DeploymentProcess"]
    assert len(written) == len(database)
    # 2021.3 brought the git-ref routes: version-controlled projects commit from then on
    in_git = [op for op in plan.operations if op.kind == "GitDeploymentProcess"]
    assert len(in_git) == (3 if octoflow_server_version in ("2024.1", "current") else 0)
    for process in written:
        names = [s["Name"] for s in process["Steps"]]
        assert names[names.index("Deploy") + 1] == "Notify Slack"
    check_ran_on(octo, octo_requests, plan, octoflow_server_version)


def test_release_create_then_deploy(octo, octo_requests, octoflow_server_version) -> None:
    create = plan_recipe(
        octo, "release-create", project="Compass Web", version="2.0.0", packages="Deploy:1.8.2"
    )
    apply_and_replan(octo, create)
    project = next(
        p["Id"] for p in get(octo, f"{SPACE}/projects/all") if p["Name"] == "Compass Web"
    )
    release = get(octo, f"{SPACE}/projects/{project}/releases/2.0.0")
    assert [(p["ActionName"], p["Version"]) for p in release["SelectedPackages"]] == [
        ("Deploy", "1.8.2")
    ]

    deploy = plan_recipe(
        octo, "release-deploy", project="Compass Web", version="2.0.0", environment="Development"
    )
    apply_and_replan(octo, deploy)
    made = get(octo, f"{SPACE}/releases/{release['Id']}/deployments")["Items"]
    assert len(made) == 1 and made[0]["TaskId"]
    check_ran_on(octo, octo_requests, deploy, octoflow_server_version)
    check_created_through(octo_requests, octoflow_server_version, "release")
    check_created_through(octo_requests, octoflow_server_version, "deployment")


def test_targets_update(octo, octo_requests, octoflow_server_version) -> None:
    plan = plan_recipe(
        octo, "targets-update", role="web", environment="Test", add_roles="api",
        add_environments="Staging",
    )  # fmt: skip
    assert plan.summary["change"] > 0
    apply_and_replan(octo, plan)
    written = octo_requests.written_documents("Machines")
    assert written and all("api" in m["Roles"] for m in written)
    check_ran_on(octo, octo_requests, plan, octoflow_server_version)


def test_team_add_members(octo, octo_requests, octoflow_server_version, tmp_path) -> None:
    people = tmp_path / "people.csv"
    with people.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["username", "display_name", "email", "is_service"])
        writer.writerow(["person.01", "Person 01", "person.01@example.com", "false"])
    plan = plan_recipe(
        octo, "team-add-members", team="Release Managers", users_csv=people,
        passwords_out=tmp_path / "passwords.csv",
    )  # fmt: skip
    apply_and_replan(octo, plan)
    user = next(u for u in get(octo, "/api/users/all") if u["Username"] == "person.01")
    team = next(t for t in get(octo, "/api/teams/all") if t["Name"] == "Release Managers")
    assert user["Id"] in team["MemberUserIds"]
    check_ran_on(octo, octo_requests, plan, octoflow_server_version)


def test_runbook_run(octo, octo_requests, octoflow_server_version) -> None:
    plan = plan_recipe(
        octo, "runbook-run", project="Ember Web", runbook="Restart App Pool", environment="Test"
    )
    assert plan.summary["run"] == 1
    octo.apply(plan)
    check_created_through(octo_requests, octoflow_server_version, "run")
    check_ran_on(octo, octo_requests, plan, octoflow_server_version)


@pytest.mark.parametrize(("version", "code"), [("2020.5", 2), ("2024.1", 2), ("current", 0)])
def test_a_recipe_needing_a_newer_server_fails_its_plan(cli_alone, tmp_path, version, code) -> None:
    recipe = tmp_path / "tag_disabled.py"
    recipe.write_text(DISABLED_TENANTS)
    got, out, err = cli_alone(
        "plan", str(recipe), "--sandbox", "demo", "--sandbox-server-version", version
    )
    assert got == code, err
    if code == 2:
        wanted = (
            "selecting disabled tenants needs Octopus 2025.1 or newer (disabled tenants); "
            f"this server is {VERSIONS.get(version, version + '.0')}"
        )
        assert wanted in err
        assert out == ""


def test_the_sandbox_server_version_needs_the_sandbox(cli_alone) -> None:
    code, _out, err = cli_alone("plan", "tenants-tag", "-p", "tag=Region/EU", "-p", "add=Tier/Gold",
                          "--sandbox-server-version", "2020.5")  # fmt: skip
    assert code == 2
    assert "--sandbox-server-version needs --sandbox" in err


def test_sandbox_serve_answers_as_the_version_asked_for() -> None:
    with serving("--seed", "empty", "--server-version", "2020.5") as (process, url):
        root = requests.get(url + "/api", timeout=30).json()
        missing = requests.get(
            url + "/api/Spaces-1/tenants/Tenants-1/commonvariables",
            headers={"X-Octopus-ApiKey": "API-EXAMPLESANDBOXKEY0000000000"},
            timeout=30,
        )
        stop(process, signal.SIGTERM)
    assert root["Version"] == "2020.5.0"
    assert missing.status_code == 404
    assert missing.json()["ErrorMessage"].startswith("There is no API route")


def test_a_missing_all_route_falls_back_to_the_paged_list(
    octo, octo_requests, octoflow_server_version
) -> None:
    """2020.5 (and 2022.3, as dated) has no ``/api/scopeduserroles/all``: granting a role
    then reads the paged list."""
    statement = octo.teams.where(name="Developers").grant(
        "Project deployer", environments=["Staging"]
    )
    plan = octo.plan(statement)
    apply_and_replan(octo, plan, statement)
    asked = [r for r in octo_requests.all if r.path == "/api/scopeduserroles/all"]
    served = octoflow_server_version == "current"
    assert asked and {r.status for r in asked} == {200 if served else 404}
    paged = [
        r for r in octo_requests.all if r.path == "/api/scopeduserroles" and "ids=" not in r.query
    ]
    assert bool(paged) is not served
    check_ran_on(octo, octo_requests, plan, octoflow_server_version)
