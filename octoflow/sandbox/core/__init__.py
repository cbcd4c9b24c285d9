"""The core area: spaces, environments, lifecycles, project groups, projects,
channels, tag sets, library variable sets, the audit log and the root documents,
plus the areas octoflow has no provider for yet (accounts, certificates, project
triggers, subscriptions, artifacts, packages and build information, proxies)."""

from __future__ import annotations

from octoflow.sandbox.core import (
    accounts,
    artifacts,
    buildinfo,
    certificates,
    channels,
    deploymentsettings,
    environments,
    events,
    gitviews,
    libraryvariablesets,
    lifecycles,
    packages,
    projectgroups,
    projects,
    proxies,
    root,
    spaces,
    subscriptions,
    tagsets,
    triggers,
)
from octoflow.sandbox.core.seed import seed_core
from octoflow.sandbox.router import Router
from octoflow.sandbox.state import State

_MODULES = (
    root,
    spaces,
    environments,
    lifecycles,
    projectgroups,
    projects,
    deploymentsettings,
    gitviews,
    channels,
    tagsets,
    libraryvariablesets,
    events,
    accounts,
    certificates,
    triggers,
    subscriptions,
    artifacts,
    proxies,
    buildinfo,
    packages,
)


class CoreArea:
    """Always the first area of a sandbox; providers' areas build on its documents."""

    name = "core"

    def register_routes(self, router: Router) -> None:
        for module in _MODULES:
            module.register_routes(router)

    def seed(self, state: State, seed: str) -> None:
        seed_core(state, seed)
