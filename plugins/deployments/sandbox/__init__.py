"""The deployments provider's sandbox area: releases, deployments, runbook runs,
server tasks, interruptions, the dashboard and progression.

Its demo seed builds on the processes (projects, feeds, runbooks), users (teams)
and tenants areas' documents, so it seeds after them.
"""

from __future__ import annotations

from octoflow_plugins.deployments.sandbox import (
    adhoc,
    dashboard,
    deployments,
    executions,
    git_runbookruns,
    interruptions,
    release_views,
    runbook_templates,
    runbookruns,
    tasks,
)
from octoflow_plugins.deployments.sandbox.seed_artifacts import seed_demo_artifacts
from octoflow_plugins.deployments.sandbox.seed_deployments import seed_demo_deployments
from octoflow_plugins.deployments.sandbox.seed_releases import seed_demo_releases

from octoflow.sandbox.area import Router, State, is_demo


class DeploymentsArea:
    """See the module docstring; the routes follow the real server's."""

    name = "deployments"
    seed_after = ("processes", "users", "tenants", "targets")

    def register_routes(self, router: Router) -> None:
        release_views.register_routes(router)
        dashboard.register_routes(router)
        tasks.register_routes(router)
        adhoc.register_routes(router)
        deployments.register_routes(router)
        runbookruns.register_routes(router)
        runbook_templates.register_routes(router)
        interruptions.register_routes(router)
        executions.register_routes(router)
        git_runbookruns.register_routes(router)

    def seed(self, state: State, seed: str) -> None:
        if is_demo(seed):
            seed_demo_releases(state)
            seed_demo_deployments(state)
            seed_demo_artifacts(state)
