"""The verbs of ``octo.lifecycles``: retention, and edits of a named phase."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from octoflow.provider import Intent, PlanContext, UsageError, Verb, as_names, lookups

UNITS = ("Days", "Items")


@attrs.frozen
class LifecycleVerb(Verb):
    def intents(self, ctx: PlanContext) -> list[Intent]:
        """What this verb asks of every selected lifecycle (names resolved)."""
        return [self.intent(ctx)]

    def intent(self, ctx: PlanContext) -> Intent:
        raise NotImplementedError


@attrs.frozen
class Retention(LifecycleVerb):
    """Release (``releases``) and tentacle file (``files``) retention: keep that many
    ``unit`` (Days or Items), or everything with ``keep_forever``."""

    name: ClassVar[str] = "retention"
    releases: int | None = None
    files: int | None = None
    unit: str = "Days"
    keep_forever: bool = False

    def __attrs_post_init__(self) -> None:
        if self.keep_forever:
            if self.releases is not None or self.files is not None:
                raise UsageError("lifecycles.retention(): keep_forever=True takes no counts")
            return
        if self.releases is None and self.files is None:
            raise UsageError(
                "lifecycles.retention() needs releases=N, files=N or keep_forever=True"
            )
        for what in ("releases", "files"):
            count = getattr(self, what)
            if count is not None and (type(count) is not int or count < 1):
                raise UsageError(
                    f"lifecycles.retention({what}={count!r}): give a whole number above 0 "
                    "(keep_forever=True keeps everything)"
                )
        if self.unit not in UNITS:
            raise UsageError(
                f"lifecycles.retention(unit={self.unit!r}): the unit is one of {', '.join(UNITS)}"
            )

    def intents(self, ctx: PlanContext) -> list[Intent]:
        return [
            self._policy(field, count, what)
            for field, count, what in (
                ("ReleaseRetentionPolicy", self.releases, "releases"),
                ("TentacleRetentionPolicy", self.files, "files on tentacles"),
            )
            if self.keep_forever or count is not None
        ]

    def _policy(self, field: str, count: int | None, what: str) -> Intent:
        policy: dict[str, Any] = {
            "Unit": "Days" if self.keep_forever else self.unit,
            "QuantityToKeep": 0 if self.keep_forever else count,
            "ShouldKeepForever": self.keep_forever,
            "Strategy": "Forever" if self.keep_forever else "Count",
        }
        shown = "forever" if self.keep_forever else f"{count} {self.unit.lower()}"
        summary = f"keep {what} {shown}"
        return Intent(
            "lifecycle.set_retention",
            {"field": field, "policy": policy},
            summary,
            f"already keeps {what} {shown}",
        )


@attrs.frozen
class EnsurePhase(LifecycleVerb):
    name: ClassVar[str] = "ensure_phase"
    phase: str
    after: str | None = None

    def intent(self, ctx: PlanContext) -> Intent:
        where = f" after {self.after!r}" if self.after else ""
        return Intent(
            "lifecycle.ensure_phase",
            {"phase": self.phase, "after": self.after},
            f"add phase {self.phase!r}{where}",
            f"phase {self.phase!r} exists",
        )


@attrs.frozen
class PhaseVerb(LifecycleVerb):
    """A verb on the phase named by the ``.phase(name)`` before it."""

    phase: str


@attrs.frozen
class AddEnvironments(PhaseVerb):
    name: ClassVar[str] = "add_environments"
    environments: tuple[str, ...] = ()
    automatic: bool = False

    def intent(self, ctx: PlanContext) -> Intent:
        ids = lookups.environment_ids(ctx, self.environments)
        return add_intent(ctx, self.phase, ids, self.automatic)


@attrs.frozen
class RemoveEnvironments(PhaseVerb):
    name: ClassVar[str] = "remove_environments"
    environments: tuple[str, ...] = ()

    def intent(self, ctx: PlanContext) -> Intent:
        ids = lookups.environment_ids(ctx, self.environments)
        shown = lookups.labels(ctx, ids)
        return Intent(
            "lifecycle.remove_environments",
            {"phase": self.phase, "environment_ids": ids},
            f"phase {self.phase!r}: remove {shown}",
            f"phase {self.phase!r} has no {shown}",
        )


@attrs.frozen
class MinEnvironments(PhaseVerb):
    name: ClassVar[str] = "min_environments"
    count: int = 0

    def __attrs_post_init__(self) -> None:
        if type(self.count) is not int or self.count < 0:
            raise UsageError(
                f"lifecycles.phase({self.phase!r}).min_environments({self.count!r}): "
                "give a whole number, 0 for all of the phase's environments"
            )

    def intent(self, ctx: PlanContext) -> Intent:
        field = "MinimumEnvironmentsBeforePromotion"
        return Intent(
            "lifecycle.set_phase",
            {"phase": self.phase, "fields": {field: self.count}},
            f"phase {self.phase!r}: promote after {self.count or 'all'} environment(s)",
            f"phase {self.phase!r} already promotes after {self.count or 'all'}",
        )


def add_intent(ctx: PlanContext, phase: str, env_ids: list[str], automatic: bool) -> Intent:
    """Add environments to a phase."""
    shown = lookups.labels(ctx, env_ids)
    how = "automatic" if automatic else "manual"
    return Intent(
        "lifecycle.add_environments",
        {"phase": phase, "environment_ids": env_ids, "automatic": automatic},
        f"phase {phase!r}: add {shown} ({how})",
        f"phase {phase!r} already has {shown}",
    )


def environment_names(value: Any, what: str) -> tuple[str, ...]:
    names = as_names(value, what)
    if not names:
        raise UsageError(f"{what}: name at least one environment")
    return names
