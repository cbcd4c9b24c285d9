"""Bad input exits 2 before the first write; an applied change is never reported as a failure.

Each row: how the command goes wrong, the exit code, words the message must
contain; every row also checks that the sandbox saw no write.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.support import writes

TAG = ("tenants-tag", "-p", "tag=Region/APAC", "-p", "add=Tier/Gold")


def saved_plan(cli, tmp_path: Path, change: Callable[[dict], object]) -> str:
    """A real saved plan of ``TAG``, changed by ``change`` (which returns the new JSON)."""
    path = tmp_path / "plan.json"
    code, _out, err = cli("plan", *TAG, "--out", str(path))
    assert code == 0, err
    path.write_text(json.dumps(change(json.loads(path.read_text()))))
    return str(path)


def unknown_action(plan: dict) -> dict:
    plan["operations"][0]["action"] = "frobnicate"
    return plan


def cycle(plan: dict) -> dict:
    first, second = plan["operations"][:2]
    first["depends_on"], second["depends_on"] = [second["key"]], [first["key"]]
    return plan


def unknown_dependency(plan: dict) -> dict:
    plan["operations"][0]["depends_on"] = ["Tenant/Tenants-999999"]
    return plan


CASES = {
    "--out in a missing folder": (
        lambda cli, tmp: ("apply", *TAG, "--yes", "--out", str(tmp / "missing" / "r.json")),
        ["cannot write --out", "missing/r.json"],
    ),
    "plan --out in a missing folder": (
        lambda cli, tmp: ("plan", *TAG, "--out", str(tmp / "missing" / "p.json")),
        ["cannot write --out"],
    ),
    "--out is a folder": (
        lambda cli, tmp: ("apply", *TAG, "--yes", "--out", str(tmp)),
        ["is a directory"],
    ),
    "--journal under a file": (
        lambda cli, tmp: ("apply", *TAG, "--yes", "--journal", str(tmp / "afile" / "j.jsonl")),
        ["cannot write the journal"],
    ),
    "saved plan []": (
        lambda cli, tmp: ("apply", saved_plan(cli, tmp, lambda p: []), "--yes"),
        ["not a saved octoflow plan", "JSON object, not list"],
    ),
    "saved plan null": (
        lambda cli, tmp: ("apply", saved_plan(cli, tmp, lambda p: None), "--yes"),
        ["not a saved octoflow plan"],
    ),
    "saved plan is a folder": (
        lambda cli, tmp: ("apply", str(_folder(tmp / "dir.json")), "--yes"),
        ["is a directory, not a saved plan"],
    ),
    "saved plan with an unknown action": (
        lambda cli, tmp: ("apply", saved_plan(cli, tmp, unknown_action), "--yes"),
        ["unknown action 'frobnicate'"],
    ),
    "saved plan with a dependency cycle": (
        lambda cli, tmp: ("apply", saved_plan(cli, tmp, cycle), "--yes"),
        ["in a cycle"],
    ),
    "saved plan with an unknown dependency": (
        lambda cli, tmp: ("apply", saved_plan(cli, tmp, unknown_dependency), "--yes"),
        ["depends on unknown operations"],
    ),
    "--timeout 0": (lambda cli, tmp: ("plan", *TAG, "--timeout", "0"), ["--timeout"]),
    "--timeout -1": (lambda cli, tmp: ("plan", *TAG, "--timeout", "-1"), ["--timeout"]),
    "--timeout nan": (lambda cli, tmp: ("plan", *TAG, "--timeout", "nan"), ["--timeout"]),
    "a parameter without -p": (
        lambda cli, tmp: ("plan", "tenants-tag", "tag=Region/APAC"),
        ["recipe parameters take -p", "-p 'tag=Region/APAC'"],
    ),
}


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_exits_2_and_writes_nothing(server, cli, tmp_path, capsys, case) -> None:
    sandbox, _srv = server
    (tmp_path / "afile").write_text("not a folder")
    make_args, words = CASES[case]
    args = make_args(cli, tmp_path)
    try:
        code, _out, err = cli(*args)
    except SystemExit as exc:  # argparse's own usage errors
        code, err = exc.code, capsys.readouterr().err
    assert code == 2, err
    for word in words:
        assert word in err
    assert writes(sandbox) == []


def test_octoflow_home_that_is_a_file_exits_2_before_writing(
    server, cli, tmp_path, monkeypatch
) -> None:
    sandbox, _srv = server
    home = tmp_path / "home-file"
    home.write_text("")
    monkeypatch.setenv("OCTOFLOW_HOME", str(home))
    code, _out, err = cli("apply", *TAG, "--yes")
    assert code == 2, err
    assert "cannot write the journal" in err
    assert writes(sandbox) == []


def test_journal_and_report_are_private_files(server, cli, tmp_path) -> None:
    journal, report = tmp_path / "j.jsonl", tmp_path / "r.json"
    code, _out, err = cli("apply", *TAG, "--yes", "--journal", str(journal), "--out", str(report))
    assert code == 0, err
    for path in (journal, report):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    assert json.loads(report.read_text())["recap"]["changed"] > 0
