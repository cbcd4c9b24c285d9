"""Secrets through ``octo.resources``: ``set_secret(path, from_env=…)`` and
``resources-set -p secret=PATH=NAME``, read from the environment at apply time only."""

from __future__ import annotations

from pathlib import Path

import pytest

from octoflow.errors import PlanError, UsageError
from tests.e2e.support import writes

SECRET = "feed-pass-7Hq2Zx"
FEED = ("-p", "collection=Feeds", "-p", "where=Docker Hub")


def docker_hub(api) -> dict:
    return next(f for f in api.get("/api/Spaces-1/feeds/all") if f["Name"] == "Docker Hub")


def test_a_secret_is_read_at_apply_and_never_shown_or_saved(
    server, server_api, cli, monkeypatch, tmp_path
) -> None:
    sandbox, _srv = server
    monkeypatch.setenv("FEED_PASSWORD", SECRET)
    plan_file = tmp_path / "plan.json"
    code, out, err = cli(
        "plan",
        "resources-set",
        *FEED,
        "-p",
        "secret=Password=FEED_PASSWORD",
        "--out",
        str(plan_file),
    )
    assert code == 0, err
    assert "set Password (secret, read from $FEED_PASSWORD at apply)" in out

    code, out2, err2 = cli(
        "apply", "resources-set", *FEED, "-p", "secret=Password=FEED_PASSWORD", "--yes"
    )
    assert code == 0, err2

    assert docker_hub(server_api)["Password"] == {"HasValue": True, "NewValue": None}
    (put,) = [r for r in writes(sandbox) if r.method == "PUT"]
    assert put.path.endswith("/feeds/Feeds-1")
    journals = list(Path(tmp_path / "home").rglob("*.jsonl"))
    saved = [plan_file.read_text(), *(j.read_text() for j in journals)]
    assert journals and all(SECRET not in text for text in saved)
    assert SECRET not in out + err + out2 + err2

    # Set now: left alone, unless rotating.
    code, out3, _ = cli("plan", "resources-set", *FEED, "-p", "secret=Password=FEED_PASSWORD")
    assert code == 0 and "Plan: 0 to add, 0 to change" in out3
    code, out4, _ = cli(
        "plan", "resources-set", *FEED, "-p", "secret=Password=FEED_PASSWORD", "-p", "rotate=true"
    )
    assert code == 0 and "Plan: 0 to add, 1 to change" in out4


def test_an_unset_variable_is_a_plan_error_and_nothing_is_written(server, cli, monkeypatch) -> None:
    sandbox, _srv = server
    monkeypatch.delenv("FEED_PASSWORD", raising=False)
    sandbox.clear_requests()
    code, _out, err = cli(
        "apply", "resources-set", *FEED, "-p", "secret=Password=FEED_PASSWORD", "--yes"
    )
    assert code == 2
    assert "$FEED_PASSWORD is not set: it must hold the secret Password" in err
    assert writes(sandbox) == []


def test_a_path_that_is_no_secret_is_a_plan_error(octo, monkeypatch) -> None:
    monkeypatch.setenv("FEED_PASSWORD", SECRET)
    docker = octo.resources("Feeds").where(name="Docker Hub")
    with pytest.raises(PlanError, match="Username is not a secret: use set"):
        octo.plan(docker.set_secret("Username", from_env="FEED_PASSWORD"))


@pytest.mark.parametrize("env", ["", "FEED-PASSWORD", "$FEED", None])
def test_the_variable_must_be_named_as_the_environment_names_them(octo, env) -> None:
    with pytest.raises(UsageError, match="needs the name of the environment variable"):
        octo.resources("Feeds").set_secret("Password", from_env=env)
