"""``credentials-rotate`` end to end: the CLI against a loopback sandbox over HTTP. The
secret comes from the environment at apply and is in no output, plan file or journal;
without it, or without anything to rotate, the plan fails and nothing is written."""

from __future__ import annotations

import pytest

from tests.e2e.support import writes

SPACE = "/api/Spaces-1"
SECRET = "rotated-s3cret-from-the-env"
ROTATE = ("credentials-rotate", "-p", "account=Registry Login", "-p", "feed=Docker Hub")


def named(api, collection: str, name: str) -> dict:
    return next(d for d in api.get(f"{SPACE}/{collection}/all") if d["Name"] == name)


def test_rotates_with_the_secret_read_at_apply_and_shows_it_nowhere(
    cli, server, server_api, monkeypatch, tmp_path
) -> None:
    sandbox, _srv = server
    monkeypatch.setenv("NEW_PASSWORD", SECRET)
    assert named(server_api, "feeds", "Docker Hub")["Password"]["HasValue"] is False
    account = named(server_api, "accounts", "Registry Login")
    plan_file, journal = tmp_path / "plan.json", tmp_path / "journal.jsonl"
    sandbox.clear_requests()

    planned = cli("plan", *ROTATE, "-p", "password_env=NEW_PASSWORD", "--out", str(plan_file))
    applied = cli(
        "apply", *ROTATE, "-p", "password_env=NEW_PASSWORD", "--yes", "-v",
        "--journal", str(journal),
    )  # fmt: skip

    assert [planned[0], applied[0]] == [0, 0], applied[2]
    assert "Password (secret, read from $NEW_PASSWORD at apply)" in applied[1]
    assert named(server_api, "feeds", "Docker Hub")["Password"]["HasValue"] is True
    puts = sorted(w.path for w in writes(sandbox) if w.method == "PUT")
    feed_id = named(server_api, "feeds", "Docker Hub")["Id"]
    assert puts == sorted([f"{SPACE}/accounts/{account['Id']}", f"{SPACE}/feeds/{feed_id}"])
    texts = [*planned[1:], *applied[1:], plan_file.read_text(), journal.read_text()]
    assert not [t for t in texts if SECRET in t]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (("account=Registry Login", "password_env=UNSET_PASSWORD_VARIABLE"),
         "$UNSET_PASSWORD_VARIABLE is not set"),
        (("password_env=NEW_PASSWORD",), "name what to rotate: -p account=… and/or -p feed=…"),
        (("account=Registry Logn", "password_env=NEW_PASSWORD"),
         "unknown account 'Registry Logn': did you mean 'Registry Login'"),
        (("feed=Docker Hub", "password_env=NEW_PASSWORD", "field=Token"),
         "feed 'Docker Hub' (Docker) has no secret 'Token'"),
        (("account=Registry Login", "password_env=not a name"), "name the environment variable"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_and_writes_nothing(cli, server, monkeypatch, params, message) -> None:
    sandbox, _srv = server
    monkeypatch.setenv("NEW_PASSWORD", SECRET)
    sandbox.clear_requests()
    args = [a for p in params for a in ("-p", p)]

    code, out, err = cli("apply", "credentials-rotate", *args, "--yes")

    assert code == 2
    assert message in out + err
    assert writes(sandbox) == []
