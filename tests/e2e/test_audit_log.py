"""Apply reports documents someone else changed while it wrote them (the audit log).

Through real HTTP against a loopback sandbox, whose audit log records every
accepted write and attributes its concurrent-edit faults to another user.
"""

from __future__ import annotations

import json

from octoflow import Octoflow
from octoflow.config import Connection
from tests.e2e.support import TEST_KEY


def connect(srv) -> Octoflow:
    return Octoflow.connect(Connection(srv.url, api_key=TEST_KEY), backoff_seconds=0.01)


def apac_plan(octo: Octoflow):
    return octo.plan(octo.tenants.where(tag="Region/APAC").add_tag("Tier/Gold"))


def edit_on_reread(sandbox, tenant_id: str, description: str) -> None:
    """Another user edits ``tenant_id`` right after apply re-reads it, before it writes."""
    sandbox.settings.add_fault(
        {"edit": {"id": tenant_id, "path_contains": "ids=", "set": {"Description": description}}}
    )


def test_an_edit_made_between_the_reread_and_the_write_is_reported(server) -> None:
    sandbox, srv = server
    octo = connect(srv)
    plan = apac_plan(octo)
    victim = plan.operations[3]
    edit_on_reread(sandbox, victim.resource_id, "edited meanwhile")

    report = octo.apply(plan, concurrency=1)

    assert report.succeeded
    (edit,) = report.audit.edits
    assert (edit.document_id, edit.username, edit.category) == (
        victim.resource_id,
        "another.writer",
        "Modified",
    )
    assert edit.occurred
    assert report.to_json()["audit"]["changed_by_others"][0]["document_id"] == victim.resource_id


def test_octoflows_own_writes_and_untouched_runs_report_nothing(server) -> None:
    sandbox, srv = server
    octo = connect(srv)
    report = octo.apply(apac_plan(octo))
    assert report.succeeded and report.recap["changed"] > 0
    assert report.audit.edits == () and report.audit.unavailable == ""


def test_the_audit_log_costs_a_few_requests_not_one_per_document(server) -> None:
    sandbox, srv = server
    octo = connect(srv)
    plan = apac_plan(octo)
    sandbox.clear_requests()
    octo.apply(plan)
    event_reads = [r for r in sandbox.requests if r.path.lower().startswith("/api/events")]
    me = [r for r in sandbox.requests if r.path.lower() == "/api/users/me"]
    written = len(plan.operations)
    assert written > 100
    # One read of the newest event before writing, then one per 100 written ids.
    assert len(event_reads) == 1 + -(-written // 100)
    assert len(me) == 1


def test_a_server_without_an_audit_log_is_not_asked(server) -> None:
    sandbox, srv = server
    sandbox.router.links.pop("Events")
    octo = connect(srv)
    plan = apac_plan(octo)
    sandbox.clear_requests()
    report = octo.apply(plan)
    assert report.succeeded and report.audit.edits == ()
    assert not [r for r in sandbox.requests if "/events" in r.path.lower()]


def test_the_recap_and_the_journal_name_who_changed_what(server, cli, tmp_path) -> None:
    sandbox, srv = server
    octo = connect(srv)
    victim = apac_plan(octo).operations[0]
    edit_on_reread(sandbox, victim.resource_id, "edited meanwhile")
    journal = tmp_path / "journal.jsonl"

    code, out, err = cli("apply", "tenants-tag", "-p", "tag=Region/APAC", "-p", "add=Tier/Gold",
                         "--yes", "--concurrency", "1", "--journal", str(journal))  # fmt: skip

    assert code == 0, err
    assert "1 document(s) also changed by someone else during this apply; review them:" in out
    assert f"Tenant {victim.name!r} ({victim.resource_id}) modified by another.writer at" in out
    records = [json.loads(line) for line in journal.read_text().splitlines()]
    (entry,) = [r for r in records if r.get("event") == "changed-by-others"]
    assert entry["changed_by_others"][0]["username"] == "another.writer"
    assert TEST_KEY not in journal.read_text() + out + err


def key_without(api, permission: str) -> str:
    """A key whose user holds every permission but ``permission`` (and AdministerSystem)."""
    from octoflow_plugins.users.sandbox.catalog import SPACE_CAPABLE, SYSTEM_CAPABLE

    session, base = api.session, api.base
    left_out = {permission, "AdministerSystem"}
    user_id = session.post(
        base + "/api/users",
        json={"Username": "auditless", "DisplayName": "No audit", "IsService": True},
    ).json()["Id"]
    team = session.post(base + "/api/teams", json={"Name": "Auditless",
                        "MemberUserIds": [user_id]}).json()  # fmt: skip
    for space, field, granted in (
        (None, "GrantedSystemPermissions", SYSTEM_CAPABLE),
        ("Spaces-1", "GrantedSpacePermissions", SPACE_CAPABLE),
    ):
        role = session.post(
            base + "/api/userroles",
            json={"Name": f"All but {permission} {field}", field: sorted(granted - left_out)},
        ).json()
        scoped = session.post(
            base + "/api/scopeduserroles",
            json={"TeamId": team["Id"], "UserRoleId": role["Id"], "SpaceId": space},
        )
        assert scoped.status_code == 201, scoped.text
    return session.post(base + f"/api/users/{user_id}/apikeys", json={"Purpose": "t"}).json()[
        "ApiKey"
    ]


def test_a_key_that_may_not_read_the_audit_log_gets_a_note(server, server_api, cli, monkeypatch):
    monkeypatch.setenv("OCTOPUS_API_KEY", key_without(server_api, "EventView"))

    code, out, err = cli("apply", "tenants-tag", "-p", "tag=Region/APAC", "-p", "add=Tier/Gold",
                         "--yes")  # fmt: skip

    assert code == 0, err
    assert "Apply complete: 203 changed" in out
    assert (
        "Audit log not checked: the API key's user may not read the audit log (EventView)." in out
    )
