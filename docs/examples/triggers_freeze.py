from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")

freeze = octo.triggers.where(type="scheduled").disable()
nightly = octo.triggers.where(project="Customer Portal").ensure(
    "Nightly to Test",
    cron="0 0 2 * * *",
    action="deploy-latest-release",
    source_environments=["Development"],
    environment="Test",
    enabled=False,
)
plan = octo.plan(freeze, nightly)
print(render_plan(plan))
print(octo.apply(plan).recap)
