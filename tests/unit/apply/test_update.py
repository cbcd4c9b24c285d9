"""Apply warns when a provider's intents would change the document they just wrote."""

from __future__ import annotations

from octoflow import Octoflow
from octoflow.provider import Edit, Intent, ResourceKind, hookimpl

TENANT = ResourceKind("RestlessTenant", "tenants")


def stamp_again(document, args):
    """Not idempotent: every replay appends another mark, so it never converges."""
    document["Description"] = (document.get("Description") or "") + "!"


def set_once(document, args):
    document["Description"] = args["text"]


class Statement:
    def __init__(self, intent_name):
        self.intent_name = intent_name

    def describe(self):
        return f"restless({self.intent_name})"

    def plan(self, ctx):
        tenant = ctx.documents("tenants")[0]
        intent = Intent(self.intent_name, {"text": "calm"}, "mark the description")
        return [Edit(TENANT.name, tenant["Id"], tenant["Name"], tenant, (intent,))]


class Restless:
    @hookimpl
    def octoflow_register(self, registry):
        registry.add_resource_kind(TENANT)
        registry.add_intent("restless.stamp", stamp_again)
        registry.add_intent("restless.set", set_once)


def session() -> Octoflow:
    return Octoflow.with_sandbox("demo", plugins=[("restless", Restless())])


def test_an_intent_that_never_converges_is_reported() -> None:
    octo = session()
    report = octo.apply(octo.plan(Statement("restless.stamp")))
    (result,) = report.results
    assert result.outcome == "changed"
    assert "restless.stamp would change RestlessTenant" in result.warning
    assert "never converge (plugin restless)" in result.warning


def test_an_idempotent_intent_gets_no_warning() -> None:
    octo = session()
    report = octo.apply(octo.plan(Statement("restless.set")))
    (result,) = report.results
    assert result.outcome == "changed" and result.warning == ""
