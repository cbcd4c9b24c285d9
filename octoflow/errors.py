"""Every error octoflow raises, classified by cause.

::

    OctoflowError                   base; ``exit_code`` tells the CLI how to exit
    ├── UsageError                  bad command line, parameters or settings    (2)
    ├── RecipeError                 recipe missing, malformed, or raising       (2)
    ├── PlanError                   names/values that do not resolve; carries
    │                               every ``Problem`` found in one compile      (2)
    ├── PluginError                 a provider that is broken or duplicated     (2)
    ├── ApiError                    the server answered with an error status
    │   ├── ValidationError         400 / 409 with ``Errors``                   (2)
    │   ├── AuthenticationError     401: missing or wrong API key               (3)
    │   ├── PermissionDeniedError   403: key lacks a permission                 (3)
    │   ├── NotFoundError           404                                         (2)
    │   ├── RateLimitedError        429 still returned after every retry        (4)
    │   └── ServerError             5xx and anything unexpected                 (4)
    ├── TransportError              no answer: unreachable, timeout, TLS        (4)
    └── ConflictError               the server changed since the plan           (5)

An apply that ran but had failed operations is not an exception: its report
says so, and the CLI exits 1.

No ``requests`` exception ever leaves octoflow: ``octoflow.client`` turns
every response and transport failure into one of these in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class OctoflowError(Exception):
    """Base class of all octoflow errors."""

    exit_code = 2


class UsageError(OctoflowError):
    """The command line, a parameter or a setting is wrong."""


class RecipeError(OctoflowError):
    """A recipe could not be found, loaded or run."""


class PluginError(OctoflowError):
    """A provider plugin is broken, missing or registered twice."""


class Problem(NamedTuple):
    """One thing wrong with a recipe's statements, found while planning.

    :param message: what is wrong, naming the offending value.
    :param hint: what to do about it (close matches, allowed values).
    :param statement: a short description of the statement it came from.
    """

    message: str
    hint: str = ""
    statement: str = ""

    def __str__(self) -> str:
        text = f"{self.statement}: {self.message}" if self.statement else self.message
        return f"{text} ({self.hint})" if self.hint else text


class PlanError(OctoflowError):
    """Planning found problems; nothing was written.

    All problems of one compile are collected so the user fixes them in one go.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        lines = [f"the plan has {len(self.problems)} problem(s); nothing was changed:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class ApiError(OctoflowError):
    """The Octopus server answered with an error status.

    Carries the server's ``ErrorMessage`` and ``Errors`` so users see the
    server's own words, plus the method and URL (never headers or the API key).
    """

    exit_code = 4

    def __init__(
        self,
        method: str,
        url: str,
        status: int,
        error_message: str = "",
        errors: Sequence[str] = (),
        help_text: str = "",
    ) -> None:
        self.method = method
        self.url = url
        self.status = status
        self.error_message = error_message
        self.errors = tuple(errors)
        self.help_text = help_text
        super().__init__(self._describe())

    def _describe(self) -> str:
        text = f"{self.method} {self.url} returned {self.status}"
        if self.error_message:
            text += f": {self.error_message}"
        for detail in self.errors:
            text += f"\n  - {detail}"
        if self.help_text:
            text += f"\n  {self.help_text}"
        advice = self.advice()
        return f"{text}\n  {advice}" if advice else text

    def advice(self) -> str:
        """What the user can do about this error, if anything is known."""
        return ""


class ValidationError(ApiError):
    exit_code = 2


class AuthenticationError(ApiError):
    exit_code = 3

    def advice(self) -> str:
        return (
            "Check the API key (OCTOPUS_API_KEY, or OCTOPUS_ACCESS_TOKEN); "
            "it may be wrong, expired or for another server."
        )


class PermissionDeniedError(ApiError):
    exit_code = 3

    def advice(self) -> str:
        return "Use a key whose user's teams grant the missing permission."


class NotFoundError(ApiError):
    exit_code = 2


class RateLimitedError(ApiError):
    def advice(self) -> str:
        return "The server kept rate-limiting; lower --concurrency or set --max-rate."


class ServerError(ApiError):
    pass


class TransportError(OctoflowError):
    """The server could not be reached or did not answer in time."""

    exit_code = 4


class ConflictError(OctoflowError):
    """A resource changed on the server since it was planned, in a way that
    contradicts the plan. Re-plan to see the current state."""

    exit_code = 5


class TemplateProblem(Exception):
    """A user template that does not compile or render: its line and what went wrong.

    Providers turn it into a :class:`PlanError` naming the parameter the template came
    from; it lives here so that raising and catching it does not import jinja2.
    """

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line if line is not None else '?'}: {message}")
