"""``accounts-replace`` end to end: the CLI against a loopback sandbox over HTTP; the
account is swapped in deployment and runbook process steps and account variables,
everything else is untouched, a second plan is empty, bad input writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from octoflow.sandbox import Sandbox
from tests.e2e.support import api_for, api_of_state, run_cli, writes

SPACE = "/api/Spaces-1"
AWS_PROPERTY = "Octopus.Action.AwsAccount.Variable"
REPLACE = ("accounts-replace", "-p", "from=AWS Legacy", "-p", "to=AWS Deployments")


def account_id(api, name: str) -> str:
    return next(a["Id"] for a in api.get(f"{SPACE}/accounts/all") if a["Name"] == name)


def deployment_process(api, project: str) -> tuple[str, dict[str, Any]]:
    path = f"{SPACE}/deploymentprocesses/deploymentprocess-{api.project_id(project)}"
    return path, api.get(path)


def runbook_process(api, project: str) -> tuple[str, dict[str, Any]]:
    runbooks = api.get(f"{SPACE}/projects/{api.project_id(project)}/runbooks")["Items"]
    path = f"{SPACE}/runbookProcesses/{runbooks[0]['RunbookProcessId']}"
    return path, api.get(path)


def use_account(api, where: tuple[str, dict[str, Any]], value: str) -> None:
    """Make the first action of a process refer to the account (as an AWS step does)."""
    path, doc = where
    doc["Steps"][0]["Actions"][0]["Properties"][AWS_PROPERTY] = value
    api.put(path, doc)


def first_action(api, path: str) -> dict[str, Any]:
    return api.get(path)["Steps"][0]["Actions"][0]["Properties"]


def billing_variable(api) -> dict[str, Any]:
    variables = api.get(f"{SPACE}/variables/variableset-{api.project_id('Billing API')}")
    return next(v for v in variables["Variables"] if v["Name"] == "Billing.AwsAccount")


@pytest.fixture
def in_use(server_api) -> dict[str, str]:
    """AWS Legacy in a Customer Portal deployment step and an Ember Web runbook step."""
    legacy = account_id(server_api, "AWS Legacy")
    deploy = deployment_process(server_api, "Customer Portal")
    runbook = runbook_process(server_api, "Ember Web")
    use_account(server_api, deploy, legacy)
    use_account(server_api, runbook, legacy)
    return {"deploy": deploy[0], "runbook": runbook[0], "legacy": legacy}


def test_replaces_the_account_in_steps_and_variables_and_converges(
    cli, server, server_api, in_use
) -> None:
    sandbox, _srv = server
    new = account_id(server_api, "AWS Deployments")
    before = {p: server_api.get(in_use[p]) for p in ("deploy", "runbook")}

    code, out, err = cli("apply", *REPLACE, "--yes")

    assert code == 0, err
    assert "Plan: 0 to add, 3 to change, 0 to delete." in out
    for part in ("deploy", "runbook"):
        after = server_api.get(in_use[part])
        assert after["Steps"][0]["Actions"][0]["Properties"][AWS_PROPERTY] == new
        after["Steps"][0]["Actions"][0]["Properties"][AWS_PROPERTY] = in_use["legacy"]
        untouched = ("Version", "LastModifiedOn", "LastModifiedBy", "Links")
        assert {k: v for k, v in after.items() if k not in untouched} == {
            k: v for k, v in before[part].items() if k not in untouched
        }
    variable = billing_variable(server_api)
    assert (variable["Value"], variable["Type"]) == (new, "AmazonWebServicesAccount")
    written = len(writes(sandbox))
    code, out, err = cli("plan", *REPLACE)
    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out
    assert len(writes(sandbox)) == written


def test_project_narrows_to_its_processes_and_variables(cli, server_api, in_use) -> None:
    code, out, err = cli("apply", *REPLACE, "-p", "project=Customer Portal", "--yes")

    assert code == 0, err
    assert first_action(server_api, in_use["deploy"])[AWS_PROPERTY] != in_use["legacy"]
    assert first_action(server_api, in_use["runbook"])[AWS_PROPERTY] == in_use["legacy"]
    assert billing_variable(server_api)["Value"] == in_use["legacy"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (("from=AWS Legacy", "to=AWS Deploy"), "unknown account 'AWS Deploy': did you mean"),
        (("from=AWS Legcy", "to=AWS Deployments"), "unknown account 'AWS Legcy': did you mean"),
        (
            ("from=AWS Legacy", "to=Registry Login"),
            "'AWS Legacy' is AmazonWebServicesAccount, 'Registry Login' is UsernamePassword",
        ),
        (("from=AWS Legacy", "to=AWS Legacy"), "account 'AWS Legacy' cannot replace itself"),
        (
            ("from=AWS Legacy", "to=AWS Deployments", "project=Customer Portl"),
            "unknown project 'Customer Portl'",
        ),
        (("from=AWS Legacy", "to="), "'to'"),
    ],
)
def test_bad_input_is_a_plan_error_and_writes_nothing(cli, server, in_use, params, message) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    args = [a for p in params for a in ("-p", p)]

    code, out, err = cli("apply", "accounts-replace", *args, "--yes")

    assert code == 2
    assert message in out + err
    assert writes(sandbox) == []


@pytest.fixture
def two_spaces(areas, tmp_path) -> str:
    """The demo plus a space "Europe" whose library variable set uses its own AWS Legacy."""
    sandbox = Sandbox(areas, seed="demo")
    api = api_for(sandbox)
    space = post(api, "/api/spaces", {"Name": "Europe", "SpaceManagersTeams": ["Teams-1"]})
    base = f"/api/{space['Id']}"
    accounts = {
        name: post(
            api,
            f"{base}/accounts",
            {"Name": name, "AccountType": "AmazonWebServicesAccount", "AccessKey": "AKIAEU",
             "SecretKey": {"HasValue": True, "NewValue": "eu-secret"}},
        )["Id"]
        for name in ("AWS Legacy", "AWS Deployments")
    }  # fmt: skip
    library = post(api, f"{base}/libraryvariablesets", {"Name": "AWS Settings"})
    path = f"{base}/variables/{library['VariableSetId']}"
    variables = api.get(path)
    variables["Variables"] = [
        {"Name": "Aws.Account", "Value": accounts["AWS Legacy"], "Type": "AmazonWebServicesAccount"}
    ]
    api.put(path, variables)
    saved = tmp_path / "two-spaces.json"
    sandbox.save(saved)
    return str(saved)


def post(api, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.session.post(api.base + path, json=body)
    response.raise_for_status()
    return response.json()


def test_space_repeated_replaces_in_each_space(areas, two_spaces, capsys) -> None:
    code, out, err = run_cli(
        "apply", *REPLACE, "--sandbox", two_spaces, "--space", "Default", "--space", "Europe",
        "--yes", capsys=capsys,
    )  # fmt: skip

    assert code == 0, err
    api = api_of_state(areas, two_spaces)
    assert billing_variable(api)["Value"] == account_id(api, "AWS Deployments")
    europe = {a["Name"]: a["Id"] for a in api.get("/api/Spaces-2/accounts/all")}
    library = api.get("/api/Spaces-2/libraryvariablesets/all")[0]
    variables = api.get(f"/api/Spaces-2/variables/{library['VariableSetId']}")["Variables"]
    assert [v["Value"] for v in variables] == [europe["AWS Deployments"]]
