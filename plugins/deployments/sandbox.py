"""The deployments provider's sandbox area: releases, deployments, runbook runs,
server tasks, interruptions, the dashboard and progression.

Its demo seed builds on the processes (projects, feeds, runbooks), users (teams)
and tenants areas' documents, so it seeds after them.
"""

from __future__ import annotations

from octoflow_plugins.deployments import (
    sandbox_dashboard,
    sandbox_deployments,
    sandbox_executions,
    sandbox_interruptions,
    sandbox_release_views,
    sandbox_runbookruns,
    sandbox_tasks,
)
from octoflow_plugins.deployments.sandbox_seed_deployments import seed_demo_deployments
from octoflow_plugins.deployments.sandbox_seed_releases import seed_demo_releases

from octoflow.sandbox.router import Router
from octoflow.sandbox.state import State


class DeploymentsArea:
    """See the module docstring; the routes follow the real server's."""

    name = "deployments"
    seed_after = ("processes", "users", "tenants", "targets")

    def register_routes(self, router: Router) -> None:
        sandbox_release_views.register_routes(router)
        sandbox_dashboard.register_routes(router)
        sandbox_tasks.register_routes(router)
        sandbox_deployments.register_routes(router)
        sandbox_runbookruns.register_routes(router)
        sandbox_interruptions.register_routes(router)
        sandbox_executions.register_routes(router)

    def seed(self, state: State, seed: str) -> None:
        if seed == "demo":
            seed_demo_releases(state)
            seed_demo_deployments(state)
