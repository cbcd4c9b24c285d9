"""The variables DSL against the demo sandbox: set, remove, scopes, sensitive values,
one write per set, version conflicts, and the problems bad names make."""

from __future__ import annotations

import pytest
from octoflow_plugins.targets.endpoints import Endpoint

from octoflow import Octoflow, PlanError
from octoflow.errors import UsageError
from tests.e2e.support import api_for

SPACE = "/api/Spaces-1"
PORTAL_SET = "variableset-Projects-1"
KEY = "API-EXAMPLEDSLSECRET000000000"


@pytest.fixture
def octo() -> Octoflow:
    return Octoflow.with_sandbox("demo")


def variables(octo: Octoflow, set_id: str = PORTAL_SET) -> list[dict]:
    return api_for(octo.sandbox).get(f"{SPACE}/variables/{set_id}")["Variables"]


def named(octo: Octoflow, name: str, set_id: str = PORTAL_SET) -> list[dict]:
    return [v for v in variables(octo, set_id) if v["Name"] == name]


def secrets(octo: Octoflow, set_id: str = PORTAL_SET) -> dict[str, str]:
    stored = octo.sandbox.dump()["collections"]["VariableSecrets"]
    return stored.get(set_id, {}).get("Values", {})


def writes(octo: Octoflow) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in octo.sandbox.requests if r.method != "GET"]


# -- set and remove ----------------------------------------------------------------------


def test_set_adds_a_scoped_variable_then_plans_nothing(octo) -> None:
    portal = octo.variables.project("Customer Portal")
    statement = portal.set("Portal.Region", "eu-west-1", scope={"environments": "Test, Staging"})

    plan = octo.plan(statement)

    (op,) = plan.operations
    assert (op.kind, op.name, op.resource_id) == ("VariableSet", "Customer Portal", PORTAL_SET)
    assert [i.summary for i in op.intents] == [
        "Portal.Region = 'eu-west-1' [environment Test, Staging]"
    ]
    assert octo.apply(plan).succeeded
    (region,) = named(octo, "Portal.Region")
    assert region["Value"] == "eu-west-1"
    assert region["Scope"] == {"Environment": ["Environments-2", "Environments-3"]}
    again = octo.plan(statement)
    assert again.is_empty
    assert again.unchanged[0].reasons == (
        "Portal.Region already 'eu-west-1' [environment Test, Staging]",
    )


def test_the_same_name_and_scope_is_changed_in_place(octo) -> None:
    (before,) = [v for v in named(octo, "Portal.LogLevel") if not v["Scope"]]
    plan = octo.plan(octo.variables.project("Customer Portal").set("Portal.LogLevel", "Warning"))
    assert [c.path for c in plan.operations[0].changes] == [("Variables", before["Id"], "Value")]
    assert octo.apply(plan).succeeded
    after = named(octo, "Portal.LogLevel")
    assert len(after) == 2  # the Development one is another variable
    (unscoped,) = [v for v in after if not v["Scope"]]
    assert (unscoped["Id"], unscoped["Value"]) == (before["Id"], "Warning")


def test_another_scope_is_another_variable_and_remove_takes_only_its_own(octo) -> None:
    portal = octo.variables.project("Customer Portal")
    octo.apply(octo.plan(portal.set("Portal.LogLevel", "Trace", scope={"environments": "Test"})))
    assert len(named(octo, "Portal.LogLevel")) == 3

    plan = octo.plan(portal.remove("Portal.LogLevel", scope={"environments": ["Development"]}))
    assert plan.operations[0].intents[0].summary == (
        "remove Portal.LogLevel [environment Development]"
    )
    assert octo.apply(plan).succeeded
    left = {
        tuple(v["Scope"].get("Environment", [])): v["Value"] for v in named(octo, "Portal.LogLevel")
    }
    assert left == {(): "Information", ("Environments-2",): "Trace"}
    gone = octo.plan(portal.remove("Portal.LogLevel", scope={"environments": ["Development"]}))
    assert gone.is_empty
    assert gone.unchanged[0].reasons == ("no Portal.LogLevel [environment Development] to remove",)


