from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
plan = octo.plan(
    octo.projects.ensure("Portal EU", like="Customer Portal", group="Customer Apps"),
    octo.projects.where(name="Billing API")
    .set_tenanted("Tenanted")
    .set_version_template("2.0.#{Octopus.Version.NextPatch}")
    .set_discrete_channel_release(),
)
print(render_plan(plan))
report = octo.apply(plan)
print(report.recap)
