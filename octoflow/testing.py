"""Testing octoflow providers and recipes: a pytest plugin and helpers.

Installed with octoflow (entry point ``pytest11``), so its fixtures are there in
every test session; a provider's tests need no conftest to reach them.

Fixtures (each test gets fresh ones):

``octo``
    an :class:`~octoflow.Octoflow` session against an in-process sandbox (no
    sockets); ``octo.sandbox`` is that sandbox.
``octo_sandbox``
    the sandbox of ``octo``: its state, knobs and request log.
``octo_server``
    a :class:`LoopbackSandbox`: the same kind of sandbox served over real HTTP on
    127.0.0.1 (``url``, ``api_key``, ``sandbox``, ``session()`` for an octoflow
    session through it, ``api()`` for a plain ``requests`` session).
``octo_requests``
    the in-process sandbox's request log, as a :class:`RequestLog`.

Override these to choose what the sandbox holds and which plugins load:

``octoflow_seed``
    ``"demo"`` (the default), ``"empty"``, or the path of a state file.
``octoflow_server_version``
    the Octopus Server release the sandbox answers as: ``"current"`` (the default),
    ``"2024.1"``, ``"2022.3"`` or ``"2020.5"`` (its routes and root document; see
    ``docs/sandbox.md``). Parametrise it to run a test against several.
``octoflow_plugins``
    extra ``(name, plugin)`` pairs to load besides the installed providers (for
    a plugin under development that is not installed).

Helpers: :func:`plan_recipe`, :func:`apply_and_replan`, and :class:`RequestLog`
for assertions on the requests a run made and the documents it wrote
(``without_audit()`` leaves out the few reads apply makes to ask the audit log
who else changed what it wrote).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pytest

if TYPE_CHECKING:
    import requests

    from octoflow.apply.report import ApplyReport
    from octoflow.plan.model import Plan
    from octoflow.sandbox import RequestRecord, Sandbox
    from octoflow.session import Octoflow

#: The key the loopback sandbox accepts (its ``api_key``); obviously not a real one.
TEST_API_KEY = "API-OCTOFLOWTESTINGEXAMPLE0000"
WRITE_METHODS = ("POST", "PUT", "DELETE")
#: Where apply asks the server's audit log who else wrote (``octoflow.apply.audit``).
AUDIT_PATHS = ("/api/events", "/api/users/me")


# -- helpers ------------------------------------------------------------------------


def plan_recipe(octo: Octoflow, name: str, /, **params: Any) -> Plan:
    """Plan a recipe (shipped name or file path) with ``params`` given as Python values
    (a recipe parameter may itself be called ``name``).

    Lists become comma-separated and booleans ``true``/``false``, exactly as
    ``-p name=value`` would pass them.
    """
    return octo.plan_recipe(name, {k: _as_param(v) for k, v in params.items()})


def apply_and_replan(octo: Octoflow, plan: Plan, *statements: Any) -> ApplyReport:
    """Apply ``plan`` and check it converged: apply succeeded with no warnings, and
    planning again (``statements``, or the recipe the plan was made from, with its
    parameters) finds nothing left to do. Returns the apply report."""
    report = octo.apply(plan)
    failed = [r for r in report.results if r.outcome in ("failed", "skipped")]
    assert report.succeeded, f"apply did not succeed: {report.recap}; {failed[:3]}"
    warnings = [r.warning for r in report.results if r.warning]
    assert not warnings, f"apply warned: {warnings}"
    again = octo.plan(*statements) if statements else _replan_recipe(octo, plan)
    left = [f"{op.action} {op.kind} {op.name!r}" for op in again.operations]
    assert again.is_empty, f"a second plan still has {len(left)} operation(s): {left[:5]}"
    return report


def without_audit(records: Iterable[RequestRecord]) -> list[RequestRecord]:
    """``records`` less apply's questions to the audit log (:data:`AUDIT_PATHS`)."""
    return [r for r in records if r.path.lower() not in AUDIT_PATHS]


