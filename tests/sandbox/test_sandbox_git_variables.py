"""Project variables in Git: text variables under a git ref, sensitive ones in the database."""

from __future__ import annotations

import pytest

from tests.sandbox.conftest import Client
from tests.sandbox.schema import validate
from tests.sandbox.test_sandbox_git import SPACE, base, head, history, project


def variables(api: Client, name: str, ref: str = "main") -> dict:
    return api.json(f"{base(api, name)}/{ref}/variables")


def edited(current: dict, message: str | None = "Raise the timeout") -> dict:
    body = dict(current)
    body["Variables"] = current["Variables"] + [
        {"Name": "Ledger.Retries", "Value": "3", "Type": "String", "Scope": {}}
    ]
    if message is not None:
        body["ChangeDescription"] = message
    return body


def test_text_variables_are_in_git_and_sensitive_ones_stay_in_the_database(api):
    atlas = project(api, "Atlas Web")
    assert atlas["PersistenceSettings"]["ConversionState"]["VariablesAreInGit"] is True
    in_git = variables(api, "Atlas Web")
    assert in_git["Id"] == atlas["VariableSetId"] and in_git["OwnerId"] == atlas["Id"]
    names = sorted(v["Name"] for v in in_git["Variables"])
    assert names == ["Atlas.BaseUrl", "Atlas.BaseUrl", "Atlas.LogLevel"]
    assert not any(v["IsSensitive"] for v in in_git["Variables"])
    assert in_git["ScopeValues"]["Environments"]
    validate("VariableSetResource", in_git)
    sensitive = api.json(f"{base(api, 'Atlas Web')}/variables")
    assert [(v["Name"], v["Value"]) for v in sensitive["Variables"]] == [("Atlas.SigningKey", None)]
    assert api.json(f"{SPACE}/variables/{atlas['VariableSetId']}") == sensitive
    # every commit has them: the tag and the first commit read the same set
    for ref in ("v1.0", history(api, "Atlas Web")[-1]["Name"], "refs%2Fheads%2Fmain"):
        assert variables(api, "Atlas Web", ref)["Variables"] == in_git["Variables"], ref


def test_the_project_links_its_git_and_its_sensitive_variables(api):
    links = project(api, "Ledger API")["Links"]
    at = base(api, "Ledger API")
    assert links["Variables"] == f"{at}/{{gitRef}}/variables"
    assert links["SensitiveVariables"] == f"{at}/variables"
    other = project(api, "Quartz Web")["Links"]
    assert other["Variables"].startswith(f"{SPACE}/variables/variableset-")
    assert "SensitiveVariables" not in other


def test_a_put_makes_one_commit_and_bumps_the_version(fresh_api):
    at = base(fresh_api, "Atlas Web")
    before = head(fresh_api, "Atlas Web")
    current = variables(fresh_api, "Atlas Web")
    response = fresh_api.put(f"{at}/main/variables", edited(current))
    assert response.status_code == 200, response.text
    saved = response.json()
    assert saved["Version"] == current["Version"] + 1
    assert saved["Links"]["Self"] == f"{at}/refs%2fheads%2fmain/variables"
    assert saved["Variables"][-1]["Name"] == "Ledger.Retries" and saved["Variables"][-1]["Id"]
    after = head(fresh_api, "Atlas Web")
    assert after["Parents"] == [before["Name"]] and after["Message"] == "Raise the timeout"
    assert variables(fresh_api, "Atlas Web", before["Name"])["Variables"] == current["Variables"]
    # the process at the new commit is the one before it
    process = fresh_api.json(f"{at}/main/deploymentprocesses")
    assert process["Steps"] == fresh_api.json(f"{at}/{before['Name']}/deploymentprocesses")["Steps"]


@pytest.mark.parametrize(
    ("change", "status", "wording"),
    [
        (lambda body: body.pop("ChangeDescription"), 400, "ChangeDescription field is required"),
        (lambda body: body.update(Version=body["Version"] + 1), 409, "another user has made"),
        (lambda body: body.pop("Version"), 400, "The Version field is required"),
        (
            lambda body: body["Variables"].append(
                {"Name": "Atlas.Password", "Value": "x", "Type": "Sensitive", "IsSensitive": True}
            ),
            400,
            "Sensitive variables cannot be committed to Git: 'Atlas.Password'",
        ),
        (
            lambda body: body["Variables"].append({"Name": "", "Value": "x"}),
            400,
            "Variable validation failed",
        ),
    ],
    ids=["no ChangeDescription", "stale Version", "no Version", "sensitive", "invalid"],
)
def test_a_refused_put_commits_nothing(fresh_api, change, status, wording):
    at = base(fresh_api, "Atlas Web")
    before = head(fresh_api, "Atlas Web")
    body = edited(variables(fresh_api, "Atlas Web"))
    change(body)
    response = fresh_api.put(f"{at}/main/variables", body)
    assert response.status_code == status, response.text
    assert wording in response.text
    assert head(fresh_api, "Atlas Web") == before


