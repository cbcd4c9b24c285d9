"""``octoflow undo JOURNAL``: every recipe family taken back exactly, checked through the API;
fields changed since are refused (naming who); an undo of an undo is the original change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.support import TEST_KEY, writes

SPACE = "/api/Spaces-1"
TESTS = Path(__file__).parents[1]
STEP_TEMPLATE = TESTS / "plugins" / "processes" / "data" / "notify-slack.json.j2"
#: Fields the server sets on every write: never part of "the same state".
SERVER_SET = ("LastModifiedOn", "LastModifiedBy", "Links")
EU_PORTAL = ("tenants-add-project", "-p", "tag=Region/EU", "-p", "project=Customer Portal")


def snapshot(api, collection: str) -> dict[str, dict[str, Any]]:
    documents = api.get(f"{SPACE}/{collection}/all")
    return {d["Id"]: {k: v for k, v in d.items() if k not in SERVER_SET} for d in documents}


def processes(api) -> dict[str, Any]:
    projects = api.get(f"{SPACE}/projects/all")
    return {
        p["Id"]: api.get(f"{SPACE}/deploymentprocesses/{p['DeploymentProcessId']}")["Steps"]
        for p in projects
        if not p.get("IsVersionControlled")
    }


def apply_with_journal(cli, tmp_path: Path, name: str, *args: str) -> Path:
    journal = tmp_path / f"{name}.jsonl"
    code, _out, err = cli("apply", *args, "--yes", "--allow-wide", "--journal", str(journal))
    assert code == 0, err
    return journal


def undo(cli, journal: Path, *extra: str) -> tuple[int, str, str, Path]:
    own = journal.with_name(journal.stem + "-undo.jsonl")
    code, out, err = cli("undo", str(journal), "--yes", "--journal", str(own), *extra)
    return code, out, err, own


def test_undo_returns_every_tenant_to_exactly_its_state_and_again_plans_nothing(
    server, server_api, cli, tmp_path
) -> None:
    sandbox, _srv = server
    before = snapshot(server_api, "tenants")
    journal = apply_with_journal(cli, tmp_path, "eu", *EU_PORTAL)
    changed = [k for k, t in snapshot(server_api, "tenants").items() if t != before[k]]
    assert len(changed) == 400

    code, out, err, _own = undo(cli, journal)

    assert code == 0, err
    assert "Plan: 0 to add, 400 to change, 0 to delete." in out
    assert snapshot(server_api, "tenants") == before
    sandbox.clear_requests()
    code, out, err, _own = undo(cli, journal)
    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out
    assert "Nothing to undo" in err
    assert writes(sandbox) == []


def test_an_undo_of_the_undo_is_the_original_change(server_api, cli, tmp_path) -> None:
    journal = apply_with_journal(cli, tmp_path, "eu", *EU_PORTAL)
    applied = snapshot(server_api, "tenants")
    code, _out, err, own = undo(cli, journal)
    assert code == 0, err

    code, out, err, _again = undo(cli, own)

    assert code == 0, err
    assert "400 to change" in out
    assert snapshot(server_api, "tenants") == applied


def test_targets_update_is_taken_back_field_by_field(server_api, cli, tmp_path) -> None:
    before = snapshot(server_api, "machines")
    journal = apply_with_journal(
        cli,
        tmp_path,
        "targets",
        "targets-update",
        "-p",
        "role=web",
        "-p",
        "add_roles=edge",
        "-p",
        "add_environments=Staging",
        "-p",
        "remove_environments=Test",
    )
    after = snapshot(server_api, "machines")
    assert after != before

    code, _out, err, _own = undo(cli, journal)

    assert code == 0, err
    assert snapshot(server_api, "machines") == before


def test_a_step_edited_since_is_refused_naming_who_and_the_rest_is_undone(
    server_api, cli, tmp_path
) -> None:
    before = processes(server_api)
    journal = apply_with_journal(
        cli,
        tmp_path,
        "steps",
        "projects-add-step",
        "-p",
        "group=Apps",
        "-p",
        f"step={STEP_TEMPLATE}",
        "-p",
        "after=Deploy",
        "-p",
        "new_branch=octoflow/review",
        "-p",
        "only_protected=true",
    )
    added = {pid: steps for pid, steps in processes(server_api).items() if steps != before[pid]}
    edited_id = sorted(added)[0]
    project = server_api.get(f"{SPACE}/projects/{edited_id}")
    process = server_api.get(f"{SPACE}/deploymentprocesses/{project['DeploymentProcessId']}")
    notify = next(s for s in process["Steps"] if s["Name"] == "Notify Slack")
    notify["Condition"] = "Failure"  # someone edits the new step by hand
    server_api.put(f"{SPACE}/deploymentprocesses/{process['Id']}", process)
    edited = processes(server_api)[edited_id]

    code, out, err, _own = undo(cli, journal)

    assert code == 1
    assert f"{len(added) - 1} to change" in out
    refusal = next(line for line in out.splitlines() if "not undone" in line)
    assert f"Steps.{notify['Id']}: changed since the apply" in refusal
    assert "last changed by" in refusal
    assert "1 change(s) were not undone" in err
    now = processes(server_api)
    assert now[edited_id] == edited
    assert {pid: now[pid] for pid in now if pid != edited_id} == {
        pid: before[pid] for pid in before if pid != edited_id
    }


def test_a_team_and_users_the_apply_created_are_deleted_again(server_api, cli, tmp_path) -> None:
    teams_before = {t["Name"] for t in server_api.get("/api/teams/all")}
    users_before = {u["Username"] for u in server_api.get("/api/users/all")}
    people = Path(__file__).parents[2] / "docs" / "examples" / "people.csv"
    journal = apply_with_journal(
        cli,
        tmp_path,
        "team",
        "team-add-members",
        "-p",
        "team=Night Shift",
        "-p",
        f"users_csv={people}",
        "-p",
        f"passwords_out={tmp_path / 'passwords.csv'}",
    )
    assert "Night Shift" in {t["Name"] for t in server_api.get("/api/teams/all")}

    code, out, err, _own = undo(cli, journal)

    assert code == 0, err
    assert "4 to delete" in out  # three new users and the team; aisha.costa existed
    assert {t["Name"] for t in server_api.get("/api/teams/all")} == teams_before
    assert {u["Username"] for u in server_api.get("/api/users/all")} == users_before


def test_variables_set_and_removed_are_restored_exactly(octo, tmp_path) -> None:
    portal = octo.variables.project("Customer Portal")
    set_id = octo.client.get("/api/Spaces-1/projects/Projects-1")["VariableSetId"]
    before = octo.client.get(f"/api/Spaces-1/variables/{set_id}")["Variables"]
    plan = octo.plan(
        portal.set("Portal.LogLevel", "Warning"),
        portal.set("Portal.Region", "eu-west-1", scope={"environments": ["Test"]}),
        portal.remove("Portal.CacheSizeMb", scope={"roles": "web"}),
    )
    journal = tmp_path / "vars.jsonl"
    assert octo.apply(plan, journal=journal).succeeded

    undone = octo.plan_undo(journal)
    assert undone.refused == () and len(undone.plan.operations) == 1
    assert octo.apply(undone.plan).succeeded

    after = octo.client.get(f"/api/Spaces-1/variables/{set_id}")["Variables"]
    assert sorted(after, key=lambda v: v["Id"]) == sorted(before, key=lambda v: v["Id"])


def test_a_deleted_team_is_created_again_with_its_members_and_roles(octo, tmp_path) -> None:
    team = next(t for t in octo.client.get("/api/teams/all") if t["Name"] == "Release Managers")
    journal = tmp_path / "delete.jsonl"
    deletion = octo.plan(octo.teams.where(name="Release Managers").delete())
    assert octo.apply(deletion, journal=journal).succeeded

    undone = octo.plan_undo(journal)
    assert [op.action for op in undone.plan.operations] == ["create"]
    assert octo.apply(undone.plan).succeeded

    again = next(t for t in octo.client.get("/api/teams/all") if t["Name"] == "Release Managers")
    assert again["Id"] != team["Id"]
    kept = ("Name", "MemberUserIds", "ExternalSecurityGroups", "Description", "SpaceId")
    assert {k: again.get(k) for k in kept} == {k: team.get(k) for k in kept}


def test_the_journal_records_fields_never_secrets_and_undo_shows_no_key(
    server_api, cli, tmp_path, monkeypatch
) -> None:
    journal = apply_with_journal(cli, tmp_path, "eu", *EU_PORTAL)
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    update = next(e for e in events if e["event"] == "operation")
    assert update["changes"][0]["path"][0] == "ProjectEnvironments"
    assert update["changes"][0]["absent"] == "before"

    code, out, err, own = undo(cli, journal, "--verbose")

    assert code == 0, err
    for text in (out, err, journal.read_text(), own.read_text()):
        assert TEST_KEY not in text


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (None, "cannot read the journal"),
        ("not json\n", "not a journal line"),
        ('{"event": "operation"}\n', "not an apply's journal"),
    ],
    ids=["missing", "not-json", "no-apply"],
)
def test_a_file_that_is_not_a_journal_exits_2_and_writes_nothing(
    server, cli, tmp_path, content, said
) -> None:
    sandbox, _srv = server
    path = tmp_path / "journal.jsonl"
    if content is not None:
        path.write_text(content)

    code, _out, err = cli("undo", str(path), "--yes")

    assert code == 2
    assert said in err
    assert writes(sandbox) == []


def test_a_journal_of_another_server_is_refused(server, cli, tmp_path) -> None:
    sandbox, _srv = server
    journal = apply_with_journal(cli, tmp_path, "eu", *EU_PORTAL)
    sandbox.clear_requests()
    moved = tmp_path / "moved.jsonl"
    moved.write_text(journal.read_text().replace('"server": "http://', '"server": "http://x'))

    code, _out, err = cli("undo", str(moved), "--yes")

    assert code == 2
    assert "undo it against the server it changed" in err
    assert writes(sandbox) == []


def test_actions_are_listed_as_not_undoable(octo, tmp_path) -> None:
    journal = tmp_path / "runs.jsonl"
    restart = octo.runbooks.run("Ember Web", "Restart App Pool", environments="Test")
    assert octo.apply(octo.plan(restart), journal=journal).succeeded

    undone = octo.plan_undo(journal)

    assert undone.plan.is_empty
    assert len(undone.not_undoable) == 1
    assert "was an action" in undone.not_undoable[0]
    assert undone.not_undoable[0] in undone.plan.notes


def test_a_created_document_someone_changed_since_is_not_deleted(octo, tmp_path) -> None:
    journal = tmp_path / "create.jsonl"
    plan = octo.plan(octo.teams.ensure("Night Shift", description="on call"))
    assert octo.apply(plan, journal=journal).succeeded
    team = next(t for t in octo.client.get("/api/teams/all") if t["Name"] == "Night Shift")
    octo.client.request("PUT", f"/api/teams/{team['Id']}", json={**team, "Description": "x"})

    undone = octo.plan_undo(journal)

    assert undone.plan.is_empty
    [refusal] = undone.refused
    assert refusal.startswith(
        f"not undone: Team 'Night Shift' ({team['Id']}) changed since the apply created it "
        "(Description) (last changed by "
    )
    assert any(t["Name"] == "Night Shift" for t in octo.client.get("/api/teams/all"))


def feed(api, name: str) -> dict[str, Any] | None:
    return next((f for f in api.get(f"{SPACE}/feeds/all") if f["Name"] == name), None)


def test_a_deleted_feed_without_a_password_is_created_again(server_api, cli, tmp_path) -> None:
    before = feed(server_api, "NuGet.org")
    journal = tmp_path / "delete.jsonl"
    args = ("resources-delete", "-p", "collection=Feeds", "-p", "where=NuGet.org")
    code, _out, err = cli("apply", *args, "--yes", "--journal", str(journal))
    assert code == 0, err

    code, out, err, _own = undo(cli, journal)

    assert code == 0, err
    assert "1 to add" in out
    again = feed(server_api, "NuGet.org")
    kept = ("FeedType", "FeedUri", "Password", "Username")
    assert {k: again.get(k) for k in kept} == {k: before.get(k) for k in kept}


def test_a_deleted_feed_whose_password_was_set_is_not_created_without_it(
    server_api, cli, tmp_path
) -> None:
    docker = feed(server_api, "Docker Hub")
    docker["Password"] = {"HasValue": True, "NewValue": "s3cret-feed-password"}
    server_api.put(f"{SPACE}/feeds/{docker['Id']}", docker)
    journal = tmp_path / "delete.jsonl"
    args = ("resources-delete", "-p", "collection=Feeds", "-p", "where=Docker Hub")
    code, _out, err = cli("apply", *args, "--yes", "--journal", str(journal))
    assert code == 0, err

    code, out, err, _own = undo(cli, journal)

    assert code == 1
    assert "cannot be created again: it held a sensitive value" in out
    assert "1 change(s) were not undone" in err and "Nothing to undo" not in err
    assert feed(server_api, "Docker Hub") is None
    assert "s3cret-feed-password" not in journal.read_text() + out + err
