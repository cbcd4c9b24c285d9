"""The users and teams DSL against the demo sandbox: criteria, verbs and idempotency."""

from __future__ import annotations

import csv

import pytest

from octoflow import Octoflow, PlanError
from octoflow.errors import UsageError
from octoflow.testing import without_audit
from tests.e2e.support import api_for


@pytest.fixture(scope="module")
def octo() -> Octoflow:
    """A demo sandbox shared by the read-only tests of this module."""
    return Octoflow.with_sandbox("demo")


@pytest.fixture
def fresh() -> Octoflow:
    return Octoflow.with_sandbox("demo")


def users(octo: Octoflow) -> list[dict]:
    return api_for(octo.sandbox).get("/api/users/all")


def team(octo: Octoflow, name: str) -> dict:
    return next(t for t in api_for(octo.sandbox).get("/api/teams/all") if t["Name"] == name)


def selected(octo: Octoflow, selection) -> set[str]:
    """Usernames a selection picks, read off the plan of ``deactivate``."""
    plan = octo.plan(selection.deactivate())
    return {op.name for op in plan.operations} | {u.name for u in plan.unchanged}


def test_user_criteria(octo) -> None:
    everyone = users(octo)
    by_name = {u["Username"]: u for u in everyone}
    some = sorted(by_name)[5:7]
    assert selected(octo, octo.users.where(username=[s.upper() for s in some])) == set(some)
    email = by_name[some[0]]["EmailAddress"]
    assert selected(octo, octo.users.where(email=email)) == {some[0]}
    display = by_name[some[1]]["DisplayName"]
    assert selected(octo, octo.users.where(display_name=display.lower())) == {some[1]}
    assert selected(octo, octo.users.where(partial_name="SVC-")) == {
        "svc-build", "svc-deploy", "svc-monitoring"
    }  # fmt: skip
    inactive = {u["Username"] for u in everyone if not u["IsActive"]}
    assert len(inactive) == 2 and selected(octo, octo.users.where(is_active=False)) == inactive
    people = octo.users.where(is_service=False).where(lambda u: u.username.startswith("a"))
    assert selected(octo, people) == {
        u["Username"] for u in everyone if not u["IsService"] and u["Username"].startswith("a")
    }


def test_team_criterion(octo) -> None:
    developers = team(octo, "Developers")
    names = {u["Username"] for u in users(octo) if u["Id"] in developers["MemberUserIds"]}
    assert len(names) == 20
    assert selected(octo, octo.users.where(team="developers")) == names
    assert len(selected(octo, octo.users.where(team="Everyone"))) == 50


def test_bad_names_are_plan_problems_with_close_matches(octo) -> None:
    with pytest.raises(PlanError) as raised:
        octo.plan(
            octo.users.where(team="Developer").deactivate(),
            octo.teams.where(name="Release Manager").add_members(["aisha.costa", "aisha.costs"]),
        )
    text = str(raised.value)
    assert "unknown team 'Developer': did you mean 'Developers'?" in text
    assert "unknown team 'Release Manager': did you mean 'Release Managers'" in text
    assert "unknown user 'aisha.costs': did you mean 'aisha.costa'?" in text


def test_a_misspelt_keyword_fails_at_the_call_site(octo) -> None:
    with pytest.raises(UsageError, match="did you mean 'username'"):
        octo.users.where(user_name="x")
    with pytest.raises(UsageError, match="did you mean 'environments'"):
        octo.teams.where(name="Developers").grant("Project viewer", environment="Test")
    with pytest.raises(UsageError, match="the email is empty"):
        octo.users.ensure("nobody", display_name="No Body")


def test_deactivate_and_activate_are_idempotent(fresh) -> None:
    services = fresh.users.where(is_service=True)
    plan = fresh.plan(services.deactivate())
    assert plan.summary == {"add": 0, "change": 3, "delete": 0, "run": 0}
    fresh.apply(plan)
    assert fresh.plan(services.deactivate()).is_empty
    assert not any(u["IsActive"] for u in users(fresh) if u["IsService"])
    assert fresh.plan(services.activate()).summary["change"] == 3


def test_adding_and_removing_team_members(fresh) -> None:
    testers = fresh.users.where(team="Testers")
    plan = fresh.plan(testers.add_to_team("Release Managers"))
    assert [(op.kind, op.name) for op in plan.operations] == [("Team", "Release Managers")]
    fresh.apply(plan)
    assert set(team(fresh, "Release Managers")["MemberUserIds"]) == set(
        team(fresh, "Testers")["MemberUserIds"]
    )
    assert fresh.plan(testers.add_to_team("Release Managers")).is_empty
    fresh.apply(fresh.plan(fresh.teams.where(name="Release Managers").remove_members(testers)))
    assert team(fresh, "Release Managers")["MemberUserIds"] == []
    with pytest.raises(PlanError, match="the members of team 'Everyone' cannot be changed"):
        fresh.plan(fresh.teams.where(name="Everyone").add_members("aisha.costa"))


