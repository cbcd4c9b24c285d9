"""Give an environment everything its neighbour has: ``environments.ensure(…, like=…)``.

Wherever the neighbour (``like``) is, the environment is added: to the same phase
of each lifecycle (automatic or manual as the neighbour is), to each tenant's
project connections that include the neighbour, to the environment restrictions
of team roles (scoped user roles of this space), and to the environment scope of
project and library set variables. Each is an edit of its own document with the
other providers' kinds and intents, after the edits it depends on: the environment
is created first, tenants are connected once the lifecycles have the environment
(Octopus only connects a tenant to environments of the project's lifecycle).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from octoflow.provider import Edit, Intent, PlanContext, lookups

Doc = dict[str, Any]
#: The kinds and intents of the providers that write these documents (lifecycles,
#: tenants, users, variables), by the names they register; a provider never imports
#: another. ``variable.add_environment`` is this provider's own.
LIFECYCLE, TENANT, SCOPED_ROLE, VARIABLE_SET = (
    "Lifecycle",
    "Tenant",
    "ScopedUserRole",
    "VariableSet",
)
TARGET_LISTS = ("AutomaticDeploymentTargets", "OptionalDeploymentTargets")


@attrs.frozen
class Spread:
    """The environment (``env_id``: an id or a created reference) and its neighbour."""

    env_id: str
    name: str
    like_id: str
    like: str
    #: Keys of edits every spread edit waits for (the creation of the environment).
    after: tuple[str, ...] = ()

    def edits(self, ctx: PlanContext) -> list[Edit]:
        lifecycles = self.lifecycles(ctx)
        waits = self.after + tuple(e.key for e in lifecycles)
        edits = [
            *lifecycles,
            *(attrs.evolve(e, after=waits) for e in self.tenants(ctx)),
            *self.team_roles(ctx),
            *self.variable_sets(ctx),
        ]
        counts = {kind: sum(1 for e in edits if e.kind == kind) for kind in _NOUNS}
        joined = ", ".join(f"{n} {_NOUNS[k]}(s)" for k, n in counts.items() if n)
        ctx.note(f"{self.name} joins {self.like} in {joined or 'nothing else'}")
        return edits

    def _edit(self, kind: str, doc: Doc, name: str, intents: list[Intent]) -> Edit:
        return Edit(kind, doc["Id"], name, doc, tuple(intents), after=self.after)

    def lifecycles(self, ctx: PlanContext) -> list[Edit]:
        edits = []
        for doc in ctx.documents("lifecycles"):
            phase = holding_phase(doc, self.like_id)
            if phase is None:
                continue
            has = holding_phase(doc, self.env_id)
            if has is phase:
                continue
            if has is not None:
                ctx.note(
                    f"lifecycle {doc['Name']!r} has {self.name} in phase {has['Name']!r} "
                    f"already, not with {self.like} in {phase['Name']!r}: left as it is"
                )
                continue
            automatic = self.like_id in (phase.get(TARGET_LISTS[0]) or [])
            edits.append(
                self._edit(LIFECYCLE, doc, doc["Name"], [self._join(ctx, phase, automatic)])
            )
        return edits

    def _join(self, ctx: PlanContext, phase: Doc, automatic: bool) -> Intent:
        name, shown = str(phase["Name"]), lookups.labels(ctx, [self.env_id])
        return Intent(
            "lifecycle.add_environments",
            {"phase": name, "environment_ids": [self.env_id], "automatic": automatic},
            f"phase {name!r}: add {shown} ({'automatic' if automatic else 'manual'})",
            f"phase {name!r} already has {shown}",
        )

    def tenants(self, ctx: PlanContext) -> list[Edit]:
        projects = {p["Id"]: p["Name"] for p in ctx.documents("projects")}
        edits = []
        for doc in ctx.documents("tenants"):
            intents = [
                Intent(
                    "tenant.connect_project",
                    {"project_id": project_id, "environment_ids": [self.env_id]},
                    f"connect {projects.get(project_id, project_id)} in {self.name}",
                    f"connected to {projects.get(project_id, project_id)} in {self.name}",
                )
                for project_id, envs in (doc.get("ProjectEnvironments") or {}).items()
                if self.like_id in envs and self.env_id not in envs
            ]
            if intents:
                edits.append(self._edit(TENANT, doc, doc["Name"], intents))
        return edits

    def team_roles(self, ctx: PlanContext) -> list[Edit]:
        teams = _names(ctx, "teams")
        roles = _names(ctx, "/api/userroles")
        widen = Intent(
            "scoped_role.widen",
            {"scopes": {"EnvironmentIds": [self.env_id]}},
            f"restricted to {self.like}: add {self.name}",
            f"has {self.name}",
        )
        return [
            self._edit(
                SCOPED_ROLE, doc, f"{teams(doc['TeamId'])}: {roles(doc['UserRoleId'])}", [widen]
            )
            for doc in ctx.documents("/api/scopeduserroles")
            if doc.get("SpaceId") == ctx.client.space_id
            and self.like_id in (doc.get("EnvironmentIds") or [])
            and self.env_id not in doc["EnvironmentIds"]
        ]

    def variable_sets(self, ctx: PlanContext) -> list[Edit]:
        owners = [
            (doc["VariableSetId"], f"{what} {doc['Name']}")
            for what, collection in (("project", "projects"), ("library", "libraryvariablesets"))
            for doc in ctx.documents(collection)
            if doc.get("VariableSetId")
        ]
        documents = ctx.get_each([f"variables/{set_id}" for set_id, _owner in owners])
        edits = []
        for (_set_id, owner), doc in zip(owners, documents, strict=True):
            scoped = [
                v
                for v in doc.get("Variables") or []
                if self.like_id in _environments(v) and self.env_id not in _environments(v)
            ]
            if not scoped:
                continue
            names = ", ".join(dict.fromkeys(str(v["Name"]) for v in scoped))
            intent = Intent(
                "variable.add_environment",
                {"variable_ids": [v["Id"] for v in scoped], "environment_id": self.env_id},
                f"scope {names} to {self.name} too",
                f"{names} scoped to {self.name}",
            )
            edits.append(self._edit(VARIABLE_SET, doc, owner, [intent]))
        return edits


_NOUNS = {
    LIFECYCLE: "lifecycle",
    TENANT: "tenant",
    SCOPED_ROLE: "team role",
    VARIABLE_SET: "variable set",
}


def holding_phase(doc: Doc, env_id: str) -> Doc | None:
    """The phase of a lifecycle that has ``env_id`` in one of its lists, if any."""
    for item in doc.get("Phases") or []:
        if any(env_id in (item.get(field) or []) for field in TARGET_LISTS):
            return item  # type: ignore[no-any-return]
    return None


def _names(ctx: PlanContext, collection: str) -> Callable[[str], str]:
    """Name of a document of ``collection`` by id (the id when there is none)."""
    names = {d["Id"]: str(d.get("Name") or d["Id"]) for d in ctx.documents(collection)}
    return lambda doc_id: names.get(doc_id, doc_id)


def _environments(variable: Doc) -> list[str]:
    return list((variable.get("Scope") or {}).get("Environment") or [])
