"""What apply reports: one result per operation, and the report of the whole run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from octoflow.apply.verify import Verification

CHANGED, UNCHANGED, FAILED, SKIPPED = "changed", "ok", "failed", "skipped"


@attrs.frozen
class OperationResult:
    """What happened to one operation."""

    key: str
    kind: str
    name: str
    action: str
    outcome: str  # changed | ok | failed | skipped
    detail: str = ""
    seconds: float = 0.0
    resource_id: str | None = None
    #: What an action produced (release version, deployment and task ids…).
    outputs: Mapping[str, Any] = attrs.field(factory=dict)
    #: Something the user should know although the operation succeeded (a provider
    #: whose intents would change the document again: it never converges).
    warning: str = ""


@attrs.frozen
class ApplyReport:
    plan_id: str
    results: tuple[OperationResult, ...]
    requests: int
    seconds: float
    interrupted: bool = False
    #: Why apply stopped early (the server refused our key, or kept failing), if it did.
    halted: str = ""
    #: The exit code that reason calls for (3 refused, 4 server failing).
    halted_exit: int = 0
    #: What reading back the written documents found (see ``octoflow.apply.verify``).
    verification: Verification = Verification()

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def recap(self) -> dict[str, int]:
        return {o: self.count(o) for o in (UNCHANGED, CHANGED, FAILED, SKIPPED)}

    @property
    def succeeded(self) -> bool:
        return not (
            self.interrupted
            or self.halted
            or self.count(FAILED)
            or self.count(SKIPPED)
            or self.verification.unresolved
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "recap": self.recap,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
            "halted": self.halted,
            "halted_exit": self.halted_exit,
            "verification": self.verification.to_json(),
            "results": [attrs.asdict(r) for r in self.results],
        }
