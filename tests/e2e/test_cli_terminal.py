"""The CLI on a terminal: the apply question goes to the terminal, never into piped output."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from tests.e2e.support import TEST_KEY, writes

ARGS = ("apply", "tenants-tag", "-p", "tag=Region/APAC", "-p", "add=Tier/Gold")


def run_with_terminal_stdin(
    srv_url: str, answer: bytes, home: str
) -> subprocess.CompletedProcess[bytes]:
    """``octoflow apply … | tee log``: stdin is a terminal, stdout a pipe."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCTOPUS_")}
    env.update(OCTOPUS_URL=srv_url, OCTOPUS_API_KEY=TEST_KEY, OCTOFLOW_HOME=home)
    try:
        os.write(master, answer)
        return subprocess.run(
            [sys.executable, "-m", "octoflow", *ARGS],
            stdin=slave,
            capture_output=True,
            env=env,
            timeout=120,
        )
    finally:
        os.close(master)
        os.close(slave)


def test_a_piped_apply_asks_on_stderr_and_applies_when_confirmed(server, tmp_path) -> None:
    sandbox, srv = server
    run = run_with_terminal_stdin(srv.url, b"y\n", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert b"? [y/N]" in run.stderr
    assert b"[y/N]" not in run.stdout  # what `| tee log` keeps is the plan and the recap only
    assert b"Apply complete" in run.stdout
    assert writes(sandbox)


def test_a_piped_apply_not_confirmed_writes_nothing(server, tmp_path) -> None:
    sandbox, srv = server
    run = run_with_terminal_stdin(srv.url, b"n\n", str(tmp_path))
    assert run.returncode == 2
    assert b"? [y/N]" in run.stderr
    assert b"not confirmed" in run.stderr
    assert writes(sandbox) == []
