"""Every hook octoflow calls, in one place.

A plugin is a module (or object) with functions marked ``@octoflow.hookimpl``
whose names match the specs below. An implementation may accept fewer
arguments than the spec names; specs only ever gain arguments, so plugins
written today keep working. Hooks are called with keyword arguments only, from
``octoflow.plugin.PluginHost``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from octoflow.apply.executor import ApplyReport, OperationResult
    from octoflow.plan.model import Plan
    from octoflow.registry import Registry

PROJECT_NAME = "octoflow"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


# -- registration -------------------------------------------------------------


@hookspec
def octoflow_register(registry: Registry) -> None:
    """Contribute a provider's parts to octoflow.

    Called once per plugin when a session is built. Call the registry's
    ``add_*`` methods: collections (``octo.<name>`` entry points of the DSL),
    resource kinds and intents (what the planner diffs and apply writes),
    sandbox areas (state, routes and seeds of the embedded Octopus) and recipes.

    :param registry: the session's registry; it rejects a name registered twice,
        naming both plugins.
    :return: nothing; results are collected through the registry.
    """


# -- lifecycle (audit and notification plugins) -------------------------------


@hookspec
def octoflow_plan_ready(plan: Plan) -> None:
    """A plan has been compiled; nothing has been written yet.

    :param plan: the compiled plan (pure data; do not modify it).
    :return: nothing; every implementation is called.
    """


@hookspec
def octoflow_operation_done(result: OperationResult) -> None:
    """One operation of an apply finished (changed, unchanged, failed or skipped).

    Called from apply's worker threads: implementations must be thread-safe.

    :param result: the operation, its outcome, duration and error text if any.
    :return: nothing; every implementation is called.
    """


@hookspec
def octoflow_apply_done(report: ApplyReport) -> None:
    """An apply has finished, completely or not.

    :param report: every operation's result and the recap counts.
    :return: nothing; every implementation is called.
    """
