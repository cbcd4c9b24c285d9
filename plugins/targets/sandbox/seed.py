"""The demo seed's deployment targets, machine policies, worker pools and workers.

Deterministic: the layout is fixed tables and a fixed ``random.Random`` makes
thumbprints and polling addresses. Facts other tests and the docs rely on:

* 100 targets, ``Machines-1`` … ``Machines-100``, named ``<env>-<role>-NN``
  (``dev``, ``test``, ``stage``, ``prod``): Development 20, Test 30, Staging 20,
  Production 30 by primary environment;
* primary roles ``web`` 38, ``api`` 28, ``db`` 17, ``worker`` 17;
  ``test-web-01``…``03`` and ``stage-web-01`` also have ``api``, ``prod-api-01``
  also has ``worker``; ``test-web-01`` is also in Staging and ``dev-db-01`` also
  in Test. So 12 targets have role ``web`` in Test, and one of them
  (``test-web-01``) already has ``api`` and Staging;
* endpoints: listening Tentacle 38, polling Tentacle 24, Kubernetes 17, SSH 13,
  cloud region 8;
* tenanted: ``prod-web-09``…``12`` are Tenanted, each for one Customer Portal
  tenant (Tenants-130, -148, -235, -236); ``prod-api-07``/``08`` (tags Region/EU,
  Region/US) and ``test-web-10``…``12`` (Tier/Gold; ``12`` also Region/EU) are
  TenantedOrUntenanted;
* health: 6 targets are not Healthy (see ``HEALTH``); 3 are disabled;
* policies: ``Default Machine Policy`` (MachinePolicies-1) and ``Cloud Targets``
  (MachinePolicies-2, used by the cloud-region targets);
* worker pools: ``Default Worker Pool`` (WorkerPools-1, static, default),
  ``Hosted Ubuntu`` (-2) and ``Hosted Windows`` (-3), both dynamic, and
  ``Linux Workers`` (-4, static); 6 workers, ``Workers-1`` … ``Workers-6``.
"""

from __future__ import annotations

import random
from typing import Any

from octoflow_plugins.targets.sandbox.endpoints import prepare_endpoint, status
from octoflow_plugins.targets.sandbox.machines import MACHINES
from octoflow_plugins.targets.sandbox.policies import POLICIES
from octoflow_plugins.targets.sandbox.workers import POOLS, WORKERS

from octoflow.sandbox.area import Doc, State

