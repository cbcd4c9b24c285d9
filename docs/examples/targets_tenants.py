from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
prod_api = octo.targets.where(role="api", environment="Production")

plan = octo.plan(
    # Linking a tenant (or a tenant tag) lets an Untenanted target deploy for tenants too.
    prod_api.where(name="prod-api-01").add_tenant("Summit Health Ltd."),
    prod_api.where(tenant_tag="Region/EU").add_tenant_tag("Tier/Gold"),
    octo.targets.where(tenant_tag="Region/US").set_tenanted_participation("Tenanted"),
    octo.targets.where(health="Unavailable").disable().set_machine_policy("Cloud Targets"),
)
print(render_plan(plan))
report = octo.apply(plan)
