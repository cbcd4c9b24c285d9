from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")

plan = octo.plan(
    octo.environments.ensure("UAT", after="Test", like="Test", guided_failure=True),
    octo.environments.where(name="Production").use_guided_failure(),
)
print(render_plan(plan))
report = octo.apply(plan)
print(report.recap)
