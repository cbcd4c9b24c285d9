"""Apply-time intents on updates: planned although the planner cannot see their change,
run by apply on the fresh copy after the planned intents were replayed on it, right
before the PUT; never while planning."""

from __future__ import annotations

from typing import Any

import attrs

from octoflow import Octoflow, hookimpl
from octoflow.apply.executor import FAILED
from octoflow.plan.compiler import Edit
from octoflow.plan.model import Intent
from octoflow.testing import without_audit
from tests.e2e.support import api_for

TENANT = "Tenants-7"
PATH = f"/api/Spaces-1/tenants/{TENANT}"
SEEN: list[dict[str, Any]] = []


def stamp(doc: dict[str, Any], args: Any, secret_row: Any) -> None:
    """Apply-time: record what it was handed, then set the description from ``args``."""
    SEEN.append({"Description": doc.get("Description"), "TenantTags": list(doc["TenantTags"])})
    doc["Description"] = args["text"]


def stamp_with_row(doc: dict[str, Any], args: Any, secret_row: Any) -> None:
    secret_row("secrets.csv", ("tenant",), (doc["Name"],))


@hookimpl
def octoflow_register(registry: Any) -> None:
    registry.add_intent("test.stamp", stamp, at_apply=True)
    registry.add_intent("test.stamp_with_row", stamp_with_row, at_apply=True)


PLUGIN = type("StampPlugin", (), {"octoflow_register": staticmethod(octoflow_register)})()


@attrs.frozen
class Stamp:
    """A statement editing one tenant with the given intents."""

    intents: tuple[Intent, ...]

    def describe(self) -> str:
        return "stamp"

    def plan(self, ctx: Any) -> list[Edit]:
        doc = ctx.document("tenants", TENANT)
        return [Edit("Tenant", TENANT, doc["Name"], doc, self.intents)]


def stamped(text: str) -> Intent:
    return Intent("test.stamp", {"text": text}, "stamp the description at apply")


def session() -> Octoflow:
    SEEN.clear()
    return Octoflow.with_sandbox("demo", plugins=[("stamp", PLUGIN)])


def test_an_update_with_only_an_apply_time_intent_is_planned_and_written() -> None:
    octo = session()

    plan = octo.plan(Stamp((stamped("stamped at apply"),)))

    (op,) = plan.operations
    assert (op.action, op.changes, [i.name for i in op.intents]) == ("update", (), ["test.stamp"])
    assert SEEN == []  # never while planning
    assert octo.apply(plan).succeeded
    assert api_for(octo.sandbox).get(PATH)["Description"] == "stamped at apply"


def test_it_runs_on_the_fresh_copy_after_the_planned_intents() -> None:
    octo = session()
    add_tag = Intent("tenant.add_tags", {"tags": ["Tier/Gold"]}, "tag Tier/Gold")
    plan = octo.plan(Stamp((stamped("stamped"), add_tag)))
    assert [i.name for i in plan.operations[0].intents] == ["tenant.add_tags", "test.stamp"]
    # Someone edits the tenant between the plan and the write.
    octo.sandbox.settings.add_fault(
        {"edit": {"id": TENANT, "set": {"Description": "edited meanwhile"}}}
    )
    api_for(octo.sandbox).get(PATH)  # the read that triggers the edit

    assert octo.apply(plan).succeeded

    (seen,) = SEEN
    assert seen["Description"] == "edited meanwhile" and "Tier/Gold" in seen["TenantTags"]
    written = api_for(octo.sandbox).get(PATH)
    assert written["Description"] == "stamped" and "Tier/Gold" in written["TenantTags"]


def test_an_update_that_already_matches_is_not_written() -> None:
    octo = session()
    api_for(octo.sandbox).put(PATH, dict(api_for(octo.sandbox).get(PATH), Description="same"))
    plan = octo.plan(Stamp((stamped("same"),)))
    octo.sandbox.clear_requests()

    report = octo.apply(plan)

    assert report.results[0].detail == "already as planned on the server"
    # the re-read, and no question to the audit log after: nothing was written
    assert [r.method for r in without_audit(octo.sandbox.requests)] == ["GET"]
    assert [r.path for r in octo.sandbox.requests].count("/api/events") == 1


def test_secret_files_are_for_creations_only() -> None:
    octo = session()
    plan = octo.plan(Stamp((Intent("test.stamp_with_row", {}, "write a row"),)))

    report = octo.apply(plan)

    (result,) = report.results
    assert result.outcome == FAILED
    assert "cannot write a secret file" in result.detail
    assert not [r for r in octo.sandbox.requests if r.method == "PUT"]
