"""``freeze-end`` / ``octo.freezes.where(...).end()``: a freeze in force ends now and stays
listed; one that has not started is deleted; one that has ended is left alone."""

from __future__ import annotations

import datetime as dt

import pytest
from freezes_support import DEMO_FREEZE, FREEZES, holidays, moment, named, parse
from octoflow.provider import PlanError
from octoflow.testing import apply_and_replan, plan_recipe


def test_ending_a_freeze_in_force_sets_its_end_to_now(octo, octo_sandbox, octo_requests):
    apply_and_replan(octo, plan_recipe(octo, "freeze-ensure", **holidays()))
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    plan = plan_recipe(octo, "freeze-end", name="Holidays")
    (op,) = plan.operations
    assert (op.action, [c.path for c in op.changes]) == ("update", [("End",)])
    octo_requests.clear()
    apply_and_replan(octo, plan)  # the second plan is empty: it has ended
    after = dt.datetime.now(dt.timezone.utc)
    assert octo_requests.count("PUT", FREEZES + "/") == 1
    assert before <= parse(named(octo_sandbox, "Holidays")["End"]) <= after


def test_ending_a_freeze_that_has_not_started_deletes_it(octo, octo_sandbox, octo_requests):
    later = holidays(name="Next year", start=moment(300), end=moment(310))
    apply_and_replan(octo, plan_recipe(octo, "freeze-ensure", **later))
    plan = plan_recipe(octo, "freeze-end", name="Next year")
    assert [op.action for op in plan.operations] == ["delete"]
    octo_requests.clear()
    apply_and_replan(octo, plan, octo.freezes.where(partial_name="Next").end())
    assert octo_requests.count("DELETE", FREEZES + "/") == 1
    names = [f["Name"] for f in octo_sandbox.state.values("DeploymentFreezes")]
    assert names == [DEMO_FREEZE]
    # It is gone: ending it by name again is a typo's plan error, not a silent no-op.
    with pytest.raises(PlanError, match="unknown deployment freeze 'Next year'"):
        plan_recipe(octo, "freeze-end", name="Next year")


def test_a_freeze_that_has_ended_is_left_alone(octo, octo_requests):
    apply_and_replan(octo, plan_recipe(octo, "freeze-ensure", **holidays()))
    apply_and_replan(octo, plan_recipe(octo, "freeze-end", name="Holidays"))
    again = plan_recipe(octo, "freeze-end", name="*")  # and the demo's, over long ago
    assert again.is_empty
    reasons = {u.name: u.reasons for u in again.unchanged}
    assert set(reasons) == {"Holidays", DEMO_FREEZE}
    assert all(why.startswith("ended at ") for (why,) in reasons.values())


def test_an_unknown_freeze_is_a_plan_error_with_close_matches(octo, octo_requests):
    apply_and_replan(octo, plan_recipe(octo, "freeze-ensure", **holidays()))
    octo_requests.clear()
    with pytest.raises(PlanError, match="unknown deployment freeze 'Holiday': did you mean"):
        plan_recipe(octo, "freeze-end", name="Holiday")
    octo_requests.assert_no_writes()
