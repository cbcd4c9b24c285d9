"""Ctrl-C during apply stops cleanly: running writes finish, the rest is skipped and journaled."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.e2e.support import TEST_KEY, ctrl_c_reaches_it, writes


@pytest.mark.parametrize(
    ("signum", "code", "said"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
    ids=["ctrl-c", "sigterm"],
)
def test_a_signal_stops_apply_cleanly_and_a_rerun_converges(
    server, tmp_path, signum, code, said
) -> None:
    sandbox, srv = server
    sandbox.settings.latency_ms = 40
    journal = tmp_path / "journal.jsonl"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("OCTOPUS_")},
        "OCTOPUS_URL": srv.url,
        "OCTOPUS_API_KEY": TEST_KEY,
    }
    args = [
        sys.executable,
        "-m",
        "octoflow.cli",
        "apply",
        "tenants-add-project",
        "-p",
        "tag=Region/EU",
        "-p",
        "project=Customer Portal",
        "--yes",
        "--concurrency",
        "2",
        "--journal",
        str(journal),
    ]
    # stdout (the 400-tenant plan) goes to a file: an unread pipe would fill and block
    with (tmp_path / "out.txt").open("w") as out:
        proc = subprocess.Popen(
            args,
            env=env,
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=ctrl_c_reaches_it,
        )
    deadline = time.monotonic() + 60
    while len(writes(sandbox)) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signum)
    try:
        err = proc.communicate(timeout=60)[1]
    finally:
        proc.kill()  # a hung apply must not outlive its test
        proc.wait()

    assert proc.returncode == code, err
    assert f"octoflow: {said}" in err
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    finished = events[-1]
    assert finished["event"] == "apply-finished" and finished["interrupted"] is True
    recap = finished["recap"]
    assert recap["changed"] == len(writes(sandbox)) < 400
    assert recap["skipped"] == 400 - recap["changed"]
    # The progress shows where apply really stopped, not 400/400.
    assert f"stopped at {recap['changed']}/400: {recap['skipped']} operation(s) not applied" in err

    sandbox.settings.latency_ms = 0
    rerun = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{400 - recap['changed']} to change" in rerun.stdout
