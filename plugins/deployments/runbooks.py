"""``octo.runbooks.run``: run runbooks in environments, untenanted or for tenants.

Examples::

    octo.runbooks.run("Ember Web", "Restart App Pool", environments="Test, Staging")
    octo.runbooks.run("Customer Portal", "Purge CDN Cache", environments="Production",
                      tenants=octo.tenants.where(tag="Region/EU"), wait=True)

Each project's runbook runs its published snapshot (or the snapshot named with
``snapshot=``) once per environment and tenant: the plan lists every run
before anything starts. A runbook run is an operation, not a document to
converge: running the statement again runs the runbook again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar
from urllib.parse import quote

import attrs
from octoflow_plugins.deployments import executions, resolve
from octoflow_plugins.deployments.tasks import Wait

from octoflow.provider import (
    Edit,
    Environment,
    Intent,
    NotFoundError,
    PlanContext,
    Project,
    Tenant,
    UsageError,
    as_names,
    lookups,
    unknown_name_message,
)

Doc = dict[str, Any]
KIND = "RunbookRun"


class Runbooks:
    """The ``octo.runbooks`` entry point (editing runbook *processes* is
    ``octo.projects.where(…).runbooks(…)``)."""

    def run(
        self,
        projects: resolve.ProjectsArg,
        runbook: str,
        *,
        environments: str | Iterable[str],
        tenants: Any = None,
        snapshot: str | None = None,
        skip_steps: str | Iterable[str] | None = None,
        variables: Mapping[str, Any] | None = None,
        guided_failure: bool | None = None,
        comments: str = "",
        wait: bool = False,
        timeout: float = 1800,
        poll: float = 2,
    ) -> RunRunbook:
        """Run ``runbook`` of each project in ``environments``.

        :param tenants: tenant names or ``octo.tenants.where(…)``, for tenanted runbooks.
        :param snapshot: a snapshot name or id; default: the published snapshot.
        :param skip_steps: names of steps to skip.
        :param variables: prompted variable values (``FormValues``).
        :param guided_failure: ``True``/``False`` overrides the environment's setting.
        :param wait: follow each run's task until it ends; fail loudly when it fails
            or ``timeout`` seconds pass (``poll``: seconds between reads).
        """
        if not str(runbook or "").strip():
            raise UsageError("runbooks.run(): name the runbook to run")
        if not as_names(environments, "environments"):
            raise UsageError("runbooks.run(): name the environments to run in with environments=…")
        if timeout <= 0 or poll <= 0:
            raise UsageError("timeout and poll must be positive numbers of seconds")
        return RunRunbook(
            projects,
            str(runbook).strip(),
            as_names(environments, "environments"),
            tenants,
            (snapshot or "").strip() or None,
            as_names(skip_steps, "skip_steps"),
            {str(k): str(v) for k, v in (variables or {}).items()},
            guided_failure,
            comments,
            Wait(bool(wait), float(timeout), float(poll)),
        )


@attrs.frozen
class RunRunbook:
    """One runbook of each project, run in environments (for tenants)."""

    collection: ClassVar[str] = "runbooks"

    projects: Any
    runbook: str
    environments: tuple[str, ...]
    tenants: Any
    snapshot: str | None
    skip_steps: tuple[str, ...]
    variables: Mapping[str, str]
    guided_failure: bool | None
    comments: str
    how: Wait

    def describe(self) -> str:
        what = self.projects if isinstance(self.projects, str) else "projects"
        return (
            f"runbooks.run({what!r}, {self.runbook!r}, "
            f"environments={', '.join(self.environments)!r})"
        )

    def plan(self, ctx: PlanContext) -> list[Edit]:
        envs = lookups.environments(ctx, self.environments)
        tenants = resolve.tenants(ctx, self.tenants)
        edits: list[Edit] = []
        for project in resolve.projects(ctx, self.projects):
            runbook = self._runbook(ctx, project)
            snapshot = runbook and self._snapshot(ctx, project, runbook)
            if not runbook or not snapshot:
                continue
            planner = RunPlanner(ctx, project, runbook, snapshot, self)
            for env in envs:
                edits += planner.edits(env, tenants)
        return edits

    def _runbook(self, ctx: PlanContext, project: Project) -> Doc | None:
        own = [r for r in ctx.documents("runbooks") if r.get("ProjectId") == project.id]
        wanted = self.runbook.lower()
        for runbook in own:
            if wanted in (str(runbook["Name"]).lower(), str(runbook["Id"]).lower()):
                ctx.labels[runbook["Id"]] = runbook["Name"]
                return runbook
        known = [r["Name"] for r in own]
        ctx.problem(f"{project.name}: " + unknown_name_message("runbook", self.runbook, known))
        return None

    def _snapshot(self, ctx: PlanContext, project: Project, runbook: Doc) -> Doc | None:
        """The snapshot to run: the one named, else the published one."""
        if self.snapshot:
            return named_snapshot(ctx, project, runbook, self.snapshot)
        published = runbook.get("PublishedRunbookSnapshotId")
        if not published:
            ctx.problem(
                f"runbook {runbook['Name']!r} of {project.name!r} has no published snapshot",
                "publish one in Octopus with the runbook's Publish button, or name a "
                "snapshot to run with snapshot=…",
            )
            return None
        return {"Id": published, "Name": "published snapshot", "Published": True}


def named_snapshot(ctx: PlanContext, project: Project, runbook: Doc, name: str) -> Doc | None:
    """A snapshot of ``runbook`` by name (``/projects/{id}/runbookSnapshots/{name}``) or id."""
    try:
        found = ctx.get(f"projects/{project.id}/runbookSnapshots/{quote(name, safe='')}")
        if found.get("RunbookId") == runbook["Id"]:
            return dict(found)
    except NotFoundError:
        pass
    own = ctx.client.list_all(ctx.client.space_path(f"runbooks/{runbook['Id']}/runbookSnapshots"))
    for snapshot in own:
        if name.lower() in (str(snapshot["Id"]).lower(), str(snapshot["Name"]).lower()):
            return dict(snapshot)
    known = [s["Name"] for s in own]
    ctx.problem(
        f"{project.name}, runbook {runbook['Name']!r}: "
        + unknown_name_message("snapshot", name, known)
    )
    return None


class RunPlanner:
    """The run edits of one project's runbook."""

    def __init__(
        self, ctx: PlanContext, project: Project, runbook: Doc, snapshot: Doc, statement: RunRunbook
    ) -> None:
        self.ctx, self.project, self.runbook, self.snapshot = ctx, project, runbook, snapshot
        self.statement = statement
        self._allowed: list[str] | None = None
        self._skip: list[str] | None = None
        self._skip_names: list[str] | None = []
        self._skip_read = False

    def edits(self, env: Environment, tenants: list[Tenant] | None) -> list[Edit]:
        if not self._in_scope(env):
            return []
        mode = self.runbook.get("MultiTenancyMode") or "Untenanted"
        name = f"{self.runbook['Name']!r} of {self.project.name!r}"
        if tenants is None:
            if mode == "Tenanted":
                self.ctx.problem(
                    f"runbook {name} runs for tenants only",
                    "choose them with tenants=… (or tenant_tag=… in the recipe)",
                )
                return []
            return self._one(env, None)
        if mode == "Untenanted":
            self.ctx.problem(f"runbook {name} is not tenanted: leave tenants out")
            return []
        return [e for t in self._connected(env, tenants) for e in self._one(env, t)]

    def _connected(self, env: Environment, tenants: list[Tenant]) -> list[Tenant]:
        connected = [
            t
            for t in tenants
            if env.id in t.project_environments.get(str(self.project.id), []) and not t.is_disabled
        ]
        if not connected:
            self.ctx.problem(
                f"none of the {len(tenants)} selected tenant(s) can run {self.runbook['Name']!r} "
                f"of {self.project.name!r} in {env.name}",
                "connect them to the project in that environment first",
            )
        elif len(connected) < len(tenants):
            self.ctx.note(
                f"{self.project.name}: {len(tenants) - len(connected)} selected tenant(s) are "
                f"not connected to it in {env.name}; they are left out"
            )
        return connected

    def _in_scope(self, env: Environment) -> bool:
        allowed = self._scope()
        if env.id in allowed:
            return True
        names = [self.ctx.labels.get(e, e) for e in allowed]
        self.ctx.problem(
            f"runbook {self.runbook['Name']!r} of {self.project.name!r} cannot run in {env.name}",
            f"its environment scope allows: {', '.join(names) or 'no environment'}",
        )
        return False

    def _scope(self) -> list[str]:
        """Environments the runbook may run in (its ``EnvironmentScope``)."""
        if self._allowed is None:
            envs = self.ctx.models("environments", Environment)
            for env in envs:
                self.ctx.label(env)
            scope = self.runbook.get("EnvironmentScope") or "All"
            if scope == "Specified":
                self._allowed = list(self.runbook.get("Environments") or [])
            elif scope == "FromProjectLifecycles":
                self._allowed = lookups.lifecycle_environment_ids(self.ctx, self.project)
            else:
                self._allowed = [str(e.id) for e in envs]
        return self._allowed

    def _one(self, env: Environment, tenant: Tenant | None) -> list[Edit]:
        skip = self._skip_action_ids()
        if skip is None:
            return []
        statement = self.statement
        body = {
            "RunbookId": self.runbook["Id"],
            "RunbookSnapshotId": self.snapshot["Id"],
            "EnvironmentId": env.id,
            "TenantId": tenant.id if tenant else None,
            "SkipActions": skip,
            "FormValues": dict(statement.variables),
            "UseGuidedFailure": statement.guided_failure,
            "Comments": statement.comments,
        }
        for_tenant = f" for {tenant.name}" if tenant else ""
        name = f"{self.project.name}: {self.runbook['Name']} in {env.name}{for_tenant}"
        execution = {
            "ProjectId": self.project.id,
            "RunbookName": self.runbook["Name"],
            "SkipStepNames": self._skip_names,
        }
        intent = Intent(
            "runbook.run",
            {"body": body, "execution": execution, **statement.how.to_args()},
            self._summary(env, tenant),
        )
        self.ctx.labels[self.project.id or ""] = self.project.name
        return [Edit(KIND, None, name, {}, (intent,), action="run")]

    def _summary(self, env: Environment, tenant: Tenant | None) -> str:
        snapshot = self.snapshot
        which = (
            f"published snapshot {snapshot['Id']}"
            if snapshot.get("Published")
            else f"snapshot {snapshot['Name']!r}"
        )
        text = f"run {self.runbook['Name']} ({which}) in {env.name}"
        if tenant:
            text += f" for {tenant.name}"
        if self.statement.skip_steps:
            text += f", skipping {', '.join(self.statement.skip_steps)}"
        if self.statement.how.wait:
            text += f", waiting up to {self.statement.how.timeout:g}s"
        return text

    def _skip_action_ids(self) -> list[str] | None:
        """Action ids of the steps to skip, from the snapshot's frozen process
        (``None`` after a problem, reported once)."""
        if not self._skip_read:
            self._skip_read = True
            self._skip = self._read_skip_ids() if self.statement.skip_steps else []
        return self._skip

    def _read_skip_ids(self) -> list[str] | None:
        snapshot = self.snapshot
        if "FrozenRunbookProcessId" not in snapshot:
            snapshot = self.ctx.get(f"runbookSnapshots/{snapshot['Id']}")
        process = self.ctx.get(f"runbookProcesses/{snapshot['FrozenRunbookProcessId']}")
        actions = {a["Name"].lower(): a["Id"] for s in process["Steps"] for a in s["Actions"]}
        actions.update(
            {s["Name"].lower(): s["Actions"][0]["Id"] for s in process["Steps"] if s["Actions"]}
        )
        unknown = [step for step in self.statement.skip_steps if step.lower() not in actions]
        for step in unknown:
            self.ctx.problem(
                f"{self.project.name}, runbook {self.runbook['Name']!r}: "
                + unknown_name_message("step to skip", step, [s["Name"] for s in process["Steps"]])
            )
        if unknown:
            return None
        ids = [actions[s.lower()] for s in self.statement.skip_steps]
        self._skip_names = executions.step_names(process, ids)
        return ids
