"""Server URLs, keys and spaces as users type them: normalised where harmless, refused
with one clear message (exit 2, no request sent) where not, never shown with a password."""

from __future__ import annotations

import json
import logging

import pytest

from octoflow.config import Connection
from octoflow.secrets import redact
from tests.e2e.support import TEST_KEY, run_cli

PLAN = ("plan", "tenants-tag", "-p", "tag=Region/APAC", "-p", "add=Tier/Gold")
PASSWORD = "hunter2-correct-horse"


@pytest.fixture
def env(server, monkeypatch, tmp_path):
    """The loopback sandbox's URL in ``OCTOPUS_URL`` (tests change it), and its key."""
    _sandbox, srv = server
    monkeypatch.setenv("OCTOPUS_URL", srv.url)
    monkeypatch.setenv("OCTOPUS_API_KEY", TEST_KEY)
    monkeypatch.setenv("OCTOFLOW_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OCTOPUS_SPACE", raising=False)
    return monkeypatch


def host_port(srv) -> str:
    return srv.url.removeprefix("http://")


@pytest.mark.parametrize(
    "typed",
    [
        "HTTP://{host}",
        "  http://{host}  ",
        "http://{host}\n",
        "http://{host}/api",
        "http://{host}/api/",
        "Http://{host}/API",
    ],
)
def test_harmless_url_variants_are_normalised(server, env, capsys, typed) -> None:
    _sandbox, srv = server
    env.setenv("OCTOPUS_URL", typed.format(host=host_port(srv)))
    code, out, err = run_cli(*PLAN, "--format", "json", capsys=capsys)
    assert code == 0, err
    assert json.loads(out)["server"] == srv.url


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("http://", "has no host name"),
        ("https://", "has no host name"),
        ("http:///api", "has no host name"),
        ("http:/{host}", "must start with http:// or https://"),
        ("ftp://{host}", "must start with http:// or https://"),
        ("{host}", "must start with http:// or https://"),
        ("http://{host} /api", "has a space or line break inside"),
        ("http://{host}/app#/Spaces-1", "#fragment"),
        ("http://{host}/?space=Default", "?query"),
        ("http://127.0.0.1:port", "is not a valid URL"),
    ],
)
def test_bad_urls_exit_2_before_any_request(server, env, capsys, typed, expected) -> None:
    sandbox, srv = server
    env.setenv("OCTOPUS_URL", typed.format(host=host_port(srv)))
    code, _out, err = run_cli(*PLAN, capsys=capsys)
    assert code == 2
    assert err.startswith("octoflow: error: ") and expected in err
    assert sandbox.requests == []


def test_a_url_password_is_never_shown_or_saved(server, env, capsys, caplog, tmp_path) -> None:
    _sandbox, srv = server
    env.setenv("OCTOPUS_URL", f"http://octo-user:{PASSWORD}@{host_port(srv)}")
    caplog.set_level(logging.DEBUG)
    plan_out, report_out, journal = (tmp_path / n for n in ("plan.json", "r.json", "j.jsonl"))
    runs = [
        run_cli(*PLAN, "-v", "--out", str(plan_out), capsys=capsys),
        run_cli(
            "apply",
            *PLAN[1:],
            "--yes",
            "--format",
            "json",
            "--out",
            str(report_out),
            "--journal",
            str(journal),
            capsys=capsys,
        ),
        run_cli("apply", str(plan_out), "--yes", capsys=capsys),  # made for this server
    ]
    env.setenv("OCTOPUS_URL", f"http://octo-user:{PASSWORD}@{host_port(srv)}/not-octopus")
    runs.append(run_cli(*PLAN, capsys=capsys))

    assert [code for code, _, _ in runs] == [0, 0, 0, 2]
    assert f"{srv.url}/not-octopus/api did not answer" in runs[-1][2]
    assert json.loads(plan_out.read_text())["server"] == srv.url
    texts = [out + err for _, out, err in runs]
    texts += [p.read_text() for p in (plan_out, report_out, journal)]
    texts += [r.getMessage() for r in caplog.records]
    assert not [t for t in texts if PASSWORD in t or "octo-user" in t]
    assert "the user name and password in the server URL are ignored" in caplog.text


def test_a_url_password_is_registered_as_a_secret() -> None:
    Connection(f"https://someone:{PASSWORD}@octopus.example.com", api_key=TEST_KEY)
    assert PASSWORD not in redact(f"echo {PASSWORD}")


def test_a_key_read_from_a_file_with_its_newline_is_stripped(server, env, capsys) -> None:
    env.setenv("OCTOPUS_API_KEY", f"{TEST_KEY}\n")
    code, _out, err = run_cli(*PLAN, capsys=capsys)
    assert code == 0, err


@pytest.mark.parametrize("key", [f"{TEST_KEY}\n{TEST_KEY}", " \n"])
def test_a_broken_or_blank_key_exits_2_before_any_request(server, env, capsys, key) -> None:
    sandbox, _srv = server
    env.setenv("OCTOPUS_API_KEY", key)
    env.delenv("OCTOPUS_ACCESS_TOKEN", raising=False)
    code, _out, err = run_cli(*PLAN, capsys=capsys)
    assert code == 2
    assert "OCTOPUS_API_KEY" in err and TEST_KEY[4:] not in err
    assert sandbox.requests == []


@pytest.mark.parametrize("space", ["", "  "])
def test_an_empty_space_exits_2_naming_the_flag(server, env, capsys, space) -> None:
    sandbox, _srv = server
    code, _out, err = run_cli("apply", *PLAN[1:], "--yes", "--space", space, capsys=capsys)
    assert code == 2
    assert "--space is empty" in err
    assert sandbox.requests == []


def test_https_to_a_plain_http_server_does_not_suggest_insecure(server, env, capsys) -> None:
    sandbox, srv = server
    env.setenv("OCTOPUS_URL", f"https://{host_port(srv)}")
    code, _out, err = run_cli(*PLAN, capsys=capsys)
    assert code == 4
    assert "the TLS handshake failed" in err and "use an http:// URL" in err
    assert "--insecure" not in err
    assert sandbox.requests == []