@attrs.frozen
class RequestLog:
    """The requests a sandbox answered, for assertions."""

    sandbox: Sandbox

    @property
    def all(self) -> list[RequestRecord]:
        return self.sandbox.requests

    def without_audit(self) -> list[RequestRecord]:
        """The requests, less apply's questions to the audit log (:data:`AUDIT_PATHS`)."""
        return without_audit(self.all)

    def writes(self) -> list[RequestRecord]:
        return [r for r in self.all if r.method in WRITE_METHODS]

    def reads(self) -> list[RequestRecord]:
        return [r for r in self.all if r.method == "GET"]

    def count(self, method: str | None = None, path_contains: str = "") -> int:
        return sum(
            1
            for r in self.all
            if (method is None or r.method == method) and path_contains.lower() in r.path.lower()
        )

    def clear(self) -> None:
        self.sandbox.clear_requests()

    def assert_no_writes(self) -> None:
        writes = self.writes()
        assert not writes, f"the sandbox saw {len(writes)} write(s): {writes[:3]}"

    def assert_at_most(self, limit: int, method: str | None = None) -> None:
        made = self.count(method)
        what = f"{method} requests" if method else "requests"
        assert made <= limit, f"{made} {what}, expected at most {limit}"

    def written_documents(self, collection: str) -> list[dict[str, Any]]:
        """The documents of a state collection (``Tenants``, ``Machines``…) that a write
        request touched, as the sandbox holds them now."""
        touched = {r.path.rstrip("/").rsplit("/", 1)[-1] for r in self.writes()}
        docs = self.sandbox.state.collection(collection).values()
        return [dict(d) for d in docs if d.get("Id") in touched]


@attrs.frozen
class LoopbackSandbox:
    """A sandbox served on 127.0.0.1, accepting :data:`TEST_API_KEY`."""

    url: str
    api_key: str
    sandbox: Sandbox
    plugins: Sequence[tuple[str, Any]] = ()

    def session(self, **client_options: Any) -> Octoflow:
        """An octoflow session through real HTTP to this server."""
        from octoflow.config import Connection
        from octoflow.session import Octoflow

        connection = Connection(self.url, api_key=self.api_key)
        return Octoflow.connect(connection, plugins=self.plugins, **client_options)

    def api(self) -> requests.Session:
        """A plain ``requests`` session sending the key, for checks as any client."""
        import requests

        http = requests.Session()
        http.headers["X-Octopus-ApiKey"] = self.api_key
        return http


# -- fixtures -----------------------------------------------------------------------


@pytest.fixture
def octoflow_seed() -> str:
    """What the sandbox starts from; override to use ``"empty"`` or a state file."""
    return "demo"


@pytest.fixture
def octoflow_server_version() -> str:
    """The Octopus Server release the sandbox answers as; override (or parametrise) to
    test against an older one (``octoflow.serverversions.SANDBOX_PROFILES``)."""
    return "current"


@pytest.fixture
def octoflow_plugins() -> list[tuple[str, Any]]:
    """Plugins to load besides the installed ones, as ``(name, plugin)`` pairs."""
    return []


@pytest.fixture
def octo(
    octoflow_seed: str, octoflow_plugins: list[tuple[str, Any]], octoflow_server_version: str
) -> Octoflow:
    from octoflow.session import Octoflow

    return Octoflow.with_sandbox(
        octoflow_seed, plugins=octoflow_plugins, server_version=octoflow_server_version
    )


@pytest.fixture
def octo_sandbox(octo: Octoflow) -> Sandbox:
    return octo.sandbox  # type: ignore[no-any-return]


@pytest.fixture
def octo_requests(octo_sandbox: Sandbox) -> RequestLog:
    return RequestLog(octo_sandbox)


@pytest.fixture
def octo_server(
    octoflow_seed: str, octoflow_plugins: list[tuple[str, Any]], octoflow_server_version: str
) -> Iterator[LoopbackSandbox]:
    from octoflow.plugin import PluginHost
    from octoflow.sandbox import Sandbox, SandboxServer

    registry = PluginHost.from_entry_points(octoflow_plugins).build_registry()
    sandbox = Sandbox(
        registry.sandbox_areas,
        seed=octoflow_seed,
        api_keys=(TEST_API_KEY,),
        server_version=octoflow_server_version,
    )
    with SandboxServer(sandbox.app) as server:
        yield LoopbackSandbox(server.url, TEST_API_KEY, sandbox, tuple(octoflow_plugins))


# -- internals ------------------------------------------------------------------------


def _as_param(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping):
        return ",".join(str(v) for v in value)
    return str(value)


def _replan_recipe(octo: Octoflow, plan: Plan) -> Plan:
    if not plan.recipe:
        raise AssertionError("give apply_and_replan the statements to plan again")
    params = {k: _as_param(v) for k, v in plan.params.items() if v not in (None, "", [])}
    return octo.plan_recipe(plan.recipe, params)
