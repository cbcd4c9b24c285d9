"""Re-reads right before writes: batches read one at a time, each read ahead only once a
document of the batch before it has been asked for, and every copy handed out once."""

from __future__ import annotations

import concurrent.futures as cf
from urllib.parse import parse_qs

import pytest

from octoflow import Octoflow
from octoflow.apply.refresh import Refresher
from octoflow.errors import PermissionDeniedError


@pytest.fixture
def octo() -> Octoflow:
    return Octoflow.with_sandbox("demo")


def tenant_ids(octo: Octoflow, count: int) -> list[str]:
    return [t["Id"] for t in octo.client.list_all(octo.client.space_path("tenants"))][:count]


def batches_read(octo: Octoflow) -> list[list[str]]:
    """The ids of each ``?ids=`` read of tenants, in the order the sandbox answered them."""
    return [
        parse_qs(r.query)["ids"][0].split(",")
        for r in octo.sandbox.requests
        if r.method == "GET" and r.path.endswith("/tenants") and "ids=" in r.query
    ]


def refresher_for(octo: Octoflow, ids: list[str], batch_size: int) -> tuple[Refresher, object]:
    kind = octo.registry.resource_kind("Tenant")
    octo.sandbox.clear_requests()
    return Refresher(octo.client, [(kind, i) for i in ids], batch_size=batch_size), kind


def test_the_next_batch_is_read_ahead_only_once_this_one_is_asked_for(octo) -> None:
    ids = tenant_ids(octo, 6)
    refresher, kind = refresher_for(octo, ids, batch_size=2)

    firsts = [refresher.fresh(kind, i)["Id"] for i in ids[:2]]
    refresher.close()  # waits for the read under way

    assert firsts == ids[:2]
    # the first batch on demand, the second ahead; nobody asked for the second's
    # documents, so the third is not read
    assert batches_read(octo) == [ids[0:2], ids[2:4]]


def test_each_copy_is_handed_out_once_and_asking_again_reads_again(octo) -> None:
    ids = tenant_ids(octo, 6)
    refresher, kind = refresher_for(octo, ids, batch_size=2)

    handed = [refresher.fresh(kind, i)["Id"] for i in ids]
    again = refresher.fresh(kind, ids[0])["Id"]
    refresher.close()

    assert handed == ids and again == ids[0]
    assert batches_read(octo) == [ids[0:2], ids[2:4], ids[4:6], [ids[0]]]


def test_writers_asking_at_once_get_their_own_documents_from_consecutive_batches(
    octo,
) -> None:
    octo.sandbox.settings.update({"latency_ms": 5})
    ids = tenant_ids(octo, 40)
    refresher, kind = refresher_for(octo, ids, batch_size=4)

    with cf.ThreadPoolExecutor(4) as writers:
        handed = list(writers.map(lambda i: refresher.fresh(kind, i)["Id"], ids))
    refresher.close()

    assert handed == ids
    read = batches_read(octo)
    assert [i for batch in read for i in batch] == ids
    assert all(len(batch) == 4 for batch in read)


def test_a_failed_read_ahead_fails_the_writer_waiting_for_it_and_the_rest_read_again(
    octo,
) -> None:
    octo.sandbox.settings.update({"latency_ms": 50})  # the read ahead is under way when asked
    ids = tenant_ids(octo, 6)
    octo.sandbox.settings.add_fault(
        {"status": 403, "method": "GET", "path_contains": f"ids={ids[2]},", "times": 1}
    )
    refresher, kind = refresher_for(octo, ids, batch_size=2)

    assert refresher.fresh(kind, ids[0])["Id"] == ids[0]
    with pytest.raises(PermissionDeniedError):
        refresher.fresh(kind, ids[2])
    assert refresher.fresh(kind, ids[3])["Id"] == ids[3]
    refresher.close()

    assert batches_read(octo)[:3] == [ids[0:2], ids[2:4], [ids[3], ids[4]]]
