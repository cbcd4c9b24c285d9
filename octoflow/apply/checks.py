"""The checks a staged rollout runs after every stage (``apply --check``).

Three kinds, written as the user gives them to ``--check``:

- ``NAME`` or ``recipe:NAME -p k=v …``: a recipe that must plan no change. It gets
  the apply's own ``-p`` values for the parameters it declares; ``-p`` inside the
  check overrides them. Drift on a resource the rollout has yet to reach is
  expected and ignored: the check fails on drift anywhere else.
- ``cmd:COMMAND``: a shell command that must exit 0 (it sees ``OCTOFLOW_STAGE``
  and ``OCTOFLOW_STAGES``).
- ``health:ENVIRONMENT``: a ``Health`` server task over the environment's targets
  that must end ``Success``.
- ``runbook:-p project=P -p runbook=R -p environment=E …``: the ``runbook-run``
  recipe with those parameters (``wait=true`` unless given), whose runs must succeed.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from octoflow.errors import OctoflowError, UsageError
from octoflow.recipe import find_recipe
from octoflow.secrets import redact, register_secret

if TYPE_CHECKING:
    from octoflow.session import Octoflow

KINDS = ("recipe", "cmd", "health", "runbook")
#: The recipe a runbook check applies.
RUNBOOK_RECIPE = "runbook-run"
#: How much of a command's output a check keeps (its tail).
OUTPUT_KEPT = 2000
#: Drifted resources a failed recipe check names.
NAMES_SHOWN = 10
#: Polls of a health task: start quick, slow down to ``POLL_MAX``; give up after ``TASK_TIMEOUT``.
POLL_FIRST, POLL_MAX, TASK_TIMEOUT = 0.1, 2.0, 1800.0
TASK_DONE = ("Success", "Failed", "Canceled", "TimedOut")


@attrs.frozen
class CheckResult:
    check: str
    passed: bool
    output: str = ""
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class Check:
    """One check, its parameters resolved (a recipe check's ``-p`` values all bound)."""

    kind: str = attrs.field(validator=attrs.validators.in_(KINDS))
    target: str = ""
    params: Mapping[str, str] = attrs.field(factory=dict)
    #: How the user wrote it (``--check``), for progress lines and reports.
    label: str = ""

    @classmethod
    def parse(cls, text: str, apply_params: Mapping[str, str], octo: Octoflow) -> Check:
        """``--check TEXT``; a recipe check is found and its parameters bound here, so a
        bad one is refused before anything is written."""
        prefix, colon, rest = text.partition(":")
        kind = prefix.strip().lower() if colon and prefix.strip().lower() in KINDS else ""
        if kind == "cmd":
            if not rest.strip():
                raise UsageError(f"--check {text!r}: cmd: needs a command, as in cmd:./smoke.sh")
            return cls("cmd", rest.strip(), label=text)
        if kind == "health" or text.strip().lower() == "health":
            if not rest.strip():
                raise UsageError(
                    f"--check {text!r}: a health check runs in one environment: write "
                    "health:ENVIRONMENT, as in health:Production"
                )
            return cls("health", rest.strip(), label=text)
        if kind == "runbook":
            return cls._runbook(text, rest, octo)
        return cls._recipe(text, rest if kind else text, apply_params, octo)

    @classmethod
    def _runbook(cls, text: str, spec: str, octo: Octoflow) -> Check:
        try:
            params = {"wait": "true"} | _own_params(text, shlex.split(spec))
        except ValueError as exc:
            raise UsageError(f"--check {text!r}: {exc}") from None
        try:
            find_recipe(RUNBOOK_RECIPE, octo.registry.recipes).bind(params)
        except UsageError as exc:
            raise UsageError(f"--check {text!r}: {exc}") from None
        return cls("runbook", RUNBOOK_RECIPE, params, text)

    @classmethod
    def _recipe(
        cls, text: str, spec: str, apply_params: Mapping[str, str], octo: Octoflow
    ) -> Check:
        try:
            words = shlex.split(spec)
        except ValueError as exc:
            raise UsageError(f"--check {text!r}: {exc}") from None
        if not words:
            raise UsageError(
                f"--check {text!r} names no check: give a recipe, cmd:COMMAND, "
                "health:ENVIRONMENT or runbook:-p …"
            )
        own = _own_params(text, words[1:])
        recipe = find_recipe(words[0], octo.registry.recipes)
        declared = {p.name for p in recipe.params}
        params = {k: v for k, v in apply_params.items() if k in declared} | own
        try:
            recipe.bind(params)
        except UsageError as exc:
            raise UsageError(f"--check {text!r}: {exc}") from None
        for param in recipe.params:  # the journal keeps a check's values: mask these
            if param.sensitive and param.name in params:
                register_secret(params[param.name])
        return cls("recipe", words[0], params, text)

    def describe(self) -> str:
        if self.label:
            return self.label
        if self.kind == "cmd":
            return f"cmd:{self.target}"
        if self.kind == "health":
            return f"health:{self.target}"
        params = " ".join("-p " + shlex.quote(f"{k}={v}") for k, v in self.params.items())
        return f"recipe:{self.target}" + (f" {params}" if params else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "target": self.target,
            "params": dict(self.params),
            "label": self.label,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Check:
        params = dict(data.get("params", {}))
        return cls(str(data["kind"]), str(data["target"]), params, str(data.get("label", "")))

    def validate(self, octo: Octoflow) -> None:
        """Plan a recipe check once (reads only), so a name it cannot resolve stops the
        rollout before its first write."""
        if self.kind in ("recipe", "runbook"):
            octo.plan_recipe(self.target, self.params)
        if self.kind == "health" and not _environment_id(octo, self.target):
            raise UsageError(f"--check {self.describe()!r}: unknown environment {self.target!r}")

    def run(self, octo: Octoflow, pending: Collection[str], stage: int, stages: int) -> CheckResult:
        """Run it; ``pending``: ids of the resources the rollout has yet to reach."""
        started = time.monotonic()
        try:
            if self.kind == "cmd":
                passed, output = _command(self.target, stage, stages)
            elif self.kind == "health":
                passed, output = _health(octo, self.target)
            elif self.kind == "runbook":
                passed, output = _runbook_runs(octo, self.params)
            else:
                passed, output = _recipe_holds(octo, self.target, self.params, pending)
        except OctoflowError as exc:
            passed, output = False, f"the check could not be made: {exc}"
        return CheckResult(
            self.describe(), passed, redact(output), round(time.monotonic() - started, 3)
        )


def _own_params(text: str, words: list[str]) -> dict[str, str]:
    """``-p k=v`` pairs after a check's recipe name."""
    params: dict[str, str] = {}
    pairs = iter(words)
    for word in pairs:
        pair = next(pairs, "") if word in ("-p", "--param") else ""
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(
                f'--check {text!r}: write a recipe check as "recipe:NAME -p name=value …"'
            )
        params[name.strip()] = value
    return params


def _recipe_holds(
    octo: Octoflow, recipe: str, params: Mapping[str, str], pending: Collection[str]
) -> tuple[bool, str]:
    plan = octo.plan_recipe(recipe, params)
    drift = [op for op in plan.operations if not op.resource_id or op.resource_id not in pending]
    if not drift:
        ignored = len(plan.operations)
        later = f"; {ignored} resource(s) the rollout has yet to reach differ" if ignored else ""
        return True, f"no drift{later}"
    names = ", ".join(repr(op.name) for op in drift[:NAMES_SHOWN])
    more = f" and {len(drift) - NAMES_SHOWN} more" if len(drift) > NAMES_SHOWN else ""
    first = drift[0]
    what = "; ".join(i.summary for i in first.intents)
    return False, f"{len(drift)} resource(s) differ from {recipe}: {names}{more} (e.g. {what})"


def _runbook_runs(octo: Octoflow, params: Mapping[str, str]) -> tuple[bool, str]:
    report = octo.apply(octo.plan_recipe(RUNBOOK_RECIPE, params))
    lines = [
        f"{r.name}: {'ran' if r.outcome == 'changed' else r.outcome}"
        + (f" ({', '.join(f'{k}={v}' for k, v in r.outputs.items())})" if r.outputs else "")
        + (f": {r.detail}" if r.outcome == "failed" else "")
        for r in report.results
    ]
    return report.succeeded, "; ".join(lines)


def _command(command: str, stage: int, stages: int) -> tuple[bool, str]:
    env = {**os.environ, "OCTOFLOW_STAGE": str(stage), "OCTOFLOW_STAGES": str(stages)}
    try:
        done = subprocess.run(
            command,
            shell=True,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
        )
    except OSError as exc:
        return False, f"could not run {command!r}: {exc}"
    output = (done.stdout + done.stderr).strip()[-OUTPUT_KEPT:]
    return done.returncode == 0, f"exit code {done.returncode}" + (f": {output}" if output else "")


def _environment_id(octo: Octoflow, name: str) -> str:
    envs = octo.client.get(octo.client.space_path("environments/all"))
    match = [e for e in envs if name.lower() in (e["Name"].lower(), e["Id"].lower())]
    return str(match[0]["Id"]) if match else ""


def _health(octo: Octoflow, environment: str) -> tuple[bool, str]:
    environment_id = _environment_id(octo, environment)
    if not environment_id:
        return False, f"unknown environment {environment!r}"
    # UNCONFIRMED beyond the API reference's example: a real server may want Timeout too.
    body = {
        "Name": "Health",
        "Description": "octoflow staged rollout check",
        "Arguments": {"EnvironmentId": environment_id},
    }
    task = octo.client.request("POST", octo.client.space_path("tasks"), json=body)
    task_id, deadline, pause = str(task["Id"]), time.monotonic() + TASK_TIMEOUT, POLL_FIRST
    while task.get("State") not in TASK_DONE:
        if time.monotonic() >= deadline:
            return False, f"{task_id} still {task.get('State')} after {TASK_TIMEOUT:g}s"
        time.sleep(pause)
        pause = min(pause * 2, POLL_MAX)
        task = octo.client.get(octo.client.space_path(f"tasks/{task_id}"))
    error = f": {task['ErrorMessage']}" if task.get("ErrorMessage") else ""
    return task["State"] == "Success", f"{task_id} ended {task['State']}{error}"
