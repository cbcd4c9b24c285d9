import environments_provider

from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo", plugins=[("environments", environments_provider)])

plan = octo.plan(octo.environments.where(name=["Staging", "Production"]).use_guided_failure())
print(render_plan(plan))
octo.apply(plan)

# The provider's recipe is found by name, like a shipped one.
again = octo.plan_recipe("environments-guided-failure", {"environments": "Staging,Production"})
assert again.is_empty
