"""``team-add-members`` end to end through the CLI, against the demo sandbox over HTTP."""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

from tests.e2e.support import TEST_KEY, run_cli_process, writes

TEAM = "Release Managers"
#: Demo users the CSV lists besides the new ones (already exist; one gets a new name).
EXISTING = [("aisha.costa", "Aisha Costa-Lind", "aisha.costa@example.com")]


def people_csv(path: Path, new_people: int = 37, services: int = 2) -> list[str]:
    """A 40-row users CSV: new people, new service accounts and an existing user."""
    rows = [(f"person.{n:02d}", f"Person {n:02d}", f"person.{n:02d}@example.com")
            for n in range(new_people)]  # fmt: skip
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["username", "display_name", "email", "is_service"])
        writer.writerows([(*row, "false") for row in rows + EXISTING])
        writer.writerows((f"svc-robot-{n}", f"Robot {n}", "", "true") for n in range(services))
    return [r[0] for r in rows + EXISTING] + [f"svc-robot-{n}" for n in range(services)]


def add_members(csv_path: Path, passwords: Path, *extra: str) -> tuple[str, ...]:
    return ("team-add-members", "-p", f"team={TEAM}", "-p", f"users_csv={csv_path}",
            "-p", f"passwords_out={passwords}", *extra)  # fmt: skip


def passwords_in(path: Path) -> dict[str, str]:
    with path.open(newline="") as handle:
        return {row["username"]: row["password"] for row in csv.DictReader(handle)}


def test_the_team_gets_exactly_the_listed_users(server, server_api, cli, tmp_path) -> None:
    usernames = people_csv(tmp_path / "people.csv")
    passwords = tmp_path / "passwords.csv"

    code, out, err = cli("apply", *add_members(tmp_path / "people.csv", passwords), "--yes")

    assert code == 0, err
    assert "Plan: 39 to add, 2 to change, 0 to delete." in out
    assert "Apply complete: 41 changed, 0 ok, 0 failed, 0 skipped" in out
    team = next(t for t in server_api.get("/api/teams/all") if t["Name"] == TEAM)
    by_id = {u["Id"]: u for u in server_api.get("/api/users/all")}
    assert sorted(by_id[i]["Username"] for i in team["MemberUserIds"]) == sorted(usernames)
    for username in usernames:
        listed = server_api.get("/api/users", filter=username)["Items"]
        assert username in [u["Username"] for u in listed]
    assert (
        by_id[next(i for i in by_id if by_id[i]["Username"] == "aisha.costa")]["DisplayName"]
        == "Aisha Costa-Lind"
    )
    assert passwords.stat().st_mode & 0o777 == 0o600
    assert passwords.read_text().splitlines()[0] == "username,password"
    written = passwords_in(passwords)
    assert sorted(written) == sorted(u for u in usernames if u.startswith("person."))
    session = server_api.session
    for username, password in written.items():
        body = {"Username": username, "Password": password}
        assert session.post(server_api.base + "/api/users/login", json=body).status_code == 200


def test_a_second_run_plans_zero_changes(server, cli, tmp_path) -> None:
    sandbox, _srv = server
    people_csv(tmp_path / "people.csv")
    passwords = tmp_path / "passwords.csv"
    cli("apply", *add_members(tmp_path / "people.csv", passwords), "--yes")
    before, writes_before = passwords.read_text(), len(writes(sandbox))

    code, out, err = cli("apply", *add_members(tmp_path / "people.csv", passwords), "--yes")

    assert code == 0, err
    assert "Plan: 0 to add, 0 to change, 0 to delete." in out
    assert "Nothing to do" in err
    assert passwords.read_text() == before
    assert len(writes(sandbox)) == writes_before


def test_no_password_appears_anywhere_but_its_file(server, cli, tmp_path, caplog) -> None:
    sandbox, _srv = server
    caplog.set_level(logging.DEBUG)
    people_csv(tmp_path / "people.csv", new_people=5, services=1)
    passwords = tmp_path / "secret" / "passwords.csv"
    passwords.parent.mkdir()
    plan_file, report, journal = tmp_path / "plan.json", tmp_path / "r.json", tmp_path / "j.jsonl"
    recipe = add_members(tmp_path / "people.csv", passwords)

    outputs = [
        cli("plan", *recipe, "-v", "--out", str(plan_file)),
        cli("apply", *recipe, "-v", "--yes", "--format", "json", "--out", str(report),
            "--journal", str(journal)),
    ]  # fmt: skip

    assert [code for code, _, _ in outputs] == [0, 0]
    secrets = passwords_in(passwords).values()
    assert len(secrets) == 5
    texts = [out + err for _, out, err in outputs]
    texts += [p.read_text() for p in (plan_file, report, journal)]
    texts += [r.getMessage() for r in caplog.records]
    texts += [json.dumps(sandbox.dump()), json.dumps([r._asdict() for r in sandbox.requests])]
    assert not [t for t in texts if any(s in t for s in secrets)]
    assert '"event": "secret-files"' in journal.read_text()
    assert str(passwords) in plan_file.read_text()  # where they go is no secret


def test_a_saved_plan_makes_its_passwords_when_applied(server, server_api, cli, tmp_path) -> None:
    people_csv(tmp_path / "people.csv", new_people=3, services=0)
    passwords, plan_file = tmp_path / "passwords.csv", tmp_path / "plan.json"
    cli("plan", *add_members(tmp_path / "people.csv", passwords), "--out", str(plan_file))
    assert not passwords.exists()

    code, out, err = cli("apply", str(plan_file), "--yes")

    assert code == 0, err
    assert sorted(passwords_in(passwords)) == ["person.00", "person.01", "person.02"]


def test_done_when_against_a_served_sandbox(server, server_api, tmp_path) -> None:
    """The issue's acceptance path: ``octoflow`` as its own process, over HTTP."""
    sandbox, srv = server
    usernames = people_csv(tmp_path / "people.csv")
    env = {"OCTOPUS_URL": srv.url, "OCTOPUS_API_KEY": TEST_KEY, "OCTOFLOW_HOME": "home"}
    recipe = add_members(tmp_path / "people.csv", tmp_path / "pw.csv")

    first = run_cli_process("apply", *recipe, "--yes", env=env, cwd=tmp_path)
    second = run_cli_process("apply", *recipe, "--yes", env=env, cwd=tmp_path)

    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "Plan: 0 to add, 0 to change, 0 to delete." in second.stdout
    team = next(t for t in server_api.get("/api/teams/all") if t["Name"] == TEAM)
    assert len(team["MemberUserIds"]) == len(usernames) == 40
    secrets = passwords_in(tmp_path / "pw.csv").values()
    outputs = first.stdout + first.stderr + second.stdout + second.stderr
    assert secrets and not any(s in outputs for s in secrets)
    assert TEST_KEY not in outputs
    assert len(writes(sandbox)) == 39 + 2  # new users, then aisha.costa's name and the team