def test_deleting_users_never_deletes_the_keys_own_user(fresh) -> None:
    with pytest.raises(PlanError, match="'admin', the user of this API key"):
        fresh.plan(fresh.users.where(partial_name="admin").delete())
    plan = fresh.plan(fresh.users.where(is_service=True).delete())
    assert plan.summary == {"add": 0, "change": 0, "delete": 3, "run": 0}
    assert fresh.apply(plan).succeeded
    assert len(users(fresh)) == 47


def test_ensure_updates_existing_users_and_creates_missing_ones(fresh, tmp_path) -> None:
    passwords = tmp_path / "passwords.csv"
    rows = [
        {"username": "aisha.costa", "display_name": "Aisha C.", "email": "aisha@example.org"},
        {"username": "zoe.new", "display_name": "Zoe New", "email": "zoe@example.com"},
        {"username": "svc-backup", "display_name": "Backups", "is_service": True},
    ]
    ensure = fresh.users.ensure_many(rows, passwords_out=passwords)
    plan = fresh.plan(ensure)
    assert plan.summary == {"add": 2, "change": 1, "delete": 0, "run": 0}
    assert any(str(passwords) in note and "1 new user(s)" in note for note in plan.notes)
    report = fresh.apply(plan)
    assert report.succeeded
    by_name = {u["Username"]: u for u in users(fresh)}
    assert by_name["aisha.costa"]["DisplayName"] == "Aisha C."
    assert by_name["svc-backup"]["IsService"] and not by_name["svc-backup"]["CanPasswordBeEdited"]
    with passwords.open() as handle:
        assert [row["username"] for row in csv.DictReader(handle)] == ["zoe.new"]
    assert fresh.plan(ensure).is_empty


def test_missing_users_without_create_are_problems(octo) -> None:
    rows = [{"username": "zoe.new", "display_name": "Zoe", "email": "zoe@example.com"}]
    with pytest.raises(PlanError, match="unknown user 'zoe.new'.*create_missing is off"):
        octo.plan(octo.teams.ensure("Ops").add_members(octo.users.ensure_many(rows, create=False)))
    plan = octo.plan(octo.users.ensure_many(rows))  # planning needs no passwords_out
    assert any("1 new user(s) need an initial password: apply needs" in n for n in plan.notes)
    with pytest.raises(UsageError, match="names no passwords_out file"):
        octo.apply(plan)
    assert "zoe.new" not in [u["Username"] for u in users(octo)]


def test_a_new_team_gets_new_members_and_roles_in_one_apply(fresh, tmp_path) -> None:
    rows = [
        {"username": f"new{n}", "display_name": f"New {n}", "email": f"new{n}@example.com"}
        for n in range(3)
    ]
    statement = (
        fresh.teams.ensure("Auditors", description="Read-only people")
        .add_members(fresh.users.ensure_many(rows, passwords_out=tmp_path / "pw.csv"))
        .add_members("aisha.costa")
        .grant("Project viewer")
        .grant("Environment viewer", environments=["Production"])
    )
    fresh.sandbox.clear_requests()
    plan = fresh.plan(statement)
    assert [r.path for r in fresh.sandbox.requests] == [
        "/api", "/api/spaces/all", "/api/Spaces-1/teams/all", "/api/users/all",
        "/api/userroles/all", "/api/Spaces-1/environments/all",
    ]  # fmt: skip
    assert plan.summary == {"add": 6, "change": 0, "delete": 0, "run": 0}
    fresh.sandbox.clear_requests()
    report = fresh.apply(plan)
    # six creates, then three questions to the audit log about them
    assert report.succeeded and report.requests == 6 + 3
    assert [r.method for r in without_audit(fresh.sandbox.requests)] == ["POST"] * 6
    auditors = team(fresh, "Auditors")
    by_id = {u["Id"]: u["Username"] for u in users(fresh)}
    assert sorted(by_id[i] for i in auditors["MemberUserIds"]) == [
        "aisha.costa", "new0", "new1", "new2"
    ]  # fmt: skip
    roles = api_for(fresh.sandbox).get(f"/api/teams/{auditors['Id']}/scopeduserroles")["Items"]
    assert sorted((r["UserRoleId"], tuple(r["EnvironmentIds"])) for r in roles) == [
        ("userroles-environmentviewer", ("Environments-4",)),
        ("userroles-projectviewer", ()),
    ]
    assert fresh.plan(statement).is_empty


