"""The ``passwords_out`` file of ``team-add-members`` holds a row only for a user that exists,
with the password that took effect, even when apply is killed; a re-run completes it.

Each password is checked the way a person would use it: ``POST /api/users/login``.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.e2e.support import TEST_KEY, writes
from tests.plugins.users.test_recipes import add_members, people_csv

PEOPLE = 37  # people_csv's default: 37 new people, 2 service accounts, 1 existing user


def rows_of(path: Path) -> list[tuple[str, str]]:
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == ["username", "password"]
        return [(row[0], row[1]) for row in reader]


def logs_in(api, username: str, password: str) -> bool:
    body = {"Username": username, "Password": password}
    return api.session.post(api.base + "/api/users/login", json=body).status_code == 200


def people_on(api) -> set[str]:
    return {u["Username"] for u in api.get("/api/users/all") if u["Username"].startswith("person.")}


def user_posts(sandbox) -> int:
    return sum(1 for r in writes(sandbox) if r.method == "POST" and r.path == "/api/users")


def pending(passwords: Path) -> list[Path]:
    return sorted(passwords.parent.glob(passwords.name + ".pending-*"))


def wait_until_quiet(sandbox, seconds: float = 1.0) -> None:
    """Until the server has finished what was in flight (no new request for ``seconds``)."""
    seen = -1
    while seen != len(sandbox.requests):
        seen = len(sandbox.requests)
        time.sleep(seconds)


def test_a_killed_apply_leaves_only_passwords_that_work_and_a_rerun_completes_them(
    server, server_api, cli, tmp_path
) -> None:
    sandbox, srv = server
    people_csv(tmp_path / "people.csv")
    passwords = tmp_path / "passwords.csv"
    sandbox.settings.latency_ms = 200
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("OCTOPUS_")},
        "OCTOPUS_URL": srv.url,
        "OCTOPUS_API_KEY": TEST_KEY,
        "OCTOFLOW_HOME": str(tmp_path / "home"),
    }
    args = ["apply", *add_members(tmp_path / "people.csv", passwords), "--yes"]
    with (tmp_path / "out.txt").open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "octoflow.cli", *args, "--concurrency", "4"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while user_posts(sandbox) < 8 and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    wait_until_quiet(sandbox)  # creations in flight when it died still happen

    created = people_on(server_api)
    written = dict(rows_of(passwords))
    assert passwords.stat().st_mode & 0o777 == 0o600
    assert 8 <= len(created) < PEOPLE
    assert set(written) <= created  # no row for a user that was never created
    assert all(logs_in(server_api, u, p) for u, p in written.items())
    [left] = pending(passwords)  # the passwords in flight when it died are only here
    assert left.stat().st_mode & 0o777 == 0o600
    in_flight = {u: p for u, p in rows_of(left) if u in created and u not in written}
    assert in_flight and set(in_flight) == created - set(written)
    assert all(logs_in(server_api, u, p) for u, p in in_flight.items())

    sandbox.settings.latency_ms = 0
    code, out, err = cli(*args)

    assert code == 0, err
    assert f"add the initial passwords of {len(in_flight)} user(s) an interrupted apply" in out
    final = rows_of(passwords)
    assert (
        sorted(u for u, _ in final)
        == sorted(people_on(server_api))
        == sorted(f"person.{n:02d}" for n in range(PEOPLE))
    )  # every person exactly once
    assert all(logs_in(server_api, u, p) for u, p in final)
    assert dict(final).items() >= written.items()  # the first run's rows are kept as they were
    assert pending(passwords) == []
    assert cli(*args)[1].count("Plan: 0 to add, 0 to change, 0 to delete.") == 1


def test_a_creation_without_an_answer_stays_pending_until_a_rerun(
    server, server_api, cli, tmp_path, caplog
) -> None:
    sandbox, _srv = server
    people_csv(tmp_path / "people.csv", new_people=3, services=0)
    passwords = tmp_path / "passwords.csv"
    args = ["apply", *add_members(tmp_path / "people.csv", passwords), "--yes"]
    sandbox.settings.add_fault(
        {"drop_connection": True, "method": "POST", "path_contains": "users"}
    )

    code, _out, err = cli(*args, "--concurrency", "1")

    assert code == 1, err
    warning = "1 secret row(s) of creations that got no answer (they may exist) are kept in"
    assert warning in caplog.text
    written = rows_of(passwords)
    assert len(written) == 2 and all(logs_in(server_api, u, p) for u, p in written)
    [left] = pending(passwords)
    [(lost, _)] = [(u, p) for u, p in rows_of(left) if u not in dict(written)]
    assert lost not in people_on(server_api)  # the sandbox hung up before creating it

    code, out, err = cli(*args)

    assert code == 0, err
    assert "add the initial passwords of 0 user(s)" in out and "drop 1 of users it did not" in out
    final = rows_of(passwords)
    assert sorted(u for u, _ in final) == sorted(people_on(server_api))
    assert all(logs_in(server_api, u, p) for u, p in final) and pending(passwords) == []


def test_plan_without_passwords_out_notes_it_and_apply_refuses(server, cli, tmp_path) -> None:
    sandbox, _srv = server
    people_csv(tmp_path / "people.csv", new_people=2, services=1)
    recipe = ("team-add-members", "-p", "team=Ops", "-p", f"users_csv={tmp_path / 'people.csv'}")

    code, out, err = cli("plan", *recipe)

    assert code == 0, err
    assert "2 new user(s) need an initial password: apply needs passwords_out" in out + err
    assert "Plan: 4 to add" in out
    code, out, err = cli("apply", *recipe, "--yes")
    assert code == 2
    assert "names no passwords_out file for them" in err
    assert writes(sandbox) == [] and list(tmp_path.glob("*.pending-*")) == []


def test_a_second_list_adds_its_rows_to_the_same_file(server, server_api, cli, tmp_path) -> None:
    passwords = tmp_path / "passwords.csv"
    first = tmp_path / "first.csv"
    first.write_text("username,display_name,email\nann.one,Ann One,ann@example.com\n")
    cli("apply", *add_members(first, passwords), "--yes")
    before = passwords.read_text()
    second = tmp_path / "second.csv"
    second.write_text("username,display_name,email\nbob.two,Bob Two,bob@example.com\n")

    code, out, err = cli("apply", *add_members(second, passwords), "--yes")

    assert code == 0, err
    assert f"will be added to {passwords}" in out + err
    assert passwords.read_text().startswith(before)
    rows = rows_of(passwords)
    assert [u for u, _ in rows] == ["ann.one", "bob.two"]
    assert all(logs_in(server_api, u, p) for u, p in rows)


def test_a_row_for_a_user_to_create_again_is_a_plan_error(server, cli, tmp_path) -> None:
    sandbox, _srv = server
    people_csv(tmp_path / "people.csv", new_people=2, services=0)
    passwords = tmp_path / "passwords.csv"
    passwords.write_text("username,password\nperson.01,Old-password-1\n")
    passwords.chmod(0o600)

    code, _out, err = cli("apply", *add_members(tmp_path / "people.csv", passwords), "--yes")

    assert code == 2
    assert "has a row for person.01 already, but no such user exists (deleted since?)" in err
    assert writes(sandbox) == [] and "Old-password-1" not in err


def test_a_file_others_can_read_is_refused(server, cli, tmp_path) -> None:
    sandbox, _srv = server
    people_csv(tmp_path / "people.csv", new_people=1, services=0)
    passwords = tmp_path / "passwords.csv"
    passwords.write_text("username,password\n")
    passwords.chmod(0o644)

    code, _out, err = cli("apply", *add_members(tmp_path / "people.csv", passwords), "--yes")

    assert code == 2
    assert "can be read by others (mode 644)" in err and "chmod 600" in err
    assert writes(sandbox) == [] and passwords.read_text() == "username,password\n"


def test_cells_a_spreadsheet_would_run_are_escaped(server, server_api, cli, tmp_path) -> None:
    names = ["=1+2", "+cmd", "-sum", "@import"]
    people = tmp_path / "people.csv"
    people.write_text(
        "username,display_name,email\n"
        + "".join(f"{n},Person {i},p{i}@example.com\n" for i, n in enumerate(names))
    )
    passwords = tmp_path / "passwords.csv"

    code, _out, err = cli("apply", *add_members(people, passwords), "--yes")

    assert code == 0, err
    rows = rows_of(passwords)
    assert sorted(u for u, _ in rows) == sorted("'" + n for n in names)
    assert all(logs_in(server_api, u[1:], p) for u, p in rows)  # passwords need no escaping
