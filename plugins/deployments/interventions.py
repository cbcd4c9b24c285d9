"""``octo.interventions``: answer pending manual interventions and guided failures.

Examples::

    octo.interventions.where(project="Harbor Admin", environment="Production").proceed(
        notes="Change CHG-1234 approved", wait=True)
    octo.interventions.where(release="1.2.0", title="Approve*").abort(notes="Not this week")
    octo.interventions.where(task="ServerTasks-35").guidance("retry")

Planning lists the *pending* interruptions (``/interruptions?pendingOnly=true``)
and keeps those matching every criterion: ``project`` and ``environment`` (names),
``release`` (versions), ``task`` (server task ids) and ``title`` (``*`` and ``?``
wildcards). One the key's user may not take responsibility for is a plan
problem naming the teams that may. Apply takes responsibility when needed and
submits the answer; an interruption answered meanwhile is left as it is. A
second run finds nothing pending, so it plans nothing.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from typing import Any, ClassVar

import attrs
from octoflow_plugins.deployments.answers import (
    GUIDED,
    MANUAL,
    Abort,
    Answer,
    Guidance,
    Proceed,
    shown,
)
from octoflow_plugins.deployments.tasks import Wait

from octoflow.provider import (
    Criterion,
    Edit,
    Environment,
    PermissionDeniedError,
    PlanContext,
    Project,
    Selection,
    UsageError,
    as_names,
    unknown_name_message,
)

Doc = dict[str, Any]
KIND = "Interruption"
GUIDANCE = ("Fail", "Retry", "Ignore", "Exclude")
GUIDED_SUFFIX = " requires failure guidance"


def interruption_type(doc: Doc) -> str:
    """``Type``, or for servers that do not send it, what its title says (as the .NET client)."""
    if doc.get("Type"):
        return str(doc["Type"])
    return GUIDED if str(doc.get("Title", "")).endswith(GUIDED_SUFFIX) else MANUAL


@attrs.frozen
class Interventions(Selection):
    collection: ClassVar[str] = "interventions"
    criteria_keys: ClassVar[frozenset[str]] = frozenset(
        {"project", "environment", "release", "task", "title"}
    )

    # -- verbs -----------------------------------------------------------------

    def proceed(
        self, notes: str = "", *, wait: bool = False, timeout: float = 1800, poll: float = 2
    ) -> Interventions:
        """Take responsibility and proceed; ``wait``: until each task has finished."""
        how = Wait(bool(wait), float(timeout), float(poll))
        return self._with_verb(Proceed(self._notes("proceed", notes, how), *shown(how)))

    def abort(self, notes: str = "") -> Interventions:
        """Take responsibility and abort: the deployment (or runbook run) fails."""
        return self._with_verb(Abort(self._notes("abort", notes, Wait())))

    def guidance(
        self,
        action: str,
        notes: str = "",
        *,
        wait: bool = False,
        timeout: float = 1800,
        poll: float = 2,
    ) -> Interventions:
        """Answer guided failure: ``fail``, ``retry``, ``ignore`` or ``exclude`` (the machine)."""
        chosen = next((g for g in GUIDANCE if g.lower() == str(action).strip().lower()), None)
        if chosen is None:
            raise UsageError(
                "interventions.guidance(): "
                + unknown_name_message("guidance", str(action), [g.lower() for g in GUIDANCE])
            )
        if chosen == "Fail" and wait:
            raise UsageError("interventions.guidance('fail') fails the task: leave out wait")
        how = Wait(bool(wait), float(timeout), float(poll))
        return self._with_verb(Guidance(chosen, self._notes("guidance", notes, how), *shown(how)))

    def _notes(self, verb: str, notes: str | None, how: Wait) -> str | None:
        """Check one answer's arguments; its notes as a field (``None``: none)."""
        if self.verbs:
            raise UsageError(
                f"interventions.{verb}(): one answer per statement "
                f"(already {self.verbs[0].name}()); select the others separately"
            )
        if how.timeout <= 0 or how.poll <= 0:
            raise UsageError("timeout and poll must be positive numbers of seconds")
        if notes is not None and not isinstance(notes, str):
            raise UsageError(f"interventions.{verb}(): notes must be text")
        return notes or None

    # -- planning --------------------------------------------------------------

    def plan(self, ctx: PlanContext) -> list[Edit]:
        answer = next((v for v in self.verbs if isinstance(v, Answer)), None)
        if answer is None:
            ctx.problem(
                "interventions: nothing to do with the selected interruptions",
                "add .proceed(), .abort() or .guidance(…)",
            )
            return []
        matchers = [self._matcher(ctx, c) for c in self.criteria]
        if ctx.problems:
            return []
        pending = ctx.client.list_all(
            ctx.client.space_path("interruptions"), {"pendingOnly": "true"}
        )
        selected = [d for d in pending if all(m(d) for m in matchers if m is not None)]
        context = Related(ctx, selected)
        versions = [as_names(c.value, "release") for c in self.criteria if c.key == "release"]
        if versions and context.unreadable:
            ctx.problem(
                "interventions: cannot select by release: the API key may not read "
                "deployments or releases",
                "select by project, environment, task or title instead",
            )
            return []
        for wanted in versions:
            lowered = {v.lower() for v in wanted}
            selected = [d for d in selected if context.version(d).lower() in lowered]
        return self._edits(ctx, answer, selected, context)

    def _edits(
        self, ctx: PlanContext, answer: Answer, selected: list[Doc], context: Related
    ) -> list[Edit]:
        kind = answer.answers
        fitting = [d for d in selected if interruption_type(d) == kind]
        other = len(selected) - len(fitting)
        if other:
            wanted = "guided failures" if kind == GUIDED else "manual interventions"
            ctx.note(f"{other} selected interruption(s) are not {wanted}: left alone")
        ctx.note(f"selects {len(fitting)} pending interruption(s)")
        refused = [d for d in fitting if not d.get("CanTakeResponsibility", True)]
        for doc in refused:
            teams = context.team_names(doc.get("ResponsibleTeamIds") or [])
            ctx.problem(
                f"the API key's user may not take responsibility for {doc['Title']!r} "
                f"({doc['Id']}, {context.where(doc)})",
                f"only members of {teams or 'its responsible teams'} may: use the key of one "
                "of them, or ask to be added to one of those teams",
            )
        if refused:
            return []
        return [self._edit(ctx, answer, doc, context) for doc in fitting]

    def _edit(self, ctx: PlanContext, answer: Answer, doc: Doc, context: Related) -> Edit:
        name = f"{doc['Title']} ({context.where(doc)})"
        ctx.labels[doc["Id"]] = name
        return Edit(KIND, doc["Id"], name, {}, (answer.intent(doc),), action="run")

    def _matcher(self, ctx: PlanContext, criterion: Criterion) -> Callable[[Doc], bool] | None:
        """A test for one criterion (``None``: checked later, or not resolvable)."""
        key, value = criterion.key, criterion.value
        if key == "predicate":
            return value  # type: ignore[no-any-return]
        if key == "release":
            return None
        if key == "title":
            patterns = [value] if isinstance(value, str) else list(value)
            return lambda d: any(
                fnmatch.fnmatch(str(d["Title"]).lower(), str(p).lower()) for p in patterns
            )
        names = as_names(value, key)
        if key == "task":
            tasks = {n.lower() for n in names}
            return lambda d: str(d.get("TaskId", "")).lower() in tasks
        cls, collection = (
            (Project, "projects") if key == "project" else (Environment, "environments")
        )
        ids = {m.id for m in (ctx.find(collection, cls, n, key) for n in names) if m is not None}
        return lambda d: bool(ids & set(d.get("RelatedDocumentIds") or []))


