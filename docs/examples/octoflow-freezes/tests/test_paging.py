"""The client pages through the freezes list's own envelope (``DeploymentFreezes`` and
``Count``, not ``Items``), once per plan."""

from __future__ import annotations

from freezes_support import FREEZES, moment
from octoflow.testing import apply_and_replan

from octoflow_freezes.listing import PAGE_SIZE

MANY = PAGE_SIZE + 20


def test_a_freeze_past_the_first_page_is_found_and_the_list_is_read_once(octo, octo_requests):
    start, end = moment(-1), moment(1)

    def ensure(octo, n):
        return octo.freezes.ensure(f"Freeze {n:03}", start, end, environments="Test")

    everything = [ensure(octo, n) for n in range(MANY)]
    apply_and_replan(octo, octo.plan(*everything), *everything)
    assert octo_requests.count("POST", FREEZES) == MANY

    octo_requests.clear()
    last = octo.plan(ensure(octo, MANY - 1), octo.freezes.where(name=f"Freeze {MANY - 1:03}").end())
    # One plan, two statements, two pages: the list is read once, page by page.
    assert octo_requests.count("GET", FREEZES) == 2
    assert [(op.action, op.name) for op in last.operations] == [("update", f"Freeze {MANY - 1:03}")]
    assert [c.path for c in last.operations[0].changes] == [("End",)]  # found, not created again
