"""The read-back reads documents in the order they became ready, each batch no sooner
than the moment its last document is ready (a settle time after its write)."""

from __future__ import annotations

from urllib.parse import parse_qs

from octoflow import Octoflow
from octoflow.apply.verify import find_drift
from tests.e2e.support import VirtualClock

EU_TO_PORTAL = {"tag": "Region/EU", "project": "Customer Portal"}


def test_batches_go_in_order_of_readiness_each_when_its_last_document_is_ready():
    clock = VirtualClock(start=1000.0)
    octo = Octoflow.with_sandbox("demo", clock=clock)
    ops = list(octo.plan_recipe("tenants-add-project", EU_TO_PORTAL).operations)[:250]
    # the plan's first documents were written last: readiness runs against plan order
    ready = {op.key: 1000.0 + (5.0 if n < 150 else 1.0) for n, op in enumerate(ops)}
    octo.sandbox.clear_requests()

    drifted, reads = find_drift(
        octo.client, octo.registry, ops, lambda op: list(op.intents), 1, lambda op: ready[op.key]
    )

    # nothing was applied: every document still lacks the intent, so all of them drift
    assert ({d.op.key for d in drifted}, reads) == ({op.key for op in ops}, 3)
    assert clock.jumps == [1.0, 4.0]  # the first batch at 1001, the other two at 1005
    batches = [parse_qs(r.query)["ids"][0].split(",") for r in octo.sandbox.requests]
    early = {str(op.resource_id) for op in ops[150:]}
    assert set(batches[0]) <= early and len(batches[0]) == 100
    assert [len(b) for b in batches] == [100, 100, 50]


def test_without_readiness_every_document_is_read_at_once():
    clock = VirtualClock(start=1000.0)
    octo = Octoflow.with_sandbox("demo", clock=clock)
    ops = list(octo.plan_recipe("tenants-add-project", EU_TO_PORTAL).operations)

    drifted, reads = find_drift(octo.client, octo.registry, ops, lambda op: list(op.intents), 8)

    assert (len(drifted), reads) == (len(ops), 4)
    assert clock.jumps == []
