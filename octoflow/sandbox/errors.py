"""The sandbox's error type and the Octopus error envelope (REFERENCE §3)."""

from __future__ import annotations

from typing import Any

#: Top-level message of a 400 carrying ``Errors`` (the Octopus UI shows it above the list).
VALIDATION_MESSAGE = "There was a problem with your request."
NO_BODY_MESSAGE = "No request body was supplied."
UNAUTHORIZED_MESSAGE = (
    "You must be logged in to perform this action. Please provide a valid API key or log in again."
)


class SandboxError(Exception):
    """Raised by handlers; the app turns it into an Octopus error response."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[str] | None = None,
        help_text: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.help_text = help_text
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ErrorMessage": self.message}
        if self.errors is not None:
            out["Errors"] = list(self.errors)
        if self.help_text is not None:
            out["HelpText"] = self.help_text
        return out


class DropConnection(Exception):
    """Raised by the app to make the transport hang up without answering."""


def not_found(resource_id: str) -> SandboxError:
    """The exact 404 a real server returns for a missing document."""
    return SandboxError(404, f"The resource '{resource_id}' was not found.")


def invalid(*errors: str) -> SandboxError:
    """A 400 validation failure listing every problem found."""
    return SandboxError(400, VALIDATION_MESSAGE, errors=list(errors))


def check_version(body: dict[str, Any], current: int, conflict: str, status: int = 400) -> None:
    """Refuse a replacement whose ``Version`` is missing, not a number, or not
    ``current`` (someone saved since it was read): ``status`` with ``conflict``."""
    version = body.get("Version")
    if version is None:
        raise invalid("The Version field is required.")
    if not isinstance(version, int) or isinstance(version, bool):
        raise invalid("Version must be a number.")
    if version != current:
        raise SandboxError(status, conflict, errors=[conflict])
