"""The deployments provider's sandbox area: releases, deployments, runbook runs,
server tasks, interruptions, the dashboard and progression.

Its demo seed builds on the processes (projects, feeds, runbooks), users (teams)
and tenants areas' documents, so it seeds after them.
"""

from __future__ import annotations

from octoflow.sandbox.router import Router
from octoflow.sandbox.state import State


class DeploymentsArea:
    """See the module docstring; the routes follow the real server's."""

    name = "deployments"
    seed_after = ("processes", "users", "tenants", "targets")

    def register_routes(self, router: Router) -> None:
        pass

    def seed(self, state: State, seed: str) -> None:
        pass
