"""Inputs for the compiler and executor tests: small intents on tenants, and a statement
that yields whatever edits a test hands it (the compiler's input, not a mock of it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs

from octoflow.plan.compiler import Edit
from octoflow.plan.context import PlanContext
from octoflow.plan.model import Intent
from octoflow.provider import hookimpl

#: Calls of the apply-time intent, to show planning never runs it.
STAMPED: list[str] = []


def describe(doc: dict[str, Any], args: Any) -> None:
    doc["Description"] = args["text"]


def tag(doc: dict[str, Any], args: Any) -> None:
    if args["tag"] not in doc["TenantTags"]:
        doc["TenantTags"] = [*doc["TenantTags"], args["tag"]]


def stamp(doc: dict[str, Any], args: Any, secret_row: Any) -> None:
    STAMPED.append(doc["Name"])
    doc["Description"] = args["text"]


class UnitPlugin:
    @hookimpl
    def octoflow_register(self, registry: Any) -> None:
        registry.add_intent("unit.describe", describe)
        registry.add_intent("unit.tag", tag)
        registry.add_intent("unit.stamp", stamp, at_apply=True)


PLUGINS = [("unit", UnitPlugin())]


def described(text: str, noop: str = "") -> Intent:
    return Intent("unit.describe", {"text": text}, f"describe as {text!r}", noop)


def tagged(name: str, noop: str = "") -> Intent:
    return Intent("unit.tag", {"tag": name}, f"tag {name}", noop)


def stamped(text: str) -> Intent:
    return Intent("unit.stamp", {"text": text}, "stamp at apply")


@attrs.frozen
class Fixed:
    """A statement yielding the edits ``make(ctx)`` builds."""

    make: Callable[[PlanContext], Iterable[Edit]]
    text: str = "fixed"

    def describe(self) -> str:
        return self.text

    def plan(self, ctx: PlanContext) -> Iterable[Edit]:
        return self.make(ctx)


def tenant_edit(ctx: PlanContext, tenant_id: str, *intents: Intent, **fields: Any) -> Edit:
    """An update of the tenant as listed (``after``, ``action``… in ``fields``)."""
    doc = ctx.document("tenants", tenant_id)
    return Edit("Tenant", tenant_id, doc["Name"], doc, intents, **fields)


def edits(*tenant_intents: tuple[str, tuple[Intent, ...]], text: str = "fixed") -> Fixed:
    """A statement updating each ``(tenant id, intents)`` given."""
    return Fixed(lambda ctx: [tenant_edit(ctx, t, *i) for t, i in tenant_intents], text)


def new_tenant(name: str, *intents: Intent) -> Edit:
    body = {"Name": name, "TenantTags": [], "ProjectEnvironments": {}}
    return Edit("Tenant", None, name, body, intents, action="create")