SPACE_ID = "Spaces-1"
ENVIRONMENTS = {
    "Development": ("dev", "Environments-1"),
    "Test": ("test", "Environments-2"),
    "Staging": ("stage", "Environments-3"),
    "Production": ("prod", "Environments-4"),
}
# environment, primary role, how many, endpoint styles (cycled in order)
LAYOUT = (
    ("Development", "web", 6, ("listening", "polling")),
    ("Development", "api", 6, ("kubernetes", "listening")),
    ("Development", "db", 4, ("ssh",)),
    ("Development", "worker", 4, ("polling", "cloud")),
    ("Test", "web", 12, ("listening", "listening", "polling")),
    ("Test", "api", 8, ("kubernetes", "listening")),
    ("Test", "db", 5, ("ssh", "listening")),
    ("Test", "worker", 5, ("polling", "cloud")),
    ("Staging", "web", 8, ("listening", "polling")),
    ("Staging", "api", 6, ("kubernetes",)),
    ("Staging", "db", 3, ("ssh",)),
    ("Staging", "worker", 3, ("cloud", "polling")),
    ("Production", "web", 12, ("listening", "listening", "polling")),
    ("Production", "api", 8, ("kubernetes", "listening")),
    ("Production", "db", 5, ("ssh", "listening")),
    ("Production", "worker", 5, ("polling", "cloud")),
)
EXTRA_ROLES = {
    "test-web-01": ("api",),
    "test-web-02": ("api",),
    "test-web-03": ("api",),
    "stage-web-01": ("api",),
    "prod-api-01": ("worker",),
}
EXTRA_ENVIRONMENTS = {"test-web-01": ("Staging",), "dev-db-01": ("Test",)}
# name: (participation, tenant ids, tenant tags)
TENANTED = {
    "prod-web-09": ("Tenanted", ["Tenants-130"], []),
    "prod-web-10": ("Tenanted", ["Tenants-148"], []),
    "prod-web-11": ("Tenanted", ["Tenants-235"], []),
    "prod-web-12": ("Tenanted", ["Tenants-236"], []),
    "prod-api-07": ("TenantedOrUntenanted", [], ["Region/EU"]),
    "prod-api-08": ("TenantedOrUntenanted", [], ["Region/US"]),
    "test-web-10": ("TenantedOrUntenanted", [], ["Tier/Gold"]),
    "test-web-11": ("TenantedOrUntenanted", [], ["Tier/Gold"]),
    "test-web-12": ("TenantedOrUntenanted", [], ["Region/EU", "Tier/Gold"]),
}
HEALTH = {
    "dev-worker-04": "Unavailable",
    "test-web-08": "Unavailable",
    "test-db-05": "Unhealthy",
    "stage-api-06": "HasWarnings",
    "prod-web-07": "HasWarnings",
    "prod-worker-05": "Unknown",
}
DISABLED = ("dev-web-06", "test-worker-05", "stage-db-03")
WINDOWS = ("Microsoft Windows Server 2022 Datacenter", "PowerShell", "5.1.20348.2340")
LINUX = ("Ubuntu 22.04.4 LTS", "Bash", "5.1.16")
UNKNOWN = ("Unknown", "Unknown", "Unknown")
TENTACLE = {
    "UpgradeLocked": False,
    "UpgradeRequired": False,
    "UpgradeSuggested": False,
    "Version": "8.1.2213",
}
# name, style, pools
DEMO_WORKERS = (
    ("win-worker-01", "listening", ("Default Worker Pool",)),
    ("win-worker-02", "listening", ("Default Worker Pool",)),
    ("win-worker-03", "listening", ("Default Worker Pool",)),
    ("linux-worker-01", "ssh", ("Linux Workers", "Default Worker Pool")),
    ("linux-worker-02", "ssh", ("Linux Workers",)),
    ("linux-worker-03", "polling", ("Linux Workers",)),
)
UNHEALTHY_WORKERS = {"win-worker-03": "Unhealthy"}


def seed_demo_targets(state: State) -> None:
    rng = random.Random("octoflow-demo-targets")
    cloud_policy = _seed_policy(state)
    pools = _seed_pools(state)
    for env_name, role, count, styles in LAYOUT:
        short, env_id = ENVIRONMENTS[env_name]
        for n in range(1, count + 1):
            name = f"{short}-{role}-{n:02d}"
            style = styles[(n - 1) % len(styles)]
            fields = _target(name, role, env_id, style, rng)
            if style == "cloud":
                fields["MachinePolicyId"] = cloud_policy
            _insert(state, MACHINES, fields)
    for name, style, pool_names in DEMO_WORKERS:
        fields = _machine(name, style, rng, UNHEALTHY_WORKERS.get(name, "Healthy"), False)
        fields["WorkerPoolIds"] = [pools[p] for p in pool_names]
        _insert(state, WORKERS, fields)


def _seed_policy(state: State) -> str:
    policy = POLICIES.defaults()
    policy["MachineConnectivityPolicy"]["MachineConnectivityBehavior"] = (
        "MayBeOfflineAndCanBeSkipped"
    )
    policy["MachineCleanupPolicy"] = {
        "DeleteMachinesBehavior": "DeleteUnavailableMachines",
        "DeleteMachinesElapsedTimeSpan": "01:00:00",
    }
    policy.update(
        Name="Cloud Targets",
        Description="Cloud targets come and go: skip them when offline, remove them after an hour.",
    )
    return str(POLICIES.insert(state, SPACE_ID, policy)["Id"])


