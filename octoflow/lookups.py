"""Name lookups every provider shares: environments, projects, tenants, tags, roles.

Each resolves the names a user wrote against the lists the plan context reads
once per plan. A name that does not resolve becomes a problem on the context
(with close matches) and planning goes on, so one plan reports every bad name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from octoflow.dsl.selection import Selection, as_names
from octoflow.jsondata import clone
from octoflow.models import Environment, Lifecycle, Model, Project, ProjectGroup, TagSet, Tenant
from octoflow.plan.context import PlanContext
from octoflow.registry import unknown_name_message

M = TypeVar("M", bound=Model)


def named(ctx: PlanContext, collection: str, cls: type[M], names: Any, what: str) -> list[M]:
    """The documents called ``names`` (comma-separated or a list), by name or id."""
    found = [ctx.find(collection, cls, name, what) for name in as_names(names, what)]
    return [item for item in found if item is not None]


def selected(
    ctx: PlanContext, collection: str, cls: type[Model], criteria: Iterable[Any], what: str
) -> list[dict[str, Any]]:
    """The documents of ``collection`` that every criterion selects (as listed; treat as
    read-only): ``name`` and ``ids`` as :func:`named` finds them (unknown ones are
    problems), ``partial_name`` in any case, ``predicate`` on a copy of the document."""
    docs = ctx.documents(collection)
    keep = {d["Id"] for d in docs}
    for criterion in criteria:
        if criterion.key in ("name", "ids"):
            keep &= {m.id for m in named(ctx, collection, cls, criterion.value, what)}
        elif criterion.key == "partial_name":
            part = str(criterion.value).strip().lower()
            keep &= {d["Id"] for d in docs if part in str(d.get("Name", "")).lower()}
        elif criterion.key == "predicate":
            keep &= {d["Id"] for d in docs if criterion.value(clone(d))}
    return [d for d in docs if d["Id"] in keep]


def environments(ctx: PlanContext, names: Any) -> list[Environment]:
    return named(ctx, "environments", Environment, names, "environment")


def environment_ids(ctx: PlanContext, names: Any) -> list[str]:
    return [str(e.id) for e in environments(ctx, names) if e.id]


def projects(ctx: PlanContext, names: Any) -> list[Project]:
    return named(ctx, "projects", Project, names, "project")


def projects_in(ctx: PlanContext, selection: Selection) -> list[Project]:
    """The projects a statement on projects' documents (channels, triggers) works in:
    each ``project`` criterion of ``selection`` (names, or an ``octo.projects.where(…)``
    selection) and each ``group`` criterion (project group names) narrows the list;
    without them it is every project."""
    selected = ctx.models("projects", Project)
    for value in selection.criteria_for("project"):
        if isinstance(value, Selection) and value.collection == "projects":
            ids = {p.id for p in value.select(ctx)}
        else:
            ids = {p.id for p in named(ctx, "projects", Project, value, "project")}
        selected = [p for p in selected if p.id in ids]
    for value in selection.criteria_for("group"):
        ids = {g.id for g in named(ctx, "projectgroups", ProjectGroup, value, "project group")}
        selected = [p for p in selected if p.project_group_id in ids]
    for project in selected:
        ctx.label(project)
    return selected


def documents_named(
    ctx: PlanContext, docs: list[dict[str, Any]], names: Any, what: str
) -> list[dict[str, Any]]:
    """Those of ``docs`` whose ``Name`` is one of ``names`` (any case); a problem, with
    close matches among ``docs``, for a name none of them has."""
    known = list(dict.fromkeys(str(d.get("Name")) for d in docs))
    lowered = {k.lower() for k in known}
    wanted = as_names(names, what)
    for name in wanted:
        if name.lower() not in lowered:
            ctx.problem(unknown_name_message(what, name, known))
    wanted_lower = {w.lower() for w in wanted}
    return [d for d in docs if str(d.get("Name", "")).lower() in wanted_lower]


def tenant_ids(ctx: PlanContext, names: Any) -> list[str]:
    return [str(t.id) for t in named(ctx, "tenants", Tenant, names, "tenant") if t.id]


def labels(ctx: PlanContext, ids: Iterable[str]) -> str:
    """``"Test, Staging"``: ids already resolved, as names."""
    return ", ".join(ctx.labels.get(i, i) for i in ids)


# -- tags ---------------------------------------------------------------------------


def canonical_tags(ctx: PlanContext, names: Iterable[str]) -> list[str]:
    """Canonical ``Set/Tag`` names as the server spells them, of tag sets tenants can use."""
    by_name: dict[str, tuple[TagSet, str]] = {}
    for tag_set in ctx.models("tagsets", TagSet):
        for tag in tag_set.tags:
            canonical = tag.canonical_tag_name or f"{tag_set.name}/{tag.name}"
            by_name[canonical.lower()] = (tag_set, canonical)
    found = []
    for name in names:
        if "/" not in name:
            ctx.problem(
                f"tag {name!r} is not a canonical tag name",
                "write it as TagSet/Tag, e.g. Region/EU",
            )
            continue
        hit = by_name.get(name.strip().lower())
        if hit is None:
            ctx.problem(unknown_name_message("tag", name, [c for _, c in by_name.values()]))
        elif not hit[0].scoped_to_tenants:
            ctx.problem(
                f"tag {hit[1]!r} belongs to tag set {hit[0].name!r}, which is not "
                "available to tenants",
                "add the Tenant scope to the tag set first",
            )
        else:
            found.append(hit[1])
    return found


def has_tags(tags: Sequence[str]) -> Callable[[Iterable[str]], bool]:
    """A test of a document's tags, with Octopus's semantics: any tag within one tag
    set, and every tag set. No tags at all matches nothing (never everything)."""
    by_set: dict[str, set[str]] = {}
    for tag in tags:
        by_set.setdefault(tag.split("/", 1)[0].lower(), set()).add(tag.lower())

    def test(have_tags: Iterable[str]) -> bool:
        have = {t.lower() for t in have_tags}
        return bool(by_set) and all(have & wanted for wanted in by_set.values())

    return test


# -- roles ----------------------------------------------------------------------------


def known_roles(ctx: PlanContext) -> dict[str, str]:
    """Every role (target tag) some deployment target has, by lower-cased name."""
    roles: dict[str, str] = {}
    for machine in ctx.documents("machines"):
        for role in machine.get("Roles") or ():
            roles.setdefault(str(role).lower(), str(role))
    return roles


def existing_roles(ctx: PlanContext, names: Iterable[str]) -> list[str]:
    """Roles some target has, spelled as the server has them; an unknown one is a
    problem with close matches (a role nothing has is almost always a typo)."""
    known = known_roles(ctx)
    found = []
    for name in names:
        role = known.get(name.strip().lower())
        if role is None:
            ctx.problem(unknown_name_message("role", name, sorted(known.values())))
        elif role not in found:
            found.append(role)
    return found


# -- lifecycles ---------------------------------------------------------------------


def lifecycle_environment_ids(ctx: PlanContext, project: Project) -> list[str]:
    """Environments a project's lifecycle reaches (all of them when it has no phases)."""
    all_ids = _environment_ids(ctx)
    lifecycle = _lifecycle(ctx, project.lifecycle_id)
    return lifecycle.environment_ids(all_ids) if lifecycle else all_ids


def first_environment_ids(ctx: PlanContext, lifecycle_id: str | None) -> list[str]:
    """Environments a release with no deployments yet may go to in that lifecycle."""
    all_ids = _environment_ids(ctx)
    lifecycle = _lifecycle(ctx, lifecycle_id)
    return lifecycle.first_environment_ids(all_ids) if lifecycle else all_ids


def _environment_ids(ctx: PlanContext) -> list[str]:
    all_environments = ctx.models("environments", Environment)
    for env in all_environments:
        ctx.label(env)
    return [str(e.id) for e in all_environments]


def _lifecycle(ctx: PlanContext, lifecycle_id: str | None) -> Lifecycle | None:
    return next((lc for lc in ctx.models("lifecycles", Lifecycle) if lc.id == lifecycle_id), None)