def test_statements_on_one_set_are_one_write(octo) -> None:
    portal = octo.variables.project("Customer Portal")
    settings = octo.variables.library("Customer Settings")
    statements = [
        portal.set("Portal.A", "1"),
        portal.set("Portal.B", "2").remove("Portal.CacheSizeMb", scope={"roles": "web"}),
        settings.set("Support.Email", "help@example.com"),
    ]
    octo.sandbox.clear_requests()

    plan = octo.plan(*statements)

    reads = [r.path for r in octo.sandbox.requests]
    assert reads.count(f"{SPACE}/variables/{PORTAL_SET}") == 1
    # two re-reads and two writes, and three to ask the audit log who else wrote
    assert plan.summary["change"] == 2 and plan.request_estimate == 7
    octo.sandbox.clear_requests()
    report = octo.apply(plan, concurrency=1)
    assert report.requests == 7
    assert sorted(writes(octo)) == [
        ("PUT", f"{SPACE}/variables/variableset-LibraryVariableSets-1"),
        ("PUT", f"{SPACE}/variables/{PORTAL_SET}"),
    ]
    names = {v["Name"] for v in variables(octo)}
    assert {"Portal.A", "Portal.B"} <= names and "Portal.CacheSizeMb" not in names


def test_a_version_conflict_rereads_and_keeps_the_other_save(octo) -> None:
    api = api_for(octo.sandbox)
    plan = octo.plan(octo.variables.project("Customer Portal").set("Portal.A", "1"))
    current = api.get(f"{SPACE}/variables/{PORTAL_SET}")
    theirs = current["Variables"] + [dict(current["Variables"][0], Id="their-id", Name="Theirs")]
    octo.sandbox.settings.add_fault(
        {"edit": {"id": PORTAL_SET, "path_contains": "/variables/",
                  "set": {"Version": current["Version"] + 1, "Variables": theirs}}}
    )  # fmt: skip
    octo.sandbox.clear_requests()

    report = octo.apply(plan)

    assert "re-applied after 1 concurrent save(s)" in report.results[0].detail
    path = f"{SPACE}/variables/{PORTAL_SET}"
    assert [(r.method, r.path, r.status) for r in octo.sandbox.requests] == [
        ("GET", "/api/events", 200),
        ("GET", path, 200),
        ("PUT", path, 400),
        ("GET", path, 200),
        ("PUT", path, 200),
        ("GET", "/api/users/me", 200),
        ("GET", "/api/events", 200),
    ]
    # the other save is in the audit log, and the recap names it
    assert [(e.document_id, e.username) for e in report.audit.edits] == [
        (PORTAL_SET, "another.writer")
    ]
    final = api.get(path)
    assert final["Version"] == current["Version"] + 2
    assert {"Theirs", "Portal.A"} <= {v["Name"] for v in final["Variables"]}


# -- scopes ------------------------------------------------------------------------------


def test_scope_names_become_ids(octo) -> None:
    scope = {
        "environments": ["Production"],
        "roles": ["WEB"],
        "targets": ["prod-web-01"],
        "tenants": ["Summit Health Ltd."],
        "tenant_tags": ["Region/EU"],
        "channels": ["Default"],
    }
    plan = octo.plan(octo.variables.project("Customer Portal").set("Portal.X", "1", scope=scope))
    assert plan.operations[0].intents[0].summary == (
        "Portal.X = '1' [environment Production; role web; target prod-web-01; "
        "tenant Summit Health Ltd.; tenant tag Region/EU; channel Default]"
    )
    assert octo.apply(plan).succeeded
    (written,) = named(octo, "Portal.X")
    api = api_for(octo.sandbox)
    machine = next(m for m in api.get(f"{SPACE}/machines/all") if m["Name"] == "prod-web-01")
    channel = next(c for c in api.get(f"{SPACE}/channels/all") if c["ProjectId"] == "Projects-1")
    assert written["Scope"] == {
        "Environment": ["Environments-4"],
        "Role": ["web"],
        "Machine": [machine["Id"]],
        "Tenant": ["Tenants-130"],
        "TenantTag": ["Region/EU"],
        "Channel": [channel["Id"]],
    }