@pytest.mark.parametrize("ref", ["v1.0", "commit"])
def test_a_tag_or_a_commit_is_read_only(fresh_api, ref):
    at = base(fresh_api, "Atlas Web")
    target = head(fresh_api, "Atlas Web")["Name"] if ref == "commit" else ref
    response = fresh_api.put(f"{at}/{target}/variables", edited(variables(fresh_api, "Atlas Web")))
    assert response.status_code == 400
    assert "changes can only be committed to a branch" in response.text
    assert len(history(fresh_api, "Atlas Web")) == 2


def test_a_protected_branch_refuses_and_a_new_branch_takes_the_change(fresh_api):
    at = base(fresh_api, "Ledger API")
    before = head(fresh_api, "Ledger API")
    body = edited(variables(fresh_api, "Ledger API"))
    refused = fresh_api.put(f"{at}/main/variables", body)
    assert refused.status_code == 400 and "is protected" in refused.text
    branch = {"BaseGitRef": "main", "NewBranchName": "octoflow/vars"}
    assert fresh_api.post(f"{at}/git/branches/v2", branch).status_code == 200
    saved = fresh_api.put(f"{at}/octoflow%2Fvars/variables", body)
    assert saved.status_code == 200, saved.text
    assert head(fresh_api, "Ledger API") == before
    names = [v["Name"] for v in variables(fresh_api, "Ledger API", "octoflow%2Fvars")["Variables"]]
    assert names == ["Ledger.TimeoutSeconds", "Ledger.Retries"]
    assert len(variables(fresh_api, "Ledger API")["Variables"]) == 1


def test_the_database_route_takes_only_sensitive_variables_of_a_git_project(fresh_api):
    at = base(fresh_api, "Atlas Web")
    current = fresh_api.json(f"{at}/variables")
    text = dict(current, Variables=current["Variables"] + [{"Name": "Atlas.Plain", "Value": "1"}])
    refused = fresh_api.put(f"{at}/variables", text)
    assert refused.status_code == 400 and "'Atlas.Plain'" in refused.text
    secret = {"Name": "Atlas.Token", "Value": "API-EXAMPLE0000", "Type": "Sensitive"}
    secret["IsSensitive"] = True
    body = dict(current, Variables=current["Variables"] + [secret])
    saved = fresh_api.put(f"{at}/variables", body)
    assert saved.status_code == 200, saved.text
    assert "API-EXAMPLE0000" not in saved.text
    assert [v["Name"] for v in fresh_api.json(f"{at}/variables")["Variables"]] == [
        "Atlas.SigningKey",
        "Atlas.Token",
    ]
    assert len(history(fresh_api, "Atlas Web")) == 2


def test_routes_of_projects_whose_variables_are_not_in_git(api):
    quartz = base(api, "Quartz Web")
    refused = api.get(f"{quartz}/main/variables")
    assert refused.status_code == 400 and "are not stored in Git" in refused.text
    database = api.get(f"{SPACE}/projects/Projects-1/main/variables")
    assert database.status_code == 400 and "is not version controlled" in database.text
    whole = api.json(f"{SPACE}/projects/Projects-1/variables")
    assert whole["OwnerId"] == "Projects-1"
    assert api.get(f"{base(api, 'Atlas Web')}/no-such-branch/variables").status_code == 404
    assert api.get(f"{SPACE}/projects/Projects-999999/variables").status_code == 404


def test_a_release_from_git_snapshots_the_variables_at_its_commit(fresh_api):
    at = base(fresh_api, "Atlas Web")
    old = head(fresh_api, "Atlas Web")["Name"]
    fresh_api.put(f"{at}/main/variables", edited(variables(fresh_api, "Atlas Web")))
    made = {}
    for version, commit in (("1.0.0", old), ("1.0.1", None)):
        body = {"spaceIdOrName": "Spaces-1", "ProjectName": "Atlas Web", "GitRef": "main"}
        body.update(ReleaseVersion=version, GitCommit=commit)
        response = fresh_api.post(f"{SPACE}/releases/create/v1", body)
        assert response.status_code == 201, response.text
        release = fresh_api.json(f"{SPACE}/releases/{response.json()['ReleaseId']}")
        frozen = fresh_api.json(f"{SPACE}/variables/{release['ProjectVariableSetSnapshotId']}")
        made[version] = sorted(v["Name"] for v in frozen["Variables"])
    assert made["1.0.0"] == ["Atlas.BaseUrl", "Atlas.BaseUrl", "Atlas.LogLevel", "Atlas.SigningKey"]
    assert made["1.0.1"] == sorted(made["1.0.0"] + ["Ledger.Retries"])


