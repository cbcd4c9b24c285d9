"""``projects.create_branch(name, from_=…)``: a branch in each selected
version-controlled project, for a change that goes through review.

A branch that exists already is left alone (the plan lists it as unchanged),
so a second run changes nothing. Database projects the selection takes in
through a group are left out with a note; one named by name is a problem.
"""

from __future__ import annotations

from typing import Any

import attrs
from octoflow_plugins.processes import git, gitedits, planner
from octoflow_plugins.processes.resolve import Names

from octoflow.provider import Edit, PlanContext


@attrs.frozen
class CreateBranch:
    #: The ``Projects`` selection whose version-controlled projects get the branch.
    projects: Any
    name: str
    base: str | None = None

    def describe(self) -> str:
        base = f", from_={self.base!r}" if self.base else ""
        return f"{self.projects.describe()}.create_branch({self.name!r}{base})"

    def plan(self, ctx: PlanContext) -> list[Edit]:
        known_problems = len(ctx.problems)
        projects = planner.select_projects(ctx, Names(ctx), self.projects.criteria)
        if len(ctx.problems) > known_problems:
            return []
        cac = [p for p in projects if p.is_version_controlled]
        database = [p for p in projects if not p.is_version_controlled]
        planner.check_database_projects(ctx, database, "create_branch()", self.projects.criteria)
        if database:
            ctx.note(f"leaves out {len(database)} database project(s): they have no Git repository")
        if cac and not ctx.require(git.FEATURE, "create_branch()"):
            return []
        edits = (gitedits.new_branch(ctx, p, self.name, self.base) for p in cac)
        return [e for e in edits if e is not None]
