"""The server dies mid-apply: what it acknowledged is kept, and a re-run converges.

``octoflow sandbox serve --state`` is SIGKILLed while an apply is writing (after
a fixed number of acknowledged writes, not after a sleep), then restarted from
the same state file.
"""

from __future__ import annotations

import os
import signal
import threading

from octoflow import Octoflow
from octoflow.config import Connection
from octoflow.sandbox import SANDBOX_API_KEY
from tests.sandbox.test_sandbox_durability import serving

#: Writes acknowledged before the server is killed.
KILL_AFTER = 40


def connect(url: str) -> Octoflow:
    return Octoflow.connect(Connection(url, api_key=SANDBOX_API_KEY), backoff_seconds=0.01)


def eu_gold(octo: Octoflow):
    return octo.tenants.where(tag="Region/EU").add_tag("Tier/Gold")


def test_a_killed_server_keeps_acknowledged_writes_and_a_rerun_converges(tmp_path):
    state = tmp_path / "state.json"
    acknowledged: list[str] = []
    lock = threading.Lock()
    with serving("--state", state) as (process, url):
        octo = connect(url)
        plan = octo.plan(eu_gold(octo))
        planned = len(plan.operations)
        assert planned == 320  # 80 of the 400 EU tenants have Tier/Gold already

        def kill_after_enough(result) -> None:
            with lock:
                if result.outcome == "changed":
                    acknowledged.append(str(result.resource_id))
                if len(acknowledged) == KILL_AFTER:
                    os.kill(process.pid, signal.SIGKILL)

        report = octo.apply(plan, concurrency=4, on_result=kill_after_enough)
        process.communicate(timeout=60)  # reaped, its pipes closed

    assert not report.succeeded
    assert KILL_AFTER <= report.recap["changed"] < planned
    with serving("--state", state) as (_process, url):
        octo = connect(url)
        tenants = {t["Id"]: t for t in octo.client.list_all("/api/Spaces-1/tenants")}
        lost = [i for i in acknowledged if "Tier/Gold" not in tenants[i]["TenantTags"]]
        assert lost == [], "writes acknowledged before the kill are missing after the restart"

        rerun = octo.plan(eu_gold(octo))
        assert 0 < len(rerun.operations) <= planned - len(acknowledged)
        assert octo.apply(rerun).succeeded
        assert octo.plan(eu_gold(octo)).is_empty
