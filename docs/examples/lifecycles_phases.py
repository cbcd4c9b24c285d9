from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
default = octo.lifecycles.where(name="Default Lifecycle")

plan = octo.plan(
    default.retention(releases=30, files=10)
    .ensure_phase("Hotfix", after="Production")
    .phase("Hotfix")
    .min_environments(1)
    .phase("Staging")
    .remove_environments("Staging")
    .phase("Test")
    .add_environments("Staging", automatic=True),
)
print(render_plan(plan))
report = octo.apply(plan)
print(report.recap)