def test_the_set_route_of_a_git_project_refuses_text_variables_too(fresh_api):
    atlas = project(fresh_api, "Atlas Web")
    path = f"{SPACE}/variables/{atlas['VariableSetId']}"
    current = fresh_api.json(path)
    body = dict(current, Variables=current["Variables"] + [{"Name": "Atlas.Plain", "Value": "1"}])
    refused = fresh_api.put(path, body)
    assert refused.status_code == 400 and "are stored in Git: 'Atlas.Plain'" in refused.text
    assert fresh_api.json(path)["Version"] == current["Version"]
    other = project(fresh_api, "Quartz Web")
    plain = fresh_api.json(f"{SPACE}/variables/{other['VariableSetId']}")
    body = dict(plain, Variables=[{"Name": "Quartz.Plain", "Value": "1"}])
    assert fresh_api.put(f"{SPACE}/variables/{other['VariableSetId']}", body).status_code == 200


def test_migrating_a_projects_variables_makes_one_commit_on_a_new_branch(fresh_api):
    quartz = project(fresh_api, "Quartz Web")
    at = base(fresh_api, "Quartz Web")
    database = f"{SPACE}/variables/{quartz['VariableSetId']}"
    current = fresh_api.json(database)
    secret = {"Name": "Quartz.Key", "Value": "API-EXAMPLE0001", "Type": "Sensitive"}
    secret["IsSensitive"] = True
    body = dict(current, Variables=[{"Name": "Quartz.Url", "Value": "u"}, secret])
    assert fresh_api.put(database, body).status_code == 200
    summary = fresh_api.json(f"{at}/git/migrate-variables")
    assert summary == {"SensitiveVariableCount": 1, "TextVariableCount": 1}
    before = head(fresh_api, "Quartz Web")
    migration = {"Branch": "vars-to-git", "CommitMessage": "Move variables", "CreateBranch": True}
    response = fresh_api.post(f"{at}/git/migrate-variables", migration)
    assert response.status_code == 200, response.text
    assert project(fresh_api, "Quartz Web")["Links"]["SensitiveVariables"] == f"{at}/variables"
    assert head(fresh_api, "Quartz Web") == before  # main untouched
    moved = head(fresh_api, "Quartz Web", "vars-to-git")
    assert (moved["Message"], moved["Parents"]) == ("Move variables", [before["Name"]])
    in_git = variables(fresh_api, "Quartz Web", "vars-to-git")["Variables"]
    assert [v["Name"] for v in in_git] == ["Quartz.Url"]
    assert variables(fresh_api, "Quartz Web")["Variables"] == []
    assert [v["Name"] for v in fresh_api.json(database)["Variables"]] == ["Quartz.Key"]
    again = fresh_api.post(f"{at}/git/migrate-variables", migration)
    assert again.status_code == 400 and "already stored in Git" in again.text


@pytest.mark.parametrize(
    ("name", "migration", "wording"),
    [
        ("Garnet Admin", {"Branch": "main", "CommitMessage": "m"}, "is protected"),
        (
            "Garnet Admin",
            {"Branch": "release/1", "CommitMessage": "m", "CreateBranch": True},
            "is protected",
        ),
        ("Quartz Web", {"Branch": "main"}, "The CommitMessage field is required"),
        ("Quartz Web", {"Branch": "nope", "CommitMessage": "m"}, "'nope' could not be found"),
    ],
    ids=["protected", "protected new branch", "no message", "unknown branch"],
)
def test_a_refused_migration_changes_nothing(fresh_api, name, migration, wording):
    at = base(fresh_api, name)
    before = head(fresh_api, name)
    response = fresh_api.post(f"{at}/git/migrate-variables", migration)
    assert response.status_code in (400, 404) and wording in response.text
    assert head(fresh_api, name) == before
    branches = fresh_api.json(f"{at}/git/branches")["Items"]
    assert migration["Branch"] not in [b["Name"] for b in branches] or migration["Branch"] == "main"
    state = project(fresh_api, name)["PersistenceSettings"]["ConversionState"]
    assert state["VariablesAreInGit"] is False
