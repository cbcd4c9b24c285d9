"""``octo.deployments.deploy``: deploy a release to environments, untenanted or to tenants.

Examples::

    octo.deployments.deploy("Web App", release="latest", to="Staging", wait=True)
    octo.deployments.deploy("Portal", release="2.1.0", to="Production",
                            tenants=octo.tenants.where(tag="Region/EU"))

While planning, every deployment is checked against the release's lifecycle
(``/releases/{id}/deployments/template``) and against what is current on the
dashboard: a release already current (or being deployed) in an environment for a
tenant is listed as unchanged unless ``force``. Apply checks once more right
before deploying, so an interrupted apply can simply be run again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs
from octoflow_plugins.deployments import executions, gitrefs, resolve
from octoflow_plugins.deployments.tasks import Wait

from octoflow.provider import (
    Edit,
    Environment,
    Intent,
    PlanContext,
    Project,
    Tenant,
    UsageError,
    as_names,
    created_ref,
    lookups,
)

Doc = dict[str, Any]
#: Task states in which a deployment counts as current (or about to be) for skipping.
LIVE_STATES = ("Success", "Executing", "Queued", "Cancelling")


@attrs.frozen
class Options:
    """What every deployment of a statement shares."""

    skip_steps: tuple[str, ...] = ()
    variables: Mapping[str, str] = attrs.field(factory=dict)
    queue_time: str | None = None
    force: bool = False
    comments: str = ""
    how: Wait = Wait()

    @classmethod
    def build(
        cls,
        skip_steps: str | Iterable[str] | None = None,
        variables: Mapping[str, Any] | None = None,
        queue_time: str | None = None,
        force: bool = False,
        comments: str = "",
        wait: bool = False,
        timeout: float = 1800,
        poll: float = 2,
    ) -> Options:
        if timeout <= 0 or poll <= 0:
            raise UsageError("timeout and poll must be positive numbers of seconds")
        if queue_time:
            check_time(queue_time, "queue_time")
        return cls(
            as_names(skip_steps, "skip_steps"),
            {str(k): str(v) for k, v in (variables or {}).items()},
            queue_time or None,
            bool(force),
            comments,
            Wait(bool(wait), float(timeout), float(poll)),
        )


def check_time(text: str, what: str) -> None:
    """Refuse a date-time the server would refuse ("Deployment Schedule is invalid.")."""
    try:
        dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{what} {text!r} is not an ISO 8601 date-time such as 2026-12-01T22:00:00+00:00"
        ) from None


@attrs.frozen(init=False)
class Deploy:
    """One release per project deployed to environments (and tenants)."""

    collection: ClassVar[str] = "deployments"

    projects: Any
    release: Any = "latest"  # a version, "latest", or a CreateReleases statement
    environments: Any = ()
    tenants: Any = None
    channel: str | None = None
    options: Options = Options()

    def __init__(
        self,
        projects: Any,
        release: Any = "latest",
        environments: Any = (),
        tenants: Any = None,
        channel: str | None = None,
        **options: Any,
    ) -> None:
        if not as_names(environments, "to"):
            raise UsageError("deploy(): name the environment(s) to deploy to with to=…")
        self.__attrs_init__(  # type: ignore[attr-defined]
            projects, release, environments, tenants, channel or None, Options.build(**options)
        )

    def describe(self) -> str:
        release = self.release if isinstance(self.release, str) else "new release"
        projects = resolve.described(self.projects)
        return f"deployments.deploy({projects}, release={release!r}, to={self.environments!r})"

    def plan(self, ctx: PlanContext) -> list[Edit]:
        envs = lookups.environments(ctx, self.environments)
        tenants = resolve.tenants(ctx, self.tenants)
        board = Dashboard(ctx)
        edits: list[Edit] = []
        for project in resolve.projects(ctx, self.projects):
            target = self._release(ctx, project)
            if target is None:
                continue
            release, release_edit = target
            if release_edit is not None:
                edits.append(release_edit)
            planner = Planner(ctx, project, release, release_edit, self.options, board)
            for env in envs:
                edits += planner.edits(env, tenants)
        return edits

    def _release(self, ctx: PlanContext, project: Project) -> tuple[Doc, Edit | None] | None:
        if not isinstance(self.release, str):  # a CreateReleases statement
            planned = self.release.planned(ctx, project)
            if planned is None:
                return None
            edit, release = planned
            return release, edit
        channel = resolve.channel(ctx, project, self.channel) if self.channel else None
        if self.channel and channel is None:
            return None
        release = resolve.release(ctx, project, self.release, channel)
        return (release, None) if release is not None else None


class Dashboard:
    """What is current where, read once per project (``/dashboard?projectId=``)."""

    def __init__(self, ctx: PlanContext) -> None:
        self.ctx = ctx
        self._items: dict[str, dict[tuple[str, str | None], Doc]] = {}
        self._promotions: dict[str, Doc] = {}

    def current(self, project_id: str, env_id: str, tenant_id: str | None) -> Doc | None:
        return self.items_of(project_id).get((env_id, tenant_id))

    def items_of(self, project_id: str) -> dict[tuple[str, str | None], Doc]:
        """Current items of a project by (environment id, tenant id)."""
        if project_id not in self._items:
            board = self.ctx.get("dashboard", {"projectId": project_id})
            self._items[project_id] = {
                (i["EnvironmentId"], i.get("TenantId")): i
                for i in board.get("Items") or []
                if i.get("ProjectId") == project_id
            }
        return self._items[project_id]

    def prefetch(self, release_ids: list[str]) -> None:
        """Read many releases' templates at once (see ``promotions``)."""
        wanted = [r for r in dict.fromkeys(release_ids) if r not in self._promotions]
        paths = [f"releases/{r}/deployments/template" for r in wanted]
        self._promotions.update(zip(wanted, self.ctx.get_each(paths), strict=True))

    def promotions(self, release_id: str) -> Doc:
        """Where the release may go next (``/releases/{id}/deployments/template``), read once."""
        if release_id not in self._promotions:
            self._promotions[release_id] = self.ctx.get(
                f"releases/{release_id}/deployments/template"
            )
        return self._promotions[release_id]

    def load(self, board: Doc) -> None:
        """Use a dashboard read for many projects at once (promote reads one for all)."""
        for item in board.get("Items") or []:
            slot = self._items.setdefault(item["ProjectId"], {})
            slot[(item["EnvironmentId"], item.get("TenantId"))] = item
        for project in board.get("Projects") or []:
            self._items.setdefault(project["Id"], {})


