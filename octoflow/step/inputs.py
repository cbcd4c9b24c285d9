"""What a script step asked for, read from its Octopus variables.

Variables (all optional unless said otherwise):

``Octoflow.Recipe`` (required)
    a shipped recipe name, or the path of a recipe file (e.g. in a package).
``Octoflow.Param.<name>``
    one recipe parameter; an empty value means "not given".
``Octoflow.Parameters``
    more parameters as ``name=value`` lines (the generic step template uses it).
``Octoflow.Apply``
    ``True`` to apply; default plan only. Parsed strictly.
``Octoflow.AllowWide``
    ``True`` to apply a wide change (a plan marked WIDE); without it the step fails
    before writing anything. Parsed strictly.
``Octoflow.Check``
    ``True`` to check for drift instead: plan only, attach a JUnit report, and fail
    the step (exit code 2) when the server differs from the recipe. Parsed strictly.
``Octoflow.Concurrency``
    operations applied at once (default 8).
``Octoflow.ExpectDigest``
    apply only if the plan's digest is this one (the ``Octoflow.PlanDigest`` output of a
    plan-only step that was reviewed); otherwise fail before writing anything.
``Octoflow.Octopus.Url`` / ``.ApiKey`` / ``.Space``
    the Octopus instance to manage, usually variables of the target that stands
    for it; the URL and space fall back to ``Octopus.Web.ServerUri`` and
    ``Octopus.Space.Id`` (the instance running the step).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from octoflow.config import Connection, parse_bool
from octoflow.errors import UsageError
from octoflow.plan.digest import parse_digest

PARAM_PREFIX = "Octoflow.Param."


@attrs.frozen
class StepInputs:
    recipe: str
    params: dict[str, str]
    apply: bool
    concurrency: int
    connection: Connection
    expect_digest: str = ""
    check: bool = False
    allow_wide: bool = False

    @classmethod
    def from_variables(cls, variables: Mapping[str, str]) -> StepInputs:
        def get(name: str) -> str:
            return str(variables.get(name) or "").strip()

        recipe = get("Octoflow.Recipe")
        if not recipe:
            raise UsageError("Octoflow.Recipe is not set: name a shipped recipe or a recipe file")
        apply = parse_bool(get("Octoflow.Apply") or "false", "Octoflow.Apply")
        check = parse_bool(get("Octoflow.Check") or "false", "Octoflow.Check")
        if apply and check:
            raise UsageError(
                "Octoflow.Check and Octoflow.Apply are both set: a check never applies"
            )
        return cls(
            recipe=recipe,
            params=_params(variables, get("Octoflow.Parameters")),
            apply=apply,
            check=check,
            allow_wide=parse_bool(get("Octoflow.AllowWide") or "false", "Octoflow.AllowWide"),
            concurrency=_positive(get("Octoflow.Concurrency") or "8", "Octoflow.Concurrency"),
            connection=_connection(get),
            expect_digest=_expected_digest(get("Octoflow.ExpectDigest")),
        )


def _params(variables: Mapping[str, str], lines: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for number, line in enumerate(lines.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"Octoflow.Parameters line {number} is not name=value: {line!r}")
        params[name.strip()] = value.strip()
    for key, value in variables.items():
        if key.startswith(PARAM_PREFIX) and str(value or "").strip():
            params[key[len(PARAM_PREFIX) :]] = str(value).strip()
    return params


def _positive(text: str, name: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"{name} must be a whole number, 1 or more, not {text!r}")
    return int(text)


def _expected_digest(text: str) -> str:
    """Empty: apply whatever is planned."""
    return parse_digest(text, "Octoflow.ExpectDigest") if text else ""


def _connection(get: Callable[[str], str]) -> Connection:
    url = get("Octoflow.Octopus.Url") or get("Octopus.Web.ServerUri")
    if not url:
        raise UsageError(
            "no Octopus URL: set Octoflow.Octopus.Url (or run inside Octopus, "
            "which provides Octopus.Web.ServerUri)"
        )
    api_key = get("Octoflow.Octopus.ApiKey")
    if not api_key:
        raise UsageError(
            "Octoflow.Octopus.ApiKey is not set: give the step an API key "
            "(a sensitive variable) for the Octopus instance it manages"
        )
    space = get("Octoflow.Octopus.Space") or get("Octopus.Space.Id") or None
    return Connection(url, api_key=api_key, space=space)
