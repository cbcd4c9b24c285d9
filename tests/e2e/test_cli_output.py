"""What the CLI prints: machine-readable JSON, verbose request logs, quiet pipes."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

from octoflow import Octoflow, hookimpl
from tests.e2e.support import TEST_KEY, run_cli, run_cli_process

TAG = ("-p", "tag=Region/APAC", "-p", "add=Tier/Gold")


def test_apply_json_is_one_document_with_plan_and_report(state_file, capsys) -> None:
    code, out, _ = run_cli(
        "apply",
        "tenants-tag",
        "--sandbox",
        str(state_file),
        *TAG,
        "--yes",
        "--format",
        "json",
        capsys=capsys,
    )
    assert code == 0
    data = json.loads(out)
    assert data["report"]["recap"]["changed"] == data["plan"]["summary"]["change"] > 0


def test_verbose_logs_every_request(state_file) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "octoflow.cli",
            "plan",
            "tenants-tag",
            "--sandbox",
            str(state_file),
            *TAG,
            "-v",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "octoflow: GET /api/Spaces-1/tenants -> 200" in result.stderr


def test_verbose_shows_requests_without_connection_chatter(server, tmp_path) -> None:
    _sandbox, srv = server
    env = {"OCTOPUS_URL": srv.url, "OCTOPUS_API_KEY": TEST_KEY}
    result = run_cli_process("plan", "tenants-tag", *TAG, "-v", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "octoflow: GET /api/Spaces-1/tenants -> 200" in result.stderr
    assert "Starting new HTTP connection" not in result.stderr  # urllib3's debug log


def test_a_closed_pipe_is_not_an_error(state_file) -> None:
    plan = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "octoflow.cli",
            "plan",
            "tenants-add-project",
            "--sandbox",
            str(state_file),
            "-p",
            "tag=Region/EU",
            "-p",
            "project=Customer Portal",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = plan.stdout.readline()
    plan.stdout.close()
    err = plan.stderr.read()
    plan.stderr.close()
    assert plan.wait(timeout=60) == 0, err
    assert first.startswith("octoflow plan")
    assert "internal error" not in err


class Broken:
    @hookimpl
    def octoflow_operation_done(self, result):
        raise RuntimeError("audit sink is down")


def test_a_failing_audit_plugin_does_not_break_apply(caplog) -> None:
    octo = Octoflow.with_sandbox("demo", plugins=[("broken-audit", Broken())])
    plan = octo.plan(octo.tenants.where(tag="Region/APAC").add_tag("Tier/Gold"))
    with caplog.at_level(logging.WARNING):
        report = octo.apply(plan)
    assert report.succeeded
    assert "audit sink is down" in caplog.text
