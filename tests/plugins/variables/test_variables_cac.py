"""Variables of a version-controlled project whose text variables live in Git."""

from __future__ import annotations

import pytest

from octoflow.errors import PlanError

IN_GIT = "Atlas Web"  # the demo keeps its text variables in Git


def test_a_text_variable_of_a_project_with_variables_in_git_is_a_plan_error(
    octo, octo_requests
) -> None:
    edit = octo.variables.project(IN_GIT).set("Greeting", "hello")
    with pytest.raises(PlanError, match="'Atlas Web' is version-controlled and keeps its text"):
        octo.plan(edit)
    octo_requests.assert_no_writes()


def test_a_sensitive_variable_of_such_a_project_is_set_in_the_database(octo, monkeypatch) -> None:
    monkeypatch.setenv("ATLAS_TOKEN", "API-EXAMPLE-not-a-real-token")
    edit = octo.variables.project(IN_GIT).set("Token", sensitive=True, from_env="ATLAS_TOKEN")
    report = octo.apply(octo.plan(edit))
    assert report.succeeded
    assert octo.plan(edit).is_empty
