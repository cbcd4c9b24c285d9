from octoflow_plugins.targets.endpoints import Endpoint

from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")

web_13 = octo.targets.ensure(
    "prod-web-13",
    Endpoint.listening(
        "https://prod-web-13.example.com:10933/",
        thumbprint="8A7D2C1B0E9F4A3D6C5B8E7F1A2D3C4B5E6F7A8B",
    ),
    roles=["web"],
    environments=["Production"],
    tenants=["Summit Health Ltd."],
)
cluster = octo.targets.ensure(
    "prod-k8s-eu",
    Endpoint.kubernetes("https://k8s-eu.example.com", namespace="web", worker_pool="Hosted Ubuntu"),
    roles=["web", "api"],
    environments=["Production"],
    tenant_tags=["Region/EU"],
)
# An existing target keeps what it has and gains what is missing.
existing = octo.targets.ensure(
    "test-db-01",
    Endpoint.ssh("test-db-01.example.com", fingerprint="aa:bb:cc:dd", port=2222),
    roles=["db", "backup"],
    environments=["Test"],
)
plan = octo.plan(web_13, cluster, existing)
print(render_plan(plan))
report = octo.apply(plan)
print(octo.plan(web_13, cluster, existing).is_empty)
