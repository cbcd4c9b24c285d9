"""The deployments provider: releases, deployments, runbook runs, server tasks and
manual interventions."""

from __future__ import annotations

from octoflow import hookimpl
from octoflow.registry import Registry


@hookimpl
def octoflow_register(registry: Registry) -> None:
    from octoflow_plugins.deployments.sandbox import DeploymentsArea

    registry.add_sandbox_area(DeploymentsArea())