def test_every_bad_name_is_reported_at_once_and_nothing_is_written(octo) -> None:
    bad = [
        octo.variables.project("Custmer Portal").set("X", "1"),
        octo.variables.project("Customer Portal").set(
            "X",
            "1",
            scope={
                "environments": "Prodution",
                "roles": "wbe",
                "targets": "prod-web-1",
                "tenants": "Summit Health",
                "tenant_tags": "Region/EUU",
                "channels": "Beta",
            },
        ),
        octo.variables.library("Customer Settings").set("X", "1", scope={"channels": "Default"}),
        octo.variables.library("Custom Settings").remove("X"),
    ]
    octo.sandbox.clear_requests()
    with pytest.raises(PlanError) as raised:
        octo.plan(*bad)
    text = str(raised.value)
    for expected in (
        "unknown project 'Custmer Portal': did you mean 'Customer Portal'?",
        "unknown environment 'Prodution': did you mean 'Production'?",
        "unknown role 'wbe': did you mean 'web'?",
        "unknown target 'prod-web-1': did you mean",
        "unknown tenant 'Summit Health': did you mean 'Summit Health Ltd.'",
        "unknown tag 'Region/EUU': did you mean 'Region/EU'",
        "unknown channel 'Beta'; known: Default (scopes name channels of project 'Customer",
        "library variable set 'Customer Settings' cannot scope variables to channels",
        "unknown library variable set 'Custom Settings': did you mean 'Customer Settings'?",
    ):
        assert expected in text, expected
    assert writes(octo) == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: p.set("X", "1", scope={"environment": "Test"}),
         "unknown scope keyword 'environment': did you mean 'environments'?"),
        (lambda p: p.set("X", "secret", sensitive=True, from_env="X_KEY"),
         "a sensitive value never goes into a plan"),
        (lambda p: p.set("X", sensitive=True), "needs from_env"),
        (lambda p: p.set("X", sensitive=True, from_env="not a name"), "needs from_env"),
        (lambda p: p.set("X", "1", from_env="X_KEY"), "add sensitive=True"),
        (lambda p: p.set("X"), "needs a value (text), not None"),
        (lambda p: p.set("", "1"), "variables.set() needs a name"),
        (lambda p: p.set("X", "1", scope="Test"), "must be a dict"),
    ],
)  # fmt: skip
def test_bad_calls_fail_at_the_call_site(octo, call, message) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call(octo.variables.project("Customer Portal"))


def test_describe_never_shows_values(octo) -> None:
    statement = (
        octo.variables.project("Customer Portal")
        .set("Portal.A", "visible-value", scope={"environments": "Test"})
        .set("Portal.Key", sensitive=True, from_env="PORTAL_KEY", rotate=True)
    )
    assert statement.describe() == (
        "variables.project('Customer Portal').set('Portal.A', …, "
        "scope={'environments': ['Test']}).set('Portal.Key', sensitive=True, "
        "from_env='PORTAL_KEY', rotate=True)"
    )
    assert statement.set("Y", "1").verbs != statement.verbs  # a new statement each time


# -- sensitive values --------------------------------------------------------------------


def test_a_sensitive_value_is_read_at_apply_and_is_in_no_plan(octo, monkeypatch) -> None:
    monkeypatch.setenv("PORTAL_KEY", KEY)
    portal = octo.variables.project("Customer Portal")
    statement = portal.set("Portal.Key", sensitive=True, from_env="PORTAL_KEY")

    plan = octo.plan(statement)

    assert KEY not in plan.dumps()
    (intent,) = plan.operations[0].intents
    assert intent.summary == "Portal.Key (sensitive, read from $PORTAL_KEY at apply) [unscoped]"
    assert octo.apply(plan).succeeded
    (key,) = named(octo, "Portal.Key")
    assert key["Value"] is None and key["IsSensitive"] and key["Type"] == "Sensitive"
    assert secrets(octo)[key["Id"]] == KEY
    assert octo.plan(statement).is_empty  # it exists: it counts as set

    monkeypatch.setenv("PORTAL_KEY", KEY + "2")
    rotated = octo.plan(
        portal.set("Portal.Key", sensitive=True, from_env="PORTAL_KEY", rotate=True)
    )
    assert rotated.summary["change"] == 1 and rotated.operations[0].changes == ()
    assert octo.apply(rotated).succeeded
    assert secrets(octo)[key["Id"]] == KEY + "2"
    assert len(named(octo, "Portal.Key")) == 1


