"""``octoflow check`` and ``plan --detailed-exitcode``: a recipe as a policy in CI."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from tests.e2e.support import run_cli

EU_PORTAL = ("-p", "tag=Region/EU", "-p", "project=Customer Portal", "-p", "environments=Test")


def check(state_file, capsys, *extra: str) -> tuple[int, str, str]:
    return run_cli(
        "check",
        "tenants-add-project",
        "--sandbox",
        str(state_file),
        *EU_PORTAL,
        *extra,
        capsys=capsys,
    )


def junit(path) -> ET.Element:
    return ET.parse(path).getroot()


def test_drift_exits_2_and_lists_it_then_0_once_applied(state_file, capsys, tmp_path) -> None:
    report = tmp_path / "drift.xml"
    code, out, err = check(state_file, capsys, "--junit-xml", str(report))

    assert code == 2, err
    failed = {
        c.get("name") for c in junit(report).iter("testcase") if c.find("failure") is not None
    }
    drifted = len(failed)
    assert drifted > 0
    assert f"Drift in space Spaces-1: {drifted} resource(s) differ from tenants-add-project." in out
    assert "connect to Customer Portal in Test" in out

    code, _out, err = run_cli(
        "apply",
        "tenants-add-project",
        "--sandbox",
        str(state_file),
        *EU_PORTAL,
        "--yes",
        capsys=capsys,
    )
    assert code == 0, err

    code, out, err = check(state_file, capsys, "--junit-xml", str(report))
    assert code == 0, err
    assert "No drift in space Spaces-1" in out
    suites = junit(report)
    assert suites.get("failures") == "0"
    passed = {c.get("name") for c in suites.iter("testcase") if c.find("failure") is None}
    assert failed <= passed  # every resource that drifted is now a passing test


def test_junit_names_each_drifted_resource_and_what_would_change(
    state_file, capsys, tmp_path
) -> None:
    report = tmp_path / "drift.xml"
    check(state_file, capsys, "--junit-xml", str(report))

    suites = junit(report)
    (suite,) = suites.findall("testsuite")
    assert suite.get("name") == "tenants-add-project (Spaces-1)"
    assert suites.get("failures") == suite.get("failures")
    case = suite.find("testcase")
    assert case.get("classname") == "Tenant"
    assert case.get("name").endswith(")") and "(Tenants-" in case.get("name")
    failure = case.find("failure")
    assert failure.get("type") == "drift"
    assert failure.get("message") == "would update: connect to Customer Portal in Test"
    assert "ProjectEnvironments.Customer Portal" in failure.text
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert len(properties["digest"]) == 16


def test_json_says_whether_there_is_drift(state_file, capsys) -> None:
    code, out, _err = check(state_file, capsys, "--format", "json")
    document = json.loads(out)
    assert code == 2
    assert document["drift"] is True
    (space,) = document["spaces"]
    assert space["space"] == "Spaces-1" and space["drift"] is True
    assert space["plan"]["summary"]["change"] == len(space["plan"]["operations"]) > 0


@pytest.mark.parametrize(
    ("args", "message", "reported"),
    [
        (
            ("-p", "tag=Region/Mars", "-p", "project=Customer Portal"),
            "unknown tag 'Region/Mars'",
            True,
        ),
        (("-p", "project=Customer Portal"), "tag", True),
        # a command line argparse refuses asks for no report
        (("-p", "tag=Region/EU", "-p", "project=Customer Portal", "--bogus"), "--bogus", False),
    ],
)
def test_a_check_that_cannot_be_made_exits_1_not_2(
    state_file, capsys, tmp_path, args, message, reported
) -> None:
    report = tmp_path / "drift.xml"
    before = state_file.read_text()

    try:
        code, _out, err = run_cli(
            "check",
            "tenants-add-project",
            "--sandbox",
            str(state_file),
            *args,
            "--junit-xml",
            str(report),
            capsys=capsys,
        )
    except SystemExit as exited:  # argparse's own usage errors
        code, err = exited.code, capsys.readouterr().err

    assert code == 1
    assert message in err
    assert report.exists() == reported
    if reported:  # CI gets the error, not a missing report
        (error,) = junit(report).iter("error")
        assert message in error.get("message")
    assert state_file.read_text() == before


def test_an_unreachable_server_is_an_error_not_drift(monkeypatch, capsys) -> None:
    monkeypatch.setenv("OCTOPUS_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("OCTOPUS_API_KEY", "API-EXAMPLECHECKKEY000000000")
    code, _out, err = run_cli(
        "check", "tenants-add-project", *EU_PORTAL, "--timeout", "2", capsys=capsys
    )
    assert code == 1
    assert "octoflow: error:" in err and "EXAMPLECHECKKEY" not in err


def test_plan_detailed_exitcode(state_file, capsys) -> None:
    plan = ("plan", "tenants-add-project", "--sandbox", str(state_file), "--detailed-exitcode")
    assert run_cli(*plan, *EU_PORTAL, capsys=capsys)[0] == 2
    run_cli(
        "apply",
        "tenants-add-project",
        "--sandbox",
        str(state_file),
        *EU_PORTAL,
        "--yes",
        capsys=capsys,
    )
    assert run_cli(*plan, *EU_PORTAL, capsys=capsys)[0] == 0
    bad = ("-p", "tag=Region/Mars", "-p", "project=Customer Portal")
    assert run_cli(*plan, *bad, capsys=capsys)[0] == 1
    # without the flag, changes are not a failure and bad input keeps its usual code
    assert run_cli(*plan[:-1], *EU_PORTAL, capsys=capsys)[0] == 0
    assert run_cli(*plan[:-1], *bad, capsys=capsys)[0] == 2
