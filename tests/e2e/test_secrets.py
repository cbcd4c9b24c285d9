"""The API key never appears in output, logs, plans, journals, reports or exceptions."""

from __future__ import annotations

import logging

import pytest

from octoflow.client import OctopusClient
from octoflow.config import Connection
from octoflow.errors import OctoflowError
from tests.e2e.support import TEST_KEY, run_cli


def leaks(text: str) -> bool:
    return TEST_KEY in text or TEST_KEY[4:] in text


def test_no_key_in_anything_a_full_run_writes(
    server, monkeypatch, capsys, caplog, tmp_path
) -> None:
    _sandbox, srv = server
    monkeypatch.setenv("OCTOPUS_URL", srv.url)
    monkeypatch.setenv("OCTOPUS_API_KEY", TEST_KEY)
    monkeypatch.setenv("OCTOFLOW_HOME", str(tmp_path / "home"))
    caplog.set_level(logging.DEBUG)
    plan_out, report_out, journal = (
        tmp_path / "plan.json",
        tmp_path / "report.json",
        tmp_path / "j.jsonl",
    )
    params = ("-p", "tag=Region/APAC", "-p", "add=Tier/Gold")

    outputs = [
        run_cli("plan", "tenants-tag", *params, "-v", "--out", str(plan_out), capsys=capsys),
        run_cli(
            "apply",
            "tenants-tag",
            *params,
            "-v",
            "--yes",
            "--format",
            "json",
            "--out",
            str(report_out),
            "--journal",
            str(journal),
            capsys=capsys,
        ),
        run_cli(
            "apply",
            "tenants-tag",
            "-p",
            "tag=Region/Nope",
            "-p",
            "add=Tier/Gold",
            "--yes",
            capsys=capsys,
        ),
    ]

    assert [code for code, _, _ in outputs] == [0, 0, 2]
    texts = [out + err for _, out, err in outputs]
    texts += [p.read_text() for p in (plan_out, report_out, journal)]
    texts += [r.getMessage() for r in caplog.records]
    assert journal.read_text().count('"event": "operation"') > 10
    assert not [t for t in texts if leaks(t)]


def test_no_key_in_errors_reprs_or_urls(server) -> None:
    _sandbox, srv = server
    connection = Connection(srv.url + "/", api_key=TEST_KEY)
    client = OctopusClient(connection)
    with pytest.raises(OctoflowError) as info:
        client.get("/api/Spaces-1/tenants/Tenants-999999")
    assert not leaks(str(info.value)) and not leaks(repr(info.value))
    assert not leaks(repr(connection))
    assert not leaks(repr(client._session().auth))
    assert "apikey" not in str(info.value).lower()