def test_after_a_version_conflict_the_secret_is_set_on_the_fresh_copy(octo, monkeypatch) -> None:
    monkeypatch.setenv("PORTAL_KEY", KEY)
    plan = octo.plan(
        octo.variables.project("Customer Portal").set(
            "Portal.Key", sensitive=True, from_env="PORTAL_KEY"
        )
    )
    version = api_for(octo.sandbox).get(f"{SPACE}/variables/{PORTAL_SET}")["Version"]
    octo.sandbox.settings.add_fault(
        {
            "edit": {
                "id": PORTAL_SET,
                "path_contains": "/variables/",
                "set": {"Version": version + 1},
            }
        }
    )

    report = octo.apply(plan)

    assert "re-applied after 1 concurrent save(s)" in report.results[0].detail
    (key,) = named(octo, "Portal.Key")
    assert secrets(octo)[key["Id"]] == KEY


def test_a_plain_variable_made_sensitive_gets_its_value_from_the_environment(
    octo, monkeypatch
) -> None:
    monkeypatch.setenv("LOG_LEVEL_SECRET", KEY)
    portal = octo.variables.project("Customer Portal")
    plan = octo.plan(portal.set("Portal.LogLevel", sensitive=True, from_env="LOG_LEVEL_SECRET"))
    assert plan.operations[0].intents[0].name == "variable.set_secret"
    assert octo.apply(plan).succeeded
    (level,) = [v for v in named(octo, "Portal.LogLevel") if not v["Scope"]]
    assert level["IsSensitive"] and level["Value"] is None
    assert secrets(octo)[level["Id"]] == KEY


def test_a_missing_environment_variable_is_a_problem_only_when_it_is_needed(
    octo, monkeypatch
) -> None:
    monkeypatch.delenv("PORTAL_DB_PASSWORD", raising=False)
    portal = octo.variables.project("Customer Portal")
    existing = portal.set(
        "Portal.DatabasePassword",
        sensitive=True,
        from_env="PORTAL_DB_PASSWORD",
        scope={"environments": "Production"},
    )
    assert octo.plan(existing).is_empty  # set already: the value is not needed

    with pytest.raises(PlanError) as raised:
        octo.plan(portal.set("Portal.New", sensitive=True, from_env="PORTAL_DB_PASSWORD"))
    assert "$PORTAL_DB_PASSWORD is not set: it must hold the value of the sensitive " in str(
        raised.value
    )
    assert writes(octo) == []


# -- targets created in the same plan ----------------------------------------------------


def test_a_target_the_plan_creates_is_scoped_by_reference(octo, monkeypatch) -> None:
    monkeypatch.setenv("INSTANCE_KEY", KEY)
    target = octo.targets.ensure(
        "octopus-test", Endpoint.cloud_region(), roles=["octopus-instance"], environments=["Test"]
    )
    statement = octo.variables.library("Customer Settings").set(
        "Instance.Url", "https://test.octopus.example.com", scope={"targets": [target]}
    )

    plan = octo.plan(target, statement)

    create, update = plan.operations
    assert update.depends_on == (create.key,) == ("Target/new:octopus-test",)
    assert update.intents[0].summary.endswith("[target octopus-test (new)]")
    assert octo.apply(plan).succeeded
    created = next(
        m for m in api_for(octo.sandbox).get(f"{SPACE}/machines/all") if m["Name"] == "octopus-test"
    )
    (url,) = named(octo, "Instance.Url", "variableset-LibraryVariableSets-1")
    assert url["Scope"] == {"Machine": [created["Id"]]}
    again = octo.plan(target, statement)
    assert again.is_empty and not again.operations
