"""The ``octopus-register-instance`` recipe end to end: the CLI against a served sandbox."""

from __future__ import annotations

import pytest

from tests.e2e.support import writes

#: The registered instance's key; unmistakable in any output it might leak into.
INSTANCE_KEY = "API-EXAMPLEINSTANCEKEYQ7Z9W00"
KEY_ENV = "OCTOFLOW_INSTANCE_API_KEY"
SPACE = "/api/Spaces-1"
OPS_SET = "variableset-Projects-14"  # the demo's Ops Dashboard
TEST, PRODUCTION = "Environments-2", "Environments-4"
PARAMS = {
    "name": "octopus-eu",
    "url": "https://eu.octopus.example.com",
    "environments": "Test,Production",
    "project": "Ops Dashboard",
}


def register(**changes: str | None) -> tuple[str, ...]:
    """The recipe and its ``-p`` values (a ``None`` leaves a parameter out)."""
    params = {k: v for k, v in {**PARAMS, **changes}.items() if v is not None}
    return (
        "octopus-register-instance",
        *(a for k, v in params.items() for a in ("-p", f"{k}={v}")),
    )


REGISTER = register()
CONNECTION = ("Octoflow.Octopus.Url", "Octoflow.Octopus.Space", "Octoflow.Octopus.ApiKey")


@pytest.fixture
def instance_key(monkeypatch) -> str:
    monkeypatch.setenv(KEY_ENV, INSTANCE_KEY)
    return INSTANCE_KEY


def machine(api, name: str) -> dict:
    (found,) = [m for m in api.get(SPACE + "/machines/all") if m["Name"] == name]
    return found


def connection(api, set_id: str = OPS_SET) -> dict[str, dict]:
    variables = api.get(f"{SPACE}/variables/{set_id}")["Variables"]
    return {v["Name"]: v for v in variables if v["Name"] in CONNECTION}


def stored_secret(api, set_id: str, variable_id: str) -> str:
    """What the sandbox stored for a sensitive variable (the API never returns it)."""
    state = api.get("/_sandbox/state")
    return state["collections"]["VariableSecrets"][set_id]["Values"][variable_id]


def leaks(text: str) -> bool:
    return INSTANCE_KEY in text or INSTANCE_KEY[4:] in text


def test_the_plan_shows_the_target_and_its_variables(cli, server, instance_key) -> None:
    sandbox, _srv = server
    code, out, err = cli("plan", *REGISTER)
    assert code == 0, err
    for line in (
        "  + Target 'octopus-eu'",
        "      add role octopus-instance",
        "        Endpoint.CommunicationStyle: (none) -> 'None'",
        f"  ~ VariableSet 'Ops Dashboard' ({OPS_SET})",
        "      Octoflow.Octopus.Url = 'https://eu.octopus.example.com' [target octopus-eu (new)]",
        "      Octoflow.Octopus.Space = 'Spaces-1' [target octopus-eu (new)]",
        "      Octoflow.Octopus.ApiKey (sensitive, read from $OCTOFLOW_INSTANCE_API_KEY at apply)"
        " [target octopus-eu (new)]",
        "        Variables.Octoflow.Octopus.Url [target octopus-eu (new)]: added",
        "Plan: 1 to add, 1 to change, 0 to delete.",
    ):
        assert line in out.splitlines(), line
    assert writes(sandbox) == []


def test_apply_registers_the_instance_and_the_key_is_nowhere_but_the_server(
    cli, server, server_api, instance_key, tmp_path
) -> None:
    sandbox, _srv = server
    plan_json, report_json, journal = (tmp_path / n for n in ("p.json", "r.json", "j.jsonl"))

    planned = cli("plan", *REGISTER, "-v", "--out", str(plan_json))
    applied = cli(
        "apply", *REGISTER, "--yes", "-v", "--journal", str(journal), "--out", str(report_json)
    )

    assert [planned[0], applied[0]] == [0, 0], applied[2]
    target = machine(server_api, "octopus-eu")
    assert target["Roles"] == ["octopus-instance"]
    assert target["EnvironmentIds"] == [TEST, PRODUCTION]
    assert target["Endpoint"]["CommunicationStyle"] == "None"
    variables = connection(server_api)
    assert sorted(variables) == sorted(CONNECTION)
    assert all(v["Scope"] == {"Machine": [target["Id"]]} for v in variables.values())
    assert variables["Octoflow.Octopus.Url"]["Value"] == "https://eu.octopus.example.com"
    assert variables["Octoflow.Octopus.Space"]["Value"] == "Spaces-1"
    key = variables["Octoflow.Octopus.ApiKey"]
    assert (key["Value"], key["IsSensitive"], key["Type"]) == (None, True, "Sensitive")
    assert stored_secret(server_api, OPS_SET, key["Id"]) == INSTANCE_KEY
    texts = [*planned[1:], *applied[1:]] + [
        p.read_text() for p in (plan_json, report_json, journal)
    ]
    assert not [t for t in texts if leaks(t)]
    # two writes, one re-read, and three questions to the audit log
    assert "Apply complete: 2 changed, 0 ok, 0 failed, 0 skipped (6 requests" in applied[1]

    written = len(writes(sandbox))
    code, out, err = cli("apply", *REGISTER, "--yes")
    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out
    assert len(writes(sandbox)) == written