def _seed_pools(state: State) -> dict[str, str]:
    for order, (name, kind, worker_type) in enumerate(
        (
            ("Hosted Ubuntu", "DynamicWorkerPool", "UbuntuDefault"),
            ("Hosted Windows", "DynamicWorkerPool", "WindowsDefault"),
            ("Linux Workers", "StaticWorkerPool", None),
        ),
        start=1,
    ):
        POOLS.insert(
            state,
            SPACE_ID,
            {
                "Name": name,
                "SortOrder": order,
                "WorkerPoolType": kind,
                "WorkerType": worker_type,
                "CanAddWorkers": kind == "StaticWorkerPool",
                "Description": f"{name} (octoflow demo worker pool).",
            },
        )
    return {p["Name"]: p["Id"] for p in state.values("WorkerPools", SPACE_ID)}


def _target(name: str, role: str, env_id: str, style: str, rng: random.Random) -> Doc:
    fields = _machine(name, style, rng, HEALTH.get(name, "Healthy"), name in DISABLED)
    envs = [env_id] + [ENVIRONMENTS[e][1] for e in EXTRA_ENVIRONMENTS.get(name, ())]
    participation, tenants, tags = TENANTED.get(name, ("Untenanted", [], []))
    fields.update(
        Roles=[role, *EXTRA_ROLES.get(name, ())],
        EnvironmentIds=envs,
        TenantedDeploymentParticipation=participation,
        TenantIds=list(tenants),
        TenantTags=list(tags),
    )
    return fields


def _machine(name: str, style: str, rng: random.Random, health: str, disabled: bool) -> Doc:
    """The fields targets and workers share: endpoint, health and what a check found."""
    os_name, shell, version = _platform(style) if health != "Unknown" else UNKNOWN
    state_text, summary = status(health, disabled)
    return {
        "Name": name,
        "Endpoint": _endpoint(name, style, rng),
        "IsDisabled": disabled,
        "HealthStatus": health,
        "Status": state_text,
        "StatusSummary": summary,
        "HasLatestCalamari": health != "Unknown",
        "OperatingSystem": os_name,
        "ShellName": shell,
        "ShellVersion": version,
        "MachinePolicyId": "MachinePolicies-1",
    }


def _platform(style: str) -> tuple[str, str, str]:
    return {"listening": WINDOWS, "polling": LINUX, "ssh": LINUX}.get(style, UNKNOWN)


def _endpoint(name: str, style: str, rng: random.Random) -> Doc:
    host = f"{name}.example.com"
    if style == "listening":
        return {
            "CommunicationStyle": "TentaclePassive",
            "Uri": f"https://{host}:10933/",
            "Thumbprint": _hex(rng, 40),
            "CertificateSignatureAlgorithm": "sha256RSA",
            "TentacleVersionDetails": dict(TENTACLE),
        }
    if style == "polling":
        return {
            "CommunicationStyle": "TentacleActive",
            "Uri": f"poll://{_letters(rng)}/",
            "Thumbprint": _hex(rng, 40),
            "CertificateSignatureAlgorithm": "sha256RSA",
            "TentacleVersionDetails": dict(TENTACLE),
        }
    if style == "ssh":
        fingerprint = ":".join(_hex(rng, 2).lower() for _ in range(16))
        return {
            "CommunicationStyle": "Ssh",
            "Host": host,
            "Port": 22,
            "Fingerprint": fingerprint,
            "DotNetCorePlatform": "linux-x64",
        }
    if style == "kubernetes":
        env = name.split("-", 1)[0]
        return {
            "CommunicationStyle": "Kubernetes",
            "ClusterUrl": f"https://k8s-{env}.example.com",
            "Namespace": name.rsplit("-", 1)[0],
            "DefaultWorkerPoolId": "WorkerPools-2",
            "Authentication": {
                "AuthenticationType": "KubernetesPodService",
                "TokenPath": "/var/run/secrets/kubernetes.io/serviceaccount/token",
            },
        }
    return {"CommunicationStyle": "None", "DefaultWorkerPoolId": "WorkerPools-2"}


def _insert(state: State, resource: Any, fields: Doc) -> None:
    errors = prepare_endpoint(state, SPACE_ID, fields)
    if errors:  # the seed's own tables are wrong
        raise ValueError(f"demo target {fields['Name']!r}: {errors}")
    resource.insert(state, SPACE_ID, fields)


def _hex(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("0123456789ABCDEF") for _ in range(length))


def _letters(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(20))
