"""Staged rollout (``apply --canary/--batch-size/--check/--pause/--max-failures``) and
``apply --resume JOURNAL``, through the CLI against the loopback sandbox."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.support import TEST_KEY, ctrl_c_reaches_it, writes

EU_TEST = ("-p", "tag=Region/EU", "-p", "project=Customer Portal", "-p", "environments=Test")
#: A check the canary breaks: the apply connects in Test, the policy wants Production too.
STRICTER = "recipe:tenants-check-eu -p environments=Test,Production"


def connected(server_api) -> set[str]:
    """Ids of the tenants connected to Customer Portal in Test."""
    portal = server_api.project_id("Customer Portal")
    (test,) = server_api.environment_ids("Test")
    return {
        t["Id"] for t in server_api.tenants() if test in t["ProjectEnvironments"].get(portal, [])
    }


def planned_ids(cli) -> list[str]:
    code, out, err = cli("plan", "tenants-add-project", *EU_TEST, "--format", "json")
    assert code == 0, err
    return [op["resource_id"] for op in json.loads(out)["operations"]]


def events(journal: Path, kind: str) -> list[dict]:
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    return [e for e in lines if e["event"] == kind]


def puts(sandbox) -> int:
    return len([r for r in sandbox.requests if r.method == "PUT"])


def test_a_failing_canary_check_stops_the_rollout_and_resume_finishes_it(
    server, server_api, cli, tmp_path
) -> None:
    sandbox, _srv = server
    order = planned_ids(cli)
    before = connected(server_api)
    journal = tmp_path / "rollout.jsonl"

    code, out, err = cli(
        "apply", "tenants-add-project", *EU_TEST, "--canary", "10", "--batch-size", "100",
        "--check", STRICTER, "--journal", str(journal), "--yes",
    )  # fmt: skip

    assert code == 1, err
    assert connected(server_api) - before == set(order[:10]), "only the canary was applied"
    assert f"Rollout stopped: check {STRICTER} failed after stage 1/5." in out
    assert "resource(s) differ from tenants-check-eu" in out
    assert "stage 1/5: operations 1-10" in err
    (check,) = events(journal, "check")
    assert check["stage"] == 1 and check["passed"] is False and check["check"] == STRICTER
    assert "differ from tenants-check-eu" in check["output"]
    assert [e["stage"] for e in events(journal, "stage-started")] == [1]
    (finished,) = events(journal, "stage-finished")
    assert finished["passed"] is False and "failed after stage 1/5" in finished["reason"]
    assert events(journal, "rollout-stopped")

    sandbox.clear_requests()
    fixed = "recipe:tenants-check-eu -p environments=Test"
    code, out, err = cli("apply", "--resume", str(journal), "--check", fixed, "--yes")

    assert code == 0, err
    assert "Rollout complete: 5 stage(s)." in out
    assert f"{len(order) - 10} of {len(order)} operation(s) left" in err
    assert puts(sandbox) == len(order) - 10, "the canary was not written again"
    assert connected(server_api) == before | set(order)
    assert [e["passed"] for e in events(journal, "check")] == [False] + [True] * 5
    code, _out, err = cli("check", "tenants-add-project", *EU_TEST)
    assert code == 0, err
    code, _out, err = cli("apply", "--resume", str(journal), "--yes")
    assert code == 0 and "rollout journaled in" in err and "finished" in err


def test_batches_follow_batch_size_and_the_checks_run_after_every_stage(
    server_api, cli, tmp_path
) -> None:
    order = planned_ids(cli)
    assert len(order) == 360
    marks = tmp_path / "checks.txt"
    journal = tmp_path / "rollout.jsonl"

    code, out, err = cli(
        "apply", "tenants-add-project", *EU_TEST, "--canary", "10", "--batch-size", "100",
        "--check", f"cmd:echo $OCTOFLOW_STAGE/$OCTOFLOW_STAGES >> {marks}",
        "--check", "tenants-check-eu", "--journal", str(journal), "--yes",
    )  # fmt: skip

    assert code == 0, err
    sizes = [len(e["operations"]) for e in events(journal, "stage-started")]
    assert sizes == [10, 100, 100, 100, 50]
    assert marks.read_text().split() == ["1/5", "2/5", "3/5", "4/5", "5/5"]
    assert len(events(journal, "check")) == 10
    assert "stage 3/5: operations 111-210" in err
    assert "5 stage(s) run, 10 check(s) made" in out
    assert set(order) <= connected(server_api)


def test_by_default_the_first_failure_stops_the_rollout(server, server_api, cli) -> None:
    """(--max-failures itself: tests/e2e/test_staged_rollout_api.py, with quick retries.)"""
    sandbox, _srv = server
    order = planned_ids(cli)
    victim = next(i for i in order[:10] if len(i) >= 11)  # /Tenants-40 matches Tenants-401
    sandbox.settings.add_fault(
        {"status": 500, "method": "PUT", "path_contains": f"/{victim}", "times": None}
    )
    before = connected(server_api)

    code, out, _err = cli("apply", "tenants-add-project", *EU_TEST, "--canary", "10", "--yes")

    assert code == 1
    assert "1 of 10 operation(s) failed by stage 1/2" in out
    assert connected(server_api) - before == set(order[:10]) - {victim}


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (("--canary", "0"), "argument --canary: must be at least 1"),
        (("--batch-size", "-1"), "argument --batch-size: must be at least 1"),
        (("--max-failures", "150%"), "--max-failures '150%' is not a count"),
        (("--pause", "soon"), "--pause 'soon' is neither a duration"),
    ],
)
def test_bad_stage_options_exit_2_with_nothing_written(
    server, cli, capsys, option, message
) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()

    with pytest.raises(SystemExit) as exit_:
        cli("apply", "tenants-add-project", *EU_TEST, *option, "--yes")

    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("error") == 1, err
    assert sandbox.requests == []


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (("--check", "no-such-check"), "unknown recipe 'no-such-check'"),
        (("--check", "cmd:"), "cmd: needs a command"),
        (("--check", "recipe:tenants-check-eu -p nope=1"), "unknown parameter 'nope'"),
        (("--check", "recipe:tenants-check-eu -p project=Nowhere"), "unknown project 'Nowhere'"),
        (("--pause", "prompt"), "--pause prompt asks on the terminal, and stdin is not one"),
        (("--check", "health"), "a health check runs in one environment"),
        (("--check", "health:Nowhere"), "unknown environment 'Nowhere'"),
    ],
)
def test_bad_stage_settings_exit_2_with_nothing_written(server, cli, option, message) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()

    code, _out, err = cli("apply", "tenants-add-project", *EU_TEST, *option, "--yes")

    assert code == 2
    assert message in err
    assert err.count("error") == 1, err
    assert [r for r in sandbox.requests if r.method != "GET"] == []


def test_resume_refuses_a_journal_that_is_not_a_rollout(cli, tmp_path) -> None:
    journal = tmp_path / "plain.jsonl"
    code, _out, err = cli(
        "apply", "tenants-add-project", *EU_TEST, "--limit", "2", "--journal", str(journal),
        "--yes",
    )  # fmt: skip
    assert code == 0, err

    code, _out, err = cli("apply", "--resume", str(journal), "--yes")

    assert code == 2
    assert "is not the journal of a staged rollout" in err


def test_resume_refuses_a_missing_journal(cli, tmp_path) -> None:
    code, _out, err = cli("apply", "--resume", str(tmp_path / "nope.jsonl"), "--yes")
    assert code == 2
    assert "no such journal" in err


def stopped_rollout(cli, tmp_path) -> Path:
    journal = tmp_path / "rollout.jsonl"
    code, _out, err = cli(
        "apply", "tenants-add-project", *EU_TEST, "--canary", "5", "--check", STRICTER,
        "--journal", str(journal), "--yes",
    )  # fmt: skip
    assert code == 1, err
    return journal


def test_resume_refuses_another_server_and_an_edited_plan(server, cli, tmp_path) -> None:
    sandbox, _srv = server
    journal = stopped_rollout(cli, tmp_path)
    sandbox.clear_requests()

    code, _out, err = cli("apply", "--resume", str(journal), "--sandbox", "demo", "--yes")
    assert code == 2
    assert "this plan was made for http://127.0.0.1:" in err

    lines = journal.read_text().splitlines()
    first = json.loads(lines[0])
    first["plan"]["operations"][0]["name"] = "Someone Else"
    journal.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")
    code, _out, err = cli("apply", "--resume", str(journal), "--yes")
    assert code == 2
    assert "does not match its digest" in err
    assert [r for r in sandbox.requests if r.method != "GET"] == []


def test_resume_refuses_a_recipe_given_with_it(cli, tmp_path) -> None:
    journal = stopped_rollout(cli, tmp_path)
    code, _out, err = cli("apply", "tenants-add-project", "--resume", str(journal), "--yes")
    assert code == 2
    assert "--resume takes the plan and its journal from JOURNAL: leave out RECIPE" in err


def test_resume_keeps_edits_made_meanwhile(server_api, cli, tmp_path) -> None:
    order = planned_ids(cli)
    journal = stopped_rollout(cli, tmp_path)
    edited = order[7]
    tenant = server_api.get(f"/api/Spaces-1/tenants/{edited}")
    server_api.put(f"/api/Spaces-1/tenants/{edited}", {**tenant, "Description": "edited"})

    code, _out, err = cli("apply", "--resume", str(journal), "--check", "tenants-check-eu", "--yes")

    assert code == 0, err
    tenant = server_api.get(f"/api/Spaces-1/tenants/{edited}")
    assert tenant["Description"] == "edited"
    assert edited in connected(server_api)


def test_a_check_only_recipe_is_never_applied(server, cli) -> None:
    sandbox, _srv = server
    code, _out, err = cli("check", "tenants-check-eu", *EU_TEST)
    assert code == 2, err

    sandbox.clear_requests()
    code, _out, err = cli("apply", "tenants-check-eu", *EU_TEST, "--yes")

    assert code == 2
    assert "tenants-check-eu is a policy check and is never applied" in err
    assert [r for r in sandbox.requests if r.method != "GET"] == []
    code, _out, err = cli("apply", "tenants-add-project", *EU_TEST, "--yes")
    assert code == 0, err
    code, _out, err = cli("check", "tenants-check-eu", *EU_TEST)
    assert code == 0, err


def test_resuming_a_wide_plan_needs_allow_wide_again(server_api, cli, tmp_path) -> None:
    journal = tmp_path / "rollout.jsonl"
    code, _out, err = cli(
        "apply", "tenants-add-project", *EU_TEST, "--wide-above", "10%,5", "--allow-wide",
        "--canary", "5", "--check", "cmd:false", "--journal", str(journal), "--yes",
    )  # fmt: skip
    assert code == 1, err

    code, _out, err = cli("apply", "--resume", str(journal), "--check", "cmd:true", "--yes")
    assert code == 2
    assert "this plan is a wide change, and nothing was applied" in err

    code, _out, err = cli(
        "apply", "--resume", str(journal), "--check", "cmd:true", "--allow-wide", "--yes"
    )
    assert code == 0, err


def test_ctrl_c_in_a_pause_stops_and_resume_carries_on(server, server_api, cli, tmp_path) -> None:
    sandbox, srv = server
    order = planned_ids(cli)
    journal = tmp_path / "rollout.jsonl"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("OCTOPUS_")},
        "OCTOPUS_URL": srv.url,
        "OCTOPUS_API_KEY": TEST_KEY,
    }
    args = [
        sys.executable, "-m", "octoflow.cli", "apply", "tenants-add-project", *EU_TEST,
        "--canary", "5", "--batch-size", "100", "--pause", "1h", "--journal", str(journal),
        "--yes",
    ]  # fmt: skip
    with (tmp_path / "out.txt").open("w") as out:
        proc = subprocess.Popen(
            args, env=env, stdout=out, stderr=subprocess.PIPE, text=True,
            preexec_fn=ctrl_c_reaches_it,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "stage-finished" not in _text(journal):
            time.sleep(0.05)
        time.sleep(0.2)  # into the pause
        proc.send_signal(signal.SIGINT)
        err = proc.communicate(timeout=60)[1]
    finally:
        proc.kill()
        proc.wait()

    assert proc.returncode == 130, err
    assert "pausing 3600s before stage 2/5" in err
    assert len(writes(sandbox)) == 5
    code, out, err = cli("apply", "--resume", str(journal), "--pause", "0s", "--yes")
    assert code == 0, err
    assert "stage 1/5: done in an earlier run" in err
    assert set(order) <= connected(server_api)


def _text(path: Path) -> str:
    return path.read_text() if path.exists() else ""


def test_json_output_and_out_describe_the_stages(cli, tmp_path) -> None:
    report_file = tmp_path / "report.json"
    code, out, err = cli(
        "apply", "tenants-add-project", *EU_TEST, "--canary", "5", "--batch-size", "200",
        "--check", "cmd:true", "--format", "json", "--out", str(report_file), "--yes",
    )  # fmt: skip

    assert code == 0, err
    document = json.loads(out)
    assert document["report"]["recap"]["changed"] == 360
    rollout = document["rollout"]
    assert rollout["total_stages"] == 3 and rollout["stopped"] == ""
    assert [s["operations"] for s in rollout["stages"]] == [5, 200, 155]
    assert all(c["passed"] for s in rollout["stages"] for c in s["checks"])
    written = json.loads(report_file.read_text())
    assert written["stages"] == rollout["stages"]
    assert written["report"]["recap"]["changed"] == 360


def tenants_as_written(server_api) -> dict[str, dict]:
    """Every tenant, without what the server sets on each write."""
    server_set = ("LastModifiedOn", "LastModifiedBy", "Links")
    return {
        t["Id"]: {k: v for k, v in t.items() if k not in server_set} for t in server_api.tenants()
    }


def test_undo_takes_back_a_stopped_rollout(server_api, cli, tmp_path) -> None:
    before = tenants_as_written(server_api)
    journal = stopped_rollout(cli, tmp_path)
    assert tenants_as_written(server_api) != before, "the canary changed tenants"

    code, _out, err = cli("undo", str(journal), "--yes", "--journal", str(tmp_path / "undo.jsonl"))

    assert code == 0, err
    assert tenants_as_written(server_api) == before
