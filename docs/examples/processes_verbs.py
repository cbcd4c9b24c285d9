from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")
portal = octo.projects.where(name="Customer Portal")
smoke = portal.steps.where(name="Smoke test")
deploy = portal.steps.where(name="Deploy")

plan = octo.plan(
    deploy.add_roles("web-canary"),  # step: target roles (tags)
    smoke.set_environments("Test", "Staging"),  # action: environment conditions
    smoke.set_tenant_tags("Tier/Gold"),
    smoke.set_condition("Variable", "#{Smoke.Enabled}"),  # step: run condition
    smoke.set_start_trigger("StartWithPrevious"),
    smoke.set_property("Octopus.Action.Script.Syntax", "Python"),
    deploy.set_excluded_environments("Development"),
)
operation = plan.operations[0]
print(len(plan.operations), "write:", operation.name)
for change in operation.changes:
    print(" ", ".".join(plan.labels.get(part, part) for part in change.path))
