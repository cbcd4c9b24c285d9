"""The session: the object a user (or the CLI, or a script step) works with.

::

    import octoflow

    octo = octoflow.connect()                 # OCTOPUS_URL / OCTOPUS_API_KEY / OCTOPUS_SPACE
    octo = octoflow.Octoflow.with_sandbox("demo")  # or rehearse against the embedded sandbox
    plan = octo.plan(octo.tenants.where(tag="Region/EU").add_project("Customer Portal"))
    print(octoflow.render_plan(plan))
    report = octo.apply(plan)

A session owns its client, its plugin host and the registry the plugins
filled; nothing is global.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from octoflow.apply.executor import ApplyReport, Executor, OperationResult
from octoflow.apply.journal import Journal
from octoflow.apply.stages import (
    Resumption,
    Rollout,
    RolloutReport,
    StagedApply,
    ask_on_terminal,
    check_prompt_possible,
)
from octoflow.client import OctopusClient
from octoflow.config import Connection
from octoflow.errors import OctoflowError, UsageError
from octoflow.plan.compiler import compile_plan, estimate_requests
from octoflow.plan.context import PlanContext
from octoflow.plan.model import Operation, Plan
from octoflow.plan.narrow import Narrowing, narrow
from octoflow.plan.pace import apply_time
from octoflow.plan.wide import DEFAULT as DEFAULT_WIDE
from octoflow.plan.wide import WidePolicy, check_wide
from octoflow.plugin import PluginHost
from octoflow.recipe import Recipe, find_recipe, flatten
from octoflow.registry import Registry, unknown_name_message
from octoflow.undo.planner import UndoPlan, UndoPlanner
from octoflow.undo.recorded import RecordedApply, read_journal
from octoflow.usercode import blame

log = logging.getLogger("octoflow")


class Octoflow:
    """A connection to one Octopus server and space, plus the loaded providers."""

    def __init__(
        self, client: OctopusClient, host: PluginHost, registry: Registry, sandbox: Any = None
    ) -> None:
        self.client = client
        self.host = host
        self.registry = registry
        #: The embedded sandbox when the session runs against one, else ``None``.
        self.sandbox = sandbox

    # -- construction ----------------------------------------------------------

    @classmethod
    def connect(
        cls,
        connection: Connection | None = None,
        *,
        env: Mapping[str, str] | None = None,
        plugins: Iterable[tuple[str, Any]] = (),
        **client_options: Any,
    ) -> Octoflow:
        """A session against a real server (or any URL speaking Octopus's API)."""
        connection = connection or Connection.from_env(os.environ if env is None else env)
        host = PluginHost.from_entry_points(plugins)
        return cls(OctopusClient(connection, **client_options), host, host.build_registry())

    @classmethod
    def with_sandbox(
        cls,
        seed: str = "demo",
        *,
        space: str | None = None,
        latency_ms: int = 0,
        plugins: Iterable[tuple[str, Any]] = (),
        server_version: str = "current",
        **client_options: Any,
    ) -> Octoflow:
        """A session against an in-process sandbox (``seed``: empty, demo, demo-large or a
        state file) answering as the Octopus release ``server_version`` (``2020.5`` …
        ``current``)."""
        from octoflow.sandbox import IN_PROCESS_URL, SANDBOX_API_KEY, SandboxAdapter

        host = PluginHost.from_entry_points(plugins)
        registry = host.build_registry()
        sandbox = build_sandbox(
            registry, seed, latency_ms=latency_ms, server_version=server_version
        )
        connection = Connection(IN_PROCESS_URL, api_key=SANDBOX_API_KEY, space=space)
        client = OctopusClient(connection, adapter=SandboxAdapter(sandbox.app), **client_options)
        return cls(client, host, registry, sandbox)

    def in_space(self, space: str) -> Octoflow:
        """This session's server (or sandbox) and providers, working in another space."""
        return Octoflow(self.client.for_space(space), self.host, self.registry, self.sandbox)

    def space_ids(self) -> list[str]:
        """Every space on the server, by id."""
        return [str(s["Id"]) for s in self.client.get("/api/spaces/all")]

    # -- the DSL ---------------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        registry = self.__dict__.get("registry")
        if registry is None or not registry.has_collection(name):
            known = registry.names("collection") if registry else []
            raise AttributeError(unknown_name_message("collection", name, known))
        return registry.collection(name)(self)

    # -- plan and apply --------------------------------------------------------

    def plan(
        self,
        *statements: Any,
        title: str = "",
        params: Mapping[str, Any] | None = None,
        concurrency: int = 8,
        recipe: str = "",
        wide_above: WidePolicy = DEFAULT_WIDE,
    ) -> Plan:
        """Compile statements into a plan. Reads the server; never writes.

        :param concurrency: reads made at once where a provider reads many documents.
        :param recipe: the recipe the statements came from, as the user named it.
        :param wide_above: when a selection makes the plan a wide change.
        """
        flat = flatten(statements)
        if not flat:
            raise UsageError("nothing to plan: no statements given")
        title = title or "; ".join(s.describe() for s in flat)
        ctx = PlanContext(self.client, self.registry, concurrency, wide_above)
        ctx.recipe = recipe
        try:
            plan = compile_plan(flat, ctx, title, params)
        except OctoflowError:
            raise
        except Exception as exc:
            error = blame(exc, self.host.plugin_roots(), "planning")
            if error is None:
                raise  # octoflow's own bug: an internal error
            raise error from exc
        plan = attrs.evolve(plan, recipe=recipe)
        self.host.plan_ready(plan)
        return plan

    def plan_recipe(
        self,
        recipe: Recipe | str,
        raw_params: Mapping[str, str],
        concurrency: int = 8,
        wide_above: WidePolicy | None = None,
    ) -> Plan:
        """Load a recipe (by name or path), bind its ``-p`` values and plan it.

        :param wide_above: overrides the recipe's own threshold (``WIDE_ABOVE``), if any.
        """
        if isinstance(recipe, str):
            recipe = find_recipe(recipe, self.registry.recipes)
        values = recipe.bind(raw_params)
        statements = recipe.statements(self, values)
        return self.plan(
            *statements,
            title=recipe.name,
            params=recipe.shown_params(values),
            concurrency=concurrency,
            recipe=recipe.ref,
            wide_above=wide_above or recipe.wide_above,
        )

    def narrow(self, plan: Plan, narrowing: Narrowing, concurrency: int = 8) -> Plan:
        """``plan`` with only the operations ``narrowing`` keeps (``--only``, ``--exclude``,
        ``--limit``), its request estimate recomputed."""
        if not narrowing:
            return plan
        narrowed = narrow(plan, narrowing)
        audited = self.client.capabilities.has_link("Events")
        paced = self.client.throttle.paced
        estimate = estimate_requests(
            narrowed.operations, self.registry, concurrency, audited, paced
        )
        rate_limit = (
            apply_time(estimate, self.client.throttle.policy) if narrowed.operations else None
        )
        return attrs.evolve(narrowed, request_estimate=estimate, rate_limit=rate_limit)

    def apply(
        self,
        plan: Plan,
        *,
        concurrency: int = 8,
        journal: Path | None = None,
        on_result: Callable[[OperationResult], None] | None = None,
        on_progress: Callable[[Operation, str], None] | None = None,
        preflight: bool = False,
        allow_wide: bool = False,
    ) -> ApplyReport:
        """Carry out a plan. Re-reads each document before writing it.

        :param allow_wide: apply a wide change (``plan.wide``); without it such a plan
            raises UsageError and nothing is written.

        :param on_progress: called with an operation and a message while an action
            waits (a deployment's task state); from worker threads.
        :param preflight: check every document against the plan before writing
            anything (use for plans saved earlier); raises ConflictError and
            writes nothing when the server contradicts the plan.
        """
        self.check_target(plan)
        check_wide(plan, allow_wide)

        def done(result: OperationResult) -> None:
            try:
                self.host.operation_done(result)
            except Exception as exc:  # a broken audit plugin must not break the apply
                log.warning(
                    "a plugin's octoflow_operation_done failed: %s: %s", type(exc).__name__, exc
                )
            if on_result is not None:
                on_result(result)

        executor = Executor(
            self.client, self.registry, concurrency, Journal(journal), done, on_progress
        )
        report = executor.run(plan, preflight=preflight)
        self.host.apply_done(report)
        return report

    def roll_out(
        self,
        plan: Plan,
        rollout: Rollout,
        *,
        concurrency: int = 8,
        journal: Path | None = None,
        resumption: Resumption | None = None,
        on_result: Callable[[OperationResult], None] | None = None,
        on_progress: Callable[[Operation, str], None] | None = None,
        on_stage: Callable[[str], None] | None = None,
        ask: Callable[[str], bool] | None = None,
        preflight: bool = False,
        allow_wide: bool = False,
    ) -> RolloutReport:
        """Apply ``plan`` in stages, checking after each (see :mod:`octoflow.apply.stages`).

        Everything that can be refused is refused before the first write: another
        server's plan, a wide one without ``allow_wide``, a check that cannot be planned,
        ``Pause(prompt=True)`` without ``ask`` off a terminal.

        :param resumption: what an earlier run did (``read_rollout(journal).resumption``).
        :param on_stage: called with a line saying which stage runs, and each check's result.
        :param ask: asked a yes/no question between stages for a prompt pause (default:
            on the terminal).
        """
        self.check_target(plan)
        check_wide(plan, allow_wide)
        if ask is None:
            check_prompt_possible(rollout)
        for check in rollout.checks:
            check.validate(self)
        staged = StagedApply(
            self,
            plan,
            rollout,
            journal=journal,
            concurrency=concurrency,
            allow_wide=allow_wide,
            preflight=preflight,
            on_result=on_result,
            on_progress=on_progress,
            on_stage=on_stage,
            ask=ask or ask_on_terminal,
        )
        return staged.run(resumption)

    def plan_undo(self, journal: Path | str | RecordedApply) -> UndoPlan:
        """The inverse of the apply ``journal`` records, planned against the server as it
        is now (see :mod:`octoflow.undo.planner`); apply its ``plan`` as any other. Reads
        the server; never writes."""
        recorded = journal if isinstance(journal, RecordedApply) else read_journal(Path(journal))
        return UndoPlanner(self.client, self.registry).plan(recorded)

    def check_target(self, plan: Plan) -> None:
        """Refuse a saved plan made for another server or space."""
        if plan.server.rstrip("/") != self.client.connection.url.rstrip("/"):
            raise UsageError(
                f"this plan was made for {plan.server}, not "
                f"{self.client.connection.url}; plan again against this server"
            )
        if plan.space_id != self.client.space_id:
            raise UsageError(
                f"this plan was made for space {plan.space_id}, not "
                f"{self.client.space_id}; plan again in this space"
            )


def build_sandbox(registry: Registry, seed: str, **options: Any) -> Any:
    """A sandbox with every provider's area; a bad seed or state file is a usage error."""
    from octoflow.sandbox import Sandbox

    try:
        return Sandbox(registry.sandbox_areas, seed=seed, **options)
    except (ValueError, OSError) as exc:
        raise UsageError(f"cannot start the sandbox from {seed!r}: {exc}") from None


def connect(**options: Any) -> Octoflow:
    """``Octoflow.connect`` from the environment (``OCTOPUS_URL``, ``OCTOPUS_API_KEY``, …)."""
    return Octoflow.connect(**options)
