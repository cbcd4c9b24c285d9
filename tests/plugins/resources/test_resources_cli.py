"""``resources-set`` / ``resources-delete`` end to end: the CLI against a loopback sandbox
over HTTP, results checked through the API, other fields untouched, convergence."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.support import TEST_KEY, run_cli_process, writes

SPACE = "/api/Spaces-1"
#: Fields the server sets on every write.
SERVER_SET = ("LastModifiedOn", "LastModifiedBy", "Links")
RETENTION_30_DAYS = (
    "-p",
    "collection=Lifecycles",
    "-p",
    "set=ReleaseRetentionPolicy.QuantityToKeep=30",
    "-p",
    "set=ReleaseRetentionPolicy.Unit=Days",
)


def documents(api, path: str) -> dict[str, dict[str, Any]]:
    """The collection at ``path`` by name (by id where names repeat), server fields left out."""
    docs = api.get(f"{path}/all")
    return {d["Id"]: {k: v for k, v in d.items() if k not in SERVER_SET} for d in docs}


def changed_only(before: dict, after: dict, expected: dict[str, dict[str, Any]]) -> None:
    """Every document equals its state before, except ``expected`` fields of some."""
    assert set(after) == set(before)
    for doc_id, doc in before.items():
        want = dict(doc)
        for field, value in expected.get(doc_id, {}).items():
            want[field] = value
        assert after[doc_id] == want, doc_id


def replan(cli, *args: str) -> str:
    code, out, err = cli("plan", *args)
    assert code == 0, err
    return out


def test_retention_on_every_lifecycle_changes_only_retention_and_converges(
    server, server_api, cli
) -> None:
    sandbox, _srv = server
    before = documents(server_api, f"{SPACE}/lifecycles")
    assert len(before) == 2

    # The command as written: no --allow-wide for "every lifecycle" of two.
    code, out, err = cli("apply", "resources-set", *RETENTION_30_DAYS, "--yes")

    assert code == 0, err
    assert "selects all 2 Lifecycles" in out
    after = documents(server_api, f"{SPACE}/lifecycles")
    expected = {
        doc_id: {
            "ReleaseRetentionPolicy": {
                **doc["ReleaseRetentionPolicy"],
                "QuantityToKeep": 30,
                "Unit": "Days",
            }
        }
        for doc_id, doc in before.items()
    }
    changed_only(before, after, expected)
    assert len([w for w in writes(sandbox) if w.method == "PUT"]) == 1  # the other was already 30
    assert "Plan: 0 to add, 0 to change, 0 to delete." in replan(
        cli, "resources-set", *RETENTION_30_DAYS
    )


def test_a_where_that_names_every_lifecycle_is_wide_refused_without_allow_wide(server, cli) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    every = ("-p", "where=Default Lifecycle,Dev and Test Only")
    code, out, err = cli("apply", "resources-set", *RETENTION_30_DAYS, *every, "--yes")
    assert code == 2
    assert "selects 2 of 2 Lifecycles: a wide change" in out
    assert writes(sandbox) == []


def test_deleting_every_document_is_wide_even_on_purpose(server, cli) -> None:
    sandbox, _srv = server
    sandbox.clear_requests()
    every = ("-p", "collection=Lifecycles", "-p", "where=*")
    code, out, err = cli("apply", "resources-delete", *every, "--yes")
    assert code == 2, out + err
    assert "selects 2 of 2 Lifecycles: a wide change" in out + err
    assert writes(sandbox) == []


def test_a_phase_by_name_and_a_member_of_its_list(server_api, cli) -> None:
    args = (
        "-p",
        "collection=Lifecycles",
        "-p",
        "where=Default Lifecycle",
        "-p",
        "set=Phases[Name=Production].MinimumEnvironmentsBeforePromotion=1",
        "-p",
        "add=Phases[Name=Test].OptionalDeploymentTargets=Environments-3",
        "-p",
        "remove=Phases[Name=Staging].OptionalDeploymentTargets=Environments-3",
    )
    before = documents(server_api, f"{SPACE}/lifecycles")
    code, out, err = cli("apply", "resources-set", *args, "--yes")
    assert code == 0, err
    # The summary names the phase; the field diff names list items by their Id.
    assert "set Phases[Name=Production].MinimumEnvironmentsBeforePromotion = 1" in out
    assert ".MinimumEnvironmentsBeforePromotion: 0 -> 1" in out
    after = documents(server_api, f"{SPACE}/lifecycles")
    phases = {p["Name"]: p for p in after["Lifecycles-1"]["Phases"]}
    assert phases["Production"]["MinimumEnvironmentsBeforePromotion"] == 1
    assert phases["Test"]["OptionalDeploymentTargets"] == ["Environments-2", "Environments-3"]
    assert phases["Staging"]["OptionalDeploymentTargets"] == []
    assert phases["Development"] == next(
        p for p in before["Lifecycles-1"]["Phases"] if p["Name"] == "Development"
    )
    assert after["Lifecycles-2"] == before["Lifecycles-2"]
    assert "Plan: 0 to add, 0 to change, 0 to delete." in replan(cli, "resources-set", *args)


@pytest.mark.parametrize(
    ("path", "where", "change", "field", "expected"),
    [
        (
            f"{SPACE}/channels",
            "Hotfix",
            "set=Description=Emergency fixes",
            "Description",
            "Emergency fixes",
        ),
        (f"{SPACE}/feeds", "NuGet.org", "set=DownloadAttempts=3", "DownloadAttempts", 3),
        (
            f"{SPACE}/environments",
            "Staging,Production",
            "set=UseGuidedFailure=true",
            "UseGuidedFailure",
            True,
        ),
        (
            f"{SPACE}/projectgroups",
            "Apps",
            "add=EnvironmentIds=Environments-2",
            "EnvironmentIds",
            ["Environments-2"],
        ),
        (
            f"{SPACE}/machinepolicies",
            "Cloud Targets",
            "set=ConnectionRetryCountLimit=9",
            "ConnectionRetryCountLimit",
            9,
        ),
        (
            f"{SPACE}/workerpools",
            "Linux Workers",
            'set=Description="Linux, 2 cores"',
            "Description",
            "Linux, 2 cores",
        ),
    ],
    ids=["Channels", "Feeds", "Environments", "ProjectGroups", "MachinePolicies", "WorkerPools"],
)
def test_set_and_add_on_six_collections(
    request, server_api, cli, path, where, change, field, expected
) -> None:
    collection = request.node.callspec.id
    before = documents(server_api, path)
    names = set(where.split(","))
    targets = {i for i, d in before.items() if d["Name"] in names}
    assert targets
    args = ("-p", f"collection={collection}", "-p", f"where={where}", "-p", change)

    code, out, err = cli("apply", "resources-set", *args, "--yes")

    assert code == 0, err
    changed_only(before, documents(server_api, path), {i: {field: expected} for i in targets})
    assert f"0 to add, {len(targets)} to change" in out
    assert "Plan: 0 to add, 0 to change, 0 to delete." in replan(cli, "resources-set", *args)


def test_a_list_item_field_on_tag_sets(server_api, cli) -> None:
    args = (
        "-p",
        "collection=TagSets",
        "-p",
        "where=Tier",
        "-p",
        "set=Tags[Name=Gold].Color=#FFD700",
    )
    code, _out, err = cli("apply", "resources-set", *args, "--yes")
    assert code == 0, err
    tiers = next(t for t in server_api.get(f"{SPACE}/tagsets/all") if t["Name"] == "Tier")
    assert {t["Name"]: t["Color"] for t in tiers["Tags"]}["Gold"] == "#FFD700"


def test_delete_removes_only_the_named_documents(server, server_api, cli) -> None:
    sandbox, _srv = server
    before = documents(server_api, f"{SPACE}/feeds")
    args = ("-p", "collection=Feeds", "-p", "where=GitHub Container Registry")
    sandbox.clear_requests()

    code, out, err = cli("apply", "resources-delete", *args, "--yes")

    assert code == 0, err
    gone = name_to_id(before, "GitHub Container Registry")
    assert [(w.method, w.path) for w in writes(sandbox)] == [("DELETE", f"{SPACE}/feeds/{gone}")]
    assert documents(server_api, f"{SPACE}/feeds") == {i: d for i, d in before.items() if i != gone}
    code, out, err = cli("plan", "resources-delete", *args)
    assert code == 2 and "unknown Feed name 'GitHub Container Registry'" in err


def test_a_delete_the_server_refuses_says_why(server_api, cli) -> None:
    args = ("-p", "collection=ProjectGroups", "-p", "where=Internal")
    code, _out, err = cli("apply", "resources-delete", *args, "--yes")
    assert code != 0
    assert "still contains projects" in err
    assert "Internal" in {g["Name"] for g in server_api.get(f"{SPACE}/projectgroups/all")}


def name_to_id(docs: dict[str, dict[str, Any]], name: str) -> str:
    return next(i for i, d in docs.items() if d["Name"] == name)


def test_a_saved_plan_applies_in_a_new_process(server, server_api, cli, tmp_path) -> None:
    _sandbox, srv = server
    plan_file = tmp_path / "plan.json"
    args = ("-p", "collection=Environments", "-p", "where=Test", "-p", "set=Description=QA")
    code, _out, err = cli("plan", "resources-set", *args, "--out", str(plan_file))
    assert code == 0, err

    done = run_cli_process(
        "apply",
        str(plan_file),
        "--yes",
        env={"OCTOPUS_URL": srv.url, "OCTOPUS_API_KEY": TEST_KEY, "OCTOFLOW_HOME": str(tmp_path)},
        cwd=tmp_path,
    )

    assert done.returncode == 0, done.stderr
    envs = {e["Name"]: e for e in server_api.get(f"{SPACE}/environments/all")}
    assert envs["Test"]["Description"] == "QA"


def test_undo_takes_a_resources_set_back(server_api, cli, tmp_path) -> None:
    before = documents(server_api, f"{SPACE}/lifecycles")
    journal = tmp_path / "retention.jsonl"
    code, _out, err = cli(
        "apply",
        "resources-set",
        *RETENTION_30_DAYS,
        "--yes",
        "--allow-wide",
        "--journal",
        str(journal),
    )
    assert code == 0, err
    assert documents(server_api, f"{SPACE}/lifecycles") != before

    code, _out, err = cli("undo", str(journal), "--yes", "--journal", str(tmp_path / "u.jsonl"))

    assert code == 0, err
    assert documents(server_api, f"{SPACE}/lifecycles") == before


def test_undo_re_creates_a_deleted_document(server_api, cli, tmp_path) -> None:
    before = documents(server_api, f"{SPACE}/tagsets")
    journal = tmp_path / "delete.jsonl"
    args = ("-p", "collection=TagSets", "-p", "where=Hosting")
    code, _out, err = cli("apply", "resources-delete", *args, "--yes", "--journal", str(journal))
    assert code == 0, err

    code, _out, err = cli("undo", str(journal), "--yes", "--journal", str(tmp_path / "u.jsonl"))

    assert code == 0, err
    after = {d["Name"]: d for d in documents(server_api, f"{SPACE}/tagsets").values()}
    assert set(after) == {d["Name"] for d in before.values()}
    hosting = next(d for d in before.values() if d["Name"] == "Hosting")
    assert [t["Name"] for t in after["Hosting"]["Tags"]] == [t["Name"] for t in hosting["Tags"]]
