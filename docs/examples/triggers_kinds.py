from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")

auto_deploy = octo.triggers.where(project="Identity Server").ensure_deployment_target(
    "Deploy to new web servers", environments=["Staging", "Production"], roles=["web"]
)
on_package = octo.triggers.where(project="Billing API").ensure_feed("New package", steps="Deploy")
plan = octo.plan(auto_deploy, on_package)
print(render_plan(plan))
octo.apply(plan)
assert octo.plan(auto_deploy, on_package).is_empty
