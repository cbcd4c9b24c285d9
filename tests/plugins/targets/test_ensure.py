"""``octo.targets.ensure`` and ``Endpoint``: create once, then only what differs."""

from __future__ import annotations

import pytest
from octoflow_plugins.targets.endpoints import Endpoint

from octoflow import Octoflow, PlanError
from octoflow.errors import UsageError
from tests.e2e.support import api_for

THUMBPRINT = "8A7D2C1B0E9F4A3D6C5B8E7F1A2D3C4B5E6F7A8B"


@pytest.fixture
def octo() -> Octoflow:
    return Octoflow.with_sandbox("demo")


def target(octo: Octoflow, name: str) -> dict:
    (found,) = api_for(octo.sandbox).get("/api/Spaces-1/machines", name=name)["Items"]
    return found


@pytest.mark.parametrize(
    "endpoint",
    [
        Endpoint.listening("https://new.example.com:10933/", THUMBPRINT.lower()),
        Endpoint.polling("poll://abcdefghijklmnopqrst/", THUMBPRINT),
        Endpoint.ssh("new.example.com", "aa:bb", port=2200, account_id=None),
        Endpoint.kubernetes("https://k8s.example.com", namespace="n", worker_pool="Hosted Ubuntu"),
        Endpoint.cloud_region(worker_pool="WorkerPools-3"),
        Endpoint.from_wire(
            {"CommunicationStyle": "OfflineDrop", "ApplicationsDirectory": "C:\\Applications"}
        ),
    ],
    ids=lambda e: e.style,
)
def test_ensure_creates_each_kind_once_then_plans_nothing(octo, endpoint) -> None:
    ensure = octo.targets.ensure("new-01", endpoint, roles=["web"], environments="Test")
    octo.sandbox.clear_requests()
    plan = octo.plan(ensure)
    assert plan.summary == {"add": 1, "change": 0, "delete": 0, "run": 0}
    report = octo.apply(plan)
    assert report.succeeded, report.results
    assert [(r.method, r.status) for r in octo.sandbox.requests if r.method != "GET"] == [
        ("POST", 201)
    ]
    created = target(octo, "new-01")
    assert created["Endpoint"]["CommunicationStyle"] == endpoint.style
    assert (created["Roles"], created["EnvironmentIds"]) == (["web"], ["Environments-2"])
    assert octo.plan(ensure).is_empty


def test_new_targets_get_the_style_defaults(octo) -> None:
    octo.apply(
        octo.plan(
            octo.targets.ensure(
                "ssh-01", Endpoint.ssh("ssh-01.example.com", "aa:bb"), ["db"], ["Test"]
            ),
            octo.targets.ensure(
                "k8s-01", Endpoint.kubernetes("https://k8s.example.com"), ["api"], ["Test"]
            ),
        )
    )
    assert target(octo, "ssh-01")["Endpoint"]["DotNetCorePlatform"] == "linux-x64"
    assert target(octo, "k8s-01")["Endpoint"]["Authentication"]["AuthenticationType"] == (
        "KubernetesPodService"
    )
    assert target(octo, "k8s-01")["Endpoint"]["SkipTlsVerification"] == "False"


def test_an_existing_target_gains_what_it_lacks(octo) -> None:
    ensure = octo.targets.ensure(
        "test-web-05",
        Endpoint.listening("https://test-web-05.example.com:10933/", THUMBPRINT),
        roles=["web", "cache"],
        environments=["Test", "Staging"],
        tenant_tags=["Tier/Gold"],
        participation="Tenanted",
        machine_policy="Cloud Targets",
    )
    plan = octo.plan(ensure)
    assert plan.summary == {"add": 0, "change": 1, "delete": 0, "run": 0}
    changed = {".".join(c.path) for c in plan.operations[0].changes}
    assert changed == {
        "Roles",
        "EnvironmentIds",
        "TenantTags",
        "TenantedDeploymentParticipation",
        "MachinePolicyId",
        "Endpoint.Thumbprint",
    }
    assert octo.apply(plan).succeeded
    saved = target(octo, "test-web-05")
    assert saved["Roles"] == ["web", "cache"] and saved["Thumbprint"] == THUMBPRINT
    assert saved["TenantedDeploymentParticipation"] == "Tenanted"
    assert octo.plan(ensure).is_empty


def test_problems_are_reported_and_nothing_is_written(octo) -> None:
    with pytest.raises(PlanError) as info:
        octo.plan(
            octo.targets.ensure("test-web-05", Endpoint.ssh("h", "aa"), ["web"], ["Test"]),
            octo.targets.ensure(
                "new-02",
                Endpoint.cloud_region(worker_pool="Hosted Ubunt"),
                ["web"],
                ["Tset"],
                tenants=["Nobody"],
            ),
        )
    text = str(info.value)
    assert "target 'test-web-05' exists with a listening endpoint, not ssh" in text
    assert "unknown worker pool 'Hosted Ubunt': did you mean 'Hosted Ubuntu'" in text
    assert "unknown environment 'Tset'" in text and "unknown tenant 'Nobody'" in text
    assert not [r for r in octo.sandbox.requests if r.method != "GET"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Endpoint.listening("http://x:10933/", THUMBPRINT), "must start with https://"),
        (lambda: Endpoint.listening("https://x:10933/", "abc"), "40 hexadecimal characters"),
        (lambda: Endpoint.polling("https://x/", THUMBPRINT), "must start with poll://"),
        (lambda: Endpoint.ssh("h", "aa", port=0), "must be a port number"),
        (lambda: Endpoint.ssh("", "aa"), "needs a host"),
        (lambda: Endpoint.kubernetes("k8s.example.com"), "must start with https://"),
        (lambda: Endpoint.from_wire({"Uri": "x"}), "needs a CommunicationStyle"),
    ],
)
def test_endpoints_check_their_values(make, message) -> None:
    with pytest.raises(UsageError, match=message):
        make()


def test_ensure_needs_a_role_and_an_environment(octo) -> None:
    endpoint = Endpoint.cloud_region()
    with pytest.raises(UsageError, match="at least one role and one environment"):
        octo.targets.ensure("x", endpoint, roles=[], environments=["Test"])
    with pytest.raises(UsageError, match="unknown tenanted participation 'Sometimes'"):
        octo.targets.ensure("x", endpoint, ["web"], ["Test"], participation="Sometimes")
