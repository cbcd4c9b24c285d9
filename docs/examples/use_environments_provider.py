import environments_provider

from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo", plugins=[("guided_environments", environments_provider)])

guided = octo.guided_environments.where(name=["Staging", "Production"])
plan = octo.plan(guided.use_guided_failure())
print(render_plan(plan))
octo.apply(plan)

# The provider's recipe is found by name, like a shipped one.
again = octo.plan_recipe("environments-guided-failure", {"environments": "Staging,Production"})
assert again.is_empty
