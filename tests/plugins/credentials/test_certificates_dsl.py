"""``octo.certificates`` from Python against the in-process demo sandbox: selecting,
archive/unarchive converging, ensure converging an existing certificate, certificate
files checked by their structure, and what is refused at the call site."""

from __future__ import annotations

from pathlib import Path

import pytest
from octoflow_plugins.credentials import certfile

from octoflow.errors import PlanError, UsageError
from octoflow.testing import apply_and_replan

SPACE = "/api/Spaces-1"
FILES = Path(__file__).parents[2] / "data" / "certificates"
PEM, DER = FILES / "portal-2027.pem", FILES / "portal-2027.der"


def certificates(octo, archived: bool = False) -> dict[str, dict]:
    listed = octo.client.list_all(f"{SPACE}/certificates", {"archived": str(archived).lower()})
    return {c["Name"]: c for c in listed}


@pytest.mark.parametrize(
    ("criteria", "selected"),
    [
        ({"name": "portal tls"}, {"Portal TLS"}),
        ({"partial_name": "A"}, {"Portal TLS", "Internal CA", "API Client Auth"}),
        ({"environment": "Production"}, {"Portal TLS", "API Client Auth"}),
        ({"environment": "Staging"}, {"Portal TLS"}),
        ({"ids": "Certificates-2"}, {"Internal CA"}),
    ],
)
def test_where_selects_by_name_id_and_environment(octo, criteria, selected) -> None:
    plan = octo.plan(octo.certificates.where(**criteria).archive())
    assert {op.name for op in plan.operations} == selected


def test_archive_then_unarchive_converge(octo) -> None:
    archive = octo.certificates.where(name="Internal CA").archive()
    apply_and_replan(octo, octo.plan(archive), archive)
    assert "Internal CA" in certificates(octo, archived=True)
    assert "Internal CA" not in certificates(octo)
    unarchive = octo.certificates.where(name="Internal CA").unarchive()
    apply_and_replan(octo, octo.plan(unarchive), unarchive)
    assert "Internal CA" in certificates(octo)


def test_ensure_converges_an_existing_certificate_and_leaves_its_data(octo) -> None:
    before = certificates(octo)["Portal TLS"]
    ensure = octo.certificates.ensure(
        "Portal TLS", data_from_file=str(DER), environments=["Production"], notes="renewed"
    )
    plan = octo.plan(ensure)
    assert any("ensure leaves its data alone, rotate() replaces it" in n for n in plan.notes)
    apply_and_replan(octo, plan, ensure)
    after = certificates(octo)["Portal TLS"]
    assert after["EnvironmentIds"] == ["Environments-4"] and after["Notes"] == "renewed"
    assert after["Thumbprint"] == before["Thumbprint"]


def test_an_unknown_id_or_environment_is_a_plan_error(octo) -> None:
    with pytest.raises(PlanError) as raised:
        octo.plan(octo.certificates.where(ids="Certificates-9", environment="Prod").archive())
    assert "unknown certificate id 'Certificates-9'" in str(raised.value)
    assert "did you mean 'Production'" in str(raised.value)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.ensure("X"), "give the certificate as data_from_file=PATH or data_from_env"),
        (lambda c: c.ensure("", data_from_file="a.pem"), "needs a name"),
        (lambda c: c.rotate(data_from_env="not a name"), "name the environment variable"),
        (lambda c: c.where(name="Portal TLS").archive().unarchive(), "cannot be combined"),
    ],
)
def test_what_is_refused_at_the_call_site(octo, call, message) -> None:
    with pytest.raises(UsageError, match=message):
        call(octo.certificates)


def test_certificate_files_are_told_apart_by_their_structure() -> None:
    der = DER.read_bytes()
    pem = certfile.inspect(PEM.read_bytes(), "y")
    assert certfile.inspect(der, "x") == certfile.CertFile("Der", pem.thumbprint)
    assert pem.format == "Pem"
    assert certfile.inspect((FILES / "portal-2027.pfx").read_bytes(), "z").thumbprint is None
    for bad in (b"", b"plain text", der[:-1], b"-----BEGIN PRIVATE KEY-----\nAAAA\n"):
        with pytest.raises(UsageError, match="is not a certificate"):
            certfile.inspect(bad, "bad")


def test_ensure_scopes_to_tenants_and_where_tenant_selects_by_them(octo) -> None:
    tenant = octo.client.get(f"{SPACE}/tenants", {"take": 1})["Items"][0]
    ensure = octo.certificates.ensure(
        "Tenant TLS", data_from_file=str(PEM), tenants=[tenant["Name"]]
    )
    apply_and_replan(octo, octo.plan(ensure), ensure)
    made = certificates(octo)["Tenant TLS"]
    assert made["TenantIds"] == [tenant["Id"]]
    assert made["TenantedDeploymentParticipation"] == "TenantedOrUntenanted"
    assert (
        made["CertificateDataFormat"] == "Pem"
        and made["Thumbprint"] == certfile.inspect(PEM.read_bytes(), "pem").thumbprint
    )
    plan = octo.plan(octo.certificates.where(tenant=tenant["Name"]).archive())
    assert [op.name for op in plan.operations] == ["Tenant TLS"]
