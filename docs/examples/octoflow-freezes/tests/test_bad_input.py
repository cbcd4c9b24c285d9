"""Bad input: blank values never widen a scope, bad moments and names are refused before
anything is read or written, and unknown names are plan errors with close matches."""

from __future__ import annotations

import re

import pytest
from freezes_support import holidays, moment
from octoflow.provider import PlanError, UsageError
from octoflow.testing import plan_recipe


@pytest.mark.parametrize(
    "blank, message",
    [
        ({"environments": ""}, "parameter 'environments' is empty"),
        ({"environments": ",,"}, "-p environments=* to select every environment on purpose"),
        ({"projects": " "}, "parameter 'projects' is empty"),
        ({"tenants": ""}, "-p tenants=* to select every tenant on purpose"),
        ({"name": ""}, "parameter 'name' is empty"),
        ({"tenant_tag": ""}, "parameter 'tenant_tag' is empty"),
    ],
)
def test_blank_recipe_parameters_are_refused(octo, octo_requests, blank, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        plan_recipe(octo, "freeze-ensure", **holidays(**blank))
    octo_requests.assert_no_writes()


def test_a_blank_freeze_end_name_is_refused(octo):
    with pytest.raises(UsageError, match=re.escape("write -p name=* to select every freeze")):
        plan_recipe(octo, "freeze-end", name="")


@pytest.mark.parametrize(
    "scope, message",
    [
        ({"environments": []}, "environments is empty"),
        ({"environments": None}, "environments is missing"),
        ({"projects": ""}, "projects is empty: leave it out for every project of the space"),
        ({"tenants": [" "]}, "tenants is empty"),
    ],
)
def test_blank_scopes_in_the_dsl_are_refused(octo, scope, message):
    args = {"environments": "Production", **scope}
    with pytest.raises(UsageError, match=message):
        octo.freezes.ensure("Holidays", moment(-1), moment(1), **args)


def test_a_blank_selection_is_refused(octo):
    with pytest.raises(UsageError, match="an empty value selects nothing"):
        octo.freezes.where(name="")


@pytest.mark.parametrize(
    "start, end, message",
    [
        ("2026-12-20T00:00:00", "2027-01-04", "has no offset: add Z for UTC"),
        ("next monday", "2027-01-04", "is not an ISO 8601 date-time"),
        ("2027-01-04", "2026-12-20", "end must be after start"),
        ("2020-12-20", "2021-01-04", "has passed"),
    ],
)
def test_bad_moments_are_refused(octo, start, end, message):
    with pytest.raises(UsageError, match=message):
        octo.freezes.ensure("Holidays", start, end, environments="Production")


def test_names_the_server_would_refuse_are_refused_first(octo):
    with pytest.raises(UsageError, match="the name is empty"):
        octo.freezes.ensure("  ", moment(-1), moment(1), environments="Production")
    with pytest.raises(UsageError, match="201 characters; at most 200"):
        octo.freezes.ensure("x" * 201, moment(-1), moment(1), environments="Production")


def test_tenants_and_a_tenant_tag_together_are_refused(octo):
    with pytest.raises(UsageError, match="give tenants or tenant_tag, not both"):
        plan_recipe(octo, "freeze-ensure", **holidays(tenants="Acme Travel Inc."), tenant_tag="x")


def test_every_unknown_name_is_reported_at_once_and_nothing_is_written(octo, octo_requests):
    params = holidays(projects=["Ember Webb", "Falcon Admin"], environments="Prod")
    with pytest.raises(PlanError) as raised:
        plan_recipe(octo, "freeze-ensure", **params, tenants="Acme Travel")
    text = str(raised.value)
    assert "unknown project 'Ember Webb': did you mean 'Ember Web'" in text
    assert "unknown environment 'Prod': did you mean 'Production'" in text
    assert "unknown tenant 'Acme Travel'" in text
    octo_requests.assert_no_writes()


def test_a_freeze_that_would_cover_nothing_is_a_plan_error(octo):
    untenanted = holidays(projects="Ember Web", tenants="Acme Travel Inc.")
    with pytest.raises(PlanError, match="would cover nothing: the tenants are connected to none"):
        plan_recipe(octo, "freeze-ensure", **untenanted)
