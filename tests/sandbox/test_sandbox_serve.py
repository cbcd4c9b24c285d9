"""``octoflow sandbox serve``: its help, the checks made before serving, and the warning
when it serves beyond this machine with the public key."""

from __future__ import annotations

import json
import signal
import socket

import pytest

from octoflow.cli import main
from octoflow.sandbox import SANDBOX_API_KEY, Sandbox
from octoflow.sandbox.browsers import exposure_warning
from octoflow.sandbox.journal import wal_path
from tests.sandbox.test_sandbox_durability import serving, stop


def test_help_gives_every_default_and_unit(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["sandbox", "serve", "--help"])
    assert exit_.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for expected in (
        "--latency-ms MS added to every API request, in milliseconds (default 0)",
        "--port N TCP port; 0 picks a free one (default 8065)",
        "--host HOST address to bind (default 127.0.0.1, loopback only)",
        "(default demo)",
        "--state FILE a JSON state file",
        "(default: none, nothing saved)",
        "(default: the sandbox's public example key)",
    ):
        assert expected in text


def run_serve(capsys, *args: str) -> tuple[int, str]:
    code = main(["sandbox", "serve", "--port", "0", *args])
    out, err = capsys.readouterr()
    assert "serving on" not in out
    return code, err


def test_a_state_file_in_a_missing_directory_is_refused_before_serving(capsys, tmp_path):
    code, err = run_serve(capsys, "--state", str(tmp_path / "nowhere" / "state.json"))
    assert code == 2
    assert f"the directory {tmp_path / 'nowhere'} does not exist" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "octoflow-sandbox-state/1", "collections": {', "is not valid JSON"),
        (b'{"tenants": []}', "is not an octoflow sandbox state"),
        (b"[1, 2]", "is not an octoflow sandbox state"),
        (b'{"format": "octoflow-sandbox-state/1", "collections": {"Tenants": []}}', "collections"),
        (b"\xff\xfe\x00binary", "is not a UTF-8 text file"),
    ],
    ids=["cut short", "another JSON file", "an array", "wrong shape", "binary"],
)
def test_an_unreadable_state_file_is_refused_and_left_alone(capsys, tmp_path, content, message):
    path = tmp_path / "state.json"
    path.write_bytes(content)
    code, err = run_serve(capsys, "--state", str(path))
    assert code == 2 and message in err and err.count("\n") == 1, err
    assert path.read_bytes() == content and list(tmp_path.iterdir()) == [path]


def test_a_directory_is_not_a_state_file(capsys, tmp_path):
    code, err = run_serve(capsys, "--state", str(tmp_path))
    assert code == 2 and "not a file" in err


def test_a_corrupt_journal_is_refused(areas, capsys, tmp_path):
    path = tmp_path / "state.json"
    sandbox = Sandbox(areas, seed="empty")
    sandbox.make_durable(path)
    sandbox.close()
    wal_path(path).write_text(wal_path(path).read_text() + '{"put": 5}\n')
    code, err = run_serve(capsys, "--state", str(path))
    assert code == 2 and "line 2 is not a journal entry" in err


def test_a_port_in_use_is_refused(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code = main(["sandbox", "serve", "--seed", "empty", "--port", str(taken.getsockname()[1])])
    assert code == 2
    assert "cannot serve on 127.0.0.1 port" in capsys.readouterr().err


def test_serving_beyond_loopback_with_the_public_key_warns_loudly(tmp_path):
    with serving("--seed", "empty", "--host", "0.0.0.0") as (process, _url):
        _out, err = stop(process, signal.SIGTERM)
    assert process.returncode == 0
    assert err.count("WARNING") >= 3 and "public" in err and "--api-key" in err


@pytest.mark.parametrize(
    ("host", "key", "warns"),
    [
        ("0.0.0.0", None, True),
        ("::", None, True),
        ("192.168.1.20", None, True),
        ("build-box.example", None, True),
        ("0.0.0.0", "a-secret-key", False),
        ("127.0.0.1", None, False),
        ("127.0.0.2", None, False),
        ("localhost", None, False),
        ("::1", None, False),
    ],
)
def test_the_warning_is_for_the_public_key_beyond_loopback_only(host, key, warns):
    assert (exposure_warning(host, key or SANDBOX_API_KEY) is not None) is warns


def test_a_quiet_start_on_loopback(tmp_path):
    with serving("--seed", "empty", "--state", tmp_path / "s.json") as (process, url):
        out, err = stop(process, signal.SIGTERM)
    assert "WARNING" not in err and url.startswith("http://127.0.0.1:")
    assert json.loads((tmp_path / "s.json").read_text())["format"] == "octoflow-sandbox-state/1"
