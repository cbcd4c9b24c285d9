"""The plan compiler: statements' edits → coalesced, diffed, linked operations.

Real PlanContexts over the in-process demo sandbox; the statements are small fakes
yielding edits (the compiler's input) with intents from ``tests.unit.fakes``.
"""

from __future__ import annotations

import io
import json

import pytest

from octoflow.apply.executor import Executor
from octoflow.errors import PlanError
from octoflow.plan.compiler import Edit, compile_plan, estimate_requests
from octoflow.plan.context import PlanContext
from octoflow.plan.diff import diff
from octoflow.plan.model import Intent, Operation, Unchanged
from tests.unit import fakes
from tests.unit.fakes import Fixed, described, edits, new_tenant, stamped, tagged, tenant_edit

#: Pacific Bank K.K. (Region/APAC, Tier/Silver), and two tenants in Region/US.
PACIFIC, NEXT, OTHER = "Tenants-7", "Tenants-8", "Tenants-9"


@pytest.fixture
def octoflow_plugins():
    return fakes.PLUGINS


def compile_(octo, *statements, workers: int = 8):
    return compile_plan(statements, PlanContext(octo.client, octo.registry, workers), "test")


def paths(op: Operation) -> set[tuple[str, ...]]:
    return {c.path for c in op.changes}


def test_edits_of_one_document_coalesce_into_one_operation_with_unique_intents(octo) -> None:
    plan = compile_(
        octo,
        edits((PACIFIC, (described("new"),))),
        edits((PACIFIC, (described("new"), tagged("Tier/Gold")))),
    )

    (op,) = plan.operations
    assert (op.key, op.action) == (f"Tenant/{PACIFIC}", "update")
    assert op.intents == (described("new"), tagged("Tier/Gold"))
    assert paths(op) == {("Description",), ("TenantTags",)}


def test_an_intent_that_changes_nothing_is_left_out_of_the_operation(octo) -> None:
    plan = compile_(octo, edits((PACIFIC, (tagged("Region/APAC"), described("new")))))

    (op,) = plan.operations
    assert op.intents == (described("new"),)
    assert paths(op) == {("Description",)}


def test_an_update_changing_nothing_is_unchanged_with_the_noop_reasons(octo) -> None:
    already = (tagged("Region/APAC", noop="already in APAC"), tagged("Tier/Silver"))
    plan = compile_(octo, edits((PACIFIC, already)), edits((PACIFIC, already[:1])))

    assert plan.operations == ()
    assert plan.unchanged == (
        Unchanged(
            "Tenant",
            PACIFIC,
            "Pacific Bank K.K.",
            ("already in APAC", "tag Tier/Silver: already so"),
        ),
    )


def test_deleting_and_changing_one_document_is_a_plan_error_naming_it(octo) -> None:
    delete = Fixed(lambda ctx: [tenant_edit(ctx, PACIFIC, action="delete")], "delete")

    with pytest.raises(PlanError) as raised:
        compile_(octo, delete, edits((PACIFIC, (described("new"),))))

    (problem,) = raised.value.problems
    assert problem.message == "Tenant 'Pacific Bank K.K.' is both deleted and changed"


def test_problems_raise_a_plan_error_with_every_one_and_nothing_is_written(
    octo, octo_requests
) -> None:
    def complain(text):
        def make(ctx):
            ctx.problem(f"{text} is wrong", "fix it")
            return [tenant_edit(ctx, PACIFIC, described(text))]

        return Fixed(make, f"statement {text}")

    with pytest.raises(PlanError) as raised:
        compile_(octo, complain("a"), edits((NEXT, (described("fine"),))), complain("b"))

    assert [str(p) for p in raised.value.problems] == [
        "statement a: a is wrong (fix it)",
        "statement b: b is wrong (fix it)",
    ]
    octo_requests.assert_no_writes()


def test_after_becomes_a_dependency_only_on_planned_operations(octo) -> None:
    first, second, unchanged = (f"Tenant/{t}" for t in (PACIFIC, NEXT, OTHER))

    def make(ctx):
        after = (first, unchanged, second, "Tenant/Tenants-404")
        return [
            tenant_edit(ctx, PACIFIC, described("one")),
            tenant_edit(ctx, NEXT, described("two"), after=after),
            tenant_edit(ctx, OTHER, tagged("Region/US")),
        ]

    plan = compile_(octo, Fixed(make))

    assert [u.resource_id for u in plan.unchanged] == [OTHER]
    assert {op.key: op.depends_on for op in plan.operations} == {first: (), second: (first,)}


def test_a_create_body_is_the_replayed_document_and_its_changes_diff_from_nothing(
    octo,
) -> None:
    plan = compile_(
        octo, Fixed(lambda ctx: [new_tenant("Unit Co", tagged("Tier/Gold"), described("x"))])
    )

    (op,) = plan.operations
    body = {
        "Name": "Unit Co",
        "TenantTags": ["Tier/Gold"],
        "ProjectEnvironments": {},
        "Description": "x",
    }
    assert (op.key, op.action, op.resource_id) == ("Tenant/new:Unit Co", "create", None)
    assert op.body == body
    assert op.changes == diff({}, body)
    assert paths(op) == {(field,) for field in body}  # every field, not just the replayed ones