def test_grant_widens_and_revoke_narrows(fresh) -> None:
    developers = fresh.teams.where(name="Developers")
    widen = developers.grant("Project deployer", environments="Staging")
    plan = fresh.plan(widen)
    assert [c.after for op in plan.operations for c in op.changes] == [
        ["Environments-1", "Environments-2", "Environments-3"]
    ]
    fresh.apply(plan)
    assert fresh.plan(widen).is_empty
    assert fresh.plan(developers.grant("Project deployer", environments="Test")).is_empty
    fresh.apply(fresh.plan(developers.revoke("Project deployer", environments=["Test", "Staging"])))
    deployer = _roles(fresh, "Developers")["userroles-projectdeployer"]
    assert deployer["EnvironmentIds"] == ["Environments-1"]
    last = fresh.plan(developers.revoke("Project deployer", environments="Development"))
    assert [op.action for op in last.operations] == ["delete"]
    with pytest.raises(PlanError, match="has 'Project contributor' in every environment"):
        fresh.plan(developers.revoke("Project contributor", environments="Test"))
    fresh.apply(fresh.plan(developers.revoke("Project contributor")))
    assert set(_roles(fresh, "Developers")) == {"userroles-projectdeployer"}


def test_roles_that_cannot_be_granted(octo) -> None:
    developers = octo.teams.where(name="Developers")
    cases = [
        (developers.grant("System administrator"), "only system teams can have"),
        (developers.grant("Package publisher", tenants="Acme Cargo Ltd"),
         "cannot be restricted to tenants"),
        (developers.grant("Project deployr", environments="Prod"),
         "did you mean 'Project deployer'"),
        (octo.teams.where(name="Octopus Managers").grant("Project viewer"),
         "the roles of the built-in team 'Octopus Managers' cannot be changed"),
    ]  # fmt: skip
    for statement, expected in cases:
        with pytest.raises(PlanError, match=expected):
            octo.plan(statement)


def test_deleting_teams_refuses_built_in_ones(fresh) -> None:
    with pytest.raises(PlanError, match="team 'Everyone' is built in and cannot be deleted"):
        fresh.plan(fresh.teams.where(is_system=True).delete())
    plan = fresh.plan(fresh.teams.where(name=["Testers", "Operations"]).delete())
    assert sorted(op.name for op in plan.operations) == ["Operations", "Testers"]
    assert fresh.apply(plan).succeeded
    left = api_for(fresh.sandbox).get("/api/scopeduserroles/all")
    assert not [r for r in left if r["TeamId"] in ("Teams-2", "Teams-3")]


def _roles(octo: Octoflow, team_name: str) -> dict[str, dict]:
    team_id = team(octo, team_name)["Id"]
    items = api_for(octo.sandbox).get(f"/api/teams/{team_id}/scopeduserroles")["Items"]
    return {r["UserRoleId"]: r for r in items}


def test_passwords_of_users_the_server_refused_are_dropped(fresh, tmp_path) -> None:
    passwords = tmp_path / "pw.csv"
    rows = [
        {"username": "ok.user", "display_name": "Ok", "email": "ok@example.com"},
        {"username": "system", "display_name": "Reserved", "email": "sys@example.com"},
    ]
    statement = fresh.teams.ensure("Newcomers").add_members(
        fresh.users.ensure_many(rows, passwords_out=passwords)
    )
    plan = fresh.plan(statement)
    assert "Password" not in plan.dumps()
    report = fresh.apply(plan)
    outcomes = {r.name: (r.outcome, r.detail) for r in report.results}
    assert outcomes["ok.user"][0] == "changed"
    assert outcomes["system"][0] == "failed" and "Username is reserved" in outcomes["system"][1]
    assert outcomes["Newcomers"][0] == "skipped"
    assert passwords.stat().st_mode & 0o777 == 0o600
    with passwords.open() as handle:
        assert [row["username"] for row in csv.DictReader(handle)] == ["ok.user"]


def test_a_system_team_can_have_system_roles(fresh) -> None:
    statement = fresh.teams.ensure("Security", system=True).add_members("svc-monitoring")
    statement = statement.grant("System manager").grant("Project viewer")
    assert fresh.apply(fresh.plan(statement)).succeeded
    security = team(fresh, "Security")
    assert security["SpaceId"] is None
    levels = {r: s["SpaceId"] for r, s in _roles(fresh, "Security").items()}
    assert levels == {"userroles-systemmanager": None, "userroles-projectviewer": "Spaces-1"}
    assert fresh.plan(statement).is_empty