def test_rotate_key_sends_the_key_again(cli, server_api, instance_key, monkeypatch) -> None:
    assert cli("apply", *REGISTER, "--yes")[0] == 0
    monkeypatch.setenv(KEY_ENV, INSTANCE_KEY[:-1] + "1")

    code, out, err = cli("apply", *register(rotate_key="true"), "--yes")

    assert code == 0, err
    assert "Plan: 0 to add, 1 to change, 0 to delete." in out
    key = connection(server_api)["Octoflow.Octopus.ApiKey"]
    assert stored_secret(server_api, OPS_SET, key["Id"]) == INSTANCE_KEY[:-1] + "1"
    assert len(connection(server_api)) == 3


def test_a_library_set_and_tenants(cli, server_api, instance_key) -> None:
    recipe = register(
        name="octopus-customers",
        url="https://customers.octopus.example.com/",
        space="Customers",
        environments="Production",
        tenants="Summit Health Ltd.,Region/EU",
        project=None,
        library_set="Customer Settings",
    )
    code, _out, err = cli("apply", *recipe, "--yes")
    assert code == 0, err
    target = machine(server_api, "octopus-customers")
    assert (target["TenantIds"], target["TenantTags"]) == (["Tenants-130"], ["Region/EU"])
    assert target["TenantedDeploymentParticipation"] == "TenantedOrUntenanted"
    variables = connection(server_api, "variableset-LibraryVariableSets-1")
    assert variables["Octoflow.Octopus.Space"]["Value"] == "Customers"
    assert variables["Octoflow.Octopus.Url"]["Scope"] == {"Machine": [target["Id"]]}


def test_without_the_key_variable_it_exits_2_and_writes_nothing(cli, server, monkeypatch) -> None:
    sandbox, _srv = server
    monkeypatch.delenv(KEY_ENV, raising=False)

    code, out, err = cli("apply", *REGISTER, "--yes")

    assert code == 2
    assert "$OCTOFLOW_INSTANCE_API_KEY is not set: it must hold the value of the sensitive " in err
    assert writes(sandbox) == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"environments": "Prodution"}, "unknown environment 'Prodution': did you mean "
                                        "'Production'?"),
        ({"library_set": "Customer Settings"}, "needs one of project or library_set"),
        ({"project": None}, "needs one of project or library_set"),
        ({"url": "eu.octopus.example.com"}, "url must start with https:// or http://"),
        ({"tenants": "Region/Mars"}, "unknown tag 'Region/Mars'"),
        ({"project": "Ops Dashbord"}, "unknown project 'Ops Dashbord': did you mean "
                                      "'Ops Dashboard'?"),
        ({"rotate_key": "maybe"}, "parameter 'rotate_key' must be true or false"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_naming_it(cli, server, instance_key, params, message) -> None:
    sandbox, _srv = server
    code, _out, err = cli("apply", *register(**params), "--yes")
    assert code == 2
    assert message in err
    assert writes(sandbox) == []


def test_a_saved_plan_applied_without_the_key_fails_that_write_clearly(
    cli, server_api, instance_key, monkeypatch, tmp_path
) -> None:
    saved = tmp_path / "plan.json"
    assert cli("plan", *REGISTER, "--out", str(saved))[0] == 0
    monkeypatch.delenv(KEY_ENV)

    code, out, err = cli("apply", str(saved), "--yes")

    assert code == 1
    assert (
        "$OCTOFLOW_INSTANCE_API_KEY is not set: it holds the value of the sensitive " in out + err
    )
    assert connection(server_api) == {}  # the variables were not written
    monkeypatch.setenv(KEY_ENV, INSTANCE_KEY)
    code, out, err = cli("apply", *REGISTER, "--yes")  # a new plan finishes the job
    assert code == 0, err
    assert "Plan: 0 to add, 1 to change, 0 to delete." in out
    assert len(connection(server_api)) == 3


def test_undo_removes_the_target_and_its_variables_key_and_all(
    cli, server_api, instance_key, tmp_path
) -> None:
    before = server_api.get(f"{SPACE}/variables/{OPS_SET}")["Variables"]
    journal = tmp_path / "register.jsonl"
    code, _out, err = cli("apply", *REGISTER, "--yes", "--journal", str(journal))
    assert code == 0, err
    assert '"secrets": [["Variables", ' in journal.read_text()

    code, out, err = cli("undo", str(journal), "--yes", "--journal", str(tmp_path / "u.jsonl"))

    assert code == 0, err
    assert "Octoflow.Octopus" not in str(server_api.get(f"{SPACE}/variables/{OPS_SET}"))
    assert server_api.get(f"{SPACE}/variables/{OPS_SET}")["Variables"] == before
    assert "octopus-eu" not in {m["Name"] for m in server_api.get(SPACE + "/machines/all")}
    assert "not undone" not in out  # the key went with the variable the apply added
    assert not [t for t in (out, err, journal.read_text()) if leaks(t)]


def test_undo_of_a_rotated_key_says_the_old_key_cannot_come_back(
    cli, server_api, instance_key, monkeypatch, tmp_path
) -> None:
    assert cli("apply", *REGISTER, "--yes")[0] == 0
    monkeypatch.setenv(KEY_ENV, INSTANCE_KEY[:-1] + "1")
    journal = tmp_path / "rotate.jsonl"
    code, _out, err = cli("apply", *register(rotate_key="true"), "--yes", "--journal", str(journal))
    assert code == 0, err

    code, out, err = cli("undo", str(journal), "--yes", "--journal", str(tmp_path / "u.jsonl"))

    assert code == 1
    assert "the apply sent a sensitive value; journals never record secrets" in out
    key = connection(server_api)["Octoflow.Octopus.ApiKey"]
    assert stored_secret(server_api, OPS_SET, key["Id"]) == INSTANCE_KEY[:-1] + "1"
    assert not [t for t in (out, err, journal.read_text()) if INSTANCE_KEY[4:-1] in t]
