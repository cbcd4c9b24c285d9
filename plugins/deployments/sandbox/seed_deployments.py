"""The demo seed's deployments, created through the same checks as ``POST /deployments``.

Runs after ``seed_demo_releases``. Facts other tests rely on (deterministic; each
deployment is dated a day or so after its release was assembled, in December
2025, with its task finished at once):

* the untenanted projects among the released ones (``Beacon Admin``,
  ``Compass Web``, ``Ember Web``, ``Ember Admin``, ``Falcon Admin``, ``Garnet
  Web``, ``Harbor Admin``) have ``1.1.0`` and then ``1.2.0`` deployed to
  Development and Test; ``Compass Web`` also its ``Hotfix`` release ``1.2.1``,
  which is therefore its newest in Test. Every other one of them
  (``Beacon Admin``, ``Ember Web``, ``Falcon Admin``, ``Harbor Admin``) also
  has ``1.2.0`` in Staging, so promoting Test → Staging has work for
  ``Compass Web``, ``Ember Admin`` and ``Garnet Web`` (and ``Billing API``'s
  tenants have nothing to promote). The released projects that are
  ``Tenanted`` have no tenant connected, so they have no deployments;
* ``Billing API`` (``TenantedOrUntenanted``) has ``1.2.0`` in Development, Test
  and Staging untenanted, and in Test for the first six US tenants connected
  to it (by id), two of which also have it in Production;
* ``Harbor Admin``'s "Approve production release" manual intervention step is
  the responsibility of the ``Release Managers`` team, and its ``1.2.0``
  deployment to Production waits on that pending interruption (the only
  pending one, ``Interruptions-1``).

The tenanted ``Apps`` projects are left alone: connecting tenants to them
would change the tenants area's demo facts.
"""

from __future__ import annotations

from datetime import timedelta

from octoflow_plugins.deployments.sandbox.deployments import check_deployment, store_deployment
from octoflow_plugins.deployments.sandbox.seed_releases import released_projects
from octoflow_plugins.deployments.sandbox.taskrun import iso, parse_time

from octoflow.sandbox.area import Doc, State

SPACE_ID = "Spaces-1"
APPROVALS = "Harbor Admin"
APPROVERS = "Release Managers"
BILLING = "Billing API"
US_TENANTS = 6
IN_PRODUCTION = 2
MANUAL_TEAMS = "Octopus.Action.Manual.ResponsibleTeamIds"


def seed_demo_deployments(state: State) -> None:
    env = {e["Name"]: e["Id"] for e in state.values("Environments", SPACE_ID)}
    _assign_approvers(state)
    projects = released_projects(state)
    untenanted = [p for p in projects if p["TenantedDeploymentMode"] == "Untenanted"]
    for n, project in enumerate(untenanted):
        releases = _releases(state, project)
        for version in ("1.1.0", "1.2.0"):
            _deploy(state, releases[version], env["Development"], 1)
            _deploy(state, releases[version], env["Test"], 2)
        if "1.2.1" in releases:
            _deploy(state, releases["1.2.1"], env["Development"], 1)
            _deploy(state, releases["1.2.1"], env["Test"], 2)
        if n % 2 == 0:
            _deploy(state, releases["1.2.0"], env["Staging"], 3)
        if project["Name"] == APPROVALS:
            _deploy(state, releases["1.2.0"], env["Production"], 4)
    billing = next(p for p in projects if p["Name"] == BILLING)
    _seed_tenants(state, billing, env)


def _assign_approvers(state: State) -> None:
    """Make Release Managers responsible for the approval step, in the live process and
    in the copies its releases froze."""
    team = next(t for t in state.values("Teams") if t["Name"] == APPROVERS)
    project = next(p for p in state.values("Projects", SPACE_ID) if p["Name"] == APPROVALS)
    for process in state.values("DeploymentProcesses", SPACE_ID):
        if process["ProjectId"] != project["Id"]:
            continue
        for step in process["Steps"]:
            for action in step["Actions"]:
                if action["ActionType"] == "Octopus.Manual":
                    action["Properties"][MANUAL_TEAMS] = team["Id"]


def _releases(state: State, project: Doc) -> dict[str, Doc]:
    return {
        r["Version"]: r
        for r in state.values("Releases", SPACE_ID)
        if r["ProjectId"] == project["Id"]
    }


def _deploy(
    state: State, release: Doc, env_id: str, days: int, tenant_id: str | None = None
) -> Doc:
    """Deploy ``release`` ``days`` after it was assembled, at that moment."""
    when = iso(parse_time(release["Assembled"]) + timedelta(days=days))
    body = {"ReleaseId": release["Id"], "EnvironmentId": env_id, "TenantId": tenant_id}
    with state.frozen_clock(when):
        return store_deployment(state, check_deployment(state, SPACE_ID, body), None)


def _seed_tenants(state: State, project: Doc, env: dict[str, str]) -> None:
    release = _releases(state, project)["1.2.0"]
    for days, name in enumerate(("Development", "Test", "Staging"), start=1):
        _deploy(state, release, env[name], days)
    connected = [
        t
        for t in state.values("Tenants", SPACE_ID)
        if env["Test"] in (t.get("ProjectEnvironments") or {}).get(project["Id"], [])
        and "Region/US" in t.get("TenantTags", [])
        and not t.get("IsDisabled")
    ]
    connected.sort(key=lambda t: int(t["Id"].rpartition("-")[2]))
    for n, tenant in enumerate(connected[:US_TENANTS]):
        _deploy(state, release, env["Test"], 4, tenant["Id"])
        if n < IN_PRODUCTION:
            _deploy(state, release, env["Production"], 5, tenant["Id"])