class Planner:
    """Deployment edits of one release of one project.

    :param blocked: where a deployment the lifecycle does not allow yet is
        reported: ``None`` makes it a plan problem; a list (promote's) collects
        ``"Project version"`` texts for one note instead.
    """

    def __init__(
        self,
        ctx: PlanContext,
        project: Project,
        release: Doc,
        release_edit: Edit | None,
        options: Options,
        board: Dashboard,
        blocked: list[str] | None = None,
    ) -> None:
        self.blocked = blocked
        self.ctx, self.project, self.release, self.options, self.board = (
            ctx,
            project,
            release,
            options,
            board,
        )
        self.new = release_edit is not None and not release_edit.done
        self.release_edit = release_edit
        self.release_id = created_ref(release_edit.key) if self.new else release["Id"]
        self._skip: list[str] | None = None
        self._skip_names: list[str] | None = []
        self._first: list[Doc] | None = None  # where a new release may go first
        self._refused: set[str] = set()

    def edits(
        self,
        env: Environment,
        tenants: list[Tenant] | None,
        after: tuple[str, ...] = (),
    ) -> list[Edit]:
        """Deployments to ``env`` (for each of ``tenants`` connected there) after ``after``."""
        if tenants is None:
            if self.project.tenanted_deployment_mode == "Tenanted":
                self.ctx.problem(
                    f"project {self.project.name!r} only deploys to tenants",
                    "choose them with tenants=… or tenant_tag=…",
                )
                return []
            return self._one(env, None, after)
        if not self.project.allows_tenants:
            self.ctx.problem(f"project {self.project.name!r} is not tenanted: leave tenants out")
            return []
        connected = [
            t for t in tenants if env.id in t.project_environments.get(self.project.id, [])
        ]
        if len(connected) < len(tenants):
            self.ctx.note(
                f"{self.project.name}: {len(tenants) - len(connected)} selected tenant(s) are "
                f"not connected to it in {env.name}; they are left out"
            )
        disabled = [t for t in connected if t.is_disabled]
        if disabled:
            self.ctx.note(
                f"{self.project.name}: {len(disabled)} selected tenant(s) connected in "
                f"{env.name} are disabled, and Octopus deploys to no disabled tenant; they are "
                "left out"
            )
        enabled = [t for t in connected if not t.is_disabled]
        return [e for t in enabled for e in self._one(env, t, after)]

    def _one(self, env: Environment, tenant: Tenant | None, after: tuple[str, ...]) -> list[Edit]:
        done = self._done(env, tenant)
        if not (done or self._may_deploy(env, tenant, after)):
            return []
        skip = self._skip_action_ids()
        if skip is None:
            return []
        version = self.release["Version"]
        for_tenant = f" for {tenant.name}" if tenant else ""
        name = f"{self.project.name} {version} to {env.name}{for_tenant}"
        self.ctx.labels[env.id] = env.name
        body = {
            "ReleaseId": self.release_id,
            "EnvironmentId": env.id,
            "TenantId": tenant.id if tenant else None,
            "SkipActions": skip,
            "FormValues": dict(self.options.variables),
            "QueueTime": self.options.queue_time,
            "ForcePackageRedeployment": self.options.force,
            "Comments": self.options.comments,
        }
        intent = Intent(
            "deployment.create",
            {
                "body": body,
                "project_id": self.project.id,
                "force": self.options.force,
                "execution": {
                    "ReleaseVersion": version,
                    "SkipStepNames": self._skip_names,
                    "VersionControlled": self.project.is_version_controlled,
                },
                **self.options.how.to_args(),
            },
            self._summary(version, env, tenant),
        )
        needs = tuple(after) + ((self.release_edit.key,) if self.new and self.release_edit else ())
        return [Edit("Deployment", None, name, {}, (intent,), action="run", after=needs, done=done)]

    def _summary(self, version: str, env: Environment, tenant: Tenant | None) -> str:
        text = f"deploy {self.project.name} {version} to {env.name}"
        if tenant:
            text += f" for {tenant.name}"
        if self.options.skip_steps:
            text += f", skipping {', '.join(self.options.skip_steps)}"
        if self.options.queue_time:
            text += f", at {self.options.queue_time}"
        if self.options.how.wait:
            text += f", waiting up to {self.options.how.timeout:g}s"
        return text

    def _done(self, env: Environment, tenant: Tenant | None) -> str:
        if self.new or self.options.force:
            return ""
        item = self.board.current(self.project.id, env.id, tenant.id if tenant else None)
        if (
            item
            and item.get("ReleaseId") == self.release["Id"]
            and item.get("State") in LIVE_STATES
        ):
            state = "current" if item["State"] == "Success" else f"being deployed ({item['State']})"
            return f"{self.release['Version']} is {state} in {env.name} (force=True redeploys)"
        return ""

    def _may_deploy(self, env: Environment, tenant: Tenant | None, after: tuple[str, ...]) -> bool:
        """Whether the lifecycle lets the release go to ``env`` (for ``tenant``) now."""
        return self._allowed_new(env, tenant, after) if self.new else self._allowed(env, tenant)

    def _allowed(self, env: Environment, tenant: Tenant | None) -> bool:
        promotions = self.board.promotions(self.release["Id"])
        if tenant is not None:
            per_tenant = {t["Id"]: t for t in promotions.get("TenantPromotions") or []}
            allowed = (per_tenant.get(tenant.id) or {}).get("PromoteTo") or []
        else:
            allowed = promotions.get("PromoteTo") or []
        return self._permitted(env, tenant, allowed)

    def _allowed_new(self, env: Environment, tenant: Tenant | None, after: tuple[str, ...]) -> bool:
        """A release this plan creates has no deployments: its lifecycle lets it go only
        to the first phase. After other deployments of the same plan (``after``), apply's
        own check decides."""
        if after:
            return True
        if self._first is None:
            self._first = self._first_environments()
        if any(a["Id"] == env.id for a in self._first):
            return True
        if env.id not in self._refused:  # one problem per environment, not one per tenant
            self._refused.add(env.id)
            self._permitted(env, None, self._first)
        return False

    def _first_environments(self) -> list[Doc]:
        channel = self.ctx.document("channels", self.release["ChannelId"])
        lifecycle_id = channel.get("LifecycleId") or self.project.lifecycle_id
        ids = lookups.first_environment_ids(self.ctx, lifecycle_id)
        environments = self.ctx.models("environments", Environment)
        return [{"Id": e.id, "Name": e.name} for e in environments if e.id in ids]

    def _permitted(self, env: Environment, tenant: Tenant | None, allowed: list[Doc]) -> bool:
        if any(a["Id"] == env.id for a in allowed):
            return True
        for_tenant = f" for tenant {tenant.name!r}" if tenant else ""
        if self.blocked is not None:
            self.blocked.append(f"{self.project.name} {self.release['Version']}{for_tenant}")
            return False
        names = ", ".join(a["Name"] for a in allowed) or "nowhere"
        self.ctx.problem(
            f"the lifecycle does not allow {self.project.name} {self.release['Version']} "
            f"in {env.name}{for_tenant} yet",
            f"it can go to: {names} (deploy it to the earlier phases first)",
        )
        return False

    def _process_path(self) -> str:
        """Where the release's process is read: its snapshot, else (a release this plan
        creates) the process it will snapshot, in Git for a version-controlled project."""
        process_id = self.release.get("ProjectDeploymentProcessSnapshotId")
        if process_id:
            return f"deploymentprocesses/{process_id}"
        reference = self.release.get("VersionControlReference")
        if reference:
            return gitrefs.process_path(self.project.id, reference)
        process_id = resolve.project_documents(self.ctx)[self.project.id]["DeploymentProcessId"]
        return f"deploymentprocesses/{process_id}"

    def _skip_action_ids(self) -> list[str] | None:
        if self._skip is not None or not self.options.skip_steps:
            return self._skip or []
        process = self.ctx.get(self._process_path())
        actions = {a["Name"].lower(): a["Id"] for s in process["Steps"] for a in s["Actions"]}
        actions.update(
            {s["Name"].lower(): s["Actions"][0]["Id"] for s in process["Steps"] if s["Actions"]}
        )
        ids = []
        for name in self.options.skip_steps:
            if name.lower() not in actions:
                self.ctx.problem(
                    f"{self.project.name}: no step {name!r} to skip",
                    "steps: " + ", ".join(s["Name"] for s in process["Steps"]),
                )
                return None
            ids.append(actions[name.lower()])
        self._skip, self._skip_names = ids, executions.step_names(process, ids)
        return ids
