from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
developers = octo.teams.where(name="Developers")

plan = octo.plan(
    # At least in Staging: the existing, restricted role is widened.
    developers.grant("Project deployer", environments=["Staging"]),
    # A new team gets its members and roles in the same apply.
    octo.teams.ensure("Auditors", description="Read-only access")
    .add_members(octo.users.where(team="Testers"))
    .grant("Project viewer")
    .grant("Environment viewer", environments="Production"),
    octo.teams.where(name="Testers").revoke("Project deployer"),
)
print(render_plan(plan))
report = octo.apply(plan)
