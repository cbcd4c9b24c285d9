"""Bad input to ``team-add-members``: one clear message, a non-zero exit, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.e2e.support import writes

GOOD = "username,display_name,email\nnew.one,New One,new.one@example.com\n"


def recipe(csv_path: Path, *params: str, passwords: Path | None = None) -> tuple[str, ...]:
    out = ("-p", f"passwords_out={passwords}") if passwords else ()
    return ("apply", "team-add-members", "-p", "team=Release Managers",
            "-p", f"users_csv={csv_path}", *out, *params, "--yes")  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD + "bad.email,Bad Email,bad@\n",
         "line 3: email 'bad@' is not a valid e-mail address"),
        (GOOD + "two words,Two Words,tw@example.com\n",
         "line 3: username 'two words' contains white space"),
        (GOOD + "short.row,Short Row\n", "line 3: expected 3 columns"),
        (GOOD + "\nNEW.ONE,Again,again@example.com\n",
         "line 4: username 'NEW.ONE' is already listed (line 2)"),
        (GOOD + "no.name,,nn@example.com\n", "line 3: the display name is empty"),
        ("user,name,mail\nx,y,z@example.com\n", "line 1: the header must be "
         "username,display_name,email"),
        ("username,display_name,email\n", "people.csv lists no users"),
    ],
)  # fmt: skip
def test_a_bad_csv_is_reported_by_line_and_nothing_is_written(
    server, cli, tmp_path, text, expected
) -> None:
    sandbox, _srv = server
    (tmp_path / "people.csv").write_text(text)
    passwords = tmp_path / "pw.csv"

    code, _out, err = cli(*recipe(tmp_path / "people.csv", passwords=passwords))

    assert code == 2
    assert expected in err
    assert writes(sandbox) == [] and not passwords.exists()


def test_every_bad_row_is_reported_at_once(server, cli, tmp_path) -> None:
    rows = GOOD + "a b,A,a@example.com\nc,C,c@\nnew.one,Dup,d@example.com\n"
    (tmp_path / "people.csv").write_text(rows)
    code, _out, err = cli(*recipe(tmp_path / "people.csv", passwords=tmp_path / "pw.csv"))
    assert code == 2
    assert "people.csv has 3 problem(s); nothing was changed" in err
    assert [line.split(":")[0].strip("- ") for line in err.splitlines()[1:4]] == [
        "line 3", "line 4", "line 5"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (("users_csv=people.csv",),
         "this plan creates users who need an initial password, but it names no passwords_out"),
        (("users_csv=people.csv", "passwords_out=pw.csv", "create_missing=false"),
         "unknown user 'new.one'"),
        (("users_csv=people.csv", "passwords_out=pw.csv", "create_missing=maybe"),
         "parameter 'create_missing' must be true or false, not 'maybe'"),
        (("users_csv=nowhere.csv", "passwords_out=pw.csv"), "no such file 'nowhere.csv'"),
        (("passwords_out=pw.csv",), "missing parameter 'users_csv'"),
    ],
)  # fmt: skip
def test_bad_parameters_exit_2_and_write_nothing(
    server, cli, tmp_path, monkeypatch, params, expected
) -> None:
    sandbox, _srv = server
    monkeypatch.chdir(tmp_path)
    (tmp_path / "people.csv").write_text(GOOD)
    args = [arg for param in params for arg in ("-p", param)]

    code, _out, err = cli("apply", "team-add-members", "-p", "team=Ops", *args, "--yes")

    assert code == 2, err
    assert expected in err
    assert writes(sandbox) == [] and not (tmp_path / "pw.csv").exists()


def test_an_existing_passwords_file_is_never_overwritten(server, cli, tmp_path) -> None:
    sandbox, _srv = server
    (tmp_path / "people.csv").write_text(GOOD)
    passwords = tmp_path / "pw.csv"
    passwords.write_text("keep me\n")

    code, _out, err = cli(*recipe(tmp_path / "people.csv", passwords=passwords))

    assert code == 2
    assert f"{passwords} exists and is not a file of username,password rows octoflow wrote" in err
    assert passwords.read_text() == "keep me\n" and writes(sandbox) == []
    code, _out, err = cli(*recipe(tmp_path / "people.csv", passwords=tmp_path / "no" / "pw.csv"))
    assert code == 2 and "no such directory" in err


def test_a_person_listed_as_a_service_account_is_a_problem(server, cli, tmp_path) -> None:
    sandbox, _srv = server
    (tmp_path / "people.csv").write_text(
        "username,display_name,email,is_service\naisha.costa,Aisha Costa,,true\n"
    )
    code, _out, err = cli(*recipe(tmp_path / "people.csv", passwords=tmp_path / "pw.csv"))
    assert code == 2
    assert "user 'aisha.costa' exists as a person (line 2)" in err
    assert writes(sandbox) == []


def limited_key(api, *permissions: str) -> str:
    """A key whose user's only role grants ``permissions`` system-wide."""
    session, base = api.session, api.base
    user = session.post(
        base + "/api/users",
        json={"Username": "limited", "DisplayName": "Limited", "IsService": True},
    )
    user_id = user.json()["Id"]
    if permissions:
        role = session.post(
            base + "/api/userroles",
            json={"Name": "Readers", "GrantedSystemPermissions": list(permissions)},
        ).json()
        team = session.post(
            base + "/api/teams", json={"Name": "Readers", "MemberUserIds": [user_id]}
        ).json()
        session.post(
            base + "/api/scopeduserroles",
            json={"TeamId": team["Id"], "UserRoleId": role["Id"], "SpaceId": None},
        )
    key = session.post(base + f"/api/users/{user_id}/apikeys", json={"Purpose": "tests"})
    return key.json()["ApiKey"]  # fmt: skip


def test_a_key_without_read_permission_stops_before_planning(
    server, server_api, cli, tmp_path, monkeypatch
) -> None:
    sandbox, _srv = server
    monkeypatch.setenv("OCTOPUS_API_KEY", limited_key(server_api))
    sandbox.clear_requests()
    (tmp_path / "people.csv").write_text(GOOD)

    code, out, err = cli(*recipe(tmp_path / "people.csv", passwords=tmp_path / "pw.csv"))

    assert code == 3
    assert "Missing permission: TeamView" in err and "None of your teams" in err
    assert writes(sandbox) == [] and not (tmp_path / "pw.csv").exists()


def test_a_key_that_may_only_read_is_refused_at_the_first_write(
    server, server_api, cli, tmp_path, monkeypatch
) -> None:
    sandbox, _srv = server
    key = limited_key(server_api, "UserView", "TeamView")
    monkeypatch.setenv("OCTOPUS_API_KEY", key)
    sandbox.clear_requests()
    (tmp_path / "people.csv").write_text(GOOD)

    code, out, err = cli(*recipe(tmp_path / "people.csv", passwords=tmp_path / "pw.csv"))

    assert code == 3
    assert "Missing permission: UserEdit" in out
    assert [(r.method, r.status) for r in writes(sandbox)] == [("POST", 403)]
    assert not (tmp_path / "pw.csv").exists()  # the user was not created: no password kept
    assert key not in out + err
    me = requests.get(server_api.base + "/api/users/me", headers={"X-Octopus-ApiKey": key})
    assert me.json()["Username"] == "limited"