class Related:
    """Readable context of interruptions: project, release version, environment, tenant.

    The deployments and tenants named in ``RelatedDocumentIds`` and the
    deployments' releases are read in batches (``ids=``), once for all selected
    interruptions; what the key may not read is left out.
    """

    def __init__(self, ctx: PlanContext, docs: list[Doc]) -> None:
        self.ctx = ctx
        self.names = {
            d["Id"]: d["Name"]
            for collection in ("projects", "environments")
            for d in ctx.documents(collection)
        }
        self.unreadable = False
        self._versions = self._read_versions(_ids(docs, "Deployments-"))
        tenant_ids = _ids(docs, "Tenants-")
        if tenant_ids:
            self.names.update(self._read_names("tenants", tenant_ids))

    def _read_versions(self, deployment_ids: list[str]) -> dict[str, str]:
        """Release versions by deployment id (none when the key may not read them)."""
        client = self.ctx.client
        try:
            deployments = client.get_many(client.space_path("deployments"), deployment_ids)
            release_ids = sorted({d["ReleaseId"] for d in deployments})
            releases = client.get_many(client.space_path("releases"), release_ids)
        except PermissionDeniedError:
            self.unreadable = True
            return {}
        versions = {r["Id"]: r["Version"] for r in releases}
        return {d["Id"]: versions.get(d["ReleaseId"], "") for d in deployments}

    def _read_names(self, collection: str, ids: list[str]) -> dict[str, str]:
        try:
            found = self.ctx.client.get_many(self.ctx.client.space_path(collection), ids)
        except PermissionDeniedError:
            return {}
        return {d["Id"]: d["Name"] for d in found}

    def version(self, doc: Doc) -> str:
        """The release version of a deployment's interruption ("" for a runbook run's)."""
        return next((self._versions[i] for i in _related(doc) if i in self._versions), "")

    def where(self, doc: Doc) -> str:
        """``Harbor Admin 1.2.0 to Production`` or ``Ember Web runbook run in Test``."""
        named = {i.partition("-")[0]: self.names.get(i, i) for i in _related(doc)}
        project, env = named.get("Projects", "?"), named.get("Environments", "?")
        tenant = f" for {named['Tenants']}" if "Tenants" in named else ""
        if "Deployments" not in named:
            return f"{project} runbook run in {env}{tenant}"
        return f"{project} {self.version(doc) or 'deployment'} to {env}{tenant}"

    def team_names(self, team_ids: list[str]) -> str:
        """The teams' names; their ids when the key may not read teams."""
        try:
            teams = self.ctx.client.get_many("/api/teams", team_ids)
        except PermissionDeniedError:
            teams = []
        names = {t["Id"]: t["Name"] for t in teams}
        return ", ".join(repr(names.get(t, t)) for t in team_ids)


def _related(doc: Doc) -> list[str]:
    return [str(i) for i in doc.get("RelatedDocumentIds") or []]


def _ids(docs: list[Doc], prefix: str) -> list[str]:
    return sorted({i for d in docs for i in _related(d) if i.startswith(prefix)})