def test_an_apply_time_intent_keeps_an_update_without_field_changes(octo) -> None:
    fakes.STAMPED.clear()

    plan = compile_(octo, edits((PACIFIC, (tagged("Region/APAC"), stamped("later")))))

    (op,) = plan.operations
    assert (op.action, op.changes, op.intents) == ("update", (), (stamped("later"),))
    assert fakes.STAMPED == []  # planning never runs it


def run(done: str = "") -> Fixed:
    intent = Intent("deployment.create", {"release": "Releases-1"}, "deploy")
    edit = Edit("Deployment", "Releases-1", "1.0.0", {}, (intent,), action="run", done=done)
    return Fixed(lambda ctx: [edit], f"run done={done!r}")


def test_run_operations_that_are_done_are_unchanged_with_the_done_reasons(octo) -> None:
    plan = compile_(octo, run("already deployed"), run("already deployed"), run("ran today"))

    assert plan.operations == ()
    assert plan.unchanged == (
        Unchanged("Deployment", "Releases-1", "1.0.0", ("already deployed", "ran today")),
    )
    (op,) = compile_(octo, run("already deployed"), run()).operations
    assert (op.action, [i.name for i in op.intents]) == ("run", ["deployment.create"])


def update(kind: str, n: int) -> Operation:
    return Operation(f"{kind}/{n}", "update", kind, str(n), str(n), ())


def test_estimate_batches_rereads_by_concurrency_and_reads_back_only_tokenless_kinds(
    octo,
) -> None:
    registry = octo.registry
    tenants = [update("Tenant", n) for n in range(10)]  # batch read, no token
    processes = [update("DeploymentProcess", n) for n in range(5)]  # batch read, token
    variables = [update("TenantVariables", n) for n in range(3)]  # read one by one
    others = [
        Operation("a", "create", "Tenant", None, "a", ()),
        Operation("b", "run", "X", "1", "b", ()),
    ]

    assert estimate_requests(tenants, registry, 4) == 10 + 3 + 1
    assert estimate_requests(tenants, registry, 1) == 10 + 10 + 1
    assert estimate_requests(tenants * 25, registry, 8) == 250 + 32 + 3
    assert estimate_requests(processes, registry, 4) == 5 + 2
    assert estimate_requests(variables, registry, 4) == 3 + 3
    assert estimate_requests(others, registry, 4) == 2


def test_the_estimate_is_what_apply_makes_on_the_sandbox(octo, octo_requests) -> None:
    ids = [f"Tenants-{n}" for n in range(1, 11)]
    plan = compile_(octo, edits(*[(t, (described("estimated"),)) for t in ids]), workers=4)
    octo_requests.clear()

    report = Executor(octo.client, octo.registry, concurrency=4).run(plan)

    assert report.recap["changed"] == 10
    # 10 writes, 3 re-reads of 4, 4, 2, 1 read-back, 3 questions to the audit log
    assert plan.request_estimate == 17 == len(octo_requests.all) == report.requests
    assert octo_requests.count("GET", "/tenants") == 4
    assert len(octo_requests.all) - len(octo_requests.without_audit()) == 3


def test_a_plan_written_piece_by_piece_is_its_json_and_the_filter_sees_whole_values(
    octo,
) -> None:
    """``write_json`` streams what ``dumps`` returns; every string reaches the filter
    whole, so redaction can never miss a secret split between two pieces."""
    plan = compile_(octo, edits((PACIFIC, (described("token API-SECRETVALUE0000"),))))
    pieces: list[str] = []
    out = io.StringIO()
    plan.write_json(out, lambda piece: pieces.append(piece) or piece.replace("SECRET", "***"))

    assert out.getvalue() == plan.dumps().replace("SECRET", "***")
    assert any("token API-SECRETVALUE0000" in piece for piece in pieces)
    assert json.loads(out.getvalue())["digest"] == plan.digest


def test_sent_fields_are_not_diffed_and_the_first_edit_s_value_wins(octo) -> None:
    """(That apply sends them: the Config-as-Code tests, whose commits need them.)"""
    first = Fixed(lambda ctx: [tenant_edit(ctx, PACIFIC, described("x"), send={"Note": "one"})])
    second = Fixed(lambda ctx: [tenant_edit(ctx, PACIFIC, described("x"), send={"Note": "two"})])

    plan = compile_(octo, first, second)

    (op,) = plan.operations
    assert op.send == {"Note": "one"}
    assert paths(op) == {("Description",)}  # the sent field is no change of the document
    saved = json.loads(plan.dumps())
    assert saved["operations"][0]["send"] == {"Note": "one"}
    assert type(plan).from_json(saved).operations[0].send == {"Note": "one"}


def test_operations_without_sent_fields_are_saved_as_before(octo) -> None:
    plan = compile_(octo, edits((PACIFIC, (described("x"),))))

    assert "send" not in json.loads(plan.dumps())["operations"][0]
